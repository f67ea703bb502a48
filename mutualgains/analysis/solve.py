"""Find the best acceptable package for a bargaining objective.

Objectives (gains are utility minus BATNA; see design §5):

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
    parties with positive weight. Solved by outer approximation of the sum of
    logs with tangent cuts, refined until the returned package's true product is
    proven optimal within :data:`~mutualgains.tolerance.TOLERANCE` (relative).
    When every passing package leaves some party without a positive gain, the
    product is 0 everywhere and the package with the highest joint gain is
    returned, saying so.

Party weights count in ``joint`` and ``nash``; ``egalitarian``, ``ks`` and
``leximin`` compare unweighted gains. Money (side payments with
``transfers=True``, contributions to option costs) enters each party's utility
at its rate, and every objective sees it.

Every solve is exact by default (MIP gap 0); a time limit or a positive ``gap``
turns a proven optimum into ``feasible`` with the gap reached.

Ties: ``egalitarian`` and ``ks`` break ties by the highest joint gain; the
remaining ties are broken by the solver, deterministically for a given solver
and version (the same case gives the same package). The reported scores, gains
and objective value are always recomputed from the case, never read from the
solver.

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

from mutualgains.engine.mip import MipOutcome, check_limits, check_solver
from mutualgains.engine.program import PackageProgram
from mutualgains.engine.separable import CandidateTable, candidate_table, is_separable
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.params import GAP, METHOD, SOLVER, TIME_LIMIT, Choice, Flag, validated
from mutualgains.results import SolveResult
from mutualgains.status import Status, outcome_status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import tidy

__all__ = ["OBJECTIVES", "solve", "solve_with"]

OBJECTIVES: tuple[str, ...] = ("joint", "egalitarian", "ks", "leximin", "nash")
"""Names accepted by ``solve(case, objective=...)``."""

_MAX_NASH_ROUNDS = 500
# A solve on the table takes milliseconds on most separable cases; one that takes longer
# (many parties, many issues: large non-dominated sets) goes to the integer program.
_TABLE_SECONDS = 0.05


@validated(case=CASE, objective=Choice(OBJECTIVES), solver=SOLVER, time_limit=TIME_LIMIT, gap=GAP,
           msg=Flag(), transfers=Flag(), method=METHOD)
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
        Seconds for the whole call. When it runs out, the best package found so
        far is returned with status ``feasible`` and its gap.
    gap : float, default 0
        Relative MIP gap at which each solver call may stop; 0 proves optimality.
    msg : bool, default False
        Show solver logs.
    transfers : bool, default False
        Choose side payments together with the package (the case's
        ``transfers`` rules; every pair, no cap, rate 1 when it has none).
        Contributions to option costs are always chosen when the case has
        costs and parties with a budget.
    method : {"auto", "mip"}, default "auto"
        ``auto`` answers from the table of packages that dominate all others
        (:mod:`mutualgains.engine.separable`) when the case is separable (no synergies,
        caps, requires, excludes or money) and the table is built within 0.05 s,
        without a solver (``solver`` is then ``"separable"``); otherwise, and
        with ``mip``, by integer programs. Both are exact.

    Returns
    -------
    SolveResult
        Status ``optimal``, ``feasible``, ``no_agreement``, ``time_limit`` or ``error``.

    Raises
    ------
    UsageError
        Unknown objective, or a case that is not a :class:`~mutualgains.model.case.Case`.
        Also for a time limit that is not positive or a negative gap.
    SolverError
        Unknown or unavailable solver.

    Examples
    --------
    >>> from mutualgains import solve
    >>> from mutualgains.io.examples import load_example
    >>> result = solve(load_example("harbour"), "egalitarian")
    >>> result.status.value, result.objective_value
    ('optimal', 10)
    >>> all(result.accepted[p] for p in ("Port", "City"))
    True
    """
    if (method == "auto" and isinstance(case, Case) and objective in _OBJECTIVES
            and not transfers and not case.has_contributions and is_separable(case)):
        check_limits(time_limit, gap)
        check_solver(solver)  # not needed here, but a wrong name is a mistake all the same
        started = time.perf_counter()
        wait = _TABLE_SECONDS if time_limit is None else min(_TABLE_SECONDS, time_limit / 2)
        table = candidate_table(case, deadline=started + wait)
        if table is not None:
            return _on_table(case, objective, table, started)
    return solve_with(case, objective, solver=solver, time_limit=time_limit, gap=gap, msg=msg,
                      transfers=transfers)


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
) -> SolveResult:
    """:func:`solve` on a program that ``setup`` may add rows to first (for analyses).

    ``acceptance=False`` leaves out the decision rule's acceptance rows.

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
    if not isinstance(case, Case):
        raise UsageError(f"case: must be a Case, got {type(case).__name__}")
    if objective not in _OBJECTIVES:
        raise UsageError(f"objective: unknown objective {objective!r} "
                         f"(known: {', '.join(OBJECTIVES)})")
    check_limits(time_limit, gap)
    run = _Run(case, solver=solver, time_limit=time_limit, gap=gap, msg=msg,
               acceptance=acceptance, transfers=transfers)
    if setup is not None:
        setup(run.program)
    return _OBJECTIVES[objective](run)


# ------------------------------------------------------------------ machinery


@dataclass(frozen=True)
class _Pick:
    """A package read from a solution, with the money the solution moves."""

    choice: tuple[int, ...]
    transfers: dict[tuple[int, int], float]
    contributions: dict[tuple[int, int], float]


class _Run:
    """One call of :func:`solve`: the program, the time budget and what happened."""

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

    def remaining(self) -> float | None:
        if self.time_limit is None:
            return None
        return self.time_limit - (time.perf_counter() - self.started)

    def out_of_time(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def solve(self) -> MipOutcome:
        left = self.remaining()
        out = self.model.solve(time_limit=None if left is None else max(left, 0.01),
                               **self.options)
        self.seconds += out.seconds
        self.solver_name = out.solver
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

    def money(self, pick: _Pick) -> np.ndarray:
        """Net money per party: received - paid - contributed."""
        out = np.zeros(len(self.case.parties))
        for (a, b), amount in pick.transfers.items():
            out[a] -= amount
            out[b] += amount
        for (p, _), amount in pick.contributions.items():
            out[p] -= amount
        return out

    def utilities(self, pick: _Pick) -> np.ndarray:
        return self.case.utility_vector(pick.choice) + self.program.rates * self.money(pick)

    def gains(self, pick: _Pick) -> np.ndarray:
        return self.utilities(pick) - self.case.batnas

    # ---- rows in terms of gains

    def gain_row(self, p: int, extra: list[tuple[int, float]], sense: str, rhs: float):
        """Row ``gain_p + (the coef * var terms of extra) <sense> rhs``."""
        idx, coef = self.program.utility_terms(p)
        idx += [v for v, _ in extra]
        coef += [c for _, c in extra]
        return idx, coef, sense, rhs + float(self.case.batnas[p])

    def set_joint_objective(self, weights: np.ndarray) -> None:
        idx, coef = self.program.combined_terms(weights)
        self.model.set_objective(idx, coef, constant=-float(weights @ self.case.batnas))

    def result(self, objective: str, out: MipOutcome | None, pick: _Pick | None,
               value: float | None, *, proven: bool, gap: float | None = None,
               details: dict | None = None) -> SolveResult:
        case = self.case
        names = case.party_names
        base = {
            "objective": objective,
            "batnas": dict(zip(names, (p.batna for p in case.parties), strict=True)),
            "veto": {p: p in case.veto_parties for p in names},
            "weights": {p.name: p.weight for p in case.parties},
            "solver": self.solver_name,
            "seconds": self.seconds,
            "case_name": case.name,
            "details": details or {},
        }
        if pick is None:
            status = outcome_status(out.status if out else Status.ERROR)
            if status.has_answer:  # the solver's answer could not be read back
                status = Status.ERROR
            message = {
                Status.NO_AGREEMENT: "no package passes the decision rule",
                Status.TIME_LIMIT: "time limit reached before a package was found",
                Status.ERROR: "the solver returned no usable answer",
            }[status]
            return SolveResult(status=status, objective_value=None, package=None, scores={},
                               gains={}, accepted={}, gap=None,
                               message="; ".join([message, *self.notes]), **base)
        package = case.package_from_indices(pick.choice)
        utilities = self.utilities(pick)
        accepted = utilities >= case.batnas + float(case.margin) - TOLERANCE
        passes = not case.violations(package) and bool(case.rule_holds(accepted)[0])
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


def _usable(out: MipOutcome) -> bool:
    return out.status in (Status.OPTIMAL, Status.FEASIBLE)


def _floor(value: float) -> float:
    """``value`` lowered by the tolerance, for rows that keep an optimum."""
    return value - TOLERANCE * max(1.0, abs(value))


def _tie_break_joint(run: _Run, rows: list, pick: _Pick) -> tuple[_Pick, bool]:
    """Among packages meeting ``rows`` (the optimum kept), take the highest joint gain."""
    if run.out_of_time():
        run.notes.append("time limit: ties not broken by joint gain")
        return pick, False
    run.model.add_rows(rows)
    run.set_joint_objective(np.ones(len(run.case.parties)))
    out = run.solve()
    if not _usable(out):
        run.notes.append("tie-break by joint gain did not finish")
        return pick, False
    return run.pick(out), out.status == Status.OPTIMAL


# ------------------------------------------------------------------ objectives


def _best_joint(run: _Run, weights: np.ndarray) -> tuple[MipOutcome, _Pick | None]:
    run.set_joint_objective(weights)
    out = run.solve()
    return out, (run.pick(out) if _usable(out) else None)


def _joint(run: _Run) -> SolveResult:
    """Weighted joint gain."""
    weights = np.array([float(p.weight) for p in run.case.parties])
    out, pick = _best_joint(run, weights)
    if pick is None:
        return run.result("joint", out, None, None, proven=False)
    value = float(weights @ run.gains(pick))
    return run.result("joint", out, pick, tidy(value), proven=out.status == Status.OPTIMAL,
                      gap=out.gap)


def _fallback_joint(run: _Run, objective: str, value: float, *, proven: bool = True,
                    details: dict | None = None) -> SolveResult:
    """When every passing package ties on ``objective``: the highest unweighted joint gain."""
    out, pick = _best_joint(run, np.ones(len(run.case.parties)))
    if pick is None:
        return run.result(objective, out, None, None, proven=False)
    return run.result(objective, out, pick, value, proven=proven and
                      out.status == Status.OPTIMAL, gap=out.gap, details=details)


def _max_min(run: _Run, parties: list[int], scale: np.ndarray | None = None,
             cap: float | None = None) -> MipOutcome:
    """Maximise ``t`` with ``t * scale_p <= gain_p`` for ``parties`` (and ``t <= cap``)."""
    (t,) = run.model.add_variables(1, lb=None, ub=cap)
    rows = []
    for p in parties:
        s = 1.0 if scale is None else float(scale[p])
        rows.append(run.gain_row(p, [(t, -s)], ">=", 0.0))
    run.model.add_rows(rows)
    run.model.set_objective([t], [1.0])
    return run.solve()


def _egalitarian(run: _Run) -> SolveResult:
    n = len(run.case.parties)
    out = _max_min(run, list(range(n)))
    if not _usable(out):
        return run.result("egalitarian", out, None, None, proven=False)
    pick = run.pick(out)
    value = float(run.gains(pick).min())
    keep = [run.gain_row(p, [], ">=", _floor(value)) for p in range(n)]
    pick, tie_proven = _tie_break_joint(run, keep, pick)
    value = float(run.gains(pick).min())
    proven = out.status == Status.OPTIMAL and tie_proven
    return run.result("egalitarian", out, pick, tidy(value), proven=proven, gap=out.gap)


def _ks(run: _Run) -> SolveResult:
    n = len(run.case.parties)
    ideals = np.zeros(n)
    proven = True
    for p in range(n):
        idx, coef = run.program.utility_terms(p)
        run.model.set_objective(idx, coef)
        out = run.solve()
        if not _usable(out):
            return run.result("ks", out, None, None, proven=False)
        proven &= out.status == Status.OPTIMAL
        ideals[p] = run.gains(run.pick(out))[p]
    scaled = [p for p in range(n) if ideals[p] > TOLERANCE]
    details = {"ideal_gains": dict(zip(run.case.party_names, ideals.tolist(), strict=True))}
    if not scaled:
        run.notes.append("no party has a positive ideal gain: every passing package is KS-optimal;"
                         " returned the highest joint gain")
        return _fallback_joint(run, "ks", 1.0, proven=proven, details=details)
    out = _max_min(run, scaled, ideals)
    if not _usable(out):
        return run.result("ks", out, None, None, proven=False)
    pick = run.pick(out)
    value = float(min(run.gains(pick)[p] / ideals[p] for p in scaled))
    keep = [run.gain_row(p, [], ">=", _floor(value) * ideals[p]) for p in scaled]
    pick, tie_proven = _tie_break_joint(run, keep, pick)
    value = float(min(run.gains(pick)[p] / ideals[p] for p in scaled))
    proven &= out.status == Status.OPTIMAL and tie_proven
    return run.result("ks", out, pick, value, proven=proven, gap=out.gap, details=details)


def _leximin(run: _Run) -> SolveResult:
    n = len(run.case.parties)
    pick = None
    proven = True
    first = None
    for k in range(1, n + 1):
        if pick is not None and run.out_of_time():
            run.notes.append(f"time limit: leximin stopped after {k - 1} of {n} stages")
            proven = False
            break
        r, *d = run.model.add_variables(n + 1, lb=None)
        for j in d:
            run.model.set_bounds(j, 0.0, None)
        # d_p >= r - gain_p  <=>  gain_p + d_p - r >= 0
        run.model.add_rows(run.gain_row(p, [(d[p], 1.0), (r, -1.0)], ">=", 0.0) for p in range(n))
        run.model.set_objective([r, *d], [float(k)] + [-1.0] * n)
        out = run.solve()
        first = first or out
        if not _usable(out):
            if pick is None:
                return run.result("leximin", out, None, None, proven=False)
            run.notes.append(f"leximin stage {k} did not finish")
            proven = False
            break
        pick = run.pick(out)
        proven &= out.status == Status.OPTIMAL
        best_k = float(np.sort(run.gains(pick))[:k].sum())
        run.model.add_rows([([r, *d], [float(k)] + [-1.0] * n, ">=", _floor(best_k))])
    sorted_gains = np.sort(run.gains(pick)).tolist()
    return run.result("leximin", first, pick, tidy(sorted_gains[0]), proven=proven,
                      gap=None if proven else first.gap,
                      details={"sorted_gains": tuple(tidy(g) for g in sorted_gains)})


def _nash(run: _Run) -> SolveResult:
    case = run.case
    weights = np.array([float(p.weight) for p in case.parties])
    parties = [p for p in range(len(weights)) if weights[p] > 0]
    if not parties:
        run.notes.append("no party has a positive weight: the Nash product is 1 for every "
                         "package; returned the highest joint gain")
        return _fallback_joint(run, "nash", 1.0)
    w = weights[parties]
    ub = np.array([run.program.utility_bounds(p)[1] - case.batnas[p] for p in parties])
    if ub.min() <= TOLERANCE:
        run.notes.append("some party cannot gain in any package: the Nash product is 0 for "
                         "all; returned the highest joint gain")
        return _fallback_joint(run, "nash", 0.0)
    start, pick = _nash_start(run, parties, weights, ub)
    if pick is None:
        return run.result("nash", start, None, None, proven=False)
    g0 = run.gains(pick)[parties]
    if g0.min() <= TOLERANCE:
        if start.status != Status.OPTIMAL:
            run.notes.append("time limit before a package with every gain positive was found")
            return run.result("nash", start, pick, 0.0, proven=False, gap=None)
        run.notes.append("no passing package gives every party a positive gain: the Nash "
                         "product is 0 for all; returned the highest joint gain")
        return _fallback_joint(run, "nash", 0.0)

    # Gains below lows[k] cannot beat the incumbent (the others at their upper bounds):
    # cut them, and raise the cuts whenever the incumbent improves.
    log_ub = np.log(np.maximum(ub, g0))
    rest = w @ log_ub - w * log_ub
    lows = np.zeros(len(parties))

    def raise_lower_bounds(best: float) -> None:
        new = np.minimum(np.exp((best - rest) / w), ub)
        rows = [run.gain_row(p, [], ">=", float(new[k])) for k, p in enumerate(parties)
                if new[k] > lows[k] * (1 + 1e-9)]
        np.maximum(lows, new, out=lows)
        run.model.add_rows(rows)

    best_log = float(w @ np.log(g0))
    raise_lower_bounds(best_log)
    # Tangents below 1e-6 of a party's range would have huge coefficients; leaving them
    # out only loosens the envelope (it stays an upper bound).
    smallest = np.maximum(lows, 1e-6 * np.maximum(ub, g0))
    z = run.model.add_variables(len(parties), lb=None)
    points: list[list[float]] = []
    for k in range(len(parties)):
        grid = [*np.geomspace(smallest[k], math.exp(log_ub[k]), 5).tolist(), float(g0[k])]
        points.append([])
        _add_tangents(run, parties[k], z[k], grid, points[k], smallest[k] * 1e-3)
    run.model.set_objective(z, w.tolist())

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
        added = sum(_add_tangents(run, p, z[k], [float(gains[k])], points[k],
                                  smallest[k] * 1e-3)
                    for k, p in enumerate(parties) if gains[k] > 0)
        if not added:
            # every tangent already there: the envelope is exact at the candidate, and the
            # bound exceeds it only by the solver's feasibility tolerance on each z (seen:
            # 1e-6 + 1e-18 with weights 1, 2, 1)
            proven = bound - best_log <= TOLERANCE * (1.0 + float(w.sum()))
            break
    else:
        run.notes.append(f"Nash refinement stopped after {_MAX_NASH_ROUNDS} rounds")
    gap = None if not math.isfinite(bound) else max(0.0, math.expm1(bound - best_log))
    return run.result("nash", None, best, math.exp(best_log), proven=proven, gap=gap,
                      details={"log_nash": best_log, "log_bound": bound})


def _nash_start(run: _Run, parties: list[int], weights: np.ndarray,
                ub: np.ndarray) -> tuple[MipOutcome, _Pick | None]:
    """A first passing package, with every gain positive when one exists.

    The weighted joint optimum often is one. Otherwise the joint optimum with every
    gain at least a small floor, then (rarely) the max-min gain capped at that floor,
    which also decides whether any package gives everyone a positive gain.
    """
    out, pick = _best_joint(run, weights)
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
    third = _max_min(run, parties, cap=floor)
    return (third, run.pick(third)) if _usable(third) else (out, pick)


def _add_tangents(run: _Run, p: int, z: int, at: list[float], have: list[float],
                  smallest: float) -> int:
    """Add ``z <= log a + (gain_p - a) / a`` for new points ``a >= smallest``; return how many."""
    rows = []
    for a in at:
        if a < smallest or a <= 0 or any(abs(a - b) <= 1e-12 * max(1.0, b) for b in have):
            continue
        have.append(a)
        # z - gain_p / a <= log a - 1
        idx, coef = run.program.utility_terms(p)
        rows.append(([z, *idx], [1.0] + [-c / a for c in coef], "<=",
                     math.log(a) - 1.0 - float(run.case.batnas[p]) / a))
    run.model.add_rows(rows)
    return len(rows)




# ------------------------------------------------------------------ separable cases


class _TableRun(_Run):
    """A :class:`_Run` without a program: packages come from a :class:`CandidateTable`."""

    def __init__(self, case: Case, table: CandidateTable, started: float):
        self.case = case
        self.choices = table.choices
        self.program = None
        self.started = started
        self.solver_name = "separable"
        self.notes = []
        self.time_limit = None

    def utilities(self, pick: _Pick) -> np.ndarray:
        return self.case.utility_vector(pick.choice)

    def done(self, objective: str, row: int | None, value: float | None,
             details: dict | None = None) -> SolveResult:
        self.seconds = time.perf_counter() - self.started
        if row is None:
            return self.result(objective, MipOutcome(Status.INFEASIBLE, None, None, None,
                                                     None, 0.0, "separable"),
                               None, None, proven=True)
        pick = _Pick(tuple(int(c) for c in self.choices[row]), {}, {})
        return self.result(objective, None, pick, value, proven=True, details=details)


def _on_table(case: Case, objective: str, table: CandidateTable, started: float) -> SolveResult:
    """Every objective is monotone in the gains, so a best row is a best package."""
    run = _TableRun(case, table, started)
    if not len(table):
        return run.done(objective, None, None)
    gains = table.utilities - case.batnas
    joint = gains.sum(axis=1)
    weights = np.array([float(p.weight) for p in case.parties])

    def best_joint_among(keep: np.ndarray) -> int:
        rows = np.flatnonzero(keep)
        return int(rows[np.argmax(joint[rows])])

    if objective == "joint":
        row = int(np.argmax(gains @ weights))
        return run.done(objective, row, tidy(float(weights @ gains[row])))
    if objective == "egalitarian":
        smallest = gains.min(axis=1)
        row = best_joint_among(smallest >= _floor(float(smallest.max())))
        return run.done(objective, row, tidy(float(smallest[row])))
    if objective == "leximin":
        keep = np.ones(len(gains), dtype=bool)
        ordered = np.sort(gains, axis=1)
        for k in range(1, gains.shape[1] + 1):
            total = ordered[:, :k].sum(axis=1)
            keep &= total >= _floor(float(total[keep].max()))
        row = int(np.flatnonzero(keep)[0])
        return run.done(objective, row, tidy(float(ordered[row, 0])),
                        {"sorted_gains": tuple(tidy(float(g)) for g in ordered[row])})
    if objective == "ks":
        ideals = gains.max(axis=0)
        details = {"ideal_gains": dict(zip(case.party_names, ideals.tolist(), strict=True))}
        scaled = ideals > TOLERANCE
        if not scaled.any():
            run.notes.append("no party has a positive ideal gain: every passing package is "
                             "KS-optimal; returned the highest joint gain")
            return run.done(objective, int(np.argmax(joint)), 1.0, details)
        shares = (gains[:, scaled] / ideals[scaled]).min(axis=1)
        row = best_joint_among(shares >= _floor(float(shares.max())))
        return run.done(objective, row, float(shares[row]), details)
    # nash
    parties = weights > 0
    if not parties.any():
        run.notes.append("no party has a positive weight: the Nash product is 1 for every "
                         "package; returned the highest joint gain")
        return run.done(objective, int(np.argmax(joint)), 1.0)
    offsets = case.option_offsets
    best_utility = np.stack([case.score_matrix[:, offsets[i]:offsets[i + 1]].max(axis=1)
                             for i in range(len(case.issues))]).sum(axis=0)
    if (best_utility - case.batnas)[parties].min() <= TOLERANCE:
        run.notes.append("some party cannot gain in any package: the Nash product is 0 for "
                         "all; returned the highest joint gain")
        return run.done(objective, int(np.argmax(joint)), 0.0)
    positive = (gains[:, parties] > TOLERANCE).all(axis=1)
    if not positive.any():
        run.notes.append("no passing package gives every party a positive gain: the Nash "
                         "product is 0 for all; returned the highest joint gain")
        return run.done(objective, int(np.argmax(joint)), 0.0)
    logs = np.full(len(gains), -np.inf)
    logs[positive] = np.log(gains[positive][:, parties]) @ weights[parties]
    row = int(np.argmax(logs))
    return run.done(objective, row, math.exp(float(logs[row])),
                    {"log_nash": float(logs[row]), "log_bound": float(logs[row])})


_OBJECTIVES: dict[str, Callable[[_Run], SolveResult]] = {
    "joint": _joint,
    "egalitarian": _egalitarian,
    "ks": _ks,
    "leximin": _leximin,
    "nash": _nash,
}
