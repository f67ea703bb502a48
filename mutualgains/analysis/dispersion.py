"""The searches behind :mod:`mutualgains.analysis.offers`: the most diverse ``k`` packages.

A :class:`DispersionProblem` holds what is held equal (:class:`Band` rows: a
linear function of a package within a width, at a free or a fixed level, the
first one the *focus*), whose utilities count and how two packages differ.
:func:`by_enumeration` (over the passing packages, a clique search),
:func:`by_mip` (one program with ``k`` copies of the package program) and
:func:`greedy` (one program per offer) solve it; the problem and the three
methods are stated in :mod:`mutualgains.analysis.offers`.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> from mutualgains.engine.enumeration import passing_packages
>>> case = load_example("harbour")
>>> port = Band(lambda program: program.utility_terms(0), lambda u: u[:, 0], 0.0, 1.0, None,
...             100.0)
>>> problem = DispersionProblem(case, 0, (port,), (1, 2, 3, 4), "issues",
...                             {"solver": "highs", "gap": 0.0})
>>> choices, status = by_enumeration(problem, 3, passing_packages(case))
>>> len(choices), status.value
(3, 'optimal')
>>> [len(c) for c in by_mip(problem, 2, Clock(None))[0]]
[5, 5]
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from mutualgains.engine.enumeration import PackageTable
from mutualgains.engine.mip import MipModel, MipOutcome, SolverSettings
from mutualgains.engine.program import PackageProgram
from mutualgains.model import Case
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE

__all__ = ["MAX_CANDIDATES", "Band", "Clock", "DispersionProblem", "by_enumeration", "by_mip",
           "greedy", "joint_gains", "utility_ranges"]

MAX_CANDIDATES = 2000
"""The most passing packages (within the fixed bands) :func:`by_enumeration` searches."""


@dataclass(frozen=True)
class Band:
    """A linear function of one package held within ``width`` across the offers."""

    terms: Callable[[PackageProgram], tuple[list[int], list[float]]]
    evaluate: Callable[[np.ndarray], np.ndarray]  # utility rows -> the function's values
    constant: float
    width: float
    at: float | None
    scale: float  # for the tolerance

    def slack(self) -> float:
        return TOLERANCE * max(1.0, self.scale)


@dataclass(frozen=True)
class DispersionProblem:
    case: Case
    party: int | None
    bands: tuple[Band, ...]  # the first is the focus (maximised in the second stage)
    among: tuple[int, ...]
    measure: str
    options: SolverSettings  # solver, gap

    def focus_values(self, choices: np.ndarray) -> np.ndarray:
        return self.bands[0].evaluate(self.case.utility_rows(choices))

    def distance(self, a: Sequence[int], b: Sequence[int]) -> float:
        if self.measure == "issues":
            return float(sum(x != y for x, y in zip(a, b, strict=True)))
        ua, ub = self.case.utility_vector(a), self.case.utility_vector(b)
        return float(np.abs(ua - ub)[list(self.among)].sum())


def joint_gains(case: Case, utilities: np.ndarray) -> np.ndarray:
    """The weighted joint gain of each row of ``utilities`` (packages x parties).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> joint_gains(case, case.batnas[None, :] + 1).tolist()
    [5.0]
    """
    weights = np.array([float(p.weight) for p in case.parties])
    return (utilities - case.batnas) @ weights


def utility_ranges(case: Case) -> np.ndarray:
    """Bounds ``(low, high)`` on each party's utility over all packages (parties x 2).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> utility_ranges(load_example("harbour"))[0].tolist()
    [0.0, 100.0]
    """
    program = PackageProgram(case, acceptance=False)
    return np.array([program.utility_bounds(p) for p in range(len(case.parties))])


class Clock:
    """The time left of a call's ``time_limit`` (None: no limit)."""

    def __init__(self, time_limit: float | None):
        self.started = time.perf_counter()
        self.time_limit = time_limit

    def left(self) -> float | None:
        if self.time_limit is None:
            return None
        return max(0.01, self.time_limit - (time.perf_counter() - self.started))

    def out(self) -> bool:
        return (self.time_limit is not None
                and time.perf_counter() - self.started >= self.time_limit)


# ------------------------------------------------------------------ by enumeration


def by_enumeration(problem: DispersionProblem, k: int, table: PackageTable
                   ) -> tuple[Sequence[tuple[int, ...]], Status] | None:
    """The exact answer over the passing packages ``table``: ``(choices, status)``, or None
    when more than :data:`MAX_CANDIDATES` meet the fixed bands.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> port = Band(lambda program: program.utility_terms(0), lambda u: u[:, 0], 0.0, 1.0,
    ...             None, 100.0)
    >>> problem = DispersionProblem(case, 0, (port,), (1, 2, 3, 4), "issues",
    ...                             {"solver": "highs", "gap": 0.0})
    >>> from mutualgains.engine.enumeration import passing_packages
    >>> by_enumeration(problem, 2, passing_packages(case))[1]
    <Status.OPTIMAL: 'optimal'>
    """
    u = table.utilities
    keep = np.ones(len(u), dtype=bool)
    for band in problem.bands:
        if band.at is not None:
            keep &= np.abs(band.evaluate(u) - band.at) <= band.width + band.slack()
    rows = np.flatnonzero(keep)
    if len(rows) > MAX_CANDIDATES:
        return None
    focus = problem.bands[0].evaluate(u[rows])
    rows = rows[np.argsort(-focus, kind="stable")]  # best first, then enumeration order
    if not len(rows):
        return [], Status.EXHAUSTED if len(u) else Status.NO_AGREEMENT
    focus = problem.bands[0].evaluate(u[rows])
    choices = table.choices[rows]
    compatible = np.ones((len(rows), len(rows)), dtype=bool)
    np.fill_diagonal(compatible, False)
    for band in problem.bands:
        if band.at is None:  # a spread of at most the width: every pair within it
            v = band.evaluate(u[rows])
            compatible &= np.abs(v[:, None] - v[None, :]) <= band.width + band.slack()
    distance = _distance_matrix(problem, choices, u[rows])
    status = Status.OPTIMAL
    for size in range(min(k, len(rows)), 1, -1):
        values = np.unique(distance[np.triu_indices(len(rows), 1)])
        if not len(values) or _clique(compatible & (distance >= values[0]), focus, size,
                                      best=False) is None:
            status = Status.EXHAUSTED
            continue
        lo, hi = 0, len(values) - 1  # values[lo] is feasible; find the largest that is
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _clique(compatible & (distance >= _reach(problem, values[mid])), focus, size,
                       best=False) is not None:
                lo = mid
            else:
                hi = mid - 1
        adjacency = compatible & (distance >= _reach(problem, values[lo]))
        chosen = _clique(adjacency, focus, size, best=True)
        assert chosen is not None  # values[lo] admits a clique of this size
        return [tuple(int(c) for c in choices[i]) for i in chosen], status
    return [tuple(int(c) for c in choices[0])], Status.EXHAUSTED if k > 1 else status


def _reach(problem: DispersionProblem, value: float) -> float:
    """The threshold that counts ``value`` as reached (a tolerance for sums of floats)."""
    return value if problem.measure == "issues" else value - TOLERANCE * max(1.0, abs(value))


def _distance_matrix(problem: DispersionProblem, choices: np.ndarray, u: np.ndarray) -> np.ndarray:
    n = len(choices)
    out = np.zeros((n, n))
    if problem.measure == "issues":
        for k in range(choices.shape[1]):
            out += choices[:, k][:, None] != choices[:, k][None, :]
    else:
        for q in problem.among:
            out += np.abs(u[:, q][:, None] - u[:, q][None, :])
    return out


def _clique(adjacency: np.ndarray, focus: np.ndarray, size: int, *,
            best: bool) -> list[int] | None:
    """``size`` mutually adjacent candidates (sorted by ``focus``, best first), or None.

    With ``best``, the clique with the largest sum of ``focus`` (the first in
    candidate order among equal sums); otherwise the first found. Depth-first
    over candidates in order, the last two members by a vectorised pair search,
    and, with ``best``, a bound from the best remaining focus values.
    """
    found: list[int] | None = None
    found_value = -math.inf
    eps = TOLERANCE * max(1.0, float(np.abs(focus).max(initial=0.0)))
    chosen: list[int] = []

    def go(candidates: np.ndarray) -> bool:  # True: stop searching
        nonlocal found, found_value
        need = size - len(chosen)
        idx = np.flatnonzero(candidates)
        if len(idx) < need:
            return False
        base = float(focus[chosen].sum()) if chosen else 0.0
        if need == 1:
            value = base + float(focus[idx[0]])
            if value > found_value + eps:
                found, found_value = [*chosen, int(idx[0])], value
            return not best
        if need == 2:
            pairs = adjacency[np.ix_(idx, idx)] & np.triu(np.ones((len(idx),) * 2, bool), 1)
            if not pairs.any():
                return False
            sums = np.where(pairs, focus[idx][:, None] + focus[idx][None, :], -np.inf)
            a, b = np.unravel_index(int(np.argmax(sums)), sums.shape)  # first largest
            value = base + float(sums[a, b])
            if value > found_value + eps:
                found, found_value = [*chosen, int(idx[a]), int(idx[b])], value
            return not best
        for pos, j in enumerate(idx):
            if len(idx) - pos < need:
                break
            if best and base + float(focus[idx[pos:pos + need]].sum()) <= found_value + eps:
                break  # candidates are in focus order: the rest cannot do better
            chosen.append(int(j))
            following = candidates & adjacency[j]
            following[:j + 1] = False
            stop = go(following)
            chosen.pop()
            if stop:
                return True
        return False

    go(np.ones(len(focus), dtype=bool))
    return found


def _usable(out: MipOutcome) -> bool:
    return out.status in (Status.OPTIMAL, Status.FEASIBLE)


def _band_rows(band: Band, program: PackageProgram, level: int | None) -> list:
    """Rows holding ``band``'s function of ``program``'s package within the band.

    ``level`` is the variable of a free band's lower end (``None`` with a fixed level).
    """
    idx, coef = band.terms(program)
    eps = band.slack()
    if band.at is not None:
        low = band.at - band.width - band.constant - eps
        high = band.at + band.width - band.constant + eps
        return [(idx, coef, ">=", low), (idx, coef, "<=", high)]
    return [([*idx, level], [*coef, -1.0], ">=", -band.constant - eps / 2),
            ([*idx, level], [*coef, -1.0], "<=", band.width - band.constant + eps / 2)]


def _abs_difference(model: MipModel, a: tuple[list[int], list[float]], constant: float,
                    bound: float) -> int:
    """A variable ``s <= |a + constant|`` (exact at the optimum of a max-min); ``|a| <= bound``."""
    (s,) = model.add_variables(1, lb=0.0, ub=bound)
    (z,) = model.add_variables(1, binary=True)
    big = 2.0 * bound
    idx, coef = a
    # s <= a + c + M (1 - z)  and  s <= -(a + c) + M z
    model.add_rows([([s, *idx, z], [1.0, *(-c for c in coef), big], "<=", constant + big),
                    ([s, *idx, z], [1.0, *coef, -big], "<=", -constant)])
    return s


def _hamming_rows(case: Case, model: MipModel, left: PackageProgram,
                  right: PackageProgram, t: int | None) -> list:
    """Rows: the two copies' packages differ in at least ``t`` issues (at least one without ``t``).

    ``w_j >= x_j + y_j - 1`` (>= 0) is 1 on the options both choose, so
    ``sum_j w_j`` counts the issues they share.
    """
    n_options = case.option_offsets[-1]
    w = model.add_variables(n_options, lb=0.0, ub=1.0)
    rows = [([w[j], left.x[j], right.x[j]], [1.0, -1.0, -1.0], ">=", -1.0)
            for j in range(n_options)]
    if t is None:
        rows.append((w, [1.0] * n_options, "<=", float(len(case.issues) - 1)))
    else:
        rows.append(([*w, t], [1.0] * n_options + [1.0], "<=", float(len(case.issues))))
    return rows


def _distance_rows(problem: DispersionProblem, model: MipModel, left: PackageProgram,
                   right: PackageProgram | None, fixed: Sequence[int] | None, t: int,
                   ranges: np.ndarray) -> list:
    """Rows ``d(left, other) >= t``, the other a copy ``right`` or a ``fixed`` package."""
    case = problem.case
    if problem.measure == "issues":
        if right is not None:
            return _hamming_rows(case, model, left, right, t)
        assert fixed is not None  # a copy or a fixed package
        kept = left.option_vars(fixed)
        return [([*kept, t], [1.0] * len(kept) + [1.0], "<=", float(len(kept)))]
    fixed_u = None if fixed is None else case.utility_vector(fixed)
    parts = []
    for q in problem.among:
        idx, coef = left.utility_terms(q)
        constant = 0.0
        if right is None:
            assert fixed_u is not None  # a copy or a fixed package
            constant = -float(fixed_u[q])
        else:
            ridx, rcoef = right.utility_terms(q)
            idx, coef = idx + ridx, coef + [-c for c in rcoef]
        bound = float(ranges[q, 1] - ranges[q, 0]) + 1.0
        parts.append(_abs_difference(model, (idx, coef), constant, bound))
    return [([*parts, t], [1.0] * len(parts) + [-1.0], ">=", 0.0)]


def _diversity_variable(problem: DispersionProblem, model: MipModel, ranges: np.ndarray) -> int:
    """``t``, bounded by the largest possible difference (at least 1 issue: distinct)."""
    case = problem.case
    if problem.measure == "issues":
        (t,) = model.add_variables(1, lb=1.0, ub=float(len(case.issues)))
    else:
        top = float(sum(ranges[q, 1] - ranges[q, 0] for q in problem.among)) + 1.0
        (t,) = model.add_variables(1, lb=0.0, ub=top)
    return t


def _keep_at_least(problem: DispersionProblem, best: float) -> float:
    """A lower bound on ``t`` that keeps the optimum ``best`` (integral for issues)."""
    if problem.measure == "issues":
        return best - 0.5
    return best - TOLERANCE * max(1.0, best)


def by_mip(problem: DispersionProblem, k: int, clock: Clock
           ) -> tuple[Sequence[tuple[int, ...]], Status, float | None, str]:
    """The program with ``k`` copies (fewer when ``k`` are infeasible): the best diversity,
    then the best focus. Returns ``(choices, status, gap, solver)``.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> port = Band(lambda program: program.utility_terms(0), lambda u: u[:, 0], 0.0, 1.0,
    ...             None, 100.0)
    >>> problem = DispersionProblem(case, 0, (port,), (1, 2, 3, 4), "issues",
    ...                             {"solver": "highs", "gap": 0.0})
    >>> by_mip(problem, 2, Clock(None))[1]
    <Status.OPTIMAL: 'optimal'>
    """
    case = problem.case
    ranges = utility_ranges(case)
    status = Status.OPTIMAL
    for size in range(k, 0, -1):
        model = MipModel("offers")
        copies = [PackageProgram(case, model=model) for _ in range(size)]
        rows = []
        for band in problem.bands:
            level = None
            if band.at is None:
                (level,) = model.add_variables(1, lb=None)
            for program in copies:
                rows += _band_rows(band, program, level)
        focus = problem.bands[0]
        for a, b in itertools.pairwise(copies):  # order the copies by the focus
            ia, ca = focus.terms(a)
            ib, cb = focus.terms(b)
            rows.append((ia + ib, ca + [-c for c in cb], ">=", -focus.slack()))
        model.add_rows(rows)
        t = _diversity_variable(problem, model, ranges)
        for a, b in itertools.combinations(copies, 2):
            if problem.measure == "utilities":  # distinct packages in any case
                model.add_rows(_hamming_rows(case, model, a, b, None))
            model.add_rows(_distance_rows(problem, model, a, b, None, t, ranges))
        model.set_objective([t], [1.0])
        out = model.solve(time_limit=clock.left(), **problem.options)
        if out.status == Status.INFEASIBLE:
            status = Status.EXHAUSTED
            continue
        if not _usable(out):
            return (), out.status, None, out.solver
        if size == 1:
            best = None
        else:
            best = float(out.solution[t])
            model.add_rows([([t], [1.0], ">=", _keep_at_least(problem, best))])
        gap = out.gap
        proven = out.status == Status.OPTIMAL
        idx, coef = [], []
        for program in copies:
            i, c = focus.terms(program)
            idx += i
            coef += c
        model.set_objective(idx, coef)
        if not clock.out():
            second = model.solve(time_limit=clock.left(), **problem.options)
            if _usable(second):
                proven &= second.status == Status.OPTIMAL
                out = second
            else:
                proven = False
        else:
            proven = False
        choices = [program.choice(out.solution) for program in copies]
        if not proven:
            status = Status.FEASIBLE
        return choices, status, 0.0 if proven else gap, out.solver
    return (), Status.NO_AGREEMENT, None, problem.options["solver"]


def greedy(problem: DispersionProblem, k: int, clock: Clock
           ) -> tuple[Sequence[tuple[int, ...]], Status, float | None, str]:
    """Each next package: the largest smallest difference to those chosen, then the focus.
    Returns ``(choices, status, gap, solver)``.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> port = Band(lambda program: program.utility_terms(0), lambda u: u[:, 0], 0.0, 1.0,
    ...             None, 100.0)
    >>> problem = DispersionProblem(case, 0, (port,), (1, 2, 3, 4), "issues",
    ...                             {"solver": "highs", "gap": 0.0})
    >>> len(greedy(problem, 2, Clock(None))[0])
    2
    """
    case = problem.case
    ranges = utility_ranges(case)
    chosen: list[tuple[int, ...]] = []
    proven = True
    solver = problem.options["solver"]
    while len(chosen) < k:
        if chosen and clock.out():
            proven = False
            break
        program = PackageProgram(case)
        model = program.model
        rows = []
        u = case.utility_rows(np.array(chosen)) if chosen else None
        for band in problem.bands:
            seen = [] if u is None else band.evaluate(u).tolist()
            idx, coef = band.terms(program)
            eps = band.slack()
            if band.at is not None:
                low, high = band.at - band.width, band.at + band.width
            elif seen:
                low, high = max(seen) - band.width, min(seen) + band.width
            else:
                continue
            rows += [(idx, coef, ">=", low - band.constant - eps),
                     (idx, coef, "<=", high - band.constant + eps)]
        rows += [program.no_good(c) for c in chosen]
        model.add_rows(rows)
        t = None
        if chosen:
            t = _diversity_variable(problem, model, ranges)
            for c in chosen:
                model.add_rows(_distance_rows(problem, model, program, None, c, t, ranges))
            model.set_objective([t], [1.0])
            out = model.solve(time_limit=clock.left(), **problem.options)
            solver = out.solver
            if out.status == Status.INFEASIBLE:
                break
            if not _usable(out):
                proven = False
                break
            proven &= out.status == Status.OPTIMAL
            model.add_rows([([t], [1.0], ">=", _keep_at_least(problem, float(out.solution[t])))])
        model.set_objective(*problem.bands[0].terms(program))
        out = model.solve(time_limit=clock.left(), **problem.options)
        solver = out.solver
        if out.status == Status.INFEASIBLE:
            break
        if not _usable(out):
            proven = False
            break
        proven &= out.status == Status.OPTIMAL
        chosen.append(program.choice(out.solution))
    if not chosen:
        return (), Status.NO_AGREEMENT if proven else Status.TIME_LIMIT, None, solver
    if not proven:
        return chosen, Status.FEASIBLE, None, solver
    return chosen, Status.OPTIMAL if len(chosen) == k else Status.EXHAUSTED, 0.0, solver
