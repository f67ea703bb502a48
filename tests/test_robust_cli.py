"""``mutualgains robust`` and ``mutualgains sweep`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mutualgains.cli import main


def run_json(capsys, argv: list[str]) -> tuple[int, dict]:
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_robust_reports_every_section(capsys):
    code = main(["robust", "harbour", "--noise", "0.1", "--samples", "300", "-k", "3",
                 "--saa-samples", "60", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    for heading in ("acceptance (exact where marked", "whose uncertainty matters most",
                    "stability radius", "rank acceptability of the 3 best packages",
                    "the best package when the scores are drawn (300 solves",
                    "robust package (SAA, every party accepting with probability >= 0.9"):
        assert heading in out, heading
    assert "robustness costs" in out


def test_robust_json_on_a_local_pool_resumes_its_drawn_solves(capsys, tmp_path):
    out = tmp_path / "optima.csv"
    argv = ["robust", "harbour", "--noise", "0.2", "--shape", "uniform", "--batnas",
            "--samples", "40", "--no-robust", "--executor", "processes", "--workers", "2",
            "--out", str(out), "--json", "--package",
            "infrastructure=water and land,ecology=improve,employment=union only,"
            "loan=3 billion,compensation=150 million"]
    code, data = run_json(capsys, argv)
    assert code == 0 and data["package"]["loan"] == "3 billion"
    assert data["uncertainty"] == "every score and BATNA uniform, half-width 20 % of its value"
    assert "monte carlo" in {p["method"] for p in data["acceptance"]["parties"]}
    assert [r["measure"] for r in data["radius"]] == ["absolute", "relative"]
    assert data["optima"]["sweep"]["run"] == 40
    _, again = run_json(capsys, argv)
    assert again["optima"]["sweep"]["resumed"] == 40 and again["optima"]["sweep"]["run"] == 0
    assert again["optima"]["packages"] == data["optima"]["packages"]


def test_robust_needs_some_uncertainty(capsys):
    assert main(["robust", "harbour", "--samples", "10"]) == 2
    assert "give --noise REL" in capsys.readouterr().err
    assert main(["robust", "harbour", "--noise", "0.1", "--samples", "0"]) == 2
    assert "--samples: must be at least 1" in capsys.readouterr().err


@pytest.fixture
def scenarios_file(tmp_path):
    path = tmp_path / "what-if.yaml"
    path.write_text("case: harbour\ntask: solve\nseed: 2\n"
                    "scenarios:\n  - {id: base}\n  - {id: typo, batnas: {Prot: 1}}\n"
                    "grid: {batnas: {Port: [50, 60]}}\n")
    return path


def test_sweep_runs_a_file_and_reports_failures(capsys, scenarios_file):
    code = main(["sweep", str(scenarios_file), "--option", "objective=egalitarian",
                 "--no-progress"])
    out = capsys.readouterr().out
    assert code == 1  # a scenario failed
    assert "4 scenarios (4 run, 0 resumed, 1 failed)" in out
    assert "failed typo: CaseError: batnas.Prot: unknown party" in out


def test_sweep_json_limit_and_resume(capsys, scenarios_file, tmp_path):
    out = tmp_path / "rows.csv"
    argv = ["sweep", str(scenarios_file), "--out", str(out), "--json", "--no-progress"]
    code, data = run_json(capsys, [*argv, "--limit", "2"])
    assert code == 1 and data["summary"]["status"] == "limit" and len(data["rows"]) == 2
    code, data = run_json(capsys, argv)
    assert data["summary"]["resumed"] == 2 and data["summary"]["run"] == 2
    assert [r["scenario"] for r in data["rows"]] == ["base", "typo", "batnas.Port=50",
                                                     "batnas.Port=60"]
    assert data["rows"][0]["objective_value"] == 114 and data["rows"][1]["ok"] is False
    assert main([*argv, "--seed", "9"]) == 2  # another seed: another sweep
    assert "holds another sweep" in capsys.readouterr().err


def test_sweep_bad_files(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("case: harbour\nscenario: []\n")
    assert main(["sweep", str(path)]) == 2
    assert "unknown key 'scenario'" in capsys.readouterr().err
    assert main(["sweep", str(tmp_path / "missing.yaml")]) == 2


# ---------------------------------------------------------------- JSON Schemas


SCHEMAS = Path(__file__).resolve().parents[1] / "mutualgains" / "data" / "schemas"


def validator(name: str):
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource

    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (key, Resource.from_contents(value)) for key, value in schemas.items())
    schema = schemas[f"{name}.schema.json"]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("args", [
    ["robust", "harbour", "--noise", "0.1", "--samples", "80", "--saa-samples", "30"],
    ["robust", "harbour", "--noise", "0.3", "--shape", "interval", "--batnas", "--samples",
     "50", "--no-optima", "--q", "0.99", "--saa-samples", "20"],
    ["robust", "{stuck}", "--noise", "0.1", "--samples", "20"],  # no agreement: no package
])
def test_robust_json_follows_its_schema(args, capsys, tmp_path):
    stuck = tmp_path / "stuck.json"
    stuck.write_text('{"parties": {"A": 5, "B": 5}, "issues": {"i": ["x", "y"]}, '
                     '"scores": {"A": {"i": [6, 0]}, "B": {"i": [0, 6]}}}')
    main([a.replace("{stuck}", str(stuck)) for a in args] + ["--json", "--no-progress"])
    data = strict_json(capsys.readouterr().out)
    errors = sorted(validator("robust").iter_errors(data), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_sweep_json_follows_its_schema(capsys, scenarios_file, tmp_path):
    main(["sweep", str(scenarios_file), "--json", "--no-progress", "--out",
          str(tmp_path / "rows.csv")])
    data = strict_json(capsys.readouterr().out)
    assert not list(validator("sweep").iter_errors(data))
    data["surprise"] = 1
    assert list(validator("sweep").iter_errors(data))
