"""The exact Pareto frontier of the packages that pass the decision rule.

A utility vector is on the frontier when no passing package gives every
frontier party at least as much and one of them more. The frontier is
computed exactly, with one package per point: of the packages that reach a
point, the one with the lexicographically smallest option positions (when
``ties`` are checked; the same rule as :func:`mutualgains.solve`).

Paths (:mod:`mutualgains.engine.paths`, chosen from the case, never the clock):

- ``dp`` and ``enumerate`` compute the non-dominated set over the frontier
  parties directly (the other parties only have to accept as the decision rule
  says); the frontier is read off it, and whether another package reaches a
  point comes with it, at no extra cost.
- ``mip`` searches by integer programs. Two parties: the epsilon-constraint
  method, sweeping the second party's utility upwards, one integer program
  per point (on the data's exact grid a weighted objective makes the first
  party's utility decide and the second's break ties; otherwise two stages). A
  point whose program did not finish is left out and the status says
  ``time_limit``: a point is reported only when proven non-dominated. Three or
  more: a search-region method (Klamroth, Lacour & Vanderpooten, 2015): the
  region not dominated by the points found so far is a union of boxes
  ``{u > l}``; each solve maximises the sum of utilities in one box and either
  finds a new non-dominated point or proves the box empty. Boxes are updated
  in numpy, and a new box is compared only with the boxes it can be contained
  in. With ``ties``, one more program per point checks whether another
  package reaches it, and a tied point's package is the smallest one.

"Strictly more" needs a step: on data whose scores lie on a rational grid
(integers, decimals, fractions with denominators up to 10**6) the step is the
grid's, and the frontier is exact; otherwise it is ``TOLERANCE`` times the
party's utility range (at least ``10 * TOLERANCE``), and points closer than
that in a party's utility count as one (see :func:`utility_step`); on the sets,
which involve no solver, that off-grid step is 10**4 times smaller, so only
rounding merges points. When the solver returns a package that misses a bound
by less than its own feasibility tolerance, that package is cut off and the
solve repeated.

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
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.engine.grid import party_step
from mutualgains.engine.mip import check_limits, check_solver
from mutualgains.engine.nondominated import ParetoSet, non_dominated
from mutualgains.engine.paths import METHODS, exact_set
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Frontier", "FrontierPoint", "pareto_frontier", "utility_step"]

_SET_STEP = 1e-4  # off-grid step on the sets, relative to the solvers' one
_WEIGHTED_LIMIT = 10**7  # grid steps of one party times the other's: one program per point


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
        The solver of the integer programs (the path's name when none ran).
    solves : int
        Integer programs solved.
    method : str
        The exact path: ``dp``, ``enumerate`` or ``mip``.
    path : mapping
        Why that path: ``method``, ``reason`` and the counts behind the choice.

    Examples
    --------
    >>> from mutualgains import pareto_frontier
    >>> from mutualgains.io.examples import load_example
    >>> pareto_frontier(load_example("harbour"), parties=["Port", "City"])
    <Frontier 6 points over Port, City: complete, enumerate, 0 solves, ...>
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
    path: Mapping[str, Any] = field(default_factory=dict)

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
        import pandas as pd

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
            "path": {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in self.path.items()},
            "solves": self.solves,
            "seconds": self.seconds,
            "message": self.message,
        }

    def __repr__(self) -> str:
        return (f"<Frontier {len(self.points)} points over {', '.join(self.parties)}: "
                f"{self.status}, {self.method}, {self.solves} solves, {self.seconds:.2f} s>")

    def _repr_html_(self) -> str:
        import html

        from mutualgains.display import _html_table

        rows = [[*(p.scores[q] for q in self.parties), p.tied] for p in self.points]
        return (f"<div><p><b>{html.escape(repr(self)[1:-1])}</b></p>"
                + _html_table([*self.parties, "tied"], rows) + "</div>")


# ------------------------------------------------------------------ the step


def utility_step(case: Case, party: str) -> tuple[float, bool]:
    """The smallest difference between two different utilities of ``party``.

    Returns ``(step, exact)``: when every score, bonus and cap of the party is
    a multiple of a common rational grid (integers, decimals, or fractions such
    as GENIUS' ``utility / maxutility``; denominators up to 10**6) the step is
    that grid and ``exact`` is True; otherwise ``TOLERANCE`` times the party's
    utility range, and at least ``10 * TOLERANCE``. See
    :func:`mutualgains.engine.grid.party_step`.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> utility_step(load_example("harbour"), "Port")
    (1.0, True)
    """
    return party_step(case, case.party_names.index(party))


# ------------------------------------------------------------------ the entry point


def pareto_frontier(
    case: Case,
    parties: Sequence[str] | None = None,
    *,
    ties: bool = True,
    max_points: int = 10_000,
    progress: bool | Callable[[int, int], None] = False,
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
        Say, for every point, whether another package attains it (free on the
        sets; one more integer program per point on ``mip``), and take a tied
        point's lexicographically smallest package.
    max_points : int, default 10_000
        Stop after this many points (status ``limit``).
    progress : bool or callable, default False
        ``True`` prints a progress line on stderr; a callable receives
        ``(points found, open search boxes)`` after every solve (``mip``).
    solver, time_limit, gap, msg
        As in :func:`mutualgains.solve`; ``time_limit`` is for the integer
        programs of the whole call.
    method : {"auto", "dp", "enumerate", "mip"}, default "auto"
        The exact path (see the module notes).

    Returns
    -------
    Frontier

    Raises
    ------
    UsageError
        Unknown or repeated party, fewer than two parties, bad limits, a
        forced path that cannot answer.

    Examples
    --------
    >>> from mutualgains import pareto_frontier
    >>> from mutualgains.io.examples import load_example
    >>> frontier = pareto_frontier(load_example("harbour"))
    >>> frontier.status, len(frontier) > 5
    ('complete', True)
    """
    if not isinstance(case, Case):
        raise UsageError(f"case: must be a Case, got {type(case).__name__}")
    case.require_no_contributions("pareto_frontier")
    if isinstance(parties, str):
        raise UsageError(f"parties: must be a list of party names, got the string {parties!r}")
    names = list(case.party_names if parties is None else parties)
    unknown = [p for p in names if p not in case.party_names]
    if unknown:
        raise UsageError(f"parties: unknown party {unknown[0]!r} "
                         f"(parties: {', '.join(case.party_names)})")
    if len(set(names)) != len(names) or len(names) < 2:
        raise UsageError(f"parties: need at least two different parties, got {names}")
    if not (isinstance(max_points, int) and max_points >= 1):
        raise UsageError(f"max_points: must be a positive integer, got {max_points!r}")
    if method not in METHODS:
        raise UsageError(f"method: must be one of {', '.join(METHODS)}, got {method!r}")
    check_limits(time_limit, gap)
    check_solver(solver)
    started = time.perf_counter()
    index = [case.party_names.index(p) for p in names]
    steps = {p: utility_step(case, case.party_names[p]) for p in index}
    found, path = exact_set(case, tuple(index), method=method)
    if found is not None:
        # no solver tolerance to stay clear of: off the grid, only rounding merges points
        steps = {p: step if step[1] else (step[0] * _SET_STEP, False)
                 for p, step in steps.items()}
        rows, tied, status = _set_points(found, index, steps, max_points)
        choices = [tuple(c) for c in found.choices[rows].tolist()]
        utilities = found.utilities[rows]
        flags = [bool(t) if ties else None for t in tied]
        solver_name, solves = path.method, 0
    else:
        search = _Search(case, index, time_limit=time_limit, started=started, solver=solver,
                         gap=gap, msg=msg)
        report = _reporter(progress)
        if len(index) == 2:
            choices, status = _two_parties(search, index, steps, max_points, report)
        else:
            choices, status = _many_parties(search, index, steps, max_points, report)
        search.uncut()
        flags = []
        for k, choice in enumerate(choices):
            tied = None
            if ties and not search.out_of_time():
                tied, smallest = search.tied(choice, search.utilities(choice))
                if smallest is not None:
                    choices[k] = smallest
            flags.append(tied)
        solver_name, solves = search.solver_name, search.solves
        utilities = np.array([case.utility_vector(c) for c in choices]).reshape(
            len(choices), len(case.parties))
    if status == "complete" and not choices:
        status = "no_agreement"
    points = []
    everyone = case.party_names
    scores, gains = _plain(utilities), _plain(utilities - case.batnas)
    for k, (choice, tied) in enumerate(zip(choices, flags, strict=True)):
        points.append(FrontierPoint(scores=dict(zip(everyone, scores[k], strict=True)),
                                    gains=dict(zip(everyone, gains[k], strict=True)),
                                    package=case.package_from_indices(choice), tied=tied))
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
        solver=solver_name, seconds=time.perf_counter() - started, solves=solves,
        message=messages.get(status, ""), case_name=case.name, issue_names=case.issue_names,
        method=path.method, path=MappingProxyType(path.to_dict()))


def _plain(values: np.ndarray) -> list[list[float | int]]:
    """Rows of plain Python numbers, integral values as ``int`` (as :func:`tidy` does)."""
    integral = (values == np.round(values)) & (np.abs(values) < 2**53)
    return [[int(v) if i else v for v, i in zip(row, flags, strict=True)]
            for row, flags in zip(values.tolist(), integral.tolist(), strict=True)]


def _set_points(found: ParetoSet, index: list[int], steps: dict,
                max_points: int) -> tuple[np.ndarray, np.ndarray, str]:
    """The frontier read off a set over the frontier parties: its rows, merged within
    half a step off the grid (on a grid they differ by 0 or at least a step)."""
    u = found.utilities[:, index]
    slack = np.array([steps[p][0] / 2 if not steps[p][1] else 0.0 for p in index])
    rows = np.arange(len(u))
    tied = found.tied.copy()
    if slack.any() and len(u):
        kept = non_dominated(u, slack)
        merged = np.zeros(len(u), dtype=bool)
        for start in range(0, len(kept), 256):  # a kept point that absorbed another is tied
            v = u[kept[start:start + 256], None, :]
            near = (np.abs(u[None] - v) <= slack).all(axis=2).sum(axis=1) > 1
            merged[kept[start:start + 256]] = near
        beaten = np.zeros(len(kept), dtype=bool)
        points = u[kept]
        for start in range(0, len(kept), 256):  # strictly beaten by a kept point (chains)
            v = points[start:start + 256, None, :]
            beaten[start:start + 256] = ((points[None] >= v - slack).all(axis=2)
                                         & (points[None] > v + slack).any(axis=2)).any(axis=1)
        rows = kept[~beaten]
        tied = tied | merged
    status = "complete"
    if len(rows) > max_points:
        rows, status = rows[:max_points], "limit"
    return rows, tied[rows], status


def _reporter(progress: bool | Callable[[int, int], None]) -> Callable[[int, int], None]:
    if callable(progress):
        return progress
    if progress:
        def show(points: int, boxes: int) -> None:
            sys.stderr.write(f"\rfrontier: {points} points, {boxes} boxes open ")
            sys.stderr.flush()
        return show
    return lambda points, boxes: None


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
        """Maximise ``sum weights[p] * U_p``; the package, or None if infeasible or unproven
        (a time limit: :attr:`proven` turns False)."""
        total = np.zeros(len(self.case.parties))
        for p, w in weights.items():
            total[p] = w
        self.model.set_objective(*self.program.combined_terms(total))
        return self._solve()

    def _solve(self) -> tuple[int, ...] | None:
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

    def tied(self, choice: tuple[int, ...],
             u: np.ndarray) -> tuple[bool | None, tuple[int, ...] | None]:
        """Whether another package gives the frontier parties at least ``u`` and, when one
        does, the lexicographically smallest of them (issue by issue)."""
        for p in self.parties:
            self.bound(p, u[p] - TOLERANCE * max(1.0, abs(u[p])))
        (row,) = self.model.add_rows([self.program.no_good(choice)])
        self.model.clear_objective()
        other = self._solve()
        self.model.set_rhs(row, float(len(choice)))  # switch the cut off again
        if other is None:
            for p in self.parties:
                self.bound(p, None)
            return (None, None) if not self.proven else (False, None)
        rows = self.model.n_rows
        best = self.program.smallest(min(choice, other), self._solve)
        for row in range(rows, self.model.n_rows):  # switch the fixings off again
            self.model.set_rhs(row, 0.0)
        for p in self.parties:
            self.bound(p, None)
        return True, best


def _keep(step: tuple[float, bool], value: float) -> float:
    """Lower bound that keeps ``value`` (half a grid step, or the tolerance)."""
    size, exact = step
    return value - (size / 2 if exact else TOLERANCE * max(1.0, abs(value)))


def _two_parties(search: _Search, index: list[int], steps: dict, max_points: int,
                 report) -> tuple[list, str]:
    """Epsilon-constraint sweep on ``U_b``; each point maximises ``U_a``, then ``U_b``."""
    a, b = index
    found: list[tuple[int, ...]] = []
    floor: float | None = None
    weights = _lexicographic_weights(search, a, b, steps)
    while True:
        search.bound(b, floor)
        choice = _lexmax(search, a, b, steps, weights)
        if choice is None:
            return found, "complete" if search.proven else "time_limit"
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


def _lexicographic_weights(search: _Search, a: int, b: int,
                           steps: dict) -> dict[int, float] | None:
    """Weights that make one program maximise ``U_a`` first and ``U_b`` second.

    On an exact grid, ``(span_b / step_b + 1) / step_a`` for ``a`` and
    ``1 / step_b`` for ``b``: one step of ``a`` outweighs every change of ``b``,
    and every weighted value is an integer. ``None`` off the grid or when the
    numbers would be too large for the solver's tolerances (two stages then).
    """
    (step_a, exact_a), (step_b, exact_b) = steps[a], steps[b]
    if not (exact_a and exact_b):
        return None
    low_a, high_a = search.program.utility_bounds(a)
    low_b, high_b = search.program.utility_bounds(b)
    span_a = math.ceil((high_a - low_a) / step_a) + 1
    span_b = math.ceil((high_b - low_b) / step_b) + 1
    if span_a * span_b > _WEIGHTED_LIMIT:
        return None
    return {a: (span_b + 1) / step_a, b: 1.0 / step_b}


def _lexmax(search: _Search, first: int, second: int, steps: dict,
            weights: dict[int, float] | None) -> tuple[int, ...] | None:
    """Maximise ``U_first``, then ``U_second`` with ``U_first`` kept; None when infeasible
    or when either stage is unproven (a point is never reported unproven)."""
    if weights is not None:
        return search.maximise(weights)
    choice = search.maximise({first: 1.0})
    if choice is None:
        return None
    search.bound(first, _keep(steps[first], search.utilities(choice)[first]))
    better = search.maximise({second: 1.0})
    search.bound(first, None)
    return better


def _many_parties(search: _Search, index: list[int], steps: dict, max_points: int,
                  report) -> tuple[list, str]:
    """Search-region method: boxes ``{u > l}`` not dominated by the points found."""
    found: list[tuple[int, ...]] = []
    boxes = _Boxes(len(index))
    weights = {p: 1.0 for p in index}
    size = np.array([steps[p][0] for p in index])
    while len(boxes):
        box = boxes.pop()
        for k, p in enumerate(index):
            search.bound(p, None if box[k] == -math.inf else box[k] + size[k])
        choice = search.maximise(weights)
        report(len(found), len(boxes))
        if choice is None:
            if not search.proven:
                return found, "time_limit"
            continue
        u = search.utilities(choice)[index]
        if (u < box + size / 2).any():
            search.cut(choice)  # not strictly inside the box (solver tolerance): retry
            boxes.push(box)
            continue
        found.append(choice)
        boxes.split(box, u)
        report(len(found), len(boxes))
        if len(found) >= max_points:
            return found, "limit"
        if search.out_of_time():
            search.proven = False
            return found, "time_limit"
    return found, "complete"


class _Boxes:
    """The search region: lower corners ``l`` of the boxes ``{u > l}`` still to search.

    Inserting a point ``z`` replaces every box it lies in by its projections
    ``l`` with ``l_j = z_j``; a projection is kept unless another box contains it.
    A projection can only lie inside another projection or inside an
    untouched box whose ``j``-th corner equals ``z_j`` (Klamroth, Lacour &
    Vanderpooten, 2015), so only those are compared.
    """

    def __init__(self, d: int):
        self.corners = np.full((1, d), -math.inf)
        self.open = np.ones(1, dtype=bool)  # searched boxes stay as corners until split

    def __len__(self) -> int:
        return int(self.open.sum())

    def pop(self) -> np.ndarray:
        k = int(np.flatnonzero(self.open)[0])
        self.open[k] = False
        return self.corners[k].copy()

    def push(self, box: np.ndarray) -> None:
        k = int(np.flatnonzero((self.corners == box).all(axis=1))[0])
        self.open[k] = True

    def split(self, box: np.ndarray, z: np.ndarray) -> None:
        inside = (z > self.corners).all(axis=1)
        old, old_open = self.corners[~inside], self.open[~inside]
        parents = self.corners[inside]
        d = len(z)
        new = np.repeat(parents, d, axis=0)
        j = np.tile(np.arange(d), len(parents))
        new[np.arange(len(new)), j] = z[j]
        new, first = np.unique(new, axis=0, return_index=True)
        j = j[first]
        keep = np.ones(len(new), dtype=bool)
        for k in range(len(new)):
            same = old[old[:, j[k]] == z[j[k]]]
            others = np.concatenate([np.delete(new, k, axis=0), same])
            if len(others) and ((others <= new[k]).all(axis=1)
                                & (others != new[k]).any(axis=1)).any():
                keep[k] = False
        self.corners = np.concatenate([old, new[keep]])
        self.open = np.concatenate([old_open, np.ones(int(keep.sum()), dtype=bool)])
