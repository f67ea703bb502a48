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

import time
from collections.abc import Callable
from typing import Any, TypedDict

import numpy as np

from mutualgains.analysis.mipstages import MipProgram, Pick, net_money
from mutualgains.analysis.objectives import Objective, SetProgram, evaluate, plan
from mutualgains.engine.mip import check_limits, check_solver
from mutualgains.engine.paths import Path, best_by_issue, exact_set
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.model.relations import violations
from mutualgains.params import GAP, METHOD, SOLVER, TIME_LIMIT, Choice, Flag, validated
from mutualgains.results import SolveResult
from mutualgains.status import Status, outcome_status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import tidy

__all__ = ["OBJECTIVES", "solve", "solve_with"]

OBJECTIVES: tuple[str, ...] = ("joint", "egalitarian", "ks", "leximin", "nash")
"""Names accepted by ``solve(case, objective=...)``."""



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
            return answer.result(objective, Pick(choice, {}, {}), value, Status.OPTIMAL,
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
    pick = Pick(tuple(int(c) for c in found.choices[out.pick]), {}, {})
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
    _check(case, objective)
    check_limits(time_limit, gap)
    started = time.perf_counter()
    path = _path or Path("mip", "integer programs (solve_with)", {"packages": case.n_packages})
    run = MipProgram(case, solver=solver, time_limit=time_limit, gap=gap, msg=msg,
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


def _check(case: Case, objective: str) -> None:
    if not isinstance(case, Case):
        raise UsageError(f"case: must be a Case, got {type(case).__name__}")
    if objective not in OBJECTIVES:
        raise UsageError(f"objective: unknown objective {objective!r} "
                         f"(known: {', '.join(OBJECTIVES)})")


def _plan(case: Case, objective: str, ideals: np.ndarray | None,
          bounds: np.ndarray | None) -> Objective:
    return plan(objective, n_parties=len(case.parties),
                weights=[float(p.weight) for p in case.parties], ideals=ideals,
                gain_bounds=bounds, party_names=case.party_names)


def _structural_gain_bounds(case: Case) -> np.ndarray:
    """Each party's most utility over all packages (not always attained), minus its BATNA."""
    return case.utility_bounds[1] - case.batnas


# ------------------------------------------------------------------ the answer


class _Common(TypedDict):
    """The fields of a :class:`SolveResult` that do not depend on the package."""

    objective: str
    batnas: dict[str, float]
    veto: dict[str, bool]
    weights: dict[str, float]
    solver: str
    seconds: float
    case_name: str
    details: dict[str, Any]
    method: str


class _Money(TypedDict, total=False):
    """The money fields of a :class:`SolveResult` (only when the program has money)."""

    money: dict[str, float]
    transfers: tuple[tuple[str, str, float], ...]
    contributions: tuple[tuple[str, str, str, float], ...]


class _Answer:
    """Builds the :class:`SolveResult` of one call from a package, exactly from the case."""

    def __init__(self, case: Case, *, path: Path, solver: str,
                 program: PackageProgram | None = None):
        self.case = case
        self.path = path
        self.solver = solver
        self.program = program
        self.notes: list[str] = []

    def money(self, pick: Pick) -> np.ndarray:
        return net_money(len(self.case.parties), pick)

    def result(self, objective: str, pick: Pick | None, value: float | None, status: Status,
               *, started: float, gap: float | None = None, details: dict | None = None,
               seconds: float | None = None) -> SolveResult:
        case = self.case
        names = case.party_names
        base: _Common = {
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
        money: _Money = {}
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
