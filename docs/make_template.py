"""Write ``mutualgains/data/template.xlsx``: every sheet, its headers and a tiny example.

Run from the repository root after changing the Excel layout::

    python docs/make_template.py

The example case (:func:`template_case`) uses every part of the layout, so the
template shows each sheet filled in; ``tests/test_excel.py`` checks that the
shipped file reads back as this case.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mutualgains import Case, DecisionRule, Excludes, Issue, Party, Precedes, Requires, Synergy
from mutualgains.io.excel import case_to_excel
from mutualgains.model.money import Transfers
from mutualgains.model.phasing import Phasing, Project
from mutualgains.model.uncertainty import Interval, Noise, Normal, Triangular, Uncertainty

TARGET = Path(__file__).resolve().parents[1] / "mutualgains" / "data" / "template.xlsx"

README = [
    ("sheet", "what it holds (row 1 holds the headers; blank rows are skipped)"),
    ("settings", "key / value rows: name, description, margin (added to every BATNA), "
                 "min_parties (blank: every party must accept), total_budget, transfers "
                 "(all or listed), transfer_cap"),
    ("parties", "one row per party: party, batna (required); weight (default 1), veto "
                "(TRUE/FALSE), cap (utility ceiling), budget (most it contributes to costs)"),
    ("scores", "party, issue, option, score: one row per party and option. Issues and their "
               "options are taken in order of first appearance; a blank score is 0"),
    ("costs", "issue, option, cost: what choosing an option costs (optional sheet)"),
    ("requires", "option_issue, option needs needs_issue = one of needs_options (comma-"
                 "separated). A row with blank option_issue and option adds another needed "
                 "issue to the requirement above"),
    ("excludes", "option_issue, option cannot be chosen with excludes_issue, excludes_option"),
    ("synergy", "rows with the same synergy label form one synergy: condition rows (issue, "
                "options: one of these is chosen) and bonus rows (party, bonus); name is "
                "optional"),
    ("precedes", "option_issue, option is realised before precedes_issue, precedes_option"),
    ("transfers", "payer, payee: the side payments allowed (settings transfers = listed); "
                  "without this sheet, transfers = all allows every pair"),
    ("rates", "party, rate: points per unit of money (default 1)"),
    ("phasing", "key / value rows: periods, budget (per period; or budget_1 ... budget_N), "
                "carry_over (0..1), discount (per period)"),
    ("projects", "issue, option, duration (periods), cost (total, spread evenly) or cost_1 "
                 "... cost_N (per period)"),
    ("uncertainty", "one row per uncertain number: target (score: party, issue, option; issue; "
                    "party: all its scores; batna: of party), then a noise (relative or "
                    "absolute; shape, low, high optional) or a distribution (shape interval or "
                    "uniform: low, high; triangular: low, mode, high; normal: mean, sd, "
                    "optionally low, high)"),
    ("controls", "party, issue: one row per issue a party controls (for the coalition games: "
                 "a coalition sets an issue only with every party that controls it; an issue "
                 "no row lists is open to every coalition)"),
    ("", ""),
    ("", "Delete the optional sheets you do not need. A column headed note, and any sheet or "
         "column whose name starts with _, is ignored. Full reference: docs/case-format.md"),
]


def template_case() -> Case:
    """The tiny example case the template holds (every sheet used)."""
    return Case(
        [Party("Port", batna=10, veto=True, budget=6),
         Party("City", batna=8, budget=4),
         Party("Nature", batna=5, weight=1.5, cap=40)],
        [Issue("tunnel", ("out", "in")),
         Issue("park", ("none", "small", "large")),
         Issue("permit", ("refused", "granted"))],
        {"Port": {"tunnel": [0, 14], "park": [2, 1, 0], "permit": [0, 4]},
         "City": {"tunnel": [0, 6], "park": [0, 5, 8], "permit": [0, 1]},
         "Nature": {"tunnel": [3, 0], "park": [0, 6, 10], "permit": [2, 0]}},
        decision_rule=DecisionRule(min_parties=2),
        name="Harbour tunnel (template)",
        description="A tiny example: replace it with your own case.",
        requires=[Requires({"tunnel": "in"}, {"permit": "granted"})],
        excludes=[Excludes({"tunnel": "in"}, {"park": "large"})],
        synergy=[Synergy({"tunnel": "in", "park": ["small", "large"]},
                         {"City": 3, "Nature": 2}, name="green harbour")],
        precedes=[Precedes({"permit": "granted"}, {"tunnel": "in"})],
        costs={"tunnel": {"in": 6}, "park": {"small": 1, "large": 2.5}},
        total_budget=8,
        transfers=Transfers(pairs=[("Port", "Nature"), ("City", "Nature")], cap=10,
                            rate={"Nature": 2}),
        phasing=Phasing(periods=4, budget=[20, 20, 30, 30], carry_over=1, discount=0.05,
                        projects=[Project({"permit": "granted"}, 1, 2),
                                  Project({"tunnel": "in"}, 2, [20, 40]),
                                  Project({"park": "small"}, 1, 10),
                                  Project({"park": "large"}, 2, 25)]),
        uncertainty=Uncertainty(
            scores={"Port": {"tunnel": {"in": Triangular(10, 14, 16)}}},
            issues={"park": Noise(1, shape="uniform")},
            parties={"City": Noise(0.2, relative=True, low=0)},
            batnas={"Port": Interval(8, 12), "Nature": Normal(5, 1)}),
        controls={"Port": ["tunnel"], "City": ["park", "permit"]},
    )


def write_template(path: Path = TARGET) -> Path:
    """Write the template workbook to ``path``: a readme sheet, then the case's sheets."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    case_to_excel(template_case(), path)
    book = openpyxl.load_workbook(path)
    readme = book.create_sheet("readme", 0)
    for row in README:
        readme.append(row)
    readme["A1"].font = readme["B1"].font = Font(bold=True)
    readme.column_dimensions["A"].width = 12
    readme.column_dimensions["B"].width = 110
    for cells in readme.iter_rows(min_row=2):
        cells[1].alignment = Alignment(wrap_text=True, vertical="top")
        cells[0].alignment = Alignment(vertical="top")
    book.active = 0
    book.save(path)
    return path


if __name__ == "__main__":
    print(write_template(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET))
