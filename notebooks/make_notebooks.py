"""Write the example notebooks, executed, with their pictures.

Run ``python notebooks/make_notebooks.py`` to write every notebook from the cells
below and execute it (nbclient, a ``python3`` kernel, in this folder), so the stored
notebooks hold their outputs: tables, text, one picture per plotting cell, and the
interactive figures. ``--no-execute`` writes the cells only. A notebook whose
execution fails is not written.

The cells are kept here so they stay reviewable as code; the test run executes the
stored notebooks again (``pytest --nbmake``, with ``MPLBACKEND=Agg`` set from
outside) and their last cells assert the key results; ``tests/test_notebooks.py``
checks that the stored notebooks match these cells and hold their pictures.
The backend is never chosen in a notebook: run by a person or by this script,
the notebooks draw inline.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
NEEDS_SHARED = ("02_genius_domains", "03_scorable_game")
"""Notebooks that read the shared test cases (``../shared/cases`` beside the repository)."""

FIND_SHARED = """
from pathlib import Path

SHARED = next((p for p in (Path("../../shared/cases"), Path("../shared/cases")) if p.is_dir()),
              None)
if SHARED is None:
    raise SystemExit("This notebook needs the shared test cases: a folder shared/cases beside "
                     "the repository (see the first cell). They are absent here, so it stops.")
"""


def notebook(cells):
    nb = new_notebook()
    nb.cells = [new_markdown_cell(c[3:]) if c.startswith("md:") else new_code_cell(c.strip())
                for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


SIX_STEPS = [
    "md:# The six steps of a mutual-gains negotiation\n\nA regional water, nature and housing "
    "programme (the built-in `regional` example): a municipality, a water board, farmers, a "
    "nature organisation, a developer and the province decide on 17 issues, most of them "
    "projects (out/in).",
    """
import mutualgains as mg
from mutualgains import plots

case = mg.load_example("regional")
case
""",
    "md:## Step 1: define the theme broadly\n\nWhat does each issue add to the table? "
    "Without an issue it stays at its status quo (`out`).",
    """
ranking = mg.agenda_value(case)
ranking[["item", "joint_without", "joint_with", "added_joint_gain"]].head(8)
""",
    "md:## Step 2: many options\n\nThe five best packages, each differing from the earlier "
    "ones in at least two issues.",
    """
options = mg.alternatives(case, 5, min_difference=2)
options.to_frame().iloc[:, :8]
""",
    "md:## Steps 3 and 4: packages that add value for every party",
    """
results = {name: mg.solve(case, name) for name in mg.OBJECTIVES}
{name: r.objective_value for name, r in results.items()}
""",
    """
results["nash"].to_frame()
""",
    """
ax = plots.gains_chart(case)
""",
    "md:Who conceded what, and which trades made the package better for both sides:",
    """
mg.trades(case, results["joint"].package).head()
""",
    "md:A proposal that one party rejects: why, and what compensation would fix it.",
    """
best_for_developer = mg.solve(case.__class__.from_dict({**case.to_dict(), "parties": {
    p.name: {"batna": p.batna, "weight": 1 if p.name == "Developer" else 0}
    for p in case.parties}}))
proposal = dict(best_for_developer.package)
why = mg.explain(case, proposal)
print(why)
""",
    """
fix = mg.compensate(case, proposal)
print(fix)
""",
    "md:## Step 5: make it better still\n\nThe frontier between the municipality and the "
    "water board, the bargaining solutions, and a Pareto improvement of the developer's "
    "proposal.",
    """
ax = plots.utility_space(case, ["Municipality", "Water Board"])
""",
    "md:The same space to explore: hover a point for a package there and every party's gain "
    "(plotly, `pip install \"mutualgains[interactive]\"`; the figure is stored as plotly JSON, "
    "which JupyterLab, Notebook 7 and VS Code render).",
    """
import plotly.io as pio

pio.renderers.default = "plotly_mimetype"  # JSON only: no copy of plotly.js in the notebook
plots.utility_space_figure(case, ["Municipality", "Water Board"])
""",
    "md:The frontier of three parties, point by point (hover: the package and the gains).",
    """
three = mg.pareto_frontier(case, ["Farmers", "Nature Organisation", "Developer"])
plots.frontier_figure(three, ["Farmers", "Nature Organisation"])
""",
    """
better = mg.improve(case, proposal)
better.to_frame()
""",
    """
unhappy = [p for p, ok in case.accepts(proposal).items() if not ok]
amendments = {p: mg.amend(case, proposal, p) for p in unhappy}
{p: a.changed for p, a in amendments.items()}
""",
    "md:## Step 6: phasing under a budget\n\nStart small, show successes, then the large "
    "ambition.",
    """
plan = mg.phase(case, results["joint"].package, earliest=True)
plan.schedule[["project", "start", "finish", "cost"]]
""",
    """
ax = plots.gantt_chart(plan)
""",
    """
ax = plots.spend_chart(plan)
""",
    "md:## Checks",
    """
assert results["joint"].status is mg.Status.OPTIMAL and results["joint"].passes
assert all(r.passes for r in results.values())
assert len(options) == 5
assert better.pareto_optimal is False or sum(better.left_on_table.values()) == 0
assert all(case.accepts(a.smallest)[p] for p, a in amendments.items() if a.smallest)
assert plan.status.value == "optimal"
first = plan.schedule.sort_values("start").iloc[0]
assert first["start"] == 1 and first["cost"] <= plan.schedule["cost"].median()
""",
]

GENIUS = [
    "md:# GENIUS and ANAC domains\n\nExact optima and frontiers on the negotiation "
    "research community's test domains.\n\n**Needs the shared test cases**: a folder "
    "`shared/cases` beside the repository (`../shared/cases/genius`). Without it the next cell "
    "stops the notebook with a message.",
    FIND_SHARED,
    """
import numpy as np
import mutualgains as mg
from mutualgains import plots
from mutualgains.plots.axes import legend_outside

GENIUS = SHARED / "genius"
""",
    """
travel = mg.read_genius(GENIUS / "ANAC2010-Travel")
print(travel)
{name: mg.solve(travel, name).objective_value for name in ("joint", "nash", "ks")}
""",
    "md:The ANAC 2014 nonlinear domains: 10^10 to 10^40 outcomes, solved exactly.",
    """
big = mg.read_genius(GENIUS / "ANAC2014-50issues")
print(big.n_packages)
joint = mg.solve(big)
joint.status, round(joint.objective_value, 6)
""",
    """
ten = mg.read_genius(GENIUS / "ANAC2014-10issues")
frontier = mg.pareto_frontier(ten)
shipped = np.loadtxt(GENIUS / "ANAC2014-10issues" / "pareto.xml", delimiter=",")
frontier, len(shipped)
""",
    """
ax = plots.utility_space(ten, max_packages=0)
ax.scatter(shipped[:, 0], shipped[:, 1], marker="x", color="black", label="GENIUS pareto.xml")
legend_outside(ax);
""",
    "md:## Checks",
    """
assert joint.status is mg.Status.OPTIMAL
assert len(frontier) == len(shipped) == 10
assert np.allclose(frontier.utilities(), shipped[np.argsort(-shipped[:, 0])], atol=1e-6)
""",
]

SCORABLE = [
    "md:# A Harborco-style scorable game\n\nSix parties, five issues; a deal passes when five "
    "accept, both SportCo and the Department of Tourism among them.\n\n**Needs the shared test "
    "cases**: a folder `shared/cases` beside the repository (`../shared/cases/scorable`). "
    "Without it the next cell stops the notebook with a message.",
    FIND_SHARED,
    """
import mutualgains as mg
from mutualgains import plots

BASE = SHARED / "scorable" / "base"
case = mg.read_scorable(BASE)
deal = mg.read_scorable_deal(BASE)
case
""",
    "md:The first proposal on the table is SportCo's ideal. Why does it fail?",
    """
print(mg.explain(case, deal))
""",
    """
best = mg.solve(case)
best.to_frame()
""",
    "md:The frontier between the two veto parties, and the smallest amendment of the first "
    "proposal that the Department of Tourism accepts.",
    """
ax = plots.utility_space(case, list(case.veto_parties))
""",
    """
fix = mg.amend(case, deal, "Department of Tourism")
mg.check_amendment(case, deal, fix.smallest)
""",
    "md:## Checks",
    """
assert not case.passes(deal)
assert best.objective_value == 105 and best.passes
assert case.accepts(fix.smallest)["Department of Tourism"]
""",
]


NOTEBOOKS = {"01_six_steps": SIX_STEPS, "02_genius_domains": GENIUS,
             "03_scorable_game": SCORABLE}
"""Each notebook's cells, by file name."""


def execute(nb: nbformat.NotebookNode, timeout: int = 900) -> None:
    """Run ``nb`` in a ``python3`` kernel in this folder, drawing inline (outputs kept in it)."""
    from nbclient import NotebookClient

    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # inline pictures
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(HERE)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-execute", action="store_true", help="write the cells only")
    parser.add_argument("names", nargs="*", help=f"notebooks to write (default: all of "
                                                 f"{', '.join(NOTEBOOKS)})")
    args = parser.parse_args(argv)
    failed = 0
    for name in args.names or NOTEBOOKS:
        nb = notebook(NOTEBOOKS[name])
        if not args.no_execute:
            try:
                execute(nb)
            except Exception as err:  # a failing cell: report it, keep the stored notebook
                print(f"{name}: not written, a cell failed: {type(err).__name__}: "
                      f"{str(err).strip().splitlines()[-1]}", file=sys.stderr)
                failed += 1
                continue
        nbformat.write(nb, HERE / f"{name}.ipynb")
        print(f"wrote {name}.ipynb" + ("" if args.no_execute else " (executed)"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
