"""phase(): schedule a package's projects over periods under a budget (see
:mod:`mutualgains.phasing`)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.engine.mip import MipOutcome
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.params import (
    GAP,
    PROGRESS,
    SOLVER,
    TIME_LIMIT,
    AnyOf,
    Choice,
    Flag,
    Integer,
    ListOf,
    Maybe,
    Real,
    validated,
)
from mutualgains.params import Instance as InstanceOf
from mutualgains.progress import ProgressArg, Tracker, track
from mutualgains.results import PACKAGE_OR_RESULT
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import tidy

if TYPE_CHECKING:  # pragma: no cover
    pass
from mutualgains.phasing.instance import (
    FORMULATIONS,
    HEURISTIC_SHARE,
    Instance,
    build_instance,
    log,
    package_choice,
    phasing_settings,
)
from mutualgains.phasing.program import Program
from mutualgains.phasing.result import PhaseResult, ScheduledProject
from mutualgains.phasing.schedules import greedy_schedule, schedule_value
from mutualgains.phasing.windows import Windows, compute_windows, finish_by, requirement_proofs

__all__ = ["phase"]


# ------------------------------------------------------------------- phase


def _first_gain_map(case: Case, first_gain_by: Any, periods: int) -> dict[str, int]:
    if first_gain_by is None:
        return {}
    if isinstance(first_gain_by, Mapping):
        items = dict(first_gain_by)
        for party in items:
            if not isinstance(party, str) or party not in case.party_names:
                raise UsageError(f"first_gain_by: unknown party {party!r} "
                                 f"(parties: {', '.join(case.party_names)})")
    else:
        items = dict.fromkeys(case.party_names, first_gain_by)
    for party, k in items.items():
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= periods:
            raise UsageError(f"first_gain_by: must be a period between 1 and {periods} "
                             f"(for {party}), got {k!r}")
    return items


def _value_by(value_by: Any, periods: int) -> tuple[int, float] | None:
    if value_by is None:
        return None
    ok = isinstance(value_by, Sequence) and not isinstance(value_by, str) and len(value_by) == 2
    if ok:
        k, w = value_by
        ok = (isinstance(k, int) and not isinstance(k, bool) and 1 <= k <= periods
              and isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w))
    if not ok:
        raise UsageError(f"value_by: must be (period between 1 and {periods}, value), "
                         f"got {value_by!r}")
    return int(value_by[0]), float(value_by[1])


@validated(case=CASE,
           package=PACKAGE_OR_RESULT,
           periods=Maybe(Integer(low=1)),
           budget=Maybe(AnyOf((Real(low=0), ListOf(Real(low=0), min_length=1)))),
           carry_over=Maybe(Real(low=0, high=1)), discount=Maybe(Real(low=0)),
           first_gain_by=Maybe(AnyOf((Integer(low=1),
                                      InstanceOf(Mapping, label="a mapping of party -> period")))),
           value_by=Maybe(ListOf(Real(), min_length=2)), earliest=Flag(), complete=Flag(),
           formulation=Choice(FORMULATIONS), solver=SOLVER, time_limit=TIME_LIMIT, gap=GAP,
           msg=Flag(), progress=PROGRESS)
def phase(
    case: Case,
    package: Any,
    *,
    periods: int | None = None,
    budget: float | Sequence[float] | None = None,
    carry_over: float | None = None,
    discount: float | None = None,
    first_gain_by: int | Mapping[str, int] | None = None,
    value_by: tuple[int, float] | None = None,
    earliest: bool = False,
    complete: bool = False,
    formulation: str = "started_by",
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 0.0,
    msg: bool = False,
    progress: ProgressArg = False,
) -> PhaseResult:
    """Schedule the projects of ``package`` over periods under a budget.

    Maximises the discounted weighted value realised within the horizon; see
    the module documentation for the model in words.

    Parameters
    ----------
    case : Case
        A case, usually with phasing data (:mod:`mutualgains.model.phasing`).
    package : mapping, sequence or SolveResult
        ``issue -> option`` (or option names in issue order, or a result with a package).
    periods, budget, carry_over, discount : optional
        Override the case's phasing data (a case without phasing data needs
        ``periods`` and ``budget``; its options are then all realised at once).
    first_gain_by : int or mapping party -> int, optional
        Every party (or each party named) sees a first gain by this period.
    value_by : (int, float), optional
        ``(k, w)``: the weighted value realised by period ``k`` is at least ``w``.
    earliest : bool, default False
        Second stage: among schedules of the same value, start projects earliest.
    complete : bool, default False
        Every project must finish within the horizon (no deferral).
    formulation : {"started_by", "start"}
        The time-indexed form: "started by" binaries (default) or start binaries.
    solver : str, default "highs"
        ``"highs"``, ``"cbc"`` or another PuLP solver.
    time_limit : float, optional
        Seconds for all solver calls. Without a schedule from the solver by then,
        the greedy schedule is returned with status ``heuristic``.
    gap : float, default 0
        Relative MIP gap at which the solver may stop; 0 proves optimality.
    msg : bool, default False
        Show solver logs.
    progress : bool or callable, default False
        Report each solver stage (the linear relaxation, the schedule, and
        with ``earliest`` the earliest-start stage): ``progress(done, total)``,
        or ``True`` for a bar; see :mod:`mutualgains.progress`.

    Returns
    -------
    PhaseResult
        The schedule, spending, value per period and party, status and gap.

    Raises
    ------
    UsageError
        A bad keyword (unknown party, a period outside the horizon, a negative
        discount...), or a case without phasing data and no ``periods``/``budget``.
    CaseError
        A package that does not fit the case.
    SolverError
        Unknown or unavailable solver.

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("regional")
    >>> package = mg.solve(case).package
    >>> plan = phase(case, package, first_gain_by=2)
    >>> plan.status.value, bool(plan.cumulative.iloc[1, 1:7].gt(0).all())
    ('optimal', True)
    >>> phase(case, package, periods=3, complete=True).message.split(":")[0]
    'no schedule realises every project within 3 periods'
    """
    choice = package_choice(case, package)
    plan = phasing_settings(case, periods, budget, carry_over, discount)
    gains_by = _first_gain_map(case, first_gain_by, plan.periods)
    by_value = _value_by(value_by, plan.periods)
    inst = build_instance(case, choice, plan)
    options = {"first_gain_by": gains_by or None, "value_by": by_value, "earliest": earliest,
               "complete": complete, "formulation": formulation}
    run = _PhaseRun(case, inst, options, solver,
                    track(progress, "phase", total=2 + int(earliest), unit="stage"))
    win = compute_windows(inst, complete)
    if complete and win.reasons:
        grouped: dict[str, list[str]] = {}  # one chain can stop several projects
        for p, reason in sorted(win.reasons.items()):
            grouped.setdefault(reason, []).append(inst.labels[p])
        why = "; ".join(f"{', '.join(names)}: {reason}" for reason, names in grouped.items())
        return run.result(Status.INFEASIBLE, None, win, message=(
            f"no schedule realises every project within {inst.periods} periods: {why}"))
    proofs = requirement_proofs(inst, win, gains_by, by_value)
    if proofs:
        return run.result(Status.INFEASIBLE, None, win,
                          message="no schedule meets the requirements: " + "; ".join(proofs))
    instant_value = float(inst.weights @ inst.instant_vector)
    if all(len(s) == 0 for s in win.starts):  # nothing to decide
        return run.result(Status.OPTIMAL, [None] * inst.n, win, value=instant_value,
                          bound=instant_value, gap=0.0)
    started = time.perf_counter()

    def left() -> float | None:
        return None if time_limit is None else \
            max(time_limit - (time.perf_counter() - started), 0.01)

    program = Program(inst, win, formulation, complete)
    if gains_by or by_value:
        program.model.add_rows(_requirement_rows(program, gains_by, by_value))
    idx, coef = program.objective_terms()
    program.model.set_objective(idx, coef)
    relaxed = run.solve(program, left(), 0.0, msg, relax=True)
    if relaxed.status == Status.INFEASIBLE:
        return run.result(Status.INFEASIBLE, None, win, message=(
            "no schedule meets the requirements within the budget and the horizon "
            "(proven by the linear relaxation)"))
    fractions = program.fractions(relaxed.values) if relaxed.values is not None else None
    lp_bound = relaxed.objective if relaxed.status == Status.OPTIMAL else None
    remaining = left()  # None exactly when there is no time limit
    search = None if time_limit is None or remaining is None else \
        min(HEURISTIC_SHARE * time_limit, remaining)
    enough = None if lp_bound is None or gap <= 0 else lp_bound / (1.0 + gap)
    greedy = greedy_schedule(inst, win, gains_by, by_value, complete, fractions, search, enough)
    log.debug("phasing %r: list schedule %s, linear relaxation %s", case.name,
              None if greedy is None else schedule_value(inst, greedy), lp_bound)
    if greedy is not None:
        program.model.set_start(program.encode(greedy))
    out = run.solve(program, left(), gap, msg)
    if out.status in (Status.OPTIMAL, Status.FEASIBLE):
        starts = program.decode(out.solution)
        value = schedule_value(inst, starts)
        proven = out.status == Status.OPTIMAL
        bound = _bound(out.bound, lp_bound, instant_value)
        if greedy is not None and schedule_value(inst, greedy) > value + 1e-9 * max(1, value):
            starts, value = greedy, schedule_value(inst, greedy)
            run.notes.append("the greedy schedule beat the solver's incumbent")
        if earliest:
            starts, tie_proven = _earliest_stage(run, program, starts, value, left(), gap, msg)
            value = schedule_value(inst, starts)
            if not tie_proven:
                run.notes.append("the earliest-start stage did not finish: starts may not be "
                                 "the earliest among schedules of the same value")
            proven = proven and tie_proven
        total = value + instant_value
        if out.status == Status.FEASIBLE:
            run.notes.append("the solver stopped before proving optimality (time limit or gap)")
        if proven:
            return run.result(Status.OPTIMAL, starts, win, value=total, bound=total,
                              gap=0.0)
        return run.result(Status.FEASIBLE, starts, win, value=total, bound=bound,
                          gap=_gap(total, bound, out.gap))
    if out.status == Status.INFEASIBLE:
        return run.result(Status.INFEASIBLE, None, win, message=(
            "no schedule meets the requirements within the budget and the horizon "
            "(proven by the solver)"))
    if greedy is not None:
        total = schedule_value(inst, greedy) + instant_value
        bound = _bound(out.bound, lp_bound, instant_value)
        why = "the time limit hit" if out.status == Status.TIME_LIMIT else \
            "the solver failed"
        run.notes.append(f"{why} before the solver found a schedule: the greedy list schedule "
                         "is returned")
        return run.result(Status.HEURISTIC, greedy, win, value=total, bound=bound,
                          gap=_gap(total, bound, None))
    if out.status == Status.TIME_LIMIT:
        return run.result(Status.TIME_LIMIT, None, win, message=(
            "time limit reached before any schedule was found (the greedy schedule does not "
            "meet the requirements)"))
    return run.result(Status.ERROR, None, win,
                      message="the solver returned no usable answer")


def _bound(solver_bound: float | None, lp_bound: float | None, constant: float) -> float | None:
    """The best proven upper bound: the solver's or the linear relaxation's."""
    known = [b for b in (solver_bound, lp_bound) if b is not None and math.isfinite(b)]
    return min(known) + constant if known else None


def _gap(value: float, bound: float | None, solver_gap: float | None) -> float | None:
    """Relative gap of ``value`` to ``bound``, or what the solver says when smaller."""
    gap = None
    if bound is not None and bound >= value - 1e-6 * max(1.0, abs(value)):
        gap = max(0.0, bound - value) / max(abs(value), 1e-9)
    if solver_gap is not None:
        gap = solver_gap if gap is None else min(gap, solver_gap)
    return gap


def _requirement_rows(program: Program, gains_by: dict[str, int],
                      value_by: tuple[int, float] | None) -> list:
    inst, win = program.inst, program.win
    rows = []
    instant = inst.instant_vector
    for party, k in gains_by.items():
        q = inst.parties.index(party)
        if instant[q] > TOLERANCE:
            continue
        idx, coef = program.terms_over(_finished_if_gaining(inst, win, k, q))
        rows.append((idx, coef, ">=", 1.0))
    if value_by is not None:
        k, w = value_by
        idx, coef = program.terms_over(lambda p: inst.weighted[p] * finish_by(inst, win, p, k))
        rhs = w - float(inst.weights @ instant)
        rows.append((idx, coef, ">=", rhs - TOLERANCE * max(1.0, abs(rhs))))
    return rows


def _finished_if_gaining(inst: Instance, win: Windows, k: int, q: int
                         ) -> Callable[[int], np.ndarray]:
    """Per project ``p``: whether each start finishes it by period ``k``, when it gains
    party ``q`` something (else zeros)."""
    return lambda p: finish_by(inst, win, p, k) if inst.values[p, q] > TOLERANCE \
        else np.zeros(len(win.starts[p]))


def _earliest_stage(run: _PhaseRun, program: Program, starts: list[int | None], value: float,
                    time_left: float | None, gap: float, msg: bool
                    ) -> tuple[list[int | None], bool]:
    """Among schedules worth at least ``value``, start projects earliest."""
    if time_left is not None and time_left <= 0.01:
        return starts, False
    idx, coef = program.objective_terms()
    floor = value - TOLERANCE * max(1.0, abs(value))
    if idx:
        program.model.add_rows([(idx, coef, ">=", floor)])
    idx, coef = program.terms_over(program.started_coefs)
    program.model.set_objective(idx, coef)
    program.model.set_start(program.encode(starts))
    out = run.solve(program, time_left, gap, msg)
    if out.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return starts, False
    better = program.decode(out.solution)
    if schedule_value(run.inst, better) < floor:  # numerical slack: keep the first stage
        return starts, False
    return better, out.status == Status.OPTIMAL


class _PhaseRun:
    """Bookkeeping of one call: solver time, notes, and building the result."""

    def __init__(self, case: Case, inst: Instance, options: dict, solver: str,
                 tracker: Tracker):
        self.case, self.inst, self.options = case, inst, options
        self.tracker = tracker
        self.solver_name = solver
        self.seconds = 0.0
        self.notes: list[str] = list(inst.notes)

    def solve(self, program: Program, time_limit: float | None, gap: float,
              msg: bool, *, relax: bool = False) -> MipOutcome:
        out = program.model.solve(solver=self.solver_name, time_limit=time_limit, gap=gap,
                                  msg=msg, relax=relax)
        self.seconds += out.seconds
        self.solver = out.solver
        self.tracker.advance()
        return out

    def result(self, status: Status, starts: list[int | None] | None, win: Windows, *,
               value: float | None = None, bound: float | None = None,
               gap: float | None = None, message: str = "") -> PhaseResult:
        inst = self.inst
        if self.tracker.total is not None and self.tracker.done < self.tracker.total:
            self.tracker.update(self.tracker.total)  # the stages this case did not need
        self.tracker.close()
        projects = []
        for p in range(inst.n):
            s = None if starts is None else starts[p]
            reason = ""
            if s is None:
                if p in win.reasons:
                    reason = win.reasons[p]
                elif starts is None:
                    reason = "no schedule"
                elif inst.weighted[p] <= TOLERANCE:
                    reason = "its weighted value is not positive"
                elif status == Status.HEURISTIC:
                    reason = "the greedy schedule found no room for it in the budget"
                else:
                    reason = "no room for it in the budget within the horizon, next to the " \
                             "projects worth more"
            projects.append(ScheduledProject(
                option=inst.refs[p], label=inst.labels[p], duration=int(inst.durations[p]),
                cost=tuple(inst.costs[p]), start=None if s is None else s + 1,
                value={q: tidy(float(v)) for q, v in zip(inst.parties, inst.values[p],
                                                          strict=True)},
                weighted_value=tidy(float(inst.weighted[p])), reason=reason))
        text = "; ".join([m for m in (message, *self.notes) if m])
        return PhaseResult(
            status=status, projects=tuple(projects),
            instant={k: {q: tidy(float(x)) for q, x in zip(inst.parties, v, strict=True)}
                     for k, v in inst.instant.items()},
            parties=inst.parties,
            weights={q: tidy(float(w)) for q, w in zip(inst.parties, inst.weights,
                                                        strict=True)},
            periods=inst.periods, budget=tuple(inst.budget), carry_over=inst.rho,
            discount=tidy(inst.discount), discounted_value=value, bound=bound,
            gap=gap, solver=getattr(self, "solver", self.solver_name), seconds=self.seconds,
            message=text, case_name=self.case.name, options=self.options)
