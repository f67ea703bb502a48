"""Review a deal: what each party gains, what is left on the table, how it compares.

Given a proposed or agreed package, :func:`review_deal` answers in one report:

- each party's utility, gain and acceptance, and whether the package passes;
- whether it is Pareto-optimal among all packages that respect the dependencies,
  and the best Pareto improvement by a bargaining rule
  (:func:`mutualgains.improve`: nobody worse off, ``rule`` maximised), with the
  value it leaves on the table per party;
- every Pareto improvement that is itself Pareto-optimal: the exact frontier of the
  packages that give every party at least what the deal gives
  (:func:`mutualgains.pareto_frontier` on the case with each BATNA raised to the
  party's utility under the deal and unanimity), and, per party, the most it could
  gain with nobody worse off (one integer program each);
- where it lies against the frontier: the largest gain every party could have at
  once (the egalitarian improvement, the distance to the frontier along the diagonal)
  and the largest total;
- the bargaining solutions (:func:`mutualgains.solve` for each objective), each
  party's gain under them, and the deal's own value for each objective;
- the trades it contains (:func:`mutualgains.trades`).

Examples
--------
>>> import mutualgains as mg
>>> case = mg.load_example("harbour")
>>> proposal = {"infrastructure": "water", "ecology": "maintain", "employment": "2:1 quota",
...             "loan": "2 billion", "compensation": "300 million"}
>>> review = mg.review_deal(case, proposal)
>>> review.pareto_optimal, review.uniform_gain, sum(review.left_on_table.values())
(False, 1, 45)
>>> review.to_frame()[["party", "gain", "left_on_table", "most_for"]]
                  party  gain  left_on_table  most_for
0                  Port    11              2         4
1                  City    10             12        12
2  Environmental League   -10             20        20
3                 Union    15             10        10
4       Neighbour Towns    14              1        11
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from mutualgains.analysis.frontier import pareto_frontier
from mutualgains.analysis.improve import RULES, Improvement, improve
from mutualgains.analysis.logrolling import trades
from mutualgains.analysis.solve import OBJECTIVES, solve
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import UsageError
from mutualgains.model import Case, DecisionRule
from mutualgains.model.arguments import CASE, PACKAGE
from mutualgains.params import (
    PROGRESS,
    SOLVER,
    Choice,
    Integer,
    Names,
    validated,
)
from mutualgains.progress import ProgressArg, track
from mutualgains.results import SolveResult
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import readonly, tidy

__all__ = ["DealReview", "review_deal"]


@dataclass(frozen=True)
class DealReview:
    """The result of :func:`review_deal`.

    Attributes
    ----------
    status : Status
        ``optimal`` when every part is proven (the improvements complete), else
        ``feasible`` (``message`` says what stopped short).
    package : mapping
        The deal, ``issue -> option``.
    scores, gains, accepted : mapping
        Per party, under the deal.
    passes : bool
    pareto_optimal : bool or None
        Proven by an exact solve (``None`` when it did not finish).
    improvement : Improvement
        The best Pareto improvement by ``rule`` (:func:`mutualgains.improve`).
    left_on_table : mapping
        Per party: what the best improvement by ``rule`` adds.
    most_for : mapping
        Per party: the most it could gain over the deal with nobody worse off.
    uniform_gain : float or None
        The largest amount every party could gain at once.
    improvements : tuple of mapping
        The Pareto-optimal packages that dominate the deal: each
        ``{"package", "scores", "gains", "improvement"}`` (empty when the deal is
        Pareto-optimal); ``improvements_status`` says whether all were found.
    solutions : mapping
        Objective -> the :class:`~mutualgains.results.SolveResult` of :func:`mutualgains.solve`.
    deal_values : mapping
        Objective -> the deal's own value for it (joint: the weighted joint gain;
        egalitarian and leximin: the smallest gain; ks: the smallest gain over
        the ideal gain; nash: the weighted product of gains, 0 when one is not positive).
    trades : tuple of mapping
        The rows of :func:`mutualgains.trades`.

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("harbour")
    >>> mg.review_deal(case, mg.solve(case).package)
    <DealReview of Harbour Sport Park: passes, Pareto-optimal, joint gain 114>
    """

    status: Status
    package: Mapping[str, str]
    scores: Mapping[str, float]
    gains: Mapping[str, float]
    batnas: Mapping[str, float]
    accepted: Mapping[str, bool]
    passes: bool
    pareto_optimal: bool | None
    improvement: Improvement
    left_on_table: Mapping[str, float]
    most_for: Mapping[str, float | None]
    uniform_gain: float | None
    improvements: tuple[Mapping[str, Any], ...]
    improvements_status: str
    solutions: Mapping[str, SolveResult]
    deal_values: Mapping[str, float | None]
    trades: tuple[Mapping[str, Any], ...]
    rule: str
    seconds: float
    message: str = ""
    case_name: str = ""

    def __post_init__(self) -> None:
        for name in ("package", "scores", "gains", "batnas", "accepted", "left_on_table",
                     "most_for", "solutions", "deal_values"):
            object.__setattr__(self, name, readonly(getattr(self, name)))
        object.__setattr__(self, "improvements", tuple(readonly(m) for m in self.improvements))
        object.__setattr__(self, "trades", tuple(readonly(m) for m in self.trades))

    @property
    def joint_gain(self) -> float:
        """The deal's weighted joint gain.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("harbour")
        >>> mg.review_deal(case, mg.solve(case).package).joint_gain
        114
        """
        joint = self.deal_values.get("joint", tidy(sum(self.gains.values())))
        assert joint is not None  # the joint gain is always a number
        return joint

    def to_frame(self) -> pd.DataFrame:
        """One row per party: ``party, score, batna, gain, accepted, left_on_table,
        most_for``, then ``gain <objective>`` under each bargaining solution.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("harbour")
        >>> frame = mg.review_deal(case, mg.solve(case).package).to_frame()
        >>> frame.columns.tolist()[:7]
        ['party', 'score', 'batna', 'gain', 'accepted', 'left_on_table', 'most_for']
        """
        rows = []
        for p in self.scores:
            row = {"party": p, "score": self.scores[p], "batna": self.batnas[p],
                   "gain": self.gains[p], "accepted": self.accepted[p],
                   "left_on_table": self.left_on_table.get(p), "most_for": self.most_for.get(p)}
            for objective, result in self.solutions.items():
                row[f"gain {objective}"] = result.gains.get(p)
            rows.append(row)
        columns = ["party", "score", "batna", "gain", "accepted", "left_on_table", "most_for",
                   *(f"gain {o}" for o in self.solutions)]
        return pd.DataFrame(rows, columns=columns)

    def solutions_frame(self) -> pd.DataFrame:
        """One row per objective: the solution's value, the deal's, and their ratio (when both
        are non-negative).

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("harbour")
        >>> mg.review_deal(case, mg.solve(case).package).solutions_frame().iloc[0].tolist()
        ['joint', 'optimal', 114, 114, 1.0]
        """
        rows = []
        for objective, result in self.solutions.items():
            best, deal = result.objective_value, self.deal_values.get(objective)
            ratio = (deal / best if best is not None and deal is not None and best > 0
                     and deal >= 0 and math.isfinite(best) else None)
            rows.append([objective, result.status.value, None if best is None else tidy(best),
                         deal, None if ratio is None else float(ratio)])
        return pd.DataFrame(rows, columns=["objective", "status", "best", "deal", "ratio"],
                            dtype=object)

    def trades_frame(self) -> pd.DataFrame:
        """The trades as :func:`mutualgains.trades` returns them.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("harbour")
        >>> mg.review_deal(case, mg.solve(case).package).trades_frame().columns[:2].tolist()
        ['party', 'conceded']
        """
        columns = ["party", "conceded", "other", "other_conceded", "gain", "other_gain",
                   "counterfactual_feasible"]
        return pd.DataFrame([dict(t) for t in self.trades], columns=columns)

    def improvements_frame(self) -> pd.DataFrame:
        """One row per Pareto-optimal improvement: ``improvement <party>`` per party, the
        package.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("harbour")
        >>> proposal = case.package_from_indices([0, 1, 1, 1, 2])
        >>> len(mg.review_deal(case, proposal).improvements_frame()) > 1
        True
        """
        rows = [{**{f"improvement {p}": v for p, v in m["improvement"].items()},
                 **m["package"]} for m in self.improvements]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data.

        Examples
        --------
        >>> import mutualgains as mg, json
        >>> case = mg.load_example("harbour")
        >>> data = mg.review_deal(case, mg.solve(case).package).to_dict()
        >>> data["pareto_optimal"], len(json.dumps(data)) > 100
        (True, True)
        """
        return {
            "status": self.status.value,
            "package": dict(self.package),
            "passes": self.passes,
            "scores": dict(self.scores),
            "gains": dict(self.gains),
            "accepted": dict(self.accepted),
            "pareto_optimal": self.pareto_optimal,
            "rule": self.rule,
            "improved_package": (None if self.improvement.result.package is None
                                 else dict(self.improvement.result.package)),
            "left_on_table": dict(self.left_on_table),
            "most_for": dict(self.most_for),
            "uniform_gain": self.uniform_gain,
            "improvements": [{"package": dict(m["package"]), "scores": dict(m["scores"]),
                              "gains": dict(m["gains"]), "improvement": dict(m["improvement"])}
                             for m in self.improvements],
            "improvements_status": self.improvements_status,
            "solutions": {o: {"status": r.status.value, "objective_value": r.objective_value,
                              "package": None if r.package is None else dict(r.package),
                              "gains": dict(r.gains)} for o, r in self.solutions.items()},
            "deal_values": dict(self.deal_values),
            "trades": [dict(t) for t in self.trades],
            "seconds": self.seconds,
            "message": self.message,
        }

    def __repr__(self) -> str:
        verdict = {True: "Pareto-optimal", False: "improvable", None: "optimality unknown"}[
            self.pareto_optimal]
        return (f"<DealReview of {self.case_name or 'case'}: "
                f"{'passes' if self.passes else 'does not pass'}, {verdict}, "
                f"joint gain {self.joint_gain:.6g}>")

    def _repr_html_(self) -> str:
        note = f"<p><i>{html.escape(self.message)}</i></p>" if self.message else ""
        return (f"<div><p><b>{html.escape(repr(self)[1:-1])}</b></p>{note}"
                f"{self.to_frame().to_html(index=False)}"
                f"{self.solutions_frame().to_html(index=False)}</div>")


def _deal_values(case: Case, gains: np.ndarray,
                 solutions: Mapping[str, SolveResult]) -> dict[str, float | None]:
    """The deal's value for each objective, as :func:`mutualgains.solve` defines them."""
    weights = np.array([float(p.weight) for p in case.parties])
    out: dict[str, float | None] = {}
    for objective, result in solutions.items():
        if objective == "joint":
            value = float(weights @ gains)
        elif objective in ("egalitarian", "leximin"):
            value = float(gains.min())
        elif objective == "ks":
            ideals = result.details.get("ideal_gains")
            if ideals is None:
                value = None
            else:
                ideal = np.array([ideals[p] for p in case.party_names])
                scaled = ideal > TOLERANCE
                value = float((gains[scaled] / ideal[scaled]).min()) if scaled.any() else 1.0
        else:  # nash
            keep = weights > 0
            value = float(np.prod(np.maximum(gains[keep], 0.0) ** weights[keep]))
        out[objective] = None if value is None else tidy(value)
    return out


def _dominating(case: Case, utilities: np.ndarray) -> Case:
    """The case in which a package passes when it gives every party at least ``utilities``."""
    parties = tuple(replace(p, batna=tidy(u), veto=False)
                    for p, u in zip(case.parties, utilities, strict=True))
    return replace(case, parties=parties, decision_rule=DecisionRule(), margin=0)


@validated(case=CASE, package=PACKAGE, rule=Choice(RULES), objectives=Names(),
           max_points=Integer(low=1), solver=SOLVER, progress=PROGRESS)
def review_deal(
    case: Case,
    package: Mapping[str, str] | Sequence[str],
    *,
    rule: str = "joint",
    objectives: Sequence[str] = OBJECTIVES,
    max_points: int = 200,
    solver: str = "highs",
    progress: ProgressArg = False,
) -> DealReview:
    """Review a proposed or agreed package (see the module notes for every part).

    Parameters
    ----------
    case : Case
    package : mapping or sequence
        The deal, ``issue -> option`` (or option names in issue order).
    rule : {"joint", "egalitarian", "nash"}, default "joint"
        What the best Pareto improvement maximises (:func:`mutualgains.improve`).
    objectives : sequence of str, default every objective of :func:`mutualgains.solve`
        The bargaining solutions to compare the deal with.
    max_points : int, default 200
        The most Pareto-optimal improvements to list (``improvements_status``
        ``limit`` when there are more).
    solver : str, default "highs"
    progress : bool or callable, default False
        ``True`` for a progress bar, or ``progress(done, total)`` called after each part
        (see :mod:`mutualgains.progress`).

    Returns
    -------
    DealReview

    Raises
    ------
    UsageError
        A package that breaks the case's dependencies, an unknown objective, or a
        case whose option costs are paid by parties with a budget.
    CaseError
        A package that is not a package of the case.

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("harbour")
    >>> review = mg.review_deal(case, mg.solve(case, "egalitarian").package)
    >>> review.pareto_optimal, review.solutions_frame()["objective"].tolist()
    (True, ['joint', 'egalitarian', 'ks', 'leximin', 'nash'])
    """
    unknown = [o for o in objectives if o not in OBJECTIVES]
    if unknown:
        raise UsageError(f"objectives: unknown objective {unknown[0]!r} "
                         f"(known: {', '.join(OBJECTIVES)})")
    case.require_no_contributions("review_deal")
    started = time.perf_counter()
    choice = case.package_indices(package)
    deal = case.package_from_indices(choice)
    if case.violations(deal):
        raise UsageError("package: breaks the case's dependencies: "
                         + "; ".join(case.violations(deal)))
    total = 3 + len(case.parties) + len(objectives) + 1
    with track(progress, "review", total=total, unit="part") as tracker:
        return _review(case, choice, deal, rule, objectives, max_points, solver, tracker.advance,
                       started)


def _review(case: Case, choice: tuple[int, ...], deal: dict[str, str], rule: str,
            objectives: Sequence[str], max_points: int, solver: str,
            tick: Callable[[], None], started: float) -> DealReview:
    """The parts of the review, one ``tick`` after each."""
    names = case.party_names
    u = case.utility_vector(choice)
    gains = u - case.batnas
    notes: list[str] = []
    improvement = improve(case, deal, rule=rule, solver=solver)
    tick()
    dominating = _dominating(case, u)
    frontier = pareto_frontier(dominating, ties=False, max_points=max_points, solver=solver)
    tick()
    improvements = []
    for point in frontier.points:
        better = {p: tidy(point.scores[p] - u[k]) for k, p in enumerate(names)}
        if max(better.values()) > TOLERANCE * max(1.0, float(np.abs(u).max())):
            scores = dict(point.scores)
            improvements.append({"package": dict(point.package), "scores": scores,
                                 "gains": {p: tidy(scores[p] - case.batnas[k])
                                           for k, p in enumerate(names)},
                                 "improvement": better})
    if frontier.status not in ("complete", "no_agreement"):
        notes.append(f"improvements: {frontier.message}")
    most_for = {}
    program = PackageProgram(dominating)
    for k, p in enumerate(names):
        program.model.set_objective(*program.utility_terms(k))
        out = program.solve(solver=solver)
        most_for[p] = (tidy(case.utility_vector(program.choice(out.solution))[k] - u[k])
                       if out.status == Status.OPTIMAL else None)
        if out.status != Status.OPTIMAL:
            notes.append(f"most for {p}: the solve ended {out.status.value}")
        tick()
    uniform = solve(dominating, "egalitarian", solver=solver)
    uniform_gain = uniform.objective_value if uniform.status == Status.OPTIMAL else None
    tick()
    solutions = {}
    for objective in objectives:
        solutions[objective] = solve(case, objective, solver=solver)
        tick()
    deal_trades = tuple({str(k): v for k, v in row.items()}
                        for row in trades(case, deal).to_dict("records"))
    tick()
    proven = (improvement.pareto_optimal is not None and frontier.status in ("complete",
                                                                              "no_agreement")
              and all(v is not None for v in most_for.values()) and uniform_gain is not None
              and all(r.status in (Status.OPTIMAL, Status.NO_AGREEMENT)
                      for r in solutions.values()))
    return DealReview(
        status=Status.OPTIMAL if proven else Status.FEASIBLE, package=deal,
        scores={p: tidy(u[k]) for k, p in enumerate(names)},
        gains={p: tidy(gains[k]) for k, p in enumerate(names)},
        batnas={p.name: p.batna for p in case.parties}, accepted=case.accepts(deal),
        passes=case.passes(deal), pareto_optimal=improvement.pareto_optimal,
        improvement=improvement, left_on_table=dict(improvement.left_on_table),
        most_for=most_for, uniform_gain=uniform_gain, improvements=tuple(improvements),
        improvements_status=frontier.status if frontier.status != "no_agreement" else "complete",
        solutions=solutions, deal_values=_deal_values(case, gains, solutions),
        trades=deal_trades, rule=rule, seconds=time.perf_counter() - started,
        message="; ".join(notes), case_name=case.name)
