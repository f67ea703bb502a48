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
    "md:Who pays what for the projects? Each coalition of parties could serve its own needs "
    "(what each member gets from the best joint package) with the cheapest projects that give "
    "it as much; four rules share the 497 the projects cost (the core, the nucleolus, the "
    "Shapley value, and separable costs remaining benefits). The scores are points and the "
    "costs money: here money is worth 0.1 point per unit to every party.",
    """
priced = mg.Case.from_dict({**case.to_dict(),
                            "transfers": {"rate": {p: 0.1 for p in case.party_names}}})
shares = mg.compare_shares(priced)
shares.to_frame().round(1)
""",
    """
ax = plots.shares_chart(shares)
""",
    "md:Stable (no group would serve itself for less) and affordable (every party stays above "
    "its BATNA after paying):",
    """
for allocation in shares.allocations:
    print(allocation.headline())
print(shares.allocations[1].settlement)
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
assert all(a.stable and a.settlement.feasible for a in shares.allocations)
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

AT_THE_TABLE = [
    "md:# At the table: equivalent offers, reactions and learned priorities\n\nA mediator on "
    "the `regional` example. Its model of the Farmers' priorities (the case's scores) is "
    "wrong: the Farmers care far more about the peat meadows and the retention area, and "
    "less about solar roofs and land consolidation. The mediator does not know this; it sees "
    "only the Farmers' reactions, learns their priorities from them and solves again.",
    """
import itertools
import numpy as np
import mutualgains as mg
from mutualgains import plots

case = mg.load_example("regional")
case
""",
    "md:The Farmers' true table (hidden from the mediator, used only to answer): the same "
    "option ratings per issue, other weights.",
    """
farmers = case.party_names.index("Farmers")
offsets = case.option_offsets
spans = {i.name: float(np.ptp(case.score_matrix[farmers, offsets[k]:offsets[k + 1]]))
         for k, i in enumerate(case.issues)}
scale = sum(spans.values())
true_spans = {**spans, "solar on farm roofs": 2, "peat meadow rewetting": 18,
              "water retention area": 12, "land consolidation": 6}
true_weights = {i: s / sum(true_spans.values()) for i, s in true_spans.items()}
table = {}
for k, issue in enumerate(case.issues):
    v = case.score_matrix[farmers, offsets[k]:offsets[k + 1]]
    rating = (v - v.min()) / np.ptp(v) if np.ptp(v) else 0 * v
    table[issue.name] = [round(float(v.min() + scale * true_weights[issue.name] * r), 6)
                         for r in rating]
data = case.to_dict()
truth = mg.Case.from_dict({**data, "scores": {**data["scores"], "Farmers": table}})

def answer(package):
    "The Farmers' true utility of a package."
    return truth.utilities(package)["Farmers"]
""",
    "md:## The mediator's package, and the Farmers' answer",
    """
plan = mg.solve(case)
{"model says": plan.scores["Farmers"], "the Farmers feel": round(answer(plan.package), 2),
 "BATNA": case.party("Farmers").batna}
""",
    "md:## Equivalent offers\n\nThe Water Board puts three offers on the table that are "
    "equally good for it (within 1 point) and as different as possible for the Farmers; "
    "the Farmers rank them.",
    """
offers = mg.equivalent_offers(case, "Water Board", 3, tolerance=1, among=["Farmers"])
offers.to_frame()[["offer", "utility Water Board", "gain Farmers"]].assign(
    felt=[round(answer(p), 2) for p in offers.packages])
""",
    """
ranking = sorted((dict(p) for p in offers.packages), key=answer, reverse=True)
""",
    "md:From the mediator's seat: three packages of about the best joint gain (within 15), "
    "each party's gain within 10 across them, differing in as many issues as possible.",
    """
seat = mg.mediator_offers(case, 3, tolerance=15, band=10, at="best")
seat.to_frame().iloc[:, :8]
""",
    """
felt = sorted((dict(p) for p in seat.packages), key=answer, reverse=True)
preferred = [(a, b) for a, b in itertools.pairwise(felt) if answer(a) > answer(b)]
""",
    "md:## What the reactions say\n\nIssue weights over the case's option ratings; the "
    "Farmers' BATNA is known (15).",
    """
reactions = {"rejected": [dict(plan.package)], "ranking": ranking, "preferred": preferred}
learned = mg.learn_priorities(case, "Farmers", batna=15, **reactions)
learned
""",
    "md:The next question: the package whose answer the estimate is least sure of. Ask "
    "twelve, one at a time.",
    """
accepted, rejected = [], list(reactions["rejected"])
for _ in range(12):
    question = dict(learned.next_question)
    (accepted if answer(question) >= 15 else rejected).append(question)
    learned = mg.learn_priorities(case, "Farmers", batna=15, accepted=accepted,
                                  rejected=rejected, ranking=ranking, preferred=preferred)
learned
""",
    "md:The learned weights against the mediator's model and the (hidden) truth:",
    """
def weights_frame(learned):
    frame = learned.to_frame().set_index("parameter").drop("batna")
    frame["model"] = [spans[name[7:-1]] / scale for name in frame.index]
    frame["truth"] = [true_weights[name[7:-1]] for name in frame.index]
    return frame.sort_values("estimate", ascending=False).astype(float).round(3)

weights_frame(learned)
""",
    "md:## The re-solved package\n\nSolve the case with the learned table and propose the "
    "package; a rejection is one more reaction. Propose until the Farmers accept.",
    """
proposals = []
for _ in range(10):
    estimated = learned.estimated_case()
    better = mg.solve(estimated)
    proposals.append((dict(better.package), round(answer(better.package), 2)))
    if answer(better.package) >= 15:
        break
    rejected.append(dict(better.package))
    learned = mg.learn_priorities(case, "Farmers", batna=15, accepted=accepted,
                                  rejected=rejected, ranking=ranking, preferred=preferred)
[felt for _, felt in proposals]
""",
    """
changed = {i: (plan.package[i], better.package[i]) for i in case.issue_names
           if plan.package[i] != better.package[i]}
changed
""",
    "md:The re-solved package reviewed in the learned model: gains, Pareto improvements, "
    "the bargaining solutions.",
    """
review = mg.review_deal(estimated, better.package)
review.to_frame()
""",
    """
ax = plots.review_chart(review)
""",
    "md:## Checks",
    """
assert not truth.accepts(plan.package)["Farmers"]
assert learned.consistent
values = {f"weight[{i}]": w for i, w in true_weights.items() if spans[i]} | {"batna": 15}
assert all(row.holds(values, 1e-6) for row in learned.constraints)
frame = weights_frame(learned)
top = {"weight[peat meadow rewetting]", "weight[water retention area]"}
assert set(frame.index[:2]) == top == set(frame.sort_values("truth").index[-2:])
assert frame.loc["weight[solar on farm roofs]", "estimate"] < frame.loc[
    "weight[solar on farm roofs]", "model"]
assert truth.passes(better.package) and better.status is mg.Status.OPTIMAL
assert len(proposals) > 1 and review.pareto_optimal
""",
]


NOTEBOOKS = {"01_six_steps": SIX_STEPS, "02_genius_domains": GENIUS,
             "03_scorable_game": SCORABLE, "04_at_the_table": AT_THE_TABLE}
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
