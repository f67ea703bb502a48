"""The frontier by integer programs, for the cases the exact sets cannot hold.

Two parties: the epsilon-constraint method, sweeping the second party's utility
upwards; each point is one program on the data's exact grid (a weighted objective in
which one step of the first party outweighs every change of the second) or two stages
otherwise. A point whose program did not finish is never reported. Three or more: a
search-region method (Klamroth, Lacour & Vanderpooten, 2015) over boxes ``{u > l}``,
each solve maximising the sum of utilities in one box; the boxes are kept in numpy and
a new box is compared only with the boxes it can lie in. Ties: one more program per
point, and a tied point's lexicographically smallest package.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> case = load_example("harbour")
>>> search = Search(case, [0, 1], solver="highs", time_limit=None, gap=0.0, msg=False)
>>> steps = {0: (1.0, True), 1: (2.0, True)}
>>> found, status = two_parties(search, [0, 1], steps, 100, lambda *a: None)
>>> len(found), status
(6, 'complete')
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping

import numpy as np

from mutualgains.engine.mip import SolverSettings
from mutualgains.engine.program import PackageProgram
from mutualgains.model import Case
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE

__all__ = ["Search", "many_parties", "two_parties"]

_WEIGHTED_LIMIT = 10**7  # grid steps of one party times the other's: one program per point


class Search:
    """Solves on one program: utility rows with movable bounds, staged objectives.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> search = Search(load_example("harbour"), [0, 1], solver="highs", time_limit=None,
    ...                 gap=0.0, msg=False)
    >>> search.maximise({0: 1.0}) is not None
    True
    """

    def __init__(self, case: Case, parties: list[int], *, solver: str,
                 time_limit: float | None, gap: float, msg: bool,
                 started: float | None = None):
        self.case = case
        self.parties = parties
        self.program = program = PackageProgram(case)
        self.model = program.model
        self.options: SolverSettings = {"solver": solver, "gap": gap, "msg": msg}
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
        return self.program.choice(out.solution)

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


def two_parties(search: Search, index: list[int], steps: dict, max_points: int,
                report: Callable[[int, int | None], None]) -> tuple[list, str]:
    """Epsilon-constraint sweep on ``U_b``; each point maximises ``U_a``, then ``U_b``.

    Returns the packages found and the status (``complete``, ``limit``,
    ``time_limit``).

    Examples
    --------
    >>> from mutualgains import pareto_frontier as mg_frontier
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> search = Search(case, [0, 1], solver="highs", time_limit=None, gap=0.0, msg=False)
    >>> steps = {p: (1.0, True) for p in range(2)}
    >>> found, status = two_parties(search, [0, 1], steps, 1000, lambda *a: None)
    >>> status, len(found) == len(mg_frontier(case, ["Port", "City"]))
    ('complete', True)
    """
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


def _lexicographic_weights(search: Search, a: int, b: int,
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


def _lexmax(search: Search, first: int, second: int, steps: dict,
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


def many_parties(search: Search, index: list[int], steps: dict, max_points: int,
                 report: Callable[[int, int | None], None]) -> tuple[list, str]:
    """Search-region method: boxes ``{u > l}`` not dominated by the points found.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> search = Search(case, [0, 1, 2], solver="highs", time_limit=None, gap=0.0, msg=False)
    >>> steps = {p: (1.0, True) for p in range(3)}
    >>> found, status = many_parties(search, [0, 1, 2], steps, 1000, lambda *a: None)
    >>> status, len(found) > 3
    ('complete', True)
    """
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
