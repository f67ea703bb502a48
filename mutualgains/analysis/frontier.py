"""The exact Pareto frontier of the packages that pass the decision rule.

A utility vector is on the frontier when no passing package gives every
frontier party at least as much and one of them more. The frontier is
computed exactly, with one package per point:

- two parties: the epsilon-constraint method with a lexicographic second
  stage, sweeping the second party's utility upwards;
- three or more: a search-region method (Klamroth, Lacour & Vanderpooten,
  2015): the region not dominated by the points found so far is a union of
  boxes ``{u > l}``; each solve maximises the sum of utilities in one box and
  either finds a new non-dominated point (and splits the boxes it lies in)
  or proves the box empty.

On a separable case (utilities plain sums over issues: no synergies, caps,
requires or excludes) no solver is needed: the few packages that dominate all
others are merged issue by issue (:mod:`mutualgains.engine.separable`); with two
parties the sweep above runs on that table (its searches maximise a
non-negative combination of utilities under lower bounds, which a dominating
row answers), with more the frontier is read off the table directly. Otherwise,
or when that table would be too large, each search is an integer program.
``method="mip"`` forces the integer programs; :attr:`Frontier.method` says which
was used.

"Strictly more" needs a step: on data whose scores lie on a rational grid
(integers, decimals, fractions with denominators up to 10**6) the step is the
grid's, and the frontier is exact; otherwise it is ``TOLERANCE`` times the
party's utility range (at least ``10 * TOLERANCE``), and points closer than
that in a party's utility count as one (see :func:`utility_step`); on the
separable table, which involves no solver, that off-grid step is 10**4 times
smaller, so only rounding merges points. When the
solver returns a package that misses a bound by less than its own feasibility
tolerance, that package is cut off and the solve repeated.

Examples
--------
>>> from mutualgains import pareto_frontier
>>> from mutualgains.io.examples import load_example
>>> frontier = pareto_frontier(load_example("harbour"), parties=["Port", "City"])
>>> len(frontier), frontier.status
(6, 'complete')
>>> frontier.to_frame()[["score Port", "score City"]].head(2)
   score Port  score City
0          87          48
1          81          50
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import reduce
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from mutualgains.engine.mip import check_solver
from mutualgains.engine.program import PackageProgram
from mutualgains.engine.separable import (
    CandidateTable,
    candidate_table,
    is_separable,
    non_dominated,
)
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.params import (
    GAP,
    METHOD,
    PROGRESS,
    SOLVER,
    TIME_LIMIT,
    Flag,
    Integer,
    Maybe,
    Names,
    validated,
)
from mutualgains.progress import ProgressArg, track
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import tidy

__all__ = ["Frontier", "FrontierPoint", "pareto_frontier", "utility_step"]

_MAX_DENOMINATOR = 10**6
_TABLE_STEP = 1e-4  # off-grid step on the separable table, relative to the solvers' one


@dataclass(frozen=True)
class FrontierPoint:
    """One non-dominated utility vector and a package that attains it.

    Attributes
    ----------
    scores, gains : mapping
        Every party's utility and gain (frontier parties and the others).
    package : mapping
        ``issue -> option``.
    tied : bool or None
        Whether another package gives the frontier parties the same utilities
        (``None`` when not checked).

    Examples
    --------
    >>> from mutualgains import pareto_frontier
    >>> from mutualgains.io.examples import load_example
    >>> point = pareto_frontier(load_example("harbour"), parties=["Port", "City"]).points[0]
    >>> point.scores["Port"], point.tied
    (87, False)
    """

    scores: Mapping[str, float]
    gains: Mapping[str, float]
    package: Mapping[str, str]
    tied: bool | None = None

    def __post_init__(self) -> None:
        for name in ("scores", "gains", "package"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))


@dataclass(frozen=True)
class Frontier:
    """The result of :func:`pareto_frontier`.

    Attributes
    ----------
    parties : tuple of str
        The parties whose utilities span the frontier.
    points : tuple of FrontierPoint
        Sorted by the first party's utility, highest first.
    status : str
        ``complete`` (every point found and proven), ``limit`` (stopped at
        ``max_points``), ``time_limit`` or ``no_agreement`` (no package passes).
    steps : mapping
        The utility step used per frontier party (see the module notes).
    solver : str
        The solver of the integer programs (tie checks included).
    solves : int
        Integer programs solved.
    method : str
        ``separable`` (searches answered from the table of dominating
        packages) or ``mip`` (every search an integer program).

    Examples
    --------
    >>> from mutualgains import pareto_frontier
    >>> from mutualgains.io.examples import load_example
    >>> pareto_frontier(load_example("harbour"), parties=["Port", "City"])
    <Frontier 6 points over Port, City: complete, ...>
    """

    parties: tuple[str, ...]
    points: tuple[FrontierPoint, ...]
    status: str
    steps: Mapping[str, float]
    solver: str
    seconds: float
    solves: int
    message: str = ""
    case_name: str = ""
    issue_names: tuple[str, ...] = field(default=())
    method: str = "mip"

    @property
    def complete(self) -> bool:
        """Whether every frontier point was found (and proven)."""
        return self.status == "complete"

    def __len__(self) -> int:
        return len(self.points)

    def __iter__(self):
        return iter(self.points)

    def utilities(self) -> np.ndarray:
        """The points as an array ``(n_points, n_frontier_parties)``.

        Examples
        --------
        >>> from mutualgains import pareto_frontier
        >>> from mutualgains.io.examples import load_example
        >>> pareto_frontier(load_example("harbour"), parties=["Port", "City"]).utilities()[0]
        array([87., 48.])
        """
        return np.array([[p.scores[q] for q in self.parties] for p in self.points], dtype=float)

    def to_frame(self) -> pd.DataFrame:
        """One row per point: ``score <party>`` and ``gain <party>`` for every party,
        then the package (one column per issue) and ``tied``.

        Examples
        --------
        >>> from mutualgains import pareto_frontier
        >>> from mutualgains.io.examples import load_example
        >>> frame = pareto_frontier(load_example("harbour"), parties=["Port", "City"]).to_frame()
        >>> list(frame.columns[:4])
        ['score Port', 'score City', 'score Environmental League', 'score Union']
        """
        rows = []
        names = list(self.points[0].scores) if self.points else list(self.parties)
        for point in self.points:
            row: dict[str, Any] = {}
            row.update({f"score {p}": point.scores[p] for p in names})
            row.update({f"gain {p}": point.gains[p] for p in names})
            row.update(point.package)
            row["tied"] = point.tied
            rows.append(row)
        columns = ([f"score {p}" for p in names] + [f"gain {p}" for p in names]
                   + list(self.issue_names) + ["tied"])
        return pd.DataFrame(rows, columns=columns)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: status, parties, points (scores, gains, package, tied).

        Examples
        --------
        >>> from mutualgains import pareto_frontier
        >>> from mutualgains.io.examples import load_example
        >>> data = pareto_frontier(load_example("harbour"), parties=["Port", "City"]).to_dict()
        >>> data["status"], len(data["points"]), sorted(data["points"][0])
        ('complete', 6, ['gains', 'package', 'scores', 'tied'])
        """
        return {
            "status": self.status,
            "parties": list(self.parties),
            "points": [{"scores": dict(p.scores), "gains": dict(p.gains),
                        "package": dict(p.package), "tied": p.tied} for p in self.points],
            "steps": dict(self.steps),
            "solver": self.solver,
            "method": self.method,
            "solves": self.solves,
            "seconds": self.seconds,
            "message": self.message,
        }

    def __repr__(self) -> str:
        return (f"<Frontier {len(self.points)} points over {', '.join(self.parties)}: "
                f"{self.status}, {self.method}, {self.solves} solves, {self.seconds:.2f} s>")

    def _repr_html_(self) -> str:
        from mutualgains.display import block_html, html_table

        rows = [[*(p.scores[q] for q in self.parties), p.tied] for p in self.points]
        return block_html(repr(self)[1:-1], html_table([*self.parties, "tied"], rows))


# ------------------------------------------------------------------ the step


def utility_step(case: Case, party: str) -> tuple[float, bool]:
    """The smallest difference between two different utilities of ``party``.

    Returns ``(step, exact)``: when every score, bonus and cap of the party is
    a multiple of a common rational grid (integers, decimals, or fractions such
    as GENIUS' ``utility / maxutility``; denominators up to 10**6) the step is
    that grid and ``exact`` is True; otherwise ``TOLERANCE`` times the party's
    utility range, and at least ``10 * TOLERANCE``.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> utility_step(load_example("harbour"), "Port")
    (1.0, True)
    """
    p = case.party_names.index(party)
    values = [float(v) for v in case.score_matrix[p]]
    values += [float(bonus[p]) for _, bonus in case.synergy_table]
    if math.isfinite(case.caps[p]):
        values.append(float(case.caps[p]))
    values = [v for v in values if v != 0]
    if not values:
        return 1.0, True
    fractions = [Fraction(v).limit_denominator(_MAX_DENOMINATOR) for v in values]
    if all(abs(float(f) - v) <= 1e-12 * max(1.0, abs(v)) for f, v in zip(fractions, values,
                                                                          strict=True)):
        denominator = reduce(math.lcm, (f.denominator for f in fractions))
        if denominator <= _MAX_DENOMINATOR:
            grid = reduce(math.gcd, (abs(f.numerator * (denominator // f.denominator))
                                     for f in fractions))
            return float(Fraction(grid, denominator)), True
    span = max(values) - min(min(values), 0.0)
    # well above the solvers' feasibility tolerance (1e-6), so a step is never bent away
    return max(10 * TOLERANCE, TOLERANCE * span), False


# ---------------------------------------------------------------- the search


class _Search:
    """Solves on one program: utility rows with movable bounds, staged objectives."""

    def __init__(self, case: Case, parties: list[int], *, solver: str,
                 time_limit: float | None, gap: float, msg: bool,
                 started: float | None = None):
        self.case = case
        self.parties = parties
        self.program = program = PackageProgram(case)
        self.model = program.model
        self.options = {"solver": solver, "gap": gap, "msg": msg}
        self.time_limit = time_limit
        self.started = time.perf_counter() if started is None else started
        self.solves = 0
        self.solver_name = solver
        self.proven = True
        self.cuts: list[tuple[int, int]] = []
        self.low = {p: program.utility_bounds(p)[0] - 1.0 for p in parties}
        rows = [(*program.utility_terms(p), ">=", self.low[p]) for p in parties]
        self.rows = dict(zip(parties, self.model.add_rows(rows), strict=True))

    def out_of_time(self) -> bool:
        return (self.time_limit is not None
                and time.perf_counter() - self.started >= self.time_limit)

    def bound(self, p: int, value: float | None) -> None:
        """Require ``U_p >= value`` (``None`` lifts the requirement)."""
        self.model.set_rhs(self.rows[p], self.low[p] if value is None else value)

    def maximise(self, weights: Mapping[int, float]) -> tuple[int, ...] | None:
        """Maximise ``sum weights[p] * U_p``; the package, or None if infeasible."""
        total = np.zeros(len(self.case.parties))
        for p, w in weights.items():
            total[p] = w
        self.model.set_objective(*self.program.combined_terms(total))
        left = None
        if self.time_limit is not None:
            left = max(0.01, self.time_limit - (time.perf_counter() - self.started))
        out = self.model.solve(time_limit=left, **self.options)
        self.solves += 1
        self.solver_name = out.solver
        if out.status == Status.INFEASIBLE:
            return None
        if out.status != Status.OPTIMAL:
            self.proven = False
            return None
        return self.program.choice(out.values)

    def utilities(self, choice: tuple[int, ...]) -> np.ndarray:
        return self.case.utility_vector(choice)

    def cut(self, choice: tuple[int, ...]) -> None:
        """Exclude one package from the search (undone by :meth:`uncut`)."""
        self.cuts.append((self.model.add_rows([self.program.no_good(choice)])[0], len(choice)))

    def uncut(self) -> None:
        """Switch every cut off again (before checking ties)."""
        for row, n in self.cuts:
            self.model.set_rhs(row, float(n))
        self.cuts = []

    def tied(self, choice: tuple[int, ...], u: np.ndarray) -> bool:
        """Whether another package gives the frontier parties at least ``u``."""
        (row,) = self.model.add_rows([self.program.no_good(choice)])
        for p in self.parties:
            self.bound(p, u[p] - TOLERANCE * max(1.0, abs(u[p])))
        found = self.maximise({})
        self.model.set_rhs(row, float(len(choice)))  # switch the cut off again
        return found is not None


class _TableSearch:
    """The searches of :class:`_Search`, answered from a :class:`CandidateTable`.

    Exact: every package that passes is weakly dominated by a row of the table,
    so a best row under lower bounds and non-negative weights is a best package.
    Tie checks (which need the packages the table left out) go to a :class:`_Search`.
    """

    def __init__(self, case: Case, parties: list[int], table: CandidateTable, *,
                 started: float, time_limit: float | None, mip: dict):
        self.case = case
        self.parties = parties
        self.table = table
        self.started = started
        self.time_limit = time_limit
        self.mip_options = mip
        self.mip: _Search | None = None
        self.proven = True
        self.floor = {p: -math.inf for p in parties}
        self.excluded = np.zeros(len(table), dtype=bool)

    solves = property(lambda self: 0 if self.mip is None else self.mip.solves)
    solver_name = property(lambda self: self.mip_options["solver"] if self.mip is None
                           else self.mip.solver_name)

    out_of_time = _Search.out_of_time
    utilities = _Search.utilities

    def bound(self, p: int, value: float | None) -> None:
        # a bound sits on the grid of utilities: allow for rounding in their sums
        self.floor[p] = -math.inf if value is None else value - 1e-11 * max(1.0, abs(value))

    def maximise(self, weights: Mapping[int, float]) -> tuple[int, ...] | None:
        u = self.table.utilities
        ok = ~self.excluded
        for p, low in self.floor.items():
            if low > -math.inf:
                ok &= u[:, p] >= low
        if not ok.any():
            return None
        w = np.zeros(u.shape[1])
        for p, v in weights.items():
            w[p] = v
        rows = np.flatnonzero(ok)
        best = rows[int(np.argmax(u[rows] @ w))]
        return tuple(int(c) for c in self.table.choices[best])

    def cut(self, choice: tuple[int, ...]) -> None:
        self.excluded |= (self.table.choices == np.array(choice)).all(axis=1)

    def uncut(self) -> None:
        self.excluded[:] = False

    def tied(self, choice: tuple[int, ...], u: np.ndarray) -> bool:
        if self.mip is None:
            self.mip = _Search(self.case, self.parties, time_limit=self.time_limit,
                               started=self.started, **self.mip_options)
        return self.mip.tied(choice, u)


@validated(case=CASE, parties=Maybe(Names(min_length=2)), ties=Flag(), max_points=Integer(low=1),
           progress=PROGRESS, solver=SOLVER, time_limit=TIME_LIMIT, gap=GAP,
           msg=Flag(), method=METHOD)
def pareto_frontier(
    case: Case,
    parties: Sequence[str] | None = None,
    *,
    ties: bool = True,
    max_points: int = 10_000,
    progress: ProgressArg = False,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 0.0,
    msg: bool = False,
    method: str = "auto",
) -> Frontier:
    """Every non-dominated utility vector over the packages that pass, with a package each.

    Parameters
    ----------
    case : Case
    parties : sequence of str, optional
        The parties whose utilities span the frontier (default: all). The
        others still have to accept as the decision rule requires.
    ties : bool, default True
        Check, for every point, whether another package attains it (one more
        solve per point).
    max_points : int, default 10_000
        Stop after this many points (status ``limit``).
    progress : bool or callable, default False
        ``True`` shows a bar on stderr; a callable is called as
        ``progress(points found, None)`` after every solve (the number of points
        is not known in advance). See :mod:`mutualgains.progress`.
    solver, time_limit, gap, msg
        As in :func:`mutualgains.solve`; ``time_limit`` is for the whole call.
    method : {"auto", "mip"}, default "auto"
        ``auto`` answers the searches from the table of dominating packages
        when the case is separable and the table stays small (see the module
        notes), else by integer programs; ``mip`` always solves integer programs.

    Returns
    -------
    Frontier

    Raises
    ------
    UsageError
        Unknown or repeated party, fewer than two parties, bad limits.

    Examples
    --------
    >>> from mutualgains import pareto_frontier
    >>> from mutualgains.io.examples import load_example
    >>> frontier = pareto_frontier(load_example("harbour"))
    >>> frontier.status, len(frontier) > 5
    ('complete', True)
    """
    case.require_no_contributions("pareto_frontier")
    names = list(case.party_names if parties is None else parties)
    unknown = [p for p in names if p not in case.party_names]
    if unknown:
        raise UsageError(f"parties: unknown party {unknown[0]!r} "
                         f"(parties: {', '.join(case.party_names)})")
    if len(set(names)) != len(names) or len(names) < 2:
        raise UsageError(f"parties: need at least two different parties, got {names}")
    started = time.perf_counter()
    index = [case.party_names.index(p) for p in names]
    steps = {p: utility_step(case, case.party_names[p]) for p in index}
    options = {"solver": solver, "gap": gap, "msg": msg}
    table = None
    if method == "auto" and is_separable(case):
        table = candidate_table(case, deadline=None if time_limit is None
                                else started + time_limit / 2)
    search: _Search | _TableSearch
    if table is not None:
        check_solver(solver)  # used for tie checks only, but a wrong name is a mistake
        # no solver tolerance to stay clear of: off the grid, only rounding merges points
        steps = {p: step if step[1] else (step[0] * _TABLE_STEP, False)
                 for p, step in steps.items()}
        search = _TableSearch(case, index, table, started=started, time_limit=time_limit,
                              mip=options)
    else:
        search = _Search(case, index, time_limit=time_limit, started=started, **options)
    with track(progress, "frontier", unit="point") as tracker:
        def report(points: int, boxes: int) -> None:
            tracker.update(points)

        if len(index) == 2:
            found, status = _two_parties(search, index, steps, max_points, report)
        elif isinstance(search, _TableSearch):
            found, status = _table_points(search.table, index, steps, max_points)
            report(len(found), 0)
        else:
            found, status = _many_parties(search, index, steps, max_points, report)
    search.uncut()
    if status == "complete" and not found:
        status = "no_agreement"
    if not search.proven and status == "complete":
        status = "time_limit"
    points = []
    for choice in found:
        u = search.utilities(choice)
        tied = None
        if ties and not search.out_of_time():
            tied = search.tied(choice, u)
        package = case.package_from_indices(choice)
        gains = u - case.batnas
        points.append(FrontierPoint(
            scores={p: tidy(u[k]) for k, p in enumerate(case.party_names)},
            gains={p: tidy(gains[k]) for k, p in enumerate(case.party_names)},
            package=package, tied=tied))
    points.sort(key=lambda pt: tuple(-pt.scores[case.party_names[p]] for p in index))
    messages = {
        "limit": f"stopped after max_points={max_points} points",
        "time_limit": "time limit reached: the points found are non-dominated, more may exist",
        "no_agreement": "no package passes the decision rule",
    }
    if ties and any(p.tied is None for p in points):
        messages["complete"] = "time limit: ties not checked for every point"
    return Frontier(
        parties=tuple(names), points=tuple(points), status=status,
        steps=MappingProxyType({case.party_names[p]: s for p, (s, _) in steps.items()}),
        solver=search.solver_name, seconds=time.perf_counter() - started,
        solves=search.solves, message=messages.get(status, ""), case_name=case.name,
        issue_names=case.issue_names, method="mip" if table is None else "separable")




def _keep(step: tuple[float, bool], value: float) -> float:
    """Lower bound that keeps ``value`` (half a grid step, or the tolerance)."""
    size, exact = step
    return value - (size / 2 if exact else TOLERANCE * max(1.0, abs(value)))


def _lexmax(search: _Search, first: int, second: int,
            steps: dict) -> tuple[int, ...] | None:
    """Maximise ``U_first``, then ``U_second`` with ``U_first`` kept."""
    choice = search.maximise({first: 1.0})
    if choice is None:
        return None
    search.bound(first, _keep(steps[first], search.utilities(choice)[first]))
    better = search.maximise({second: 1.0})
    search.bound(first, None)
    return better if better is not None else choice


def _two_parties(search: _Search, index: list[int], steps: dict, max_points: int,
                 report) -> tuple[list, str]:
    a, b = index
    found: list[tuple[int, ...]] = []
    floor: float | None = None
    while True:
        search.bound(b, floor)
        choice = _lexmax(search, a, b, steps)
        if choice is None:
            return found, "complete"
        u = search.utilities(choice)
        if floor is not None and u[b] < floor - steps[b][0] / 2:
            search.cut(choice)  # the solver bent the floor within its tolerance: retry
            continue
        found.append(choice)
        report(len(found), 1)
        if len(found) >= max_points:
            return found, "limit"
        if search.out_of_time():
            search.proven = False
            return found, "time_limit"
        floor = u[b] + steps[b][0]


def _many_parties(search: _Search, index: list[int], steps: dict, max_points: int,
                  report) -> tuple[list, str]:
    """Search-region method: boxes ``{u > l}`` not dominated by the points found."""
    found: list[tuple[int, ...]] = []
    boxes: list[tuple[float, ...]] = [tuple(-math.inf for _ in index)]
    weights = {p: 1.0 for p in index}
    while boxes:
        box = boxes.pop(0)
        for k, p in enumerate(index):
            search.bound(p, None if box[k] == -math.inf else box[k] + steps[p][0])
        choice = search.maximise(weights)
        report(len(found), len(boxes))
        if choice is None:
            if not search.proven:
                return found, "time_limit"
            continue
        u = search.utilities(choice)[index]
        if any(u[k] < box[k] + steps[p][0] / 2 for k, p in enumerate(index)):
            search.cut(choice)  # not strictly inside the box (solver tolerance): retry
            boxes.insert(0, box)
            continue
        found.append(choice)
        boxes = _split([*boxes, box], u)
        report(len(found), len(boxes))
        if len(found) >= max_points:
            return found, "limit"
        if search.out_of_time():
            search.proven = False
            return found, "time_limit"
    return found, "complete"


def _table_points(table: CandidateTable, index: list[int], steps: dict,
                  max_points: int) -> tuple[list, str]:
    """The frontier read off the table: its rows non-dominated on the frontier parties.

    Every passing package is weakly dominated by a row, so the non-dominated rows
    are the frontier; utilities closer than half a step count as equal (on a
    grid they differ by 0 or at least a step; see the module notes).
    """
    u = table.utilities[:, index]
    slack = np.array([steps[p][0] / 2 for p in index])
    kept = non_dominated(u, slack)
    points = u[kept]
    beaten = np.zeros(len(kept), dtype=bool)
    for start in range(0, len(kept), 256):  # strictly beaten by a kept point (slack chains)
        v = points[start:start + 256, None, :]
        beaten[start:start + 256] = ((points[None] >= v - slack).all(axis=2)
                                     & (points[None] > v + slack).any(axis=2)).any(axis=1)
    kept = kept[~beaten]
    found = [tuple(int(c) for c in table.choices[row]) for row in kept]
    if len(found) > max_points:
        return found[:max_points], "limit"
    return found, "complete"


def _split(boxes: list[tuple[float, ...]], u: np.ndarray) -> list[tuple[float, ...]]:
    """Replace every box that contains ``u`` by its projections; keep the minimal ones."""
    inside = [b for b in boxes if all(u[k] > b[k] for k in range(len(u)))]
    kept = [b for b in boxes if b not in inside]
    for b in inside:
        for k in range(len(u)):
            kept.append((*b[:k], float(u[k]), *b[k + 1:]))
    kept = list(dict.fromkeys(kept))
    return [b for b in kept
            if not any(o != b and all(o[k] <= b[k] for k in range(len(u))) for o in kept)]
