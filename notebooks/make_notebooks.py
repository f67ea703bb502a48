"""Write the example notebooks (run: python notebooks/make_notebooks.py).

The notebooks are kept as generated here so they stay reviewable as code; CI
executes them top to bottom (pytest --nbmake) and their last cells assert the
key results.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


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
import matplotlib
matplotlib.use("Agg")
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
    "research community's test domains (`../shared/cases/genius`).",
    """
from pathlib import Path
import numpy as np
import matplotlib
matplotlib.use("Agg")
import mutualgains as mg
from mutualgains import plots

GENIUS = Path("../../shared/cases/genius")
if not GENIUS.is_dir():
    GENIUS = Path("../shared/cases/genius")
assert GENIUS.is_dir(), "the shared test cases are needed"
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
ax.legend(fontsize=8);
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
    "accept, both SportCo and the Department of Tourism among them.",
    """
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
import mutualgains as mg
from mutualgains import plots

BASE = Path("../../shared/cases/scorable/base")
if not BASE.is_dir():
    BASE = Path("../shared/cases/scorable/base")
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


def main() -> None:
    for name, cells in (("01_six_steps", SIX_STEPS), ("02_genius_domains", GENIUS),
                        ("03_scorable_game", SCORABLE)):
        nbformat.write(notebook(cells), HERE / f"{name}.ipynb")


if __name__ == "__main__":
    main()
