"""What an installed package promises: metadata, the version, quick imports, standard input,
and a JSON Schema for the ``--json`` output of every command (checked on real outputs)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import mutualgains
from mutualgains.cli import main
from mutualgains.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "mutualgains" / "data" / "schemas"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
HEAVY = ("numpy", "pandas", "pulp", "networkx", "yaml", "matplotlib", "highspy", "plotly")

STUCK = ('{"parties": {"A": 5, "B": 5}, "issues": {"i": ["x", "y"]}, '
         '"scores": {"A": {"i": [6, 0]}, "B": {"i": [0, 6]}}}')
PROPOSAL = ("infrastructure=water,ecology=maintain,employment=2:1 quota,loan=2 billion,"
            "compensation=300 million")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mutualgains", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT)


# ------------------------------------------------------------------ metadata


def test_licence_and_metadata():
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"  # an SPDX expression (PEP 639)
    assert project["license-files"] == ["LICENSE"]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "the mutualgains authors" in licence
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]  # PEP 639
    assert "Typing :: Typed" in project["classifiers"]
    assert (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").startswith("# Changelog")
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert "cff-version: 1.2.0" in citation
    assert f"version: {mutualgains.__version__}" in citation


def test_one_version_everywhere():
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "mutualgains.__version__"}
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"mutualgains {mutualgains.__version__}"


def test_the_test_extra_holds_no_benchmark_dependencies():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert not [r for r in extras["test"] if r.startswith("negmas")]
    assert any(r.startswith("negmas") for r in extras["benchmarks"])


def test_ci_runs_the_negmas_smoke_test_as_its_own_step():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -e ".[test]" && python -m pytest' in script
    assert '.[benchmarks]' in script and "tests/test_bench_negmas.py" in script


# ------------------------------------------------------------------ imports


@pytest.mark.parametrize("code", [
    "import mutualgains",
    "from mutualgains.cli.main import main\n"
    "try:\n    main(['--help'])\nexcept SystemExit:\n    pass",
    "from mutualgains.cli.main import main\n"
    "try:\n    main(['solve', '--help'])\nexcept SystemExit:\n    pass",
])
def test_import_and_help_load_nothing_heavy(code):
    probe = code + "\nimport sys\nprint(sorted({m.split('.')[0] for m in sys.modules}))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1].replace("'", '"')))
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


# ------------------------------------------------------------------ standard input


def test_a_yaml_case_on_standard_input():
    case = "parties: {A: 1, B: 1}\nissues: {i: [x, y]}\nscores: {A: {i: [0, 2]}, B: {i: [3, 2]}}\n"
    out = run("solve", "-", "--json", stdin=case)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["package"] == {"i": "y"}


def test_a_json_case_on_standard_input_and_its_errors():
    out = run("explain", "-", "--json", stdin=STUCK)
    assert out.returncode == 0 and json.loads(out.stdout)["agreement"] is False
    bad = run("solve", "-", stdin='{"parties": {"A": 1}, "parties": {"B": 1}}')
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: <stdin>: malformed JSON (got duplicate key 'parties')"
    empty = run("solve", "-", stdin="")
    assert empty.returncode == 2 and empty.stderr.strip() == "error: <stdin>: is empty"
    broken = run("solve", "-", stdin="parties: {A: 1\n")
    assert broken.returncode == 2 and broken.stderr.startswith("error: <stdin>:2:1: malformed")


# ------------------------------------------------------------------ JSON Schemas


def validator(name: str):
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource

    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (key, Resource.from_contents(value)) for key, value in schemas.items())
    schema = schemas[f"{name}.schema.json"]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def _json_commands() -> list[str]:
    """The commands that take ``--json`` (``mcp`` speaks the protocol instead)."""
    import argparse
    import importlib

    out = []
    for name in COMMANDS:
        parser = argparse.ArgumentParser()
        importlib.import_module(f"mutualgains.cli.{name}").add_parser(parser.add_subparsers())
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if any("--json" in action.option_strings for action in sub.choices[name]._actions):
            out.append(name)
    return out


def test_every_command_has_a_schema():
    assert sorted(p.name.split(".")[0] for p in SCHEMAS.glob("*.schema.json")) == \
        sorted(_json_commands())
    assert "solve" in _json_commands() and "mcp" not in _json_commands()


OUTPUTS = [
    ("solve", ["solve", "harbour"], None),
    ("solve", ["solve", "-", "-o", "nash"], STUCK),  # no agreement: no package
    ("frontier", ["frontier", "harbour", "--parties", "Port,City"], None),
    ("frontier", ["frontier", "harbour", "--method", "mip", "--max-points", "2"], None),
    ("alternatives", ["alternatives", "harbour", "-k", "3", "--min-difference", "2"], None),
    ("improve", ["improve", "harbour", "--package", PROPOSAL], None),
    ("explain", ["explain", "harbour"], None),
    ("explain", ["explain", "-", "--package", "i=x"], STUCK),
    ("phase", ["phase", "regional", "--earliest"], None),
    ("phase", ["phase", "regional", "--periods", "3", "--complete"], None),  # infeasible
    ("phase", ["phase", "-"], STUCK),  # no package to phase
    ("demo", ["demo"], None),
    ("convert", ["convert", "harbour", "{tmp}/harbour.yaml"], None),
    ("convert", ["convert", "regional", "{tmp}/regional", "--to", "genius", "--lossy"], None),
    ("robust", ["robust", "harbour", "--noise", "0.1", "--samples", "200", "--saa-samples", "30"],
     None),
    ("share", ["share", "regional", "--rule", "scrb"], None),
    ("share", ["share", "harbour", "--rule", "shapley", "--samples", "50"], None),
    ("share", ["share", "harbour", "--rule", "core", "--decision-rule"], None),
    ("share", ["share", "-"], STUCK),  # no agreement: nothing to share
]


@pytest.mark.parametrize(("schema", "args", "stdin"), OUTPUTS,
                         ids=[" ".join(a) for _, a, _ in OUTPUTS])
def test_json_output_follows_its_schema(schema, args, stdin, monkeypatch, capsys, tmp_path):
    import io

    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    main([*args, "--json"])
    data = json.loads(capsys.readouterr().out)
    errors = sorted(validator(schema).iter_errors(data), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_the_solve_schema_covers_money():
    import mutualgains as mg

    dike = mg.Case.from_dict({
        "parties": {"Farmers": 5, "City": 0}, "issues": {"dike": ["low", "high"]},
        "scores": {"Farmers": {"dike": [3, 1]}, "City": {"dike": [0, 20]}},
        "transfers": {"pairs": [["City", "Farmers"]]}})
    data = json.loads(json.dumps(mg.solve(dike, transfers=True).to_dict()))
    assert data["transfers"]
    validator("solve").validate(data)


def test_a_schema_catches_a_changed_output():
    data = json.loads(json.dumps(mutualgains.solve(mutualgains.load_example("harbour"))
                                 .to_dict()))
    data["surprise"] = 1
    assert list(validator("solve").iter_errors(data))
