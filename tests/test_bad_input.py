"""Bad input gets a clear error naming its place, and nothing else."""

from __future__ import annotations

import json
import math
import re

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


# ------------------------------------------------------- numbers and limits


def test_magnitude_limit_is_derived_from_the_tolerance():
    from mutualgains.limits import MAX_MAGNITUDE
    from mutualgains.tolerance import TOLERANCE

    assert MAX_MAGNITUDE == TOLERANCE * 1e15
    # a double near the limit is held to better than an eighth of the tolerance
    assert math.ulp(MAX_MAGNITUDE) < TOLERANCE / 8


@pytest.mark.parametrize("value", [10**9, -(10**9), 1e9, -1e9])
def test_numbers_at_the_limit_are_accepted(value):
    d = base()
    d["scores"]["A"]["i"]["x"] = value
    d["parties"]["B"]["batna"] = value
    assert Case.from_dict(d).scores["A"]["i"][0] == value


@pytest.mark.parametrize("value", [10**9 + 1, 1e9 * (1 + 1e-15), -1e16, 10**400])
def test_numbers_beyond_the_limit_are_refused_with_their_place(value):
    d = base()
    d["scores"]["A"]["i"]["x"] = value
    assert only(d).startswith("scores.A.i.x: must be at most 1e+09 in absolute value "
                              "(limits.MAX_MAGNITUDE)")


def test_scores_at_the_limit_solve_exactly_under_a_k_of_n_rule():
    """The limit is one the MIP handles: a k-of-n rule (big-M rows) with scores of 1e9."""
    from mutualgains import solve
    from mutualgains.testing import BruteForce

    big = 1e9
    case = Case.from_dict({
        "parties": {"A": {"batna": big / 2}, "B": {"batna": -big}, "C": {"batna": big / 3}},
        "issues": {"i": ["x", "y", "z"], "j": ["u", "v"], "k": ["p", "q"]},
        "scores": {"A": {"i": [big, -big, 0.5], "j": [0, big / 7], "k": [1, -1]},
                   "B": {"i": [-big, big, 3], "j": [big, -big], "k": [0, big / 3]},
                   "C": {"i": [0, big / 2, -big], "j": [big / 9, 0], "k": [big, 0]}},
        "decision_rule": {"min_parties": 2},
    })
    result = solve(case, method="mip")
    oracle = BruteForce(case)
    assert result.status.value == "optimal"
    assert result.objective_value == pytest.approx(oracle.best("joint"), rel=1e-12)


def test_size_limits_of_a_case():
    from mutualgains.limits import MAX_OPTIONS, MAX_SCORE_CELLS
    from mutualgains.model.validate import size_problems

    assert size_problems(1, MAX_OPTIONS) == []
    assert [str(p) for p in size_problems(1, MAX_OPTIONS + 1)] == [
        "issues: must have at most 1,000,000 options (limits.MAX_OPTIONS) in all "
        "(got 1,000,001)"]
    assert size_problems(MAX_SCORE_CELLS // 1000, 1000) == []
    assert size_problems(MAX_SCORE_CELLS // 1000 + 1, 1000)[0].where == "scores"


def test_an_issue_beyond_the_option_limit_is_refused_before_its_options_are_checked():
    from mutualgains.limits import MAX_OPTIONS

    with pytest.raises(CaseError, match=r"issues.i: must have at most 1,000,000 options"):
        Issue("i", [""] * (MAX_OPTIONS + 1))  # blank names: not one reported


def test_option_positions_are_a_lookup():
    issue = Issue("i", ["x", "y", "z"])
    assert dict(issue.positions) == {"x": 0, "y": 1, "z": 2}
    assert issue.index("z") == 2
    with pytest.raises(ValueError, match="'w' is not an option of issue 'i'"):
        issue.index("w")


def test_frozen_values_are_written_in_one_place():
    """The model normalises its frozen fields through util.set_fields only."""
    from pathlib import Path

    import mutualgains.model

    folder = Path(mutualgains.model.__file__).parent
    sites = [p.name for p in folder.glob("*.py") if "object.__setattr__" in p.read_text()]
    assert sites == []


def test_a_case_without_issues_has_one_package_everywhere():
    from mutualgains import alternatives, pareto_frontier, solve

    case = Case.from_dict({"parties": {"A": 0, "B": -1}, "issues": {}})
    assert case.n_packages == 1
    assert case.utility_rows([[]]).tolist() == [[0.0, 0.0]]
    assert solve(case).status.value == "optimal"
    assert solve(case, method="mip").status.value == "optimal"
    assert len(pareto_frontier(case).to_frame()) == 1
    assert len(alternatives(case, 3)) == 1


# ---------------------------------------------------------------- YAML, JSON


def test_yaml_aliases_and_merge_keys_still_work():
    from mutualgains.io.plaindata import yaml_data

    data = yaml_data("base: &b {batna: 1}\nparties: {A: *b, B: {<<: *b, weight: 2}}\n", "x")
    assert data["parties"] == {"A": {"batna": 1}, "B": {"batna": 1, "weight": 2}}


def test_yaml_alias_bomb_is_refused_before_anything_is_built():
    from mutualgains.io.plaindata import yaml_data

    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(CaseError, match=r"x\.yaml:\d+:\d+: must hold at most 1,000,000 values "
                                        r"\(limits\.MAX_YAML_NODES\) \(aliases expanded\)"):
        yaml_data("\n".join(lines), "x.yaml")


@pytest.mark.parametrize("text, rule", [
    ("parties: {[A, B]: 1}", "a list cannot be a key"),
    ("? {a: 1}\n: 1", "a mapping cannot be a key"),
    ("x: " + "9" * 5000, "an integer of 5,000 digits is too long"),
    ("x: " + "[" * 100 + "]" * 100, "must nest lists and mappings at most 32 levels"),
])
def test_yaml_refusals_name_line_and_column(text, rule):
    from mutualgains.io.plaindata import yaml_data

    with pytest.raises(CaseError, match=r"^1 problem in the case:\n  x\.yaml:\d+:\d+: ") as info:
        yaml_data(text, "x.yaml")
    assert rule in str(info.value)


def test_a_byte_order_mark_is_accepted(tmp_path):
    for name, text in (("bom.json", '{"parties": {"A": 0}, "issues": {"i": ["x"]}}'),
                       ("bom.yaml", "parties: {A: 0}\nissues: {i: [x]}\n")):
        (tmp_path / name).write_bytes(b"\xef\xbb\xbf" + text.encode())
        assert load_case(tmp_path / name).party_names == ("A",)


def test_json_nesting_beyond_the_interpreter_is_a_case_error():
    from mutualgains.io.plaindata import json_data

    with pytest.raises(CaseError, match="must nest lists and mappings at most 32 levels"):
        json_data("[" * 100_000 + "]" * 100_000, "x.json")


# -------------------------------------------------------- files and folders


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    import os

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp_path / "case.yaml")
    with pytest.raises(CaseError, match=r"must be a regular file or a folder \(it is a FIFO"):
        load_case(tmp_path / "case.yaml")


def test_every_entry_of_a_genius_folder_is_accounted_for(tmp_path):
    from mutualgains.io.genius import read_genius

    domain = ('<negotiation_template><utility_space><objective index="0">'
              '<issue index="1" name="price" type="integer" lowerbound="1" upperbound="2"/>'
              '</objective></utility_space></negotiation_template>')
    profile = ('<utility_space><objective index="0"><issue index="1" name="price" '
               'type="integer" lowerbound="1" upperbound="2"><evaluator ftype="linear" '
               'slope="1" offset="0"/></issue><weight index="1" value="1"/></objective>'
               '</utility_space>')
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "domain.xml").write_text(domain)
    (folder / "a.xml").write_text(profile)
    (folder / "b.xml").write_bytes(bytes(range(256)))  # a party that cannot be read
    with pytest.raises(CaseError) as info:
        read_genius(folder)
    assert [p.where for p in info.value.problems] == [str(folder / "b.xml")]
    (folder / "b.xml").unlink()
    for name, text in (("pareto.xml", "0.5, 1\n"), ("notes.txt", "x"), ("README.md", "x")):
        (folder / name).write_text(text)
    assert read_genius(folder).party_names == ("a",)


def test_a_scores_file_that_config_does_not_name_is_an_error(tmp_path):
    from mutualgains.io.scorable import read_scorable

    (tmp_path / "scores_files").mkdir()
    (tmp_path / "config.txt").write_text("A,a,p1\nB,b,p2\n")
    for stem in "abc":
        (tmp_path / "scores_files" / f"{stem}.txt").write_text("1, 2\n1\n")
    with pytest.raises(CaseError) as info:
        read_scorable(tmp_path)
    assert [p.where for p in info.value.problems] == ["scores_files/c.txt"]


# -------------------------------------------------------------------- Excel


def _sheets_with(score: object) -> dict[str, list[tuple]]:
    return {"parties": [("party", "batna"), ("A", 0), ("B", 0)],
            "scores": [("party", "issue", "option", "score"), ("A", "i", "x", score),
                       ("B", "i", "x", 1)]}


def _workbook(sheets: dict[str, list[tuple]]):
    openpyxl = pytest.importorskip("openpyxl")
    import io

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_formula_without_a_computed_value_names_its_cell():
    import io

    from mutualgains.io.excel import case_from_excel

    raw = _workbook(_sheets_with("=10+4"))  # openpyxl stores no computed value
    with pytest.raises(CaseError) as info:
        case_from_excel(io.BytesIO(raw))
    assert [str(p) for p in info.value.problems] == [
        "scores!D2 (score): the formula =10+4 has no computed value (the workbook was saved "
        "without calculating it, e.g. by a script: open and save it in Excel or LibreOffice, "
        "or write the value itself)"]


def test_a_formula_counts_with_its_computed_value():
    import io
    import zipfile

    from mutualgains.io.excel import case_from_excel

    raw = _workbook(_sheets_with("=10+4"))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):  # what Excel writes on saving
                data = re.sub(rb"<f>10\+4</f>(<v\s*/>)?", b"<f>10+4</f><v>14</v>", data)
            target.writestr(item, data)
    assert case_from_excel(io.BytesIO(out.getvalue())).scores["A"]["i"] == (14,)


def test_exact_floats_are_written_through_openpyxls_public_attributes(tmp_path):
    import zipfile

    from openpyxl.compat.strings import safe_string  # what openpyxl writes for a number

    from mutualgains.io.excel import case_from_excel, case_to_excel

    pytest.importorskip("openpyxl")
    value = 0.1 + 0.2
    assert safe_string(value) == "0.3"  # measured: "%.16g" loses the 17th digit
    case = Case([Party("A", batna=value)], [Issue("i", ["x"])], {"A": {"i": [1 / 3]}})
    path = tmp_path / "exact.xlsx"
    case_to_excel(case, path)
    with zipfile.ZipFile(path) as book:
        sheets = b"".join(book.read(n) for n in book.namelist() if "worksheets/" in n)
    assert b"<v>0.30000000000000004</v>" in sheets
    assert case_from_excel(path) == case


def test_excel_cells_beyond_the_sheet_are_refused_before_reading():
    import io
    import zipfile

    from mutualgains.io.excel import case_from_excel

    raw = _workbook(_sheets_with(1))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"</sheetData>", b'<row r="99999999"><c r="A99999999">'
                                    b"<v>1</v></c></row></sheetData>")
            target.writestr(item, data)
    with pytest.raises(CaseError, match="names a cell beyond the last of an Excel sheet"):
        case_from_excel(io.BytesIO(out.getvalue()))


# ------------------------------------------------------------------ phasing


def test_the_predicted_phasing_size_bounds_the_model():
    import mutualgains as mg
    from mutualgains.engine.mip import MipModel
    from mutualgains.phasing.instance import (
        build_instance,
        package_choice,
        phasing_settings,
        predicted_size,
    )
    from mutualgains.phasing.program import Program
    from mutualgains.phasing.windows import compute_windows

    case = mg.load_example("regional")
    choice = package_choice(case, mg.solve(case).package)
    for periods in (10, 30):
        for carry in (None, 0.0):
            inst = build_instance(case, choice, phasing_settings(case, periods, None, carry,
                                                                 None))
            size = predicted_size(inst.n, periods, list(inst.durations), len(inst.edges))
            win = compute_windows(inst, False)
            assert sum(r.size for r in win.reach) <= size["windows"]
            for formulation in ("started_by", "start"):
                model = Program(inst, win, formulation, complete=False).model
                assert isinstance(model, MipModel)
                assert model.n_variables <= size["variables"]


def test_a_phasing_model_that_cannot_fit_is_refused_naming_periods():
    import mutualgains as mg
    from mutualgains.errors import UsageError

    case = mg.load_example("regional")
    package = mg.solve(case).package
    with pytest.raises(UsageError, match=r"^periods: 5,000 periods for \d+ projects need a "
                                         r"phasing model of about [\d,]+ numbers"):
        mg.phase(case, package, periods=5000)
    with pytest.raises(UsageError, match=r"periods: must be at most 10,000 "
                                         r"\(limits\.MAX_PERIODS\)"):
        mg.phase(case, package, periods=10_000_000)


# --------------------------------------------------------- the ruled-out search


def test_the_ruled_out_search_stops_within_its_steps_and_says_so():
    from mutualgains.model.relations import DependencyWarning, Requires

    n = 800  # a chain: every option's search follows the rest of it (n^2 / 2 steps)
    issues = [Issue(f"i{k}", ["out", "in"]) for k in range(n)]
    chain = [Requires({f"i{k}": "in"}, {f"i{k + 1}": "in"}) for k in range(n - 1)]
    with pytest.warns(DependencyWarning, match="stopped after 250,000 steps") as caught:
        Case([Party("A")], issues, {}, requires=chain)
    assert caught[0].filename == __file__  # attributed to the caller, not to mutualgains


def test_case_to_frames_says_what_it_leaves_out():
    from mutualgains.io.examples import load_example
    from mutualgains.io.frames import IncompleteFramesWarning, case_to_frames

    with pytest.warns(IncompleteFramesWarning, match="precedes, phasing of case"):
        case_to_frames(load_example("regional"))


def test_case_to_frames_says_it_leaves_out_who_controls_what():
    from mutualgains.io.frames import IncompleteFramesWarning, case_to_frames

    case = Case.from_dict({"parties": {"Port": 5, "City": 1}, "issues": {"dredge": ["no", "yes"]},
                           "controls": {"Port": ["dredge"]}})
    with pytest.warns(IncompleteFramesWarning, match="controls of case"):
        case_to_frames(case)
