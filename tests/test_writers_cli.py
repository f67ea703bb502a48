"""``mutualgains convert IN OUT --to FORMAT``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mutualgains import load_case, read_genius, read_geniusweb
from mutualgains.cli import main
from mutualgains.io.examples import load_example

GENIUSWEB = Path(__file__).resolve().parents[2] / "shared" / "cases" / "geniusweb"


@pytest.mark.parametrize(("fmt", "name"), [("yaml", "h.yaml"), ("json", "h.json"),
                                           ("excel", "h.xlsx")])
def test_case_files_are_exact(tmp_path, capsys, fmt, name):
    if fmt == "excel":
        pytest.importorskip("openpyxl")
    out = tmp_path / name
    assert main(["convert", "harbour", str(out), "--to", fmt]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {fmt} to {out}"
    assert load_case(out) == load_example("harbour")


def test_the_format_comes_from_the_suffix(tmp_path, capsys):
    assert main(["convert", "regional", str(tmp_path / "r.yml")]) == 0
    assert main(["convert", "regional", str(tmp_path / "folder")]) == 2
    assert "say --to (yaml, json, excel, genius, geniusweb)" in capsys.readouterr().err
    assert main(["convert", "regional", str(tmp_path / "r.txt"), "--to", "yaml"]) == 2
    assert "--to yaml writes a .yaml or .yml file" in capsys.readouterr().err


def test_an_existing_file_is_kept_unless_overwrite(tmp_path, capsys):
    out = tmp_path / "h.json"
    out.write_text("{}")
    assert main(["convert", "harbour", str(out)]) == 2
    assert "exists (pass --overwrite to replace it)" in capsys.readouterr().err
    assert out.read_text() == "{}"
    assert main(["convert", "harbour", str(out), "--overwrite"]) == 0


@pytest.mark.parametrize("fmt", ["genius", "geniusweb"])
def test_what_cannot_be_expressed_stops_with_one_line_each(tmp_path, capsys, fmt):
    out = tmp_path / "harbour"
    assert main(["convert", "harbour", str(out), "--to", fmt]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == ("error: decision_rule: " + ("GENIUS" if fmt == "genius" else "GeniusWeb")
                      + " cannot express a decision rule other than unanimity (--lossy drops "
                        "it) (got 4 of 5, veto Port, City)")
    assert all(line.startswith("error: ") and "lossy=True" not in line for line in err)
    assert not out.exists()


@pytest.mark.parametrize(("fmt", "reader"), [("genius", read_genius),
                                             ("geniusweb", read_geniusweb)])
def test_lossy_writes_and_lists_what_it_dropped(tmp_path, capsys, fmt, reader):
    out = tmp_path / "harbour"
    assert main(["convert", "harbour", str(out), "--to", fmt, "--lossy", "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["maps"]["Port"] == {"shift": 0, "scale": 100}
    assert report["dropped"][0].startswith("decision_rule:")
    warnings = captured.err.splitlines()
    assert warnings[0].startswith("warning: ") and "--lossy dropped or changed" in warnings[0]
    assert any("decision_rule" in line for line in warnings)
    assert reader(out).party_names == tuple(sorted(load_example("harbour").party_names))
    assert main(["convert", "harbour", str(out), "--to", fmt, "--lossy"]) == 2
    assert "pass --overwrite to replace" in capsys.readouterr().err


@pytest.mark.skipif(not GENIUSWEB.is_dir(), reason=f"shared GeniusWeb domains not found at "
                                                   f"{GENIUSWEB}")
def test_a_geniusweb_folder_to_genius_and_back(tmp_path, capsys):
    assert main(["convert", str(GENIUSWEB / "Party"), str(tmp_path / "party"), "--to",
                 "genius"]) == 0
    assert "party1: utility in the file = utility / 0.939" in capsys.readouterr().out
    assert main(["convert", str(tmp_path / "party"), str(tmp_path / "web"), "--to", "geniusweb",
                 "--tags", "class"]) == 0
    assert "DiscreteValueSetUtilities" in (tmp_path / "web" / "party1.json").read_text()
