"""Find the best acceptable package for a bargaining objective.

Objectives (gains are utility minus BATNA; see design §5 and
:mod:`mutualgains.analysis.objectives`, where each is defined once):

``joint``
    Maximise the weighted sum of gains.
``egalitarian``
    Maximise the smallest gain; among those packages, the highest (unweighted)
    joint gain.
``ks``
    Kalai-Smorodinsky: divide each party's gain by its *ideal gain* (its best
    gain over packages that pass the decision rule) and maximise the smallest
    ratio; parties whose ideal gain is not positive are left out. Ties are
    broken by the highest joint gain.
``leximin``
    Maximise the smallest gain, then the second smallest, and so on (exact, by
    maximising the sum of the k smallest gains for k = 1..n; Ogryczak's
    ordered-outcome formulation).
``nash``
    Maximise the weighted Nash product ``prod max(gain_p, 0) ** weight_p`` over
    parties with positive weight. On the integer program by outer approximation
    of the sum of logs with tangent cuts, refined until the returned package's
    true product is proven optimal within :data:`~mutualgains.tolerance.TOLERANCE`
    (relative). When every passing package leaves some party without a positive
    gain, the product is 0 everywhere and the package with the highest joint gain
    is returned, saying so.

Party weights count in ``joint`` and ``nash``; ``egalitarian``, ``ks`` and
``leximin`` compare unweighted gains. Money (side payments with
``transfers=True``, contributions to option costs) enters each party's utility
at its rate, and every objective sees it.

Ties: after the objective (and, for every objective, the highest unweighted
joint gain), the package with the lexicographically smallest option positions
is returned, on every path: the same case gives the same package on any machine
and under any load.

Paths (:mod:`mutualgains.engine.paths`): the answer is read off the exact
non-dominated set (``dp``, ``enumerate``) when the case allows it, else found by
integer programs (``mip``); ``result.method`` and ``result.details["path"]`` say
which and why. Every path is exact; on the integer programs a time limit or a
positive ``gap`` turns a proven optimum into ``feasible`` with the gap reached.
The reported scores, gains and objective value are always recomputed from the
case, never read from the solver.

Examples
--------
>>> from mutualgains import solve
>>> from mutualgains.io.examples import load_example
>>> case = load_example("harbour")
>>> solve(case, "joint").objective_value
114
>>> solve(case, "nash").objective_value  # product of the five gains
1890000.0...
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mutualgains.analysis.objectives import (
    LogSum,
    Optimum,
    SetProgram,
    Stage,
    evaluate,
    keep_floor,
    plan,
)
from mutualgains.engine.mip import MipOutcome, check_limits, check_solver
from mutualgains.engine.paths import METHODS, Path, best_by_issue, exact_set
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.relations import violations
from mutualgains.results import SolveResult
from mutualgains.status import Status, outcome_status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import tidy

__all__ = ["OBJECTIVES", "solve", "solve_with"]

OBJECTIVES: tuple[str, ...] = ("joint", "egalitarian", "ks", "leximin", "nash")
"""Names accepted by ``solve(case, objective=...)``."""

_MAX_NASH_ROUNDS = 500


def solve(
    case: Case,
    objective: str = "joint",
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 0.0,
    msg: bool = False,
    transfers: bool = False,
    method: str = "auto",
) -> SolveResult:
    """Find the best package that passes the case's decision rule.

    Parameters
    ----------
    case : Case
        The case.
    objective : {"joint", "egalitarian", "ks", "leximin", "nash"}
        What "best" means; see the module documentation.
    solver : str, default "highs"
        ``"highs"``, ``"cbc"`` or any PuLP solver name available here.
    time_limit : float, optional
        Seconds for the integer programs of the whole call. When it runs out, the
        best package found so far is returned with status ``feasible`` and its gap.
    gap : float, default 0
        Relative MIP gap at which each solver call may stop; 0 proves optimality.
    msg : bool, default False
        Show solver logs.
    transfers : bool, default False
        Choose side payments together with the package (the case's
        ``transfers`` rules; every pair, no cap, rate 1 when it has none).
        Contributions to option costs are always chosen when the case has
        costs and parties with a budget.
    method : {"auto", "dp", "enumerate", "mip"}, default "auto"
        The exact path (:mod:`mutualgains.engine.paths`): ``auto`` decides from
        the case; the others force one. On ``dp`` and ``enumerate`` no solver
        runs and ``solver`` is then the path's name.

    Returns
    -------
    SolveResult
        Status ``optimal``, ``feasible``, ``no_agreement``, ``time_limit`` or ``error``.

    Raises
    ------
    UsageError
        Unknown objective or method, a case that is not a
        :class:`~mutualgains.model.case.Case`, a time limit that is not
        positive, a negative gap, or a forced path that cannot answer.
    SolverError
        Unknown or unavailable solver.

    Examples
    --------
    >>> from mutualgains import solve
    >>> from mutualgains.io.examples import load_example
    >>> result = solve(load_example("harbour"), "egalitarian")
    >>> result.status.value, result.objective_value, result.method
    ('optimal', 10, 'enumerate')
    >>> all(result.accepted[p] for p in ("Port", "City"))
    True
    """
    _check(case, objective, method)
    check_limits(time_limit, gap)
    check_solver(solver)  # a wrong name is a mistake even when no solver runs
    started = time.perf_counter()
    weights = np.array([float(p.weight) for p in case.parties])
    if objective == "joint" and method == "auto" and not transfers:
        choice = best_by_issue(case, weights)
        if choice is not None:
            path = Path("dp", "separable, and the best option of every issue passes the "
                        "decision rule: one pass over the data", {"packages": case.n_packages,
                                                                   "width": 0})
            answer = _Answer(case, path=path, solver="dp")
            value = float(weights @ (case.utility_vector(choice) - case.batnas))
            return answer.result(objective, _Pick(choice, {}, {}), value, Status.OPTIMAL,
                                 started=started)
    found, path = exact_set(case, method=method, money=transfers)
    if found is None:
        return solve_with(case, objective, solver=solver, time_limit=time_limit, gap=gap,
                          msg=msg, transfers=transfers, _path=path)
    program = SetProgram(found, case.batnas)
    ideals = program.ideal_gains() if len(found) else None
    answer = _Answer(case, path=path, solver=path.method)
    if not len(found):
        return answer.result(objective, None, None, Status.NO_AGREEMENT, started=started)
    spec = _plan(case, objective, ideals, _structural_gain_bounds(case))
    out = evaluate(spec, program)
    answer.notes += out.notes
    pick = _Pick(tuple(int(c) for c in found.choices[out.pick]), {}, {})
    return answer.result(objective, pick, out.value, out.status, gap=out.gap,
                         details=out.details, started=started)


def solve_with(
    case: Case,
    objective: str,
    *,
    setup: Callable[[PackageProgram], None] | None = None,
    acceptance: bool = True,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 0.0,
    msg: bool = False,
    transfers: bool = False,
    _path: Path | None = None,
) -> SolveResult:
    """:func:`solve` by integer programs, on a program that ``setup`` may add rows to first.

    ``acceptance=False`` leaves out the decision rule's acceptance rows. The
    tie rule of :func:`solve` holds here too.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> first = solve(case)
    >>> def other_than_first(program):
    ...     program.model.add_rows([program.no_good(case.package_indices(first.package))])
    >>> second = solve_with(case, "joint", setup=other_than_first)
    >>> second.package != first.package, second.objective_value <= first.objective_value
    (True, True)
    """
    _check(case, objective, "mip")
    check_limits(time_limit, gap)
    started = time.perf_counter()
    path = _path or Path("mip", "integer programs (solve_with)", {"packages": case.n_packages})
    run = _MipProgram(case, solver=solver, time_limit=time_limit, gap=gap, msg=msg,
                      acceptance=acceptance, transfers=transfers)
    if setup is not None:
        setup(run.program)
    answer = _Answer(case, path=path, solver=solver, program=run.program)
    ideals = None
    if objective == "ks":
        ideals, status = run.ideal_gains()
        if ideals is None:
            answer.solver = run.solver_name
            return answer.result(objective, None, None, status, started=started,
                                 seconds=run.seconds)
    spec = _plan(case, objective, ideals, run.gain_bounds())
    out = evaluate(spec, run)
    answer.solver = run.solver_name
    answer.notes += run.notes + (out.notes if out.pick is not None else [])
    if out.pick is None:
        status = outcome_status(out.status)
        if status.has_answer:  # the solver's answer could not be read back
            status = Status.ERROR
        return answer.result(objective, None, None, status, started=started,
                             seconds=run.seconds)
    if objective == "ks" and not run.ideals_proven and out.status is Status.OPTIMAL:
        out.status = Status.FEASIBLE
    return answer.result(objective, out.pick, out.value, out.status, gap=out.gap,
                         details=out.details, started=started, seconds=run.seconds)


def _check(case: Case, objective: str, method: str) -> None:
    if not isinstance(case, Case):
        raise UsageError(f"case: must be a Case, got {type(case).__name__}")
    if objective not in OBJECTIVES:
        raise UsageError(f"objective: unknown objective {objective!r} "
                         f"(known: {', '.join(OBJECTIVES)})")
    if method not in METHODS:
        raise UsageError(f"method: must be one of {', '.join(METHODS)}, got {method!r}")


def _plan(case: Case, objective: str, ideals, bounds):
    return plan(objective, n_parties=len(case.parties),
                weights=[float(p.weight) for p in case.parties], ideals=ideals,
                gain_bounds=bounds, party_names=case.party_names)


def _structural_gain_bounds(case: Case) -> np.ndarray:
    """Each party's most utility over all packages (not always attained), minus its BATNA."""
    offs = case.option_offsets
    high = np.array([sum(float(case.score_matrix[p, offs[k]:offs[k + 1]].max())
                         for k in range(len(case.issues))) for p in range(len(case.parties))])
    for _, bonus in case._synergy_table:
        high = high + np.maximum(bonus, 0.0)
    return np.minimum(high, case.caps) - case.batnas


# ------------------------------------------------------------------ the answer


@dataclass(frozen=True)
class _Pick:
    """A package read from a solution, with the money the solution moves."""

    choice: tuple[int, ...]
    transfers: dict[tuple[int, int], float]
    contributions: dict[tuple[int, int], float]


class _Answer:
    """Builds the :class:`SolveResult` of one call from a package, exactly from the case."""

    def __init__(self, case: Case, *, path: Path, solver: str,
                 program: PackageProgram | None = None):
        self.case = case
        self.path = path
        self.solver = solver
        self.program = program
        self.notes: list[str] = []

    def money(self, pick: _Pick) -> np.ndarray:
        return _net_money(len(self.case.parties), pick)

    def result(self, objective: str, pick: _Pick | None, value: float | None, status: Status,
               *, started: float, gap: float | None = None, details: dict | None = None,
               seconds: float | None = None) -> SolveResult:
        case = self.case
        names = case.party_names
        base = {
            "objective": objective,
            "batnas": dict(zip(names, (p.batna for p in case.parties), strict=True)),
            "veto": {p: p in case.veto_parties for p in names},
            "weights": {p.name: p.weight for p in case.parties},
            "solver": self.solver,
            "seconds": time.perf_counter() - started if seconds is None else seconds,
            "case_name": case.name,
            "details": {**(details or {}), "path": self.path.to_dict()},
            "method": self.path.method,
        }
        if pick is None:
            message = {
                Status.NO_AGREEMENT: "no package passes the decision rule",
                Status.TIME_LIMIT: "time limit reached before a package was found",
                Status.ERROR: "the solver returned no usable answer",
            }[status]
            return SolveResult(status=status, objective_value=None, package=None, scores={},
                               gains={}, accepted={}, gap=None,
                               message="; ".join([message, *self.notes]), **base)
        package = case.package_from_indices(pick.choice)
        rates = self.program.rates if self.program is not None else np.ones(len(names))
        utilities = case.utility_vector(pick.choice) + rates * self.money(pick)
        accepted = utilities >= case.batnas + float(case.margin) - TOLERANCE
        broken = (case.requires or case.excludes) and violations(case, pick.choice)
        passes = not broken and bool(case.rule_holds(accepted)[0])
        money = {}
        if self.program is not None and self.program.has_money:
            net = self.money(pick)
            money = {
                "money": {p: tidy(net[k]) for k, p in enumerate(names)},
                "transfers": tuple((names[a], names[b], amount)
                                   for (a, b), amount in sorted(pick.transfers.items())),
                "contributions": tuple(
                    (names[p], *self._option(j), amount)
                    for (p, j), amount in sorted(pick.contributions.items())),
            }
        proven = status is Status.OPTIMAL
        if value is not None and objective in ("joint", "egalitarian", "leximin"):
            value = tidy(value)
        if objective == "leximin":
            base["details"]["sorted_gains"] = tuple(
                tidy(g) for g in np.sort(utilities - case.batnas).tolist())
        return SolveResult(
            status=Status.OPTIMAL if proven else Status.FEASIBLE,
            objective_value=value,
            package=package,
            scores={p: tidy(utilities[k]) for k, p in enumerate(names)},
            gains={p: tidy(utilities[k] - case.batnas[k]) for k, p in enumerate(names)},
            accepted={p: bool(accepted[k]) for k, p in enumerate(names)},
            passes=passes,
            gap=0.0 if proven else gap,
            message="; ".join(self.notes),
            **money,
            **base,
        )

    def _option(self, j: int) -> tuple[str, str]:
        offs = self.case.option_offsets
        k = int(np.searchsorted(offs, j, side="right")) - 1
        issue = self.case.issues[k]
        return issue.name, issue.options[j - offs[k]]


def _net_money(n: int, pick: _Pick) -> np.ndarray:
    """Net money per party: received - paid - contributed."""
    out = np.zeros(n)
    for (a, b), amount in pick.transfers.items():
        out[a] -= amount
        out[b] += amount
    for (p, _), amount in pick.contributions.items():
        out[p] -= amount
    return out


# ------------------------------------------------------------------ the integer program


def _usable(out: MipOutcome) -> bool:
    return out.status in (Status.OPTIMAL, Status.FEASIBLE)


class _MipProgram:
    """One call by integer programs: the program, the time budget, and the stages'
    evaluation on it (the :class:`~mutualgains.analysis.objectives.Program` protocol)."""

    def __init__(self, case: Case, *, solver: str, time_limit: float | None, gap: float,
                 msg: bool, acceptance: bool = True, transfers: bool = False):
        self.case = case
        self.options = {"solver": solver, "gap": gap, "msg": msg}
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

    def pick(self, out: MipOutcome) -> _Pick:
        values = out.values
        program = self.program
        keep = TOLERANCE / 10
        return _Pick(
            program.choice(values),
            {k: float(values[v]) for k, v in program.transfers.items() if values[v] > keep},
            {k: float(values[v]) for k, v in program.contributions.items() if values[v] > keep},
        )

    def gains(self, pick: _Pick) -> np.ndarray:
        case = self.case
        money = _net_money(len(case.parties), pick)
        return case.utility_vector(pick.choice) + self.program.rates * money - case.batnas

    def gain_bounds(self) -> np.ndarray:
        return np.array([self.program.utility_bounds(p)[1] for p in range(len(self.case.parties))]
                        ) - self.case.batnas

    def gain_row(self, p: int, extra: list[tuple[int, float]], sense: str, rhs: float):
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

    def set_min_objective(self, scales: np.ndarray) -> None:
        (t,) = self.model.add_variables(1, lb=None)
        self.model.add_rows(self.gain_row(p, [(t, -float(s))], ">=", 0.0)
                            for p, s in enumerate(scales) if s > 0)
        self.model.set_objective([t], [1.0])

    def add_min_rows(self, scales: np.ndarray, floor: float) -> None:
        self.model.add_rows(self.gain_row(p, [], ">=", floor * float(s))
                            for p, s in enumerate(scales) if s > 0)

    def set_smallest_objective(self, k: int) -> None:
        n = len(self.case.parties)
        r, *d = self.model.add_variables(n + 1, lb=None)
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

    def smallest_package(self, pick: _Pick) -> tuple[_Pick, bool]:
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
        found: list[_Pick] = [best]

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

    def __init__(self, run: _MipProgram, parties: list[int], w: np.ndarray,
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


def _optimise_log(run: _MipProgram, stage: LogSum) -> Optimum:
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


def _nash_start(run: _MipProgram, parties: list[int], weights: np.ndarray,
                ub: np.ndarray) -> tuple[MipOutcome, _Pick | None]:
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
