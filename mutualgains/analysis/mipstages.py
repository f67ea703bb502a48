"""The stages of the objectives on the integer program (one call of :func:`solve_with`).

:class:`MipProgram` implements the
:class:`~mutualgains.analysis.objectives.Program` protocol on the package program
(:class:`~mutualgains.engine.program.PackageProgram`): each stage kind sets its
objective or keeps its optimum with rows; the weighted sum of logs is maximised by
outer approximation with tangent cuts (refined until the package's true value is
proven within the tolerance; after a time limit, the envelope's bound is a true,
finite bound on the sum of logs); the tie rule is one solve that shows whether another
package keeps every optimum and, only then, blocks of issues fixed at their smallest
options.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> from mutualgains.analysis.objectives import evaluate, plan
>>> run = MipProgram(load_example("harbour"), solver="highs", time_limit=None, gap=0.0,
...                  msg=False)
>>> evaluate(plan("joint", n_parties=5), run).value
114.0
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

import numpy as np

from mutualgains.analysis.objectives import LogSum, Optimum, Stage, keep_floor
from mutualgains.engine.grid import unit_scales
from mutualgains.engine.mip import MipOutcome, SolverSettings
from mutualgains.engine.program import PackageProgram
from mutualgains.model import Case
from mutualgains.status import Status, outcome_status
from mutualgains.tolerance import TOLERANCE

__all__ = ["MipProgram", "Pick", "net_money"]

_MAX_NASH_ROUNDS = 500


@dataclass(frozen=True)
class Pick:
    """A package read from a solution, with the money the solution moves.

    Examples
    --------
    >>> Pick((0, 1), {(0, 1): 2.5}, {}).transfers
    {(0, 1): 2.5}
    """

    choice: tuple[int, ...]
    transfers: dict[tuple[int, int], float]
    contributions: dict[tuple[int, int], float]


def net_money(n: int, pick: Pick) -> np.ndarray:
    """Net money per party: received - paid - contributed.

    Examples
    --------
    >>> net_money(2, Pick((0,), {(0, 1): 2.5}, {})).tolist()
    [-2.5, 2.5]
    """
    out = np.zeros(n)
    for (a, b), amount in pick.transfers.items():
        out[a] -= amount
        out[b] += amount
    for (p, _), amount in pick.contributions.items():
        out[p] -= amount
    return out


def _usable(out: MipOutcome) -> bool:
    return out.status in (Status.OPTIMAL, Status.FEASIBLE)


class MipProgram:
    """One call by integer programs: the program, the time budget, and the stages'
    evaluation on it (the :class:`~mutualgains.analysis.objectives.Program` protocol).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> run = MipProgram(load_example("harbour"), solver="highs", time_limit=None, gap=0.0,
    ...                  msg=False)
    >>> run.program.model.n_variables > 0
    True
    """

    _tangents: _Tangents  # set by the Nash stage (_optimise_log) before keep_log

    def __init__(self, case: Case, *, solver: str, time_limit: float | None, gap: float,
                 msg: bool, acceptance: bool = True, transfers: bool = False):
        self.case = case
        self.options: SolverSettings = {"solver": solver, "gap": gap, "msg": msg}
        self.time_limit = time_limit
        self.started = time.perf_counter()
        self.program = PackageProgram(case, acceptance=acceptance, transfers=transfers)
        self.model = self.program.model
        self.seconds = 0.0
        self.solver_name = solver
        self.notes: list[str] = []
        self.ideals_proven = True
        self._smallest: dict[int, tuple[int, list[int]]] = {}
        self._logs: list[tuple[LogSum, float, _Tangents]] = []  # kept log stages (lazy rows)

    # ---- time and solving

    def remaining(self) -> float | None:
        if self.time_limit is None:
            return None
        return self.time_limit - (time.perf_counter() - self.started)

    def out_of_time(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def solve(self) -> MipOutcome:
        """Solve; a package that breaks a kept Nash optimum gets its tangents and a re-solve."""
        while True:
            left = self.remaining()
            out = self.model.solve(time_limit=None if left is None else max(left, 0.01),
                                   **self.options)
            self.seconds += out.seconds
            self.solver_name = out.solver
            if not _usable(out) or not self._logs:
                return out
            pick = self.pick(out)
            gains = self.gains(pick)
            added = 0
            for stage, floor, tangents in self._logs:
                if stage.values(gains[None])[0] < floor:
                    added += tangents.add(gains)
                    if not added:  # the envelope is exact there: below the floor, cut it off
                        self.model.add_rows([self.program.no_good(pick.choice)])
                        added = 1
            if not added or self.out_of_time():
                return out

    # ---- a package and its money, evaluated exactly from the case

    def pick(self, out: MipOutcome) -> Pick:
        values = out.solution
        program = self.program
        keep = TOLERANCE / 10
        return Pick(
            program.choice(values),
            {k: float(values[v]) for k, v in program.transfers.items() if values[v] > keep},
            {k: float(values[v]) for k, v in program.contributions.items() if values[v] > keep},
        )

    def gains(self, pick: Pick) -> np.ndarray:
        case = self.case
        money = net_money(len(case.parties), pick)
        return case.utility_vector(pick.choice) + self.program.rates * money - case.batnas

    def gain_bounds(self) -> np.ndarray:
        return np.array([self.program.utility_bounds(p)[1] for p in range(len(self.case.parties))]
                        ) - self.case.batnas

    def gain_row(self, p: int, extra: list[tuple[int, float]], sense: str, rhs: float
                 ) -> tuple[list[int], list[float], str, float]:
        """Row ``gain_p + (the coef * var terms of extra) <sense> rhs``."""
        idx, coef = self.program.utility_terms(p)
        idx += [v for v, _ in extra]
        coef += [c for _, c in extra]
        return idx, coef, sense, rhs + float(self.case.batnas[p])

    def optimum(self, stage: Stage) -> Optimum:
        out = self.solve()
        if not _usable(out):
            return Optimum(None, out.status)
        return Optimum(self.pick(out), out.status, gap=out.gap, bound=out.bound)

    def ideal_gains(self) -> tuple[np.ndarray | None, Status]:
        """Each party's best gain over passing packages (one solve each)."""
        n = len(self.case.parties)
        ideals = np.zeros(n)
        for p in range(n):
            idx, coef = self.program.utility_terms(p)
            self.model.set_objective(idx, coef)
            out = self.solve()
            if not _usable(out):
                return None, outcome_status(out.status)
            self.ideals_proven &= out.status == Status.OPTIMAL
            ideals[p] = self.gains(self.pick(out))[p]
        return ideals, Status.OPTIMAL

    # ---- the stage kinds

    def set_sum_objective(self, weights: np.ndarray) -> None:
        idx, coef = self.program.combined_terms(weights)
        self.model.set_objective(idx, coef, constant=-float(weights @ self.case.batnas))

    def add_sum_row(self, weights: np.ndarray, floor: float) -> None:
        idx, coef = self.program.combined_terms(weights)
        self.model.add_rows([(idx, coef, ">=", floor + float(weights @ self.case.batnas))])

    @functools.cached_property
    def whole_gains(self) -> bool:
        """Whether every package's gains are whole numbers: whole scores, bonuses,
        caps and BATNAs, and no money. The smallest gain (or a k-th smallest) is then
        whole too, so its variable may be an integer, which lets the solver prune
        every branch that cannot beat the incumbent by a whole unit."""
        case = self.case
        if self.program.transfers or case.has_contributions:
            return False
        scales = unit_scales(case)
        return bool(scales is not None and np.all(scales == np.round(scales))
                    and np.all(case.batnas == np.round(case.batnas)))

    def set_min_objective(self, scales: np.ndarray) -> None:
        whole = self.whole_gains and bool(np.all(scales[scales > 0] == 1.0))
        (t,) = self.model.add_variables(1, lb=None, integer=whole)
        self.model.add_rows(self.gain_row(p, [(t, -float(s))], ">=", 0.0)
                            for p, s in enumerate(scales) if s > 0)
        self.model.set_objective([t], [1.0])

    def add_min_rows(self, scales: np.ndarray, floor: float) -> None:
        self.model.add_rows(self.gain_row(p, [], ">=", floor * float(s))
                            for p, s in enumerate(scales) if s > 0)

    def set_smallest_objective(self, k: int) -> None:
        n = len(self.case.parties)
        (r,) = self.model.add_variables(1, lb=None, integer=self.whole_gains)
        d = self.model.add_variables(n, lb=None)
        for j in d:
            self.model.set_bounds(j, 0.0, None)
        # d_p >= r - gain_p  <=>  gain_p + d_p - r >= 0
        self.model.add_rows(self.gain_row(p, [(d[p], 1.0), (r, -1.0)], ">=", 0.0)
                            for p in range(n))
        self.model.set_objective([r, *d], [float(k)] + [-1.0] * n)
        self._smallest[k] = (r, d)

    def add_smallest_row(self, k: int, floor: float) -> None:
        r, d = self._smallest[k]
        self.model.add_rows([([r, *d], [float(k)] + [-1.0] * len(d), ">=", floor)])

    def optimise_log(self, stage: LogSum) -> Optimum:
        return _optimise_log(self, stage)

    def keep_log(self, stage: LogSum, floor: float) -> None:
        """``sum w z >= floor``, a little looser than the floor (the tangents are tight at
        the optimum, and a presolve would call the exact row infeasible); every package
        a later solve returns is then checked against the exact floor (see :meth:`solve`)."""
        tangents = self._tangents
        slack = 10 * TOLERANCE * (1.0 + len(tangents.z))
        self.model.add_rows([(tangents.z, tangents.w.tolist(), ">=", floor - slack)])
        self._logs.append((stage, floor, tangents))

    # ---- the tie rule

    def smallest_package(self, pick: Pick) -> tuple[Pick, bool]:
        """The package with the smallest option positions among those the kept rows allow.

        One solve shows whether another package keeps every optimum; only then are
        the issues fixed one by one at their smallest possible option.
        """
        program, model = self.program, self.model
        if self.out_of_time():
            return pick, False
        choice = pick.choice
        (cut,) = model.add_rows([program.no_good(choice)])
        model.clear_objective()
        out = self.solve()
        model.set_rhs(cut, float(len(choice)))  # switch the cut off again
        if out.status == Status.INFEASIBLE:
            return pick, True
        if out.status != Status.OPTIMAL:
            return pick, False
        best = min(pick, self.pick(out), key=lambda q: q.choice)
        found: list[Pick] = [best]

        def solve() -> tuple[int, ...] | None:
            out = self.solve()
            if out.status != Status.OPTIMAL:
                return None
            found.append(self.pick(out))
            return found[-1].choice

        smallest = program.smallest(best.choice, solve)
        if smallest is None:
            return best, False
        return next(q for q in reversed(found) if q.choice == smallest), True


# ------------------------------------------------------------------ Nash on the program


class _Tangents:
    """Tangent rows ``z_p <= log a + (gain_p - a) / a`` of the outer approximation."""

    def __init__(self, run: MipProgram, parties: list[int], w: np.ndarray,
                 smallest: np.ndarray, highest: np.ndarray):
        self.run = run
        self.parties = parties
        self.w = w
        self.smallest = smallest
        # log g <= log(highest): a finite envelope, so a bound after a time limit is usable
        self.z = run.model.add_variables(len(parties), lb=None)
        for zk, top in zip(self.z, highest, strict=True):
            run.model.set_bounds(zk, None, math.log(top))
        self.points: list[list[float]] = [[] for _ in parties]

    def add_at(self, k: int, at: list[float]) -> int:
        """Tangents of party ``parties[k]`` at new points; returns how many were added."""
        run, p, have = self.run, self.parties[k], self.points[k]
        rows = []
        for a in at:
            if (a < self.smallest[k] * 1e-3 or a <= 0
                    or any(abs(a - b) <= 1e-12 * max(1.0, b) for b in have)):
                continue
            have.append(a)
            idx, coef = run.program.utility_terms(p)  # z - gain_p / a <= log a - 1
            rows.append(([self.z[k], *idx], [1.0] + [-c / a for c in coef], "<=",
                         math.log(a) - 1.0 - float(run.case.batnas[p]) / a))
        run.model.add_rows(rows)
        return len(rows)

    def add(self, gains: np.ndarray) -> int:
        return sum(self.add_at(k, [float(gains[p])]) for k, p in enumerate(self.parties)
                   if gains[p] > 0)


def _optimise_log(run: MipProgram, stage: LogSum) -> Optimum:
    """Outer approximation of the weighted sum of logs, refined until proven.

    Returns the best package with status ``optimal`` when its true value is
    within ``TOLERANCE / 2`` of the envelope's bound; after a time limit,
    ``feasible`` with the envelope's proven bound (``bound``, on the sum of logs:
    finite, since every ``z`` is at most the log of its party's largest gain).
    A returned package whose gains are not all positive means none has them
    (``optimal``) or none was found in time (``feasible``).
    """
    weights = np.asarray(stage.weights)
    parties = [p for p in range(len(weights)) if weights[p] > 0]
    w = weights[parties]
    ub = run.gain_bounds()[parties]
    start, pick = _nash_start(run, parties, weights, ub)
    if pick is None:
        return Optimum(None, start.status)
    g0 = run.gains(pick)[parties]
    if g0.min() <= TOLERANCE:
        return Optimum(pick, Status.OPTIMAL if start.status == Status.OPTIMAL
                       else Status.FEASIBLE)

    # Gains below lows[k] cannot reach the incumbent within the tolerance (the others at
    # their upper bounds): cut them, and raise the cuts whenever the incumbent improves.
    log_ub = np.log(np.maximum(ub, g0))
    rest = w @ log_ub - w * log_ub
    lows = np.zeros(len(parties))

    def raise_lower_bounds(best: float) -> None:
        new = np.minimum(np.exp((keep_floor(best, log=True) - rest) / w), ub)
        rows = [run.gain_row(p, [], ">=", float(new[k])) for k, p in enumerate(parties)
                if new[k] > lows[k] * (1 + 1e-9)]
        np.maximum(lows, new, out=lows)
        run.model.add_rows(rows)

    best_log = float(w @ np.log(g0))
    raise_lower_bounds(best_log)
    # Tangents below 1e-6 of a party's range would have huge coefficients; leaving them
    # out only loosens the envelope (it stays an upper bound).
    smallest = np.maximum(lows, 1e-6 * np.maximum(ub, g0))
    tangents = _Tangents(run, parties, w, smallest, np.exp(log_ub))
    run._tangents = tangents
    for k in range(len(parties)):
        grid = [*np.geomspace(smallest[k], math.exp(log_ub[k]), 5).tolist(), float(g0[k])]
        tangents.add_at(k, grid)
    run.model.set_objective(tangents.z, w.tolist())

    best = pick
    proven = False
    bound = math.inf
    for _ in range(_MAX_NASH_ROUNDS):
        if run.out_of_time():
            run.notes.append("time limit during Nash refinement")
            break
        out = run.solve()
        if not _usable(out):
            run.notes.append("time limit during Nash refinement")
            break
        candidate = run.pick(out)
        gains = run.gains(candidate)[parties]
        value = float(w @ np.log(gains)) if gains.min() > 0 else -math.inf
        if value > best_log:
            best, best_log = candidate, value
            raise_lower_bounds(best_log)
        if out.status != Status.OPTIMAL:
            bound = out.bound if out.bound is not None else math.inf
            run.notes.append("time limit during Nash refinement")
            break
        assert out.objective is not None  # an optimal outcome has its objective
        bound = out.objective
        if bound - best_log <= TOLERANCE / 2:
            proven = True
            break
        added = sum(tangents.add_at(k, [float(gains[k])]) for k in range(len(parties))
                    if gains[k] > 0)
        if not added:
            # every tangent already there: the envelope is exact at the candidate, and the
            # bound exceeds it only by the solver's feasibility tolerance on each z (seen:
            # 1e-6 + 1e-18 with weights 1, 2, 1)
            proven = bound - best_log <= TOLERANCE * (1.0 + float(w.sum()))
            break
    else:
        run.notes.append(f"Nash refinement stopped after {_MAX_NASH_ROUNDS} rounds")
    bound = min(bound, float(w @ log_ub))
    gap = None if not math.isfinite(bound) else max(0.0, math.expm1(bound - best_log))
    return Optimum(best, Status.OPTIMAL if proven else Status.FEASIBLE, gap=gap,
                   bound=bound if math.isfinite(bound) else None)


def _nash_start(run: MipProgram, parties: list[int], weights: np.ndarray,
                ub: np.ndarray) -> tuple[MipOutcome, Pick | None]:
    """A first passing package, with every gain positive when one exists.

    The weighted joint optimum often is one. Otherwise the joint optimum with every
    gain at least a small floor, then (rarely) the max-min gain capped at that floor,
    which also decides whether any package gives everyone a positive gain.
    """
    run.set_sum_objective(weights)
    out = run.solve()
    pick = run.pick(out) if _usable(out) else None
    if pick is None or run.gains(pick)[parties].min() > TOLERANCE or run.out_of_time():
        return out, pick
    floor = 1e-3 * float(ub.max())
    rows = run.model.add_rows(run.gain_row(p, [], ">=", floor) for p in parties)
    second = run.solve()
    for p, row in zip(parties, rows, strict=True):  # switch the floors off again
        run.model.set_rhs(row, run.program.utility_bounds(p)[0] - 1.0)
    if _usable(second):
        return second, run.pick(second)
    if second.status != Status.INFEASIBLE or run.out_of_time():
        return out, pick  # no time to look further: the joint package, gains not all positive
    (t,) = run.model.add_variables(1, lb=None, ub=floor)
    run.model.add_rows(run.gain_row(p, [(t, -1.0)], ">=", 0.0) for p in parties)
    run.model.set_objective([t], [1.0])
    third = run.solve()
    return (third, run.pick(third)) if _usable(third) else (out, pick)
