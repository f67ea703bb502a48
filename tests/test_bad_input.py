"""Bad input gets a clear error naming its place, and nothing else."""

from __future__ import annotations

import json
import math

import pytest

from mutualgains import Case, CaseError, DecisionRule, Issue, Party, load_case
from mutualgains.cli import main


def base() -> dict:
    return {
        "name": "t",
        "parties": {"A": {"batna": 1}, "B": {"batna": 2, "weight": 2}},
        "issues": {"i": ["x", "y"], "j": ["u", "v", "w"]},
        "scores": {"A": {"i": {"x": 3, "y": 1}}, "B": {"j": [1, 2, 3]}},
    }


def problems(data) -> list[str]:
    with pytest.raises(CaseError) as info:
        Case.from_dict(data)
    return [str(p) for p in info.value.problems]


def only(data) -> str:
    found = problems(data)
    assert len(found) == 1, found
    return found[0]


def test_base_is_valid():
    assert Case.from_dict(base()).n_packages == 6


def test_unknown_party_in_scores():
    d = base()
    d["scores"]["C"] = {"i": [1, 2]}
    assert only(d) == "scores.C: unknown party (got 'C')"


def test_unknown_issue_in_scores():
    d = base()
    d["scores"]["A"]["k"] = [1]
    assert only(d) == "scores.A.k: unknown issue (got 'k')"


def test_unknown_option_in_scores():
    d = base()
    d["scores"]["A"]["i"]["z"] = 1
    assert only(d) == "scores.A.i.z: unknown option (options: x, y) (got 'z')"


def test_score_list_of_wrong_length():
    d = base()
    d["scores"]["B"]["j"] = [1, 2]
    assert only(d).startswith("scores.B.j: must list 3 scores, one per option")


def test_unknown_veto_party():
    d = base()
    d["decision_rule"] = {"min_parties": 1, "veto": ["Z"]}
    assert only(d) == "decision_rule.veto: unknown party (got 'Z')"


def test_min_parties_larger_than_parties():
    d = base()
    d["decision_rule"] = {"min_parties": 3}
    assert only(d) == "decision_rule.min_parties: must be at most the number of parties (2) (got 3)"


@pytest.mark.parametrize("k", [0, -1, 1.5, "two", True])
def test_min_parties_not_a_positive_integer(k):
    d = base()
    d["decision_rule"] = {"min_parties": k}
    assert only(d).startswith("decision_rule.min_parties: must be")


def test_unknown_decision_rule_key():
    d = base()
    d["decision_rule"] = {"min": 1}
    assert only(d).startswith("decision_rule.min: unknown key")


def test_unknown_top_level_and_party_keys():
    d = base()
    d["isues"] = {}
    d["parties"]["A"]["bat"] = 3
    from mutualgains.model.convert import CASE_KEYS, PARTY_KEYS

    assert problems(d) == [
        f"isues: unknown key (known: {', '.join(CASE_KEYS)})",
        f"parties.A.bat: unknown key (known: {', '.join(PARTY_KEYS)})",
    ]


def test_duplicate_party_objects():
    with pytest.raises(CaseError, match="parties.A: duplicate party name"):
        Case([Party("A"), Party("A")], [Issue("i", ["x"])], {})


def test_duplicate_issue_objects():
    with pytest.raises(CaseError, match="issues.i: duplicate issue name"):
        Case([Party("A")], [Issue("i", ["x"]), Issue("i", ["y"])], {})


def test_duplicate_option():
    d = base()
    d["issues"]["i"] = ["x", "x"]
    assert "issues.i.x: duplicate option name" in problems(d)


def test_issue_without_options():
    d = base()
    d["issues"]["k"] = []
    assert only(d) == "issues.k: must have at least one option (got none)"


def test_issue_options_not_a_list():
    d = base()
    d["issues"]["k"] = "x, y"
    assert only(d) == "issues.k: must be a list of option names (got 'x, y')"


@pytest.mark.parametrize("value", ["ten", None, [1], True])
def test_non_numeric_score(value):
    d = base()
    d["scores"]["A"]["i"]["x"] = value
    assert only(d).startswith("scores.A.i.x: must be a number")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_score(value):
    d = base()
    d["scores"]["B"]["j"] = [1, value, 3]
    assert only(d).startswith("scores.B.j.v: must be a finite number")


@pytest.mark.parametrize("value", [math.nan, math.inf, "high"])
def test_bad_batna(value):
    d = base()
    d["parties"]["A"]["batna"] = value
    assert only(d).startswith("parties.A.batna: must be a")


def test_negative_weight():
    d = base()
    d["parties"]["B"]["weight"] = -1
    assert only(d) == "parties.B.weight: must be non-negative (got -1)"


def test_bad_margin():
    d = base()
    d["margin"] = math.nan
    assert only(d).startswith("margin: must be a finite number")


def test_every_problem_reported_at_once():
    d = base()
    d["parties"]["A"]["batna"] = "x"
    d["parties"]["B"]["weight"] = -2
    d["issues"]["k"] = []
    d["scores"]["A"]["i"]["q"] = 1
    d["decision_rule"] = {"min_parties": 9, "veto": ["Nobody"]}
    found = problems(d)
    assert len(found) == 6, found
    assert any(p.startswith("parties.A.batna") for p in found)
    assert any(p.startswith("scores.A.i.q") for p in found)


def test_objects_validate_themselves():
    with pytest.raises(CaseError, match="parties.P.weight: must be non-negative"):
        Party("P", weight=-0.5)
    with pytest.raises(CaseError, match="issues.i: must have at least one option"):
        Issue("i", [])
    with pytest.raises(CaseError, match="decision_rule.min_parties: must be at least 1"):
        DecisionRule(min_parties=0)
    with pytest.raises(CaseError, match="must be a non-empty string"):
        Party("")


def test_case_errors_are_value_errors():
    with pytest.raises(ValueError):
        Party("P", batna=math.nan)


def test_bad_package():
    case = Case.from_dict(base())
    with pytest.raises(CaseError) as info:
        case.package_indices({"i": "z", "k": "x"})
    assert [str(p) for p in info.value.problems] == [
        "package.k: unknown issue (got 'k')",
        "package.i: unknown option (options: x, y) (got 'z')",
        "package.j: missing option for this issue",
    ]


# ----------------------------------------------------------------------- files


def test_file_does_not_exist(tmp_path):
    with pytest.raises(CaseError, match="no such file or folder"):
        load_case(tmp_path / "missing.yaml")


def test_malformed_yaml(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("parties:\n  A: {batna: 1\nissues: [\n")
    with pytest.raises(CaseError, match=r"bad.yaml:\d+:\d+: malformed YAML"):
        load_case(path)


def test_malformed_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"parties": {"A": 1},}')
    with pytest.raises(CaseError, match=r"bad.json:1:\d+: malformed JSON"):
        load_case(path)


def test_duplicate_keys_in_yaml(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("parties:\n  A: {batna: 1}\n  A: {batna: 2}\nissues: {i: [x]}\n")
    with pytest.raises(CaseError, match=r"dup.yaml:3:3: malformed YAML \(got duplicate key 'A'\)"):
        load_case(path)


def test_duplicate_keys_in_json(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('{"parties": {"A": 1, "A": 2}, "issues": {"i": ["x"]}}')
    with pytest.raises(CaseError, match="duplicate key 'A'"):
        load_case(path)


def test_json_nan_rejected(tmp_path):
    path = tmp_path / "nan.json"
    path.write_text(json.dumps({"parties": {"A": {"batna": math.nan}}, "issues": {"i": ["x"]}}))
    with pytest.raises(CaseError, match="parties.A.batna: must be a finite number"):
        load_case(path)


def test_not_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(CaseError, match="case: must be a mapping"):
        load_case(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("")
    with pytest.raises(CaseError, match="is empty"):
        load_case(path)


def test_unknown_suffix(tmp_path):
    path = tmp_path / "case.txt"
    path.write_text("x")
    with pytest.raises(CaseError, match="unknown case file type"):
        load_case(path)


def test_folder_of_unknown_format(tmp_path):
    with pytest.raises(CaseError, match="folder is not a known case format"):
        load_case(tmp_path)


# ------------------------------------------------------------------------- CLI


def test_cli_reports_each_problem_on_one_line(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("parties: {A: {batna: .nan}, B: {weight: -1}}\nissues: {i: []}\n")
    assert main(["solve", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "error: parties.A.batna: must be a finite number (got nan)",
        "error: parties.B.weight: must be non-negative (got -1)",
        "error: issues.i: must have at least one option (got none)",
    ]


def test_cli_missing_file(capsys):
    assert main(["solve", "does/not/exist.json"]) == 2
    out, err = capsys.readouterr()
    assert err == "error: does/not/exist.json: no such file or folder\n"
    assert "Traceback" not in out + err


def test_cli_unknown_solver(tmp_path, capsys):
    path = tmp_path / "ok.yaml"
    path.write_text("parties: {A: 0}\nissues: {i: [x]}\n")
    assert main(["solve", str(path), "--solver", "nosuch"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: solver: unknown solver 'nosuch'")
    assert len(err.splitlines()) == 1
