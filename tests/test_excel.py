"""Cases as Excel workbooks: exact round trips, the template, and every kind of bad sheet."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from mutualgains import (
    Case,
    CaseError,
    DecisionRule,
    Excludes,
    Issue,
    Party,
    Precedes,
    Requires,
    Synergy,
    UsageError,
)
from mutualgains.io.examples import EXAMPLES, load_example
from mutualgains.io.excel import (
    REQUIRED_COLUMNS,
    SHEETS,
    case_from_excel,
    case_to_excel,
    copy_template,
)
from mutualgains.model.money import Transfers
from mutualgains.model.phasing import Phasing, Project
from mutualgains.model.relations import DependencyWarning

from .strategies import small_cases

try:
    import openpyxl
except ImportError:  # the "excel" extra is not installed: only test_without_openpyxl_* run
    openpyxl = None

ROOT = Path(__file__).resolve().parents[1]
GENIUS = ROOT.parent / "shared" / "cases" / "genius"


# ------------------------------------------------------------------ helpers


@pytest.fixture(autouse=True)
def _needs_openpyxl(request):
    if openpyxl is None and not request.node.name.startswith("test_without_openpyxl"):
        pytest.skip("openpyxl is not installed (the excel extra)")


def write_book(path: Path, sheets: dict[str, list[tuple]]) -> Path:
    """A workbook with one sheet per entry, rows as given (the first is the header)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    book.save(path)
    return path


def base() -> dict[str, list[tuple]]:
    """A small valid case as sheets: two parties, two issues."""
    return {
        "settings": [("key", "value"), ("name", "tiny")],
        "parties": [("party", "batna", "weight", "veto"), ("Port", 5, 1, True),
                    ("City", 3, 2, False)],
        "scores": [("party", "issue", "option", "score"),
                   ("Port", "tunnel", "out", 0), ("Port", "tunnel", "in", 8),
                   ("Port", "park", "no", 1), ("Port", "park", "yes", 0),
                   ("City", "tunnel", "out", 0), ("City", "tunnel", "in", 2),
                   ("City", "park", "no", 0), ("City", "park", "yes", 4)],
    }


def problems_of(path: Path) -> list[str]:
    with pytest.raises(CaseError) as err:
        case_from_excel(path)
    return [str(p) for p in err.value.problems]


def round_trip(case: Case, path: Path) -> Case:
    case_to_excel(case, path)
    return case_from_excel(path)


def every_feature() -> Case:
    """Every part of the layout, with awkward names and floats that need 17 digits."""
    return Case(
        [Party("Port", batna=10.1, weight=2, veto=True, budget=100.5),
         Party("City, town", batna=0.1 + 0.2, weight=0.5, cap=30),
         Party("=League", batna=-1, weight=0),
         Party("10", batna=1 / 3)],
        [Issue("tunnel", ("out", "in")),
         Issue("park", ("none", "small, green", 'the "big" one', " spaced ", "=1+2", "7")),
         Issue("permit", ("refused", "granted")),
         Issue("unused", ("a", "b"))],
        {"Port": {"tunnel": [0, 10], "park": [1, 2, 3, 4, 5, 6.25]},
         "City, town": {"park": {"small, green": 0.1 + 0.7}},
         "=League": {"tunnel": [2, -1]}},
        decision_rule=DecisionRule(min_parties=2, veto=["City, town"]),
        margin=0.5,
        name="every feature",
        description="Line one\nline two, with a comma",
        requires=[Requires({"tunnel": "in"}, {"permit": "granted",
                                              "park": ["small, green", 'the "big" one']}),
                  Requires({"park": "7"}, {"permit": ["refused", "granted"]}),
                  Requires({"tunnel": "in"}, {"permit": "granted"})],
        excludes=[Excludes({"tunnel": "in"}, {"park": "none"}),
                  Excludes({"park": " spaced "}, {"permit": "refused"})],
        synergy=[Synergy({"tunnel": "in", "park": ["small, green", "=1+2"]},
                         {"Port": 3, "=League": -2.5}, name="green"),
                 Synergy({"permit": "granted"}, {"City, town": 1}),
                 Synergy({"tunnel": "out"}, {}, name="green"),
                 Synergy({"unused": ["a", "b"]}, {"10": 0})],
        precedes=[Precedes({"permit": "granted"}, {"tunnel": "in"}),
                  Precedes({"tunnel": "in"}, {"park": "small, green"})],
        costs={"tunnel": {"in": 120.25}, "park": [0, 10, 0.1 + 0.2, 0, 0, 1]},
        total_budget=150,
        transfers=Transfers(pairs=[("Port", "City, town"), ("=League", "Port")], cap=7.5,
                            rate={"City, town": 2, "10": 0.1 + 0.2}),
        phasing=Phasing(periods=5, budget=[10, 20, 0.1 + 0.2, 0, 40], carry_over=0.8,
                        discount=0.05,
                        projects=[Project({"tunnel": "in"}, 3, [10, 20.5, 30]),
                                  Project({"permit": "granted"}, 1, 2),
                                  Project({"park": "small, green"}, 3, 10),
                                  Project({"park": "none"}, 2, [1, 1]),
                                  Project({"unused": "b"})]),
        controls={"Port": ["tunnel", "park"], "=League": ["park"], "10": ["unused"]},
    )


# --------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_examples_round_trip(name, tmp_path):
    case = load_example(name)
    assert round_trip(case, tmp_path / f"{name}.xlsx") == case


def test_every_feature_round_trips_exactly(tmp_path):
    case = every_feature()
    back = round_trip(case, tmp_path / "all.xlsx")
    assert back == case
    assert back.party("City, town").batna == 0.1 + 0.2  # all 17 digits kept
    assert back.issue("park").options == case.issue("park").options
    assert back.description == case.description


def test_controls_round_trip_one_row_per_controlled_issue(tmp_path):
    case = every_feature()
    path = tmp_path / "controls.xlsx"
    case_to_excel(case, path)
    rows = list(openpyxl.load_workbook(path)["controls"].values)
    assert rows == [("party", "issue"), ("Port", "tunnel"), ("Port", "park"),
                    ("=League", "park"), ("10", "unused")]
    assert case_from_excel(path).controls == case.controls
    plain = Case([Party("A"), Party("B")], [Issue("i", ["x", "y"])], {})
    case_to_excel(plain, path)
    assert "controls" not in openpyxl.load_workbook(path).sheetnames


def test_controls_sheet_problems_name_their_cells(tmp_path):
    sheets = base()
    sheets["controls"] = [("party", "issue"), ("Port", "tunnel"), ("Prot", "park"),
                          ("City", "tunel"), ("Port", "tunnel"), ("City", None)]
    assert problems_of(write_book(tmp_path / "c.xlsx", sheets)) == [
        "controls!A3 (party): unknown party (not on the parties sheet) (got 'Prot')",
        "controls!B4 (issue): unknown issue (issues come from the scores sheet) "
        "(got 'tunel')",
        "controls row 5: duplicate row for this party and issue (first at row 2) "
        "(got 'Port, tunnel')",
        "controls!B6 (issue): must not be empty",
    ]
    sheets["controls"] = [("party", "issue"), ("City", "park"), ("Port", "park")]
    back = case_from_excel(write_book(tmp_path / "ok.xlsx", sheets))
    assert back.controls == {"City": ("park",), "Port": ("park",)}


@pytest.mark.parametrize("pairs", [None, ()])
def test_transfers_all_pairs_and_no_pairs_round_trip(pairs, tmp_path):
    case = Case([Party("A"), Party("B")], [Issue("i", ["x", "y"])], {},
                transfers=Transfers(pairs=pairs))
    back = round_trip(case, tmp_path / "t.xlsx")
    assert back == case and back.transfers.pairs == case.transfers.pairs


def test_plain_case_writes_only_the_core_sheets(tmp_path):
    case = Case([Party("A", batna=1)], [Issue("i", ["x", "y"])], {"A": {"i": [0, 0]}})
    path = tmp_path / "plain.xlsx"
    assert round_trip(case, path) == case
    assert openpyxl.load_workbook(path).sheetnames == ["settings", "parties", "scores"]


def test_all_zero_option_and_option_order_survive(tmp_path):
    case = Case([Party("A"), Party("B")], [Issue("i", ["z", "a", "m"])], {"B": {"i": {"m": 2}}})
    back = round_trip(case, tmp_path / "z.xlsx")
    assert back.issue("i").options == ("z", "a", "m") and back == case


@pytest.mark.filterwarnings("ignore::mutualgains.model.relations.DependencyWarning")
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(small_cases(dependencies=True, caps=True))
def test_random_cases_round_trip(tmp_path_factory, case):
    path = tmp_path_factory.mktemp("random") / "case.xlsx"
    assert round_trip(case, path) == case


@pytest.mark.skipif(not (GENIUS / "ANAC2014-10issues").is_dir(),
                    reason="shared GENIUS domains not found")
def test_nonlinear_genius_domain_round_trips(tmp_path):
    from mutualgains.io.genius import read_genius

    case = read_genius(GENIUS / "ANAC2014-10issues")
    assert case.synergy  # hyper-rectangle bonuses and caps
    assert round_trip(case, tmp_path / "anac.xlsx") == case


def test_writes_to_a_file_object(tmp_path):
    import io

    case = load_example("harbour")
    buffer = io.BytesIO()
    case_to_excel(case, buffer)
    buffer.seek(0)
    assert case_from_excel(buffer) == case


# ----------------------------------------------------------------- template


def test_template_reads_as_the_documented_example():
    template = ROOT / "mutualgains" / "data" / "template.xlsx"
    case = case_from_excel(template)
    made = runpy.run_path(str(ROOT / "docs" / "make_template.py"))["template_case"]()
    assert case == made
    names = openpyxl.load_workbook(template).sheetnames
    assert names[0] == "readme" and set(names[1:]) == set(SHEETS)


def test_template_regenerates_to_the_same_case(tmp_path):
    script = runpy.run_path(str(ROOT / "docs" / "make_template.py"))
    path = script["write_template"](tmp_path / "t.xlsx")
    assert case_from_excel(path) == case_from_excel(ROOT / "mutualgains" / "data" /
                                                    "template.xlsx")


def test_copy_template(tmp_path):
    path = copy_template(tmp_path / "mine.xlsx")
    assert case_from_excel(path).name == "Harbour tunnel (template)"


# ---------------------------------------------------------- lenient reading


def test_headers_sheet_names_text_numbers_and_ignored_parts(tmp_path):
    sheets = base()
    sheets["Parties"] = [("Party", " BATNA ", "Veto", "note"), ("Port", "5", "yes", "a port"),
                         ("City", " 3.5 ", "no", None)]
    del sheets["parties"]
    sheets["scores"][0] = ("party", "Issue", "option", "score", "_comment")
    sheets["scores"].insert(3, ())  # a blank row
    sheets["scores"].append(("City", 2030, 1, ""))  # numbers as names, blank score
    sheets["readme"] = [("anything", "goes")]
    sheets["_notes"] = [("so", "here")]
    case = case_from_excel(write_book(tmp_path / "l.xlsx", sheets))
    assert case.party("City").batna == 3.5 and case.party("Port").veto
    assert case.issue_names == ("tunnel", "park", "2030")
    assert case.issue("2030").options == ("1",)


# ------------------------------------------------------------------- errors


def test_missing_file_and_not_a_workbook(tmp_path):
    assert problems_of(tmp_path / "none.xlsx") == [f"{tmp_path / 'none.xlsx'}: no such file"]
    bad = tmp_path / "bad.xlsx"
    bad.write_text("party,batna\n")
    (problem,) = problems_of(bad)
    assert problem.startswith(f"{bad}: cannot be read as an Excel workbook (.xlsx)")


def test_missing_required_sheet(tmp_path):
    sheets = base()
    del sheets["scores"]
    assert problems_of(write_book(tmp_path / "m.xlsx", sheets)) == [
        "scores: required sheet is missing (need parties, scores)"]


def test_missing_parties_sheet_does_not_cascade(tmp_path):
    sheets = base()
    del sheets["parties"]
    assert problems_of(write_book(tmp_path / "m.xlsx", sheets)) == [
        "parties: required sheet is missing (need parties, scores)"]


def test_unknown_sheets_are_reported(tmp_path):
    sheets = base()
    sheets["Sheet1"] = [("a",)]
    sheets["scorez"] = [("party",)]
    problems = problems_of(write_book(tmp_path / "u.xlsx", sheets))
    assert [p.split(":")[0] for p in problems] == ["Sheet1", "scorez"]
    assert all("unknown sheet (known: settings, parties, scores," in p for p in problems)


def test_missing_required_column(tmp_path):
    sheets = base()
    sheets["scores"] = [row[:3] for row in sheets["scores"]]
    problems = problems_of(write_book(tmp_path / "c.xlsx", sheets))
    assert problems == ["scores row 1: required column missing: score (row 1 holds the "
                        "headers: party, issue, option, score) (got 'party, issue, option')"]


def test_unknown_and_duplicate_columns_and_headerless_values(tmp_path):
    sheets = base()
    sheets["parties"] = [("party", "batna", "colour", "batna"), ("Port", 5, "red", 6),
                         ("City", 3, None, None, "stray")]
    problems = problems_of(write_book(tmp_path / "c.xlsx", sheets))
    assert problems == [
        "parties!C1 (colour): unknown column (known: party, batna, weight, veto, cap, budget) "
        "(got 'colour')",
        "parties!D1 (batna): duplicate column (first at B1)",
        "parties!E3: value in a column without a header (got 'stray')",
    ]


def test_non_numeric_values_name_their_cells(tmp_path):
    sheets = base()
    sheets["parties"][1] = ("Port", "five", "heavy", "maybe")
    sheets["scores"][6] = ("City", "tunnel", "in", "ten")
    sheets["settings"] += [("margin", "wide"), ("min_parties", 1.5)]
    problems = problems_of(write_book(tmp_path / "n.xlsx", sheets))
    assert problems == [
        "settings!B3 (margin): must be a number (got 'wide')",
        "settings!B4 (min_parties): must be a whole number (got 1.5)",
        "parties!B2 (batna): must be a number (got 'five')",
        "parties!C2 (weight): must be a number (got 'heavy')",
        "parties!D2 (veto): must be TRUE or FALSE (or yes/no, 1/0) (got 'maybe')",
        "scores!D7 (score): must be a number (got 'ten')",
    ]


def test_empty_required_cells(tmp_path):
    sheets = base()
    sheets["parties"][2] = ("City", None, 2, False)
    sheets["scores"][3] = (None, "tunnel", "out", 0)
    assert problems_of(write_book(tmp_path / "e.xlsx", sheets)) == [
        "parties!B3 (batna): must be a number (got 'an empty cell')",
        "scores!A4 (party): must not be empty",
    ]


def test_duplicate_rows(tmp_path):
    sheets = base()
    sheets["parties"].append(("Port", 1, 1, False))
    sheets["scores"].append(("City", "park", "yes", 5))
    sheets["settings"].append(("name", "again"))
    sheets["costs"] = [("issue", "option", "cost"), ("tunnel", "in", 5), ("tunnel", "in", 6)]
    sheets["rates"] = [("party", "rate"), ("Port", 1), ("Port", 2)]
    sheets["transfers"] = [("payer", "payee"), ("Port", "City"), ("Port", "City")]
    sheets["phasing"] = [("key", "value"), ("periods", 2), ("budget", 5)]
    sheets["projects"] = [("issue", "option", "cost"), ("tunnel", "in", 1),
                          ("tunnel", "in", 2)]
    assert problems_of(write_book(tmp_path / "d.xlsx", sheets)) == [
        "settings!A3 (key): duplicate key (first at row 2) (got 'name')",
        "parties!A4 (party): duplicate party (first at row 2) (got 'Port')",
        "scores row 10: duplicate row for this party, issue and option (first at row 9) "
        "(got 'City, park, yes')",
        "costs row 3: duplicate row for this option (first at row 2) (got 'tunnel, in')",
        "transfers row 3: duplicate pair (first at row 2) (got 'Port, City')",
        "rates!A3 (party): duplicate party (first at row 2) (got 'Port')",
        "projects row 3: duplicate project for this option (first at row 2) "
        "(got 'tunnel, in')",
    ]


def test_unknown_names_in_every_sheet(tmp_path):
    sheets = base()
    sheets["scores"] += [("Prot", "tunnel", "in", 1), ("Prot", "park", "no", 1)]
    sheets["costs"] = [("issue", "option", "cost"), ("tunel", "in", 5), ("park", "maybe", 1)]
    sheets["requires"] = [SHEETS["requires"], ("tunnel", "in", "park", "yes, perhaps")]
    sheets["excludes"] = [SHEETS["excludes"], ("tunnel", "up", "park", "no")]
    sheets["synergy"] = [SHEETS["synergy"], (1, None, "park", "yes"), (1, None, None, None,
                                                                      "Nobody", 2)]
    sheets["rates"] = [("party", "rate"), ("Nobody", 2)]
    problems = problems_of(write_book(tmp_path / "u.xlsx", sheets))
    assert problems == [
        "scores!A10 (party): unknown party (not on the parties sheet; 2 rows, the first "
        "shown) (got 'Prot')",
        "costs!A2 (issue): unknown issue (issues come from the scores sheet) (got 'tunel')",
        "costs!B3 (option): unknown option of issue 'park' (options: no, yes) (got 'maybe')",
        "requires!D2 (needs_options): unknown option of issue 'park' (options: no, yes) "
        "(got 'perhaps')",
        "excludes!B2 (option): unknown option of issue 'tunnel' (options: out, in) "
        "(got 'up')",
        "synergy!E3 (party): unknown party (not on the parties sheet) (got 'Nobody')",
        "rates!A2 (party): unknown party (not on the parties sheet) (got 'Nobody')",
    ]


def test_all_problems_at_once_model_rules_located_at_their_cells(tmp_path):
    """Problems found while reading and the model's own rules, each at its cell."""
    sheets = base()
    sheets["parties"][2] = ("City", 3, -2, False)
    sheets["settings"].append(("min_parties", 3))
    sheets["scores"][2] = ("Port", "tunnel", "in", "eight")
    sheets["rates"] = [("party", "rate"), ("City", 0)]
    sheets["transfers"] = [("payer", "payee"), ("Port", "Port")]
    sheets["phasing"] = [("key", "value"), ("periods", 3), ("budget", 5), ("carry_over", 2)]
    sheets["projects"] = [("issue", "option", "duration"), ("tunnel", "in", 0)]
    problems = problems_of(write_book(tmp_path / "a.xlsx", sheets))
    places = {p.split(": ")[0] for p in problems}
    assert places == {"scores!D3 (score)", "parties!C3 (weight)", "settings!B3 (min_parties)",
                      "transfers row 2", "rates!B2 (rate)", "projects!C2 (duration)",
                      "phasing!B4 (carry_over)"}, problems
    assert problems[0] == "scores!D3 (score): must be a number (got 'eight')"


def test_precedence_cycle_names_the_sheet(tmp_path):
    sheets = base()
    sheets["precedes"] = [SHEETS["precedes"], ("tunnel", "in", "park", "yes"),
                          ("park", "yes", "tunnel", "in")]
    (problem,) = problems_of(write_book(tmp_path / "p.xlsx", sheets))
    assert problem.startswith("precedes: must not form a cycle")


def test_requires_continuation_rows_and_their_errors(tmp_path):
    sheets = base()
    sheets["scores"] += [("Port", "permit", "no", 0), ("Port", "permit", "yes", 0)]
    sheets["requires"] = [SHEETS["requires"], (None, None, "park", "yes"),
                          ("tunnel", "in", "park", "yes"), (None, None, "permit", "no, yes"),
                          (None, None, "permit", "yes"), ("tunnel", "in", "park", '"no')]
    assert problems_of(write_book(tmp_path / "r.xlsx", sheets)) == [
        "requires row 2: names no option (a row with blank option_issue and option adds to "
        "the requirement above, but there is none)",
        "requires!C5 (needs_issue): names this issue twice in one requirement (list its "
        "options in one cell) (got 'permit')",
        'requires!D6 (needs_options): must list option names separated by commas (a name '
        'with a comma goes in double quotes: "a, b") (got \'"no\')',
    ]
    sheets["requires"] = [SHEETS["requires"], ("tunnel", "in", "park", "yes"),
                          (None, None, "permit", "no, yes"), ("park", "no", "permit", "yes")]
    case = case_from_excel(write_book(tmp_path / "r2.xlsx", sheets))
    assert case.requires == (Requires({"tunnel": "in"}, {"park": "yes", "permit": ["no", "yes"]}),
                             Requires({"park": "no"}, {"permit": "yes"}))


def test_synergy_groups_and_their_errors(tmp_path):
    sheets = base()
    sheets["synergy"] = [SHEETS["synergy"],
                         ("a", "one", "tunnel", "in"), ("a", "two", "park", "yes"),
                         ("b", None, None, None, "Port", 2),
                         ("c", None, "park", "yes", "Port", 1), ("c", None, "park", "no"),
                         ("d", None, "tunnel", "in", "Port", "lots"),
                         ("e",)]
    assert problems_of(write_book(tmp_path / "s.xlsx", sheets)) == [
        "synergy!B3 (name): differs from the name given above for synergy 'a' (got 'two')",
        "synergy!C6 (issue): names this issue twice in synergy 'c' (list its options in one "
        "cell) (got 'park')",
        "synergy!F7 (bonus): must be a number (got 'lots')",
        "synergy row 8: holds neither a condition (issue, options) nor a bonus (party, bonus)",
        "synergy row 4: synergy 'b' has no condition rows (issue, options)",
    ]
    sheets["synergy"] = [SHEETS["synergy"], ("g", "green", "tunnel", "in", "Port", 2),
                         ("g", None, "park", "no, yes", "City", -1)]
    case = case_from_excel(write_book(tmp_path / "s2.xlsx", sheets))
    assert case.synergy == (Synergy({"tunnel": "in", "park": ["no", "yes"]},
                                    {"Port": 2, "City": -1}, name="green"),)


def test_transfers_settings_conflicts(tmp_path):
    sheets = base()
    sheets["settings"].append(("transfers", "all"))
    sheets["transfers"] = [("payer", "payee"), ("Port", "City")]
    assert problems_of(write_book(tmp_path / "t1.xlsx", sheets)) == [
        "settings!B3 (transfers): is all, but there is a transfers sheet listing pairs (write "
        "listed, or delete the sheet) (got 'all')"]
    del sheets["transfers"]
    sheets["settings"][-1] = ("transfers", "listed")
    assert problems_of(write_book(tmp_path / "t2.xlsx", sheets)) == [
        "settings!B3 (transfers): is listed, but there is no transfers sheet (payer, payee) "
        "(got 'listed')"]
    sheets["settings"][-1] = ("transfers", "some")
    assert problems_of(write_book(tmp_path / "t3.xlsx", sheets))[0].startswith(
        "settings!B3 (transfers): must be all (any party may pay any other) or listed")
    sheets["settings"][-1] = ("transfer_cap", 5)  # a cap alone: every pair may pay
    case = case_from_excel(write_book(tmp_path / "t4.xlsx", sheets))
    assert case.transfers == Transfers(cap=5)


def test_phasing_and_project_errors(tmp_path):
    sheets = base()
    sheets["phasing"] = [("key", "value"), ("periods", 3), ("budget", 5), ("budget_1", 5),
                         ("budget_3", 5), ("speed", 1)]
    sheets["projects"] = [("issue", "option", "duration", "cost", "cost_1", "cost_2",
                           "cost_3"),
                          ("tunnel", "in", 2, 10, 5, 5), ("park", "yes", 2, None, 5, None, 5),
                          ("park", "no", "long", 1)]
    assert problems_of(write_book(tmp_path / "p.xlsx", sheets)) == [
        "phasing!A6 (key): unknown key (known: periods, budget, carry_over, discount) "
        "(got 'speed')",
        "phasing row 3: give budget (every period) or budget_1 ... budget_N (per period), "
        "not both",
        "phasing: needs budget_1 ... budget_3, one per period (missing budget_2)",
        "projects row 2: give cost (the total) or cost_1 ... cost_N (per period), not both",
        "projects row 3: with duration 2, fill cost_1 ... cost_2, one cost per period "
        "(got 'cost_1, cost_3')",
        "projects!C4 (duration): must be a number (got 'long')",
    ]


def test_phasing_needs_periods_and_budget_and_projects_need_phasing(tmp_path):
    sheets = base()
    sheets["phasing"] = [("key", "value"), ("discount", 0.1)]
    assert problems_of(write_book(tmp_path / "p.xlsx", sheets)) == [
        "phasing: needs a value for periods (how many periods)",
        "phasing: needs a value for budget (the money per period), or budget_1 ... budget_N",
    ]
    del sheets["phasing"]
    sheets["projects"] = [("issue", "option"), ("tunnel", "in")]
    assert problems_of(write_book(tmp_path / "q.xlsx", sheets)) == [
        "projects: needs a phasing sheet (periods, budget) to go with it"]


def test_negative_cost(tmp_path):
    sheets = base()
    sheets["costs"] = [("issue", "option", "cost"), ("tunnel", "in", -5)]
    assert problems_of(write_book(tmp_path / "c.xlsx", sheets)) == [
        "costs!C2 (cost): must be non-negative (got -5)"]


@pytest.mark.parametrize("name", sorted(REQUIRED_COLUMNS))
def test_every_sheet_has_its_required_columns_checked(name, tmp_path):
    """A sheet lacking a required column is reported once, without a cascade."""
    required = REQUIRED_COLUMNS[name]
    sheets = base()
    if name == "projects":
        sheets["phasing"] = [("key", "value"), ("periods", 1), ("budget", 1)]
    sheets[name] = [(required[0], "note"), ("tunnel", "a note")]
    problems = problems_of(write_book(tmp_path / f"{name}.xlsx", sheets))
    missing = ", ".join(required[1:])
    assert problems == [
        f"{name} row 1: required column{'s' if len(required) > 2 else ''} missing: {missing} "
        f"(row 1 holds the headers: {', '.join(SHEETS[name])}) (got '{required[0]}, note')"
        .replace("cost_<k>", "cost_1, cost_2, ...")]


# -------------------------------------------------------- usage and extras


def test_without_openpyxl_reading_and_writing_name_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(UsageError, match=r'pip install "mutualgains\[excel\]"'):
        case_to_excel(load_example("harbour"), tmp_path / "x.xlsx")
    with pytest.raises(UsageError, match="openpyxl"):
        case_from_excel(ROOT / "mutualgains" / "data" / "template.xlsx")


def test_without_openpyxl_the_module_imports():
    import subprocess

    code = ("import sys; sys.modules['openpyxl'] = None\n"
            "import mutualgains.io.excel as x, mutualgains\n"
            "print(sorted(x.SHEETS)[:2])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "['controls', 'costs']"


def test_to_excel_needs_a_case(tmp_path):
    with pytest.raises(UsageError, match="must be a Case"):
        case_to_excel({"parties": {}}, tmp_path / "x.xlsx")


def test_model_rules_on_relations_name_their_rows(tmp_path):
    sheets = base()
    sheets["requires"] = [SHEETS["requires"], ("tunnel", "in", "park", "yes")]
    sheets["excludes"] = [SHEETS["excludes"], ("park", "no", "tunnel", "in"),
                          ("tunnel", "in", "tunnel", "in")]
    assert problems_of(write_book(tmp_path / "x.xlsx", sheets)) == [
        "excludes row 3: an option cannot exclude itself (got tunnel=in)"]
    sheets["excludes"] = [SHEETS["excludes"], ("park", "yes", "tunnel", "in")]
    with pytest.warns(DependencyWarning, match="tunnel=in requires park=yes"):
        case_from_excel(write_book(tmp_path / "y.xlsx", sheets))
