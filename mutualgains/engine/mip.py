"""The solver adapter: the only module that calls PuLP.

Models are built from integer indices: variables are ``v<k>`` and rows ``c<k>``,
so PuLP never rewrites a name, and callers keep their own label maps. Rows are
built with ``LpAffineExpression`` from (variable, coefficient) pairs and added
in bulk with ``LpProblem.extend`` (see ``../shared/pulp-notes.md``).

PuLP 4 needs Python 3.12 and changes this API; moving to it changes this file only.

Each PuLP solver is given only the options its constructor takes (GLPK has no
gap option, for example); an option a solver cannot honour (a positive gap, a
time limit) is said with a :class:`SolverOptionWarning`. After a ``fork`` (the
default start method of :mod:`multiprocessing` on Linux) the child drops the
HiGHS thread pool it inherited, whose threads did not survive the fork: without
that, the child's first HiGHS solve waits for them forever.

Examples
--------
>>> m = MipModel()
>>> x = m.add_variables(2, binary=True)
>>> m.add_rows([([x[0], x[1]], [1, 1], "<=", 1)])
[0]
>>> m.set_objective([x[0], x[1]], [2, 3])
>>> out = m.solve()  # a MipOutcome
>>> out.status.value, out.objective, out.values.round().tolist()
('optimal', 3.0, [0.0, 1.0])
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import math
import os
import sys
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypedDict

import numpy as np
import pulp

from mutualgains.errors import SolverError, UsageError
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import warn

__all__ = ["SOLVER_ALIASES", "MipModel", "MipOutcome", "SolveOptions", "SolverOptionWarning",
           "SolverSettings", "available_solvers", "solver_log", "solver_options"]

log = logging.getLogger(__name__)
solver_log = logging.getLogger(f"{__name__}.solver")
"""The solver's own log with ``msg=True`` (HiGHS and CBC), one record per line at INFO.

Shown with, e.g., ``logging.basicConfig(level="INFO")``; never printed on stdout.
"""

_SENSES = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "==": pulp.LpConstraintEQ}

SOLVER_ALIASES: dict[str, str] = {
    "highs": "HiGHS",
    "highs_cmd": "HiGHS_CMD",
    "cbc": "PULP_CBC_CMD",
    "coin": "COIN_CMD",
    "glpk": "GLPK_CMD",
    "gurobi": "GUROBI",
    "cplex": "CPLEX_PY",
    "scip": "SCIP_CMD",
}
"""Short solver names accepted by ``solver=`` and the PuLP solver they select."""


class SolverOptionWarning(UserWarning):
    """The chosen solver cannot honour an option (a gap, a time limit): it is not passed."""


def _forget_highs_threads() -> None:
    """In a forked child: drop the HiGHS thread pool inherited from the parent.

    HiGHS keeps one global pool of worker threads, started by the first solve
    in a process. ``fork`` copies the pool's state but not its threads, so the
    child's first solve would wait for workers that do not exist. Resetting the
    global scheduler without waiting makes the next solve start a fresh pool.
    """
    highspy = sys.modules.get("highspy")
    if highspy is not None:
        with contextlib.suppress(Exception):  # an older highspy without the call: nothing to do
            highspy.Highs.resetGlobalScheduler(False)


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_forget_highs_threads)


class SolverSettings(TypedDict, total=False):
    """The keyword arguments of :meth:`MipModel.solve` that stay fixed over a run of solves
    (the time limit, what is left of it, is passed with each).

    Examples
    --------
    >>> m = MipModel()
    >>> m.set_objective(m.add_variables(2, binary=True), [2, 3])
    >>> settings: SolverSettings = {"solver": "highs", "gap": 0.0, "msg": False}
    >>> m.solve(time_limit=10, **settings).objective
    5.0
    """

    solver: str
    gap: float
    msg: bool


class SolveOptions(SolverSettings, total=False):
    """Every keyword argument of :meth:`MipModel.solve`.

    Examples
    --------
    >>> m = MipModel()
    >>> x = m.add_variables(2, binary=True)
    >>> m.add_rows([(x, [2, 2], "<=", 3)])
    [0]
    >>> m.set_objective(x, [1, 1])
    >>> options: SolveOptions = {"solver": "highs", "time_limit": None, "relax": True}
    >>> m.solve(**options).objective  # the linear relaxation
    1.5
    """

    time_limit: float | None
    relax: bool


@dataclass(frozen=True)
class MipOutcome:
    """What one solve returned.

    ``values`` holds every variable's value (``None`` when there is no solution);
    ``bound`` is the best proven bound on the objective when the solver reports it;
    ``gap`` is the relative gap between ``objective`` and ``bound`` (0 when proven);
    ``duals`` holds each row's dual value (in row order) after a linear program is
    solved to optimality, when the solver reports them (``None`` otherwise).
    """

    status: Status
    values: np.ndarray | None
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    solver: str
    duals: np.ndarray | None = None

    @property
    def solution(self) -> np.ndarray:
        """``values`` of a solve that found a solution (status optimal or feasible).

        Raises :class:`~mutualgains.errors.SolverError` when there is none: callers read
        it after checking the status.

        Examples
        --------
        >>> MipOutcome(Status.OPTIMAL, np.array([1.0]), 1.0, 1.0, 0.0, 0.0, "HiGHS").solution
        array([1.])
        """
        if self.values is None:
            raise SolverError(f"the {self.solver} solve has no solution "
                              f"(status {self.status.value})")
        return self.values


def check_limits(time_limit: float | None, gap: float) -> None:
    """Raise :class:`UsageError` unless ``time_limit`` > 0 (or None) and ``gap`` >= 0."""
    if time_limit is not None and not (
        isinstance(time_limit, int | float) and time_limit > 0 and math.isfinite(time_limit)
    ):
        raise UsageError(f"time_limit: must be a positive number of seconds, got {time_limit!r}")
    if not (isinstance(gap, int | float) and gap >= 0 and math.isfinite(gap)):
        raise UsageError(f"gap: must be a non-negative number, got {gap!r}")


def available_solvers() -> list[str]:
    """PuLP solver names that can run on this machine.

    Examples
    --------
    >>> "HiGHS" in available_solvers()
    True
    """
    return list(pulp.listSolvers(onlyAvailable=True))


_banner_silenced = False


def _silence_highs_banner() -> None:
    """highspy prints a banner on stdout the first time a model is created; swallow it."""
    global _banner_silenced
    if _banner_silenced:
        return
    _banner_silenced = True
    try:
        import highspy
    except ImportError:  # pragma: no cover - reported when the solver is chosen
        return
    sys.stdout.flush()
    with contextlib.suppress(OSError, ValueError):
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)


_AVAILABLE: set[str] = set()


def check_solver(name: str) -> None:
    """Raise :class:`SolverError` unless ``name`` names a solver available here."""
    if name not in _AVAILABLE:
        _make_solver(name, None, 0.0, False)
        _AVAILABLE.add(name)


def solver_options(solver_class: type, time_limit: float | None, gap: float,
                   msg: bool) -> tuple[dict, list[str]]:
    """The keyword arguments for ``solver_class`` (a PuLP solver), and what it cannot honour.

    Only options that the class's constructor names are passed: ``gapRel`` (the
    relative gap, 0 for exact answers) and ``timeLimit`` where it takes them,
    plus a small absolute gap for HiGHS. The second item lists, in words, each
    requested option that is left out (a positive gap, a time limit).

    Examples
    --------
    >>> kwargs, dropped = solver_options(pulp.GLPK_CMD, 10, 0.1, False)
    >>> kwargs
    {'msg': False, 'timeLimit': 10}
    >>> print(dropped[0])
    a relative gap (gap=0.1): GLPK_CMD takes none, so it solves to its own default tolerance
    >>> solver_options(pulp.PULP_CBC_CMD, None, 0.0, False)
    ({'msg': False, 'gapRel': 0.0}, [])
    """
    takes = set(inspect.signature(solver_class).parameters)  # its __init__ without self
    kwargs: dict[str, Any] = {"msg": msg}
    dropped: list[str] = []
    if "gapRel" in takes:
        kwargs["gapRel"] = gap
    elif gap > 0:
        dropped.append(f"a relative gap (gap={gap:g}): {solver_class.__name__} takes none, so "
                       "it solves to its own default tolerance")
    if time_limit is not None:
        if "timeLimit" in takes:
            kwargs["timeLimit"] = time_limit
        else:
            dropped.append(f"a time limit (time_limit={time_limit:g}): "
                           f"{solver_class.__name__} takes none, so it runs to the end")
    if solver_class is pulp.HiGHS:
        kwargs["gapAbs"] = TOLERANCE
    return kwargs, dropped


def _make_solver(name: str, time_limit: float | None, gap: float, msg: bool) -> pulp.LpSolver:
    key = SOLVER_ALIASES.get(name.lower(), name)
    if key not in pulp.listSolvers():
        known = ", ".join(sorted(SOLVER_ALIASES))
        raise SolverError(f"solver: unknown solver {name!r} (short names: {known}; "
                          f"or any PuLP solver: {', '.join(pulp.listSolvers())})")
    if key == "HiGHS":
        _silence_highs_banner()
    try:
        with warnings.catch_warnings():
            # PuLP 3.3 deprecates its bundled CBC (gone in PuLP 4); it still works here.
            warnings.simplefilter("ignore", DeprecationWarning)
            probe = pulp.getSolver(key, msg=msg)
            if not probe.available():
                raise SolverError(f"solver: {name!r} ({key}) is not available on this machine; "
                                  f"available: {', '.join(available_solvers())}")
            kwargs, dropped = solver_options(type(probe), time_limit, gap, msg)
            solver = type(probe)(**kwargs)
    except (pulp.PulpSolverError, TypeError) as err:
        raise SolverError(f"solver: {name!r} cannot be created: {err}") from None
    for what in dropped:
        warn(f"solver {name!r} cannot honour {what}", SolverOptionWarning)
    return solver


def _attach_start(engine: pulp.LpSolver, variables: list[pulp.LpVariable],
                  start: np.ndarray) -> None:
    """Hand ``start`` (one value per variable) to ``engine`` as a MIP start.

    Values are clipped into the variables' bounds (so variables the model adds
    for itself, such as its constant one, keep their fixed value); variables
    added after the start was set take their lower bound (or 0).
    """
    for k, var in enumerate(variables):
        value = float(start[k]) if k < len(start) else (var.lowBound or 0.0)
        if var.lowBound is not None:
            value = max(value, float(var.lowBound))
        if var.upBound is not None:
            value = min(value, float(var.upBound))
        var.setInitialValue(value)
    if isinstance(engine, pulp.HiGHS):
        run = engine.callSolver

        def call_with_start(lp: pulp.LpProblem) -> None:
            import highspy

            columns = [0.0] * len(lp.variables())
            for var in lp.variables():  # PuLP numbers the columns in buildSolverModel
                columns[var.index] = var.varValue if var.varValue is not None else 0.0
            solution = highspy.HighsSolution()
            solution.col_value = columns
            solution.value_valid = True
            lp.solverModel.setSolution(solution)
            run(lp)

        engine.callSolver = call_with_start
    elif isinstance(engine, pulp.COIN_CMD | pulp.PULP_CBC_CMD):
        engine.optionsDict["warmStart"] = True


def _route_log(engine: Any) -> str | None:
    """Send ``engine``'s log to :data:`solver_log`; return a log file to forward after the solve.

    HiGHS: its console output is switched off and its logging callback forwards
    each line. CBC (a subprocess): PuLP writes its output to a file instead of
    stdout (``logPath``), forwarded by :func:`_forward_log_file`.
    """
    if isinstance(engine, pulp.HiGHS):
        run = engine.callSolver

        def call_with_log(lp: Any) -> None:
            lp.solverModel.setOptionValue("log_to_console", False)
            lp.solverModel.cbLogging.subscribe(
                lambda event: solver_log.info("%s", str(event.message).rstrip("\n")))
            run(lp)

        engine.callSolver = call_with_log
        return None
    if isinstance(engine, pulp.COIN_CMD | pulp.PULP_CBC_CMD):
        import tempfile

        handle, path = tempfile.mkstemp(prefix="mutualgains-cbc-", suffix=".log")
        os.close(handle)
        engine.msg = False
        engine.optionsDict["logPath"] = path
        return path
    return None


def _forward_log_file(path: str) -> None:
    """Log every line of the solver's log file at INFO and remove the file."""
    try:
        with open(path, encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if line.strip():
                    solver_log.info("%s", line.rstrip("\n"))
    except OSError:  # pragma: no cover - the solver did not write it
        pass
    finally:
        with contextlib.suppress(OSError):
            os.remove(path)


class MipModel:
    """A mixed-integer program over indexed variables, solved through PuLP.

    Variables are referred to by integer index; rows are
    ``(indices, coefficients, sense, rhs)`` with ``sense`` one of ``<=``, ``>=``, ``==``.
    Rows can be added after a solve and the model solved again.
    """

    def __init__(self, name: str = "mutualgains", *, maximize: bool = True):
        self._prob = pulp.LpProblem(name, pulp.LpMaximize if maximize else pulp.LpMinimize)
        self._maximize = maximize
        self._one: int | None = None  # a variable fixed at 1 (see _constant_one)
        self._shifted: set[int] = set()  # empty rows written as 1 * one <= rhs + 1
        self._vars: list = []
        self._rows: list = []
        self._start: np.ndarray | None = None  # a MIP start for the next solve
        self._integer = False  # whether any variable is binary
        self.build_seconds = 0.0

    @property
    def n_variables(self) -> int:
        """Number of variables."""
        return len(self._vars)

    @property
    def n_rows(self) -> int:
        """Number of rows added so far."""
        return len(self._rows)

    def add_variables(
        self, n: int, *, lb: float | None = 0.0, ub: float | None = None, binary: bool = False,
        integer: bool = False,
    ) -> list[int]:
        """Add ``n`` variables (continuous, ``binary`` or general ``integer``); return their
        indices."""
        t = time.perf_counter()
        start = len(self._vars)
        cat = (pulp.LpBinary if binary else pulp.LpInteger if integer
               else pulp.LpContinuous)
        add = self._prob.add_variable
        if binary:
            lb, ub = 0, 1
        if binary or integer:
            self._integer = self._integer or n > 0
        self._vars.extend(add(f"v{k}", lb, ub, cat) for k in range(start, start + n))
        self.build_seconds += time.perf_counter() - t
        return list(range(start, start + n))

    def set_bounds(self, index: int, lb: float | None, ub: float | None) -> None:
        """Change the bounds of variable ``index`` (``None`` is unbounded)."""
        var = self._vars[index]
        var.lowBound, var.upBound = lb, ub

    def add_rows(
        self, rows: Iterable[tuple[Sequence[int], Sequence[float], str, float]]
    ) -> list[int]:
        """Add rows ``(the coef * var terms) <sense> rhs`` in bulk; return their indices."""
        t = time.perf_counter()
        v = self._vars
        block = {}
        start = k = len(self._rows)
        for indices, coefs, sense, rhs in rows:
            if not len(indices):  # file-based solvers reject empty rows: use 1 * one <= rhs + 1
                indices, coefs, rhs = [self._constant_one()], [1.0], rhs + 1.0
                self._shifted.add(k)
            expr = pulp.LpAffineExpression([(v[j], c) for j, c in zip(indices, coefs, strict=True)])
            name = f"c{k}"
            row = block[name] = pulp.LpConstraint(expr, _SENSES[sense], name, rhs)
            self._rows.append(row)
            k += 1
        self._prob.extend(block)
        self.build_seconds += time.perf_counter() - t
        return list(range(start, k))

    def set_start(self, values: Sequence[float] | np.ndarray | None) -> None:
        """Give the next :meth:`solve` a MIP start: one value per variable (``None`` clears).

        HiGHS receives it as a user solution (``Highs.setSolution``), CBC as a
        warm start (``warmStart=True``); other solvers ignore it. The solver checks
        it and, when it is feasible, starts from it as its incumbent.

        Examples
        --------
        >>> m = MipModel()
        >>> x = m.add_variables(2, binary=True)
        >>> m.set_objective(x, [1, 1])
        >>> m.set_start([1, 1])
        >>> m.solve().objective
        2.0
        """
        if values is None:
            self._start = None
            return
        start = np.asarray(values, dtype=float)
        if start.shape != (len(self._vars),):
            raise UsageError(f"start: must give one value per variable ({len(self._vars)}), "
                             f"got {start.shape}")
        self._start = start

    def set_rhs(self, row: int, rhs: float) -> None:
        """Change the right-hand side of row ``row`` (for sweeps and staged solves)."""
        self._rows[row].changeRHS(rhs + (1.0 if row in self._shifted else 0.0))

    def _constant_one(self) -> int:
        """A variable fixed at 1 (objective constants and empty rows ride on it)."""
        if self._one is None:
            (self._one,) = self.add_variables(1, lb=1.0, ub=1.0)
            # MPS writers drop columns that appear in no row, then choke on their bounds
            self.add_rows([([self._one], [1.0], "<=", 1.0)])
        return self._one

    def set_objective(self, indices: Sequence[int], coefs: Sequence[float],
                      constant: float = 0.0) -> None:
        """Set the objective ``constant + (the coef * var terms)`` (direction fixed at creation).

        The constant rides on a variable fixed at 1: PuLP does not hand objective
        constants to HiGHS, whose bound and relative gap would then be off.
        """
        t = time.perf_counter()
        v = self._vars
        terms = [(v[j], c) for j, c in zip(indices, coefs, strict=True)]
        if constant or not terms:
            # an empty objective would get PuLP's dummy column, which file-based solvers
            # (CBC) reject once another objective replaces it: a term on the constant one
            terms.append((v[self._constant_one()], constant))
        self._prob.setObjective(pulp.LpAffineExpression(terms))
        self.build_seconds += time.perf_counter() - t

    def clear_objective(self) -> None:
        """A constant objective: the next solve only looks for a feasible solution.

        Examples
        --------
        >>> m = MipModel()
        >>> x = m.add_variables(1, binary=True)
        >>> m.clear_objective()
        >>> m.solve().status.value
        'optimal'
        """
        self.set_objective([], [])

    def solve(self, *, solver: str = "highs", time_limit: float | None = None, gap: float = 0.0,
              msg: bool = False, relax: bool = False) -> MipOutcome:
        """Solve and map the outcome; see :class:`MipOutcome`.

        Parameters
        ----------
        solver : str
            A short name from :data:`SOLVER_ALIASES` or a PuLP solver name.
        time_limit : float, optional
            Seconds; the best solution found by then is returned with its gap.
        gap : float
            Relative MIP gap at which to stop; 0 (the default) proves optimality.
        msg : bool
            Send the solver's log to the logger ``mutualgains.engine.mip.solver``
            (:data:`solver_log`, level INFO) instead of discarding it; nothing is
            printed on stdout. HiGHS hands its lines over through its logging
            callback, CBC through a log file read after the solve; other
            solvers print as PuLP lets them.
        relax : bool
            Solve the linear relaxation (binaries between 0 and 1) instead.
        """
        check_limits(time_limit, gap)
        engine = _make_solver(solver, time_limit, gap, msg)
        if relax:
            engine.mip = False
        if self._start is not None:
            _attach_start(engine, self._vars, self._start)
            self._start = None
        log_file = _route_log(engine) if msg else None
        t = time.perf_counter()
        try:
            self._prob.solve(engine)
        except Exception as err:  # PuLP lets solver-side failures escape as any exception
            raise SolverError(f"solver {solver!r} failed: {type(err).__name__}: {err}") from None
        finally:
            if log_file is not None:
                _forward_log_file(log_file)
        seconds = time.perf_counter() - t
        out = self._outcome(engine, seconds, gap, time_limit)
        if out.status == Status.OPTIMAL and (relax or not self._integer):
            pis = [row.pi for row in self._rows]
            if all(pi is not None for pi in pis):
                out = replace(out, duals=np.array(pis, dtype=float))
        return out

    def _outcome(self, engine: pulp.LpSolver, seconds: float, gap_asked: float,
                 time_limit: float | None) -> MipOutcome:
        prob = self._prob
        status, sol = prob.status, prob.sol_status
        name = engine.name
        bound = gap = None
        if isinstance(engine, pulp.HiGHS) and getattr(prob, "solverModel", None) is not None:
            # PuLP hands HiGHS the negated objective when maximising
            dual = prob.solverModel.getInfo().mip_dual_bound
            if math.isfinite(dual):
                bound = -float(dual) if self._maximize else float(dual)
        if sol in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            values = np.array([v.varValue if v.varValue is not None else 0.0 for v in self._vars])
            objective = pulp.value(prob.objective)
            objective = float(objective) if objective is not None else 0.0
            if bound is not None:
                # relative gap between the incumbent and the proven bound
                gap = max(0.0, (bound - objective) if self._maximize else (objective - bound))
                gap /= max(abs(objective), 1e-9)
            proven = sol == pulp.LpSolutionOptimal
            if proven and gap_asked > 0 and (gap is None or gap > TOLERANCE):
                proven = False  # stopped at the requested gap, not at the optimum
            if proven:
                return MipOutcome(Status.OPTIMAL, values, objective, objective, 0.0, seconds,
                                  name)
            if gap is None and gap_asked > 0 and sol == pulp.LpSolutionOptimal:
                gap = gap_asked  # the solver stopped at the requested gap: at most this
            return MipOutcome(Status.FEASIBLE, values, objective, bound, gap, seconds, name)
        if status == pulp.LpStatusInfeasible or sol == pulp.LpSolutionInfeasible:
            return MipOutcome(Status.INFEASIBLE, None, None, None, None, seconds, name)
        if time_limit is not None and (status == pulp.LpStatusNotSolved
                                       or sol == pulp.LpSolutionNoSolutionFound):
            return MipOutcome(Status.TIME_LIMIT, None, None, bound, None, seconds, name)
        log.warning("solver %s returned status %s / %s", name, status, sol)
        return MipOutcome(Status.ERROR, None, None, None, None, seconds, name)
