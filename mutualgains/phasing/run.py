"""Phasing: schedule a package's projects over periods under a budget (step 6).

An agreement must be affordable in its realisation: start small, show
successes, then the large ambition. :func:`phase` takes a case with phasing
data (:mod:`mutualgains.model.phasing`) and a package, and schedules the
package's projects over the horizon so that the value realised, discounted,
is as large as possible.

The model, in words
-------------------
- **Periods** are numbered ``1..periods``. A project of duration ``d`` that
  starts in period ``s`` runs in periods ``s..s+d-1``, pays its cost profile
  in those periods and *finishes* in period ``s+d-1``.
- **Projects** are the package's chosen options that have a ``Project`` entry
  in the phasing data. Chosen options without one cost nothing and are
  realised at once: their value counts in period 1. Project entries for
  options the package does not choose are ignored.
- **Value.** A project's value to a party is the difference between the
  party's utility of the package and of the package with the project's issue
  set to its first option (``out``): what the party gains when this project is
  realised, with everything else in the package. The value counts once, in
  the period the project finishes, discounted by ``(1 + discount) ** -(t-1)``
  for period ``t``. A project's value for the objective is the weighted sum
  over parties (party weights); a project of no positive value is deferred
  unless a project worth more needs it first, or ``complete=True``. With
  synergy bonuses or utility caps the marginal values need not add up to the
  package's utility exactly.
- **Budget.** Each period ``t`` has ``budget[t]``; a share ``carry_over``
  (0..1) of the money left unspent is carried into the next period.
- **Precedence.** ``precedes`` relations between two projects of the package
  mean the second starts after the first has finished. A relation through a
  chosen option without phasing data is followed through it (``a -> b -> c``
  with ``b`` realised at once still puts ``a`` before ``c``); relations with
  an option outside the package are ignored.
- **Deferral.** A project that is not finished within the horizon is
  *deferred* and realises no value here; the result lists these with the
  reason. With ``complete=True`` every project must finish within the horizon.

Objective and options
---------------------
Maximise the discounted weighted value realised within the horizon, subject to
the budget and precedence; optionally

- ``first_gain_by=k``: every party sees a first gain (a project or option of
  positive value to it is realised) by period ``k``;
- ``value_by=(k, w)``: the weighted value realised by period ``k`` is at least ``w``;
- ``earliest=True``: a lexicographic second stage: among the schedules of
  (within :data:`~mutualgains.tolerance.TOLERANCE`) the same value, start the
  projects as early as possible (a deferred project counts as starting after
  the horizon), so projects the value does not pull forward are still done early.

Formulation
-----------
Time-indexed "started by" binaries ``y[p,t]`` (1 when project ``p`` has started
by period ``t``), monotone in ``t``; precedence rows ``y[q,t] <= y[p,t-d_p]`` with
two non-zeros; per-period budget rows ``spend_t + s_t - rho * s_{t-1} <= B_t``
with carry-over balances ``s_t``, where a cost profile ``c`` enters ``spend_t``
through the differences ``c_j - c_{j-1}`` (two non-zeros per project and period
for an even profile); value on completion with discounting. Earliest and
latest starts from the precedence graph, and the start periods at which a
project alone would overrun the budget, fix variables before solving and
prove plain impossibilities in words (a precedence chain longer than the
horizon, a project costing more than any period's budget can provide). The
plain start-variable form (``formulation="start"``: ``x[p,s] = 1`` when ``p``
starts in period ``s``) is kept for comparison. Serial list schedules, ordered
by value per unit of cost and by the linear relaxation's alpha-points (up to
15 % of the time limit is spent on them), give the solver a MIP start; the best
is returned (status ``heuristic``) when the time limit hits before the solver
has a schedule. The gap is measured against the lower of the solver's bound
and the linear relaxation's (see ``benchmarks/PHASING.md`` for measurements).

Examples
--------
>>> import mutualgains as mg
>>> from mutualgains.phasing import phase
>>> case = mg.load_example("regional")
>>> plan = phase(case, mg.solve(case).package, earliest=True)
>>> plan.status.value
'optimal'
>>> plan.schedule[["project", "start", "finish"]].head(3)
            project  start  finish
0  flood warning app      1       1
1     farm advice desk      1       1
2       bird-hide trail      1       1
"""

from __future__ import annotations

import heapq
import html
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from mutualgains.engine.mip import MipModel, MipOutcome, check_limits
from mutualgains.errors import CaseError, UsageError
from mutualgains.model import Case
from mutualgains.model.phasing import Phasing
from mutualgains.model.relations import OptionRef, option_label
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import readonly, tidy

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["FORMULATIONS", "PhaseResult", "ScheduledProject", "phase"]

log = logging.getLogger(__name__)

FORMULATIONS: tuple[str, ...] = ("started_by", "start")
"""Names accepted by ``phase(..., formulation=...)``."""

_SEED = 20240611  # random alpha-points of the list schedules: fixed, so results repeat
_RANDOM_ALPHAS = 40  # at least; more while a share of the time limit lasts
_MAX_ALPHAS = 5000
_HEURISTIC_SHARE = 0.15  # of the time limit, for the list schedules


# ------------------------------------------------------------------- results


@dataclass(frozen=True)
class ScheduledProject:
    """One project of the package and when it is realised.

    Attributes
    ----------
    option : (issue, option)
        The chosen option that is the project.
    label : str
        Its name in tables: the issue name for an ``in`` option, else ``issue=option``.
    duration : int
        Periods from start to finish.
    cost : tuple of float
        Cost in each period of the duration.
    start : int or None
        Period in which it starts (1-based); ``None`` when deferred.
    value : mapping
        Value per party (see the module notes), realised when it finishes.
    weighted_value : float
        Sum over parties of weight times value.
    reason : str
        Why it is deferred (empty when it is scheduled).

    Examples
    --------
    >>> p = ScheduledProject(("park", "in"), "park", 2, (5.0, 5.0), 3, {"City": 4}, 4.0)
    >>> p.finish, p.total_cost, p.deferred
    (4, 10.0, False)
    """

    option: OptionRef
    label: str
    duration: int
    cost: tuple[float, ...]
    start: int | None
    value: Mapping[str, float]
    weighted_value: float
    reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", readonly(self.value))
        object.__setattr__(self, "cost", tuple(float(c) for c in self.cost))

    @property
    def finish(self) -> int | None:
        """Period in which it finishes (``None`` when deferred)."""
        return None if self.start is None else self.start + self.duration - 1

    @property
    def deferred(self) -> bool:
        """Whether it is not realised within the horizon."""
        return self.start is None

    @property
    def total_cost(self) -> float:
        """The sum of its per-period costs."""
        return float(sum(self.cost))


@dataclass(frozen=True)
class PhaseResult:
    """The outcome of :func:`phase`: a schedule, its spending and the value it realises.

    Attributes
    ----------
    status : Status
        See :class:`Status`.
    projects : tuple of ScheduledProject
        Every project of the package, in case order, scheduled or deferred.
    instant : mapping
        Chosen options without phasing data (other than an issue's first
        option): label -> value per party, realised at once in period 1.
    parties : tuple of str
        Party names, in case order.
    weights : mapping
        Party weights used for the weighted value.
    periods : int
        Length of the horizon.
    budget : tuple of float
        Budget per period.
    carry_over, discount : float
        Share of unspent money carried over; discount rate per period.
    discounted_value : float or None
        Discounted weighted value realised within the horizon (projects and
        options realised at once); ``None`` without a schedule.
    bound : float or None
        Proven upper bound on ``discounted_value`` when the solver reports one.
    gap : float or None
        Relative gap between ``discounted_value`` and the bound (0 when proven).
    solver : str
        The solver used.
    seconds : float
        Wall-clock time of the solver calls.
    message : str
        Why there is no schedule, what was ignored, what the time limit cut short.
    options : mapping
        The requirements and settings of the call (``first_gain_by``,
        ``value_by``, ``earliest``, ``complete``, ``formulation``).

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("regional")
    >>> plan = mg.phasing.phase(case, mg.solve(case).package)
    >>> plan
    <PhaseResult 'Regional water and land deal' optimal: 16 of 16 projects in 10 periods, ...>
    >>> list(plan.spend.columns)
    ['period', 'budget', 'carried in', 'available', 'spend', 'unspent']
    """

    status: Status
    projects: tuple[ScheduledProject, ...]
    instant: Mapping[str, Mapping[str, float]]
    parties: tuple[str, ...]
    weights: Mapping[str, float]
    periods: int
    budget: tuple[float, ...]
    carry_over: float
    discount: float
    discounted_value: float | None
    bound: float | None
    gap: float | None
    solver: str
    seconds: float
    message: str = ""
    case_name: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        instant = {k: readonly(v) for k, v in self.instant.items()}
        object.__setattr__(self, "instant", readonly(instant))
        object.__setattr__(self, "weights", readonly(self.weights))
        object.__setattr__(self, "options", readonly(self.options))
        object.__setattr__(self, "projects", tuple(self.projects))
        object.__setattr__(self, "budget", tuple(float(b) for b in self.budget))

    # ------------------------------------------------------------ arrays

    @property
    def has_schedule(self) -> bool:
        """Whether a schedule was found (status optimal, feasible or heuristic)."""
        return self.status.has_answer

    def spend_per_period(self) -> np.ndarray:
        """Money spent in each period by the scheduled projects.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("regional")
        >>> plan = mg.phasing.phase(case, mg.solve(case).package)
        >>> bool((plan.spend_per_period() <= plan.available_per_period() + 1e-6).all())
        True
        """
        spend = np.zeros(self.periods)
        for p in self.projects:
            if p.start is not None:
                spend[p.start - 1:p.start - 1 + p.duration] += p.cost
        return spend

    def available_per_period(self) -> np.ndarray:
        """Money available in each period: its budget plus what is carried in.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("regional")
        >>> plan = mg.phasing.phase(case, mg.solve(case).package)
        >>> float(plan.available_per_period()[0]) == plan.budget[0]
        True
        """
        return self._balances()[0]

    def _balances(self) -> tuple[np.ndarray, np.ndarray]:
        spend = self.spend_per_period()
        available = np.zeros(self.periods)
        unspent = np.zeros(self.periods)
        carried = 0.0
        for t in range(self.periods):
            available[t] = self.budget[t] + carried
            unspent[t] = available[t] - spend[t]
            carried = self.carry_over * max(unspent[t], 0.0)
        return available, unspent

    def value_per_period(self, *, cumulative: bool = False) -> np.ndarray:
        """Value realised per period (rows) and party (columns, in :attr:`parties` order).

        Parameters
        ----------
        cumulative : bool, default False
            Running totals instead of the value realised in each period.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("regional")
        >>> plan = mg.phasing.phase(case, mg.solve(case).package)
        >>> plan.value_per_period(cumulative=True).shape
        (10, 6)
        """
        out = np.zeros((self.periods, len(self.parties)))
        for values in self.instant.values():
            out[0] += [values.get(q, 0.0) for q in self.parties]
        for p in self.projects:
            if p.start is not None:
                out[p.finish - 1] += [p.value.get(q, 0.0) for q in self.parties]
        return np.cumsum(out, axis=0) if cumulative else out

    @property
    def discounted_by_party(self) -> dict[str, float]:
        """Each party's discounted value realised within the horizon."""
        factors = (1.0 + self.discount) ** -np.arange(self.periods)
        totals = factors @ self.value_per_period()
        return {q: tidy(float(v)) for q, v in zip(self.parties, totals, strict=True)}

    # ------------------------------------------------------------ frames

    @property
    def schedule(self) -> pd.DataFrame:
        """The scheduled projects, by start period: project, issue, option, start,
        finish, duration, cost, value (weighted), discounted value.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("regional")
        >>> plan = mg.phasing.phase(case, mg.solve(case).package)
        >>> list(plan.schedule.columns)[:5]
        ['project', 'issue', 'option', 'start', 'finish']
        """
        frame = self.to_frame()
        frame = frame[~frame["deferred"]].drop(columns=["deferred", "reason"])
        frame = frame.sort_values(["start", "finish"], kind="stable").reset_index(drop=True)
        keep = ["project", "issue", "option", "start", "finish", "duration", "cost", "value",
                "discounted value"]
        return frame[keep].astype({"start": int, "finish": int})

    @property
    def deferred(self) -> pd.DataFrame:
        """Projects not realised within the horizon: project, cost, duration, value, reason.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("regional")
        >>> len(mg.phasing.phase(case, mg.solve(case).package, periods=4).deferred) > 0
        True
        """
        frame = self.to_frame()
        frame = frame[frame["deferred"]].reset_index(drop=True)
        return frame[["project", "issue", "option", "cost", "duration", "value", "reason"]]

    def to_frame(self) -> pd.DataFrame:
        """One row per project (case order): project, issue, option, start, finish,
        duration, cost, value, discounted value, deferred, reason, then ``value <party>``.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("regional")
        >>> frame = mg.phasing.phase(case, mg.solve(case).package).to_frame()
        >>> list(frame.columns[:4]), frame.shape
        (['project', 'issue', 'option', 'start'], (16, 17))
        """
        import pandas as pd

        rows = []
        for p in self.projects:
            discounted = 0.0 if p.start is None else \
                p.weighted_value * (1.0 + self.discount) ** -(p.finish - 1)
            row = {"project": p.label, "issue": p.option[0], "option": p.option[1],
                   "start": p.start, "finish": p.finish, "duration": p.duration,
                   "cost": tidy(p.total_cost), "value": tidy(p.weighted_value),
                   "discounted value": tidy(discounted), "deferred": p.deferred,
                   "reason": p.reason}
            row.update({f"value {q}": tidy(p.value.get(q, 0.0)) for q in self.parties})
            rows.append(row)
        columns = ["project", "issue", "option", "start", "finish", "duration", "cost", "value",
                   "discounted value", "deferred", "reason",
                   *(f"value {q}" for q in self.parties)]
        frame = pd.DataFrame(rows, columns=columns)
        return frame.astype({"start": "Int64", "finish": "Int64", "deferred": bool})

    @property
    def spend(self) -> pd.DataFrame:
        """Per period: budget, carried in, available, spend and unspent money.

        ``carried in`` is ``carry_over`` times the previous period's unspent money.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("regional")
        >>> mg.phasing.phase(case, mg.solve(case).package).spend.shape
        (10, 6)
        """
        import pandas as pd

        spend = self.spend_per_period()
        available, unspent = self._balances()
        frame = pd.DataFrame({
            "period": np.arange(1, self.periods + 1),
            "budget": self.budget,
            "carried in": available - np.asarray(self.budget),
            "available": available,
            "spend": spend,
            "unspent": unspent,
        })
        return frame.round(9)

    @property
    def value(self) -> pd.DataFrame:
        """Value realised in each period per party (one column per party) and weighted.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("regional")
        >>> list(mg.phasing.phase(case, mg.solve(case).package).value.columns)[-1]
        'weighted'
        """
        return self._value_frame(cumulative=False)

    @property
    def cumulative(self) -> pd.DataFrame:
        """Value realised up to and including each period, per party and weighted.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("regional")
        >>> frame = mg.phasing.phase(case, mg.solve(case).package).cumulative
        >>> bool((frame["weighted"].diff().dropna() >= 0).all())
        True
        """
        return self._value_frame(cumulative=True)

    def _value_frame(self, *, cumulative: bool) -> pd.DataFrame:
        import pandas as pd

        values = self.value_per_period(cumulative=cumulative)
        w = np.array([float(self.weights[q]) for q in self.parties])
        frame = pd.DataFrame(values, columns=list(self.parties))
        frame.insert(0, "period", np.arange(1, self.periods + 1))
        frame["weighted"] = values @ w
        return frame.round(9)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: status, value, gap, schedule, spend, value per party.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("regional")
        >>> data = mg.phasing.phase(case, mg.solve(case).package).to_dict()
        >>> data["status"], sorted(data["projects"][0])[:3]
        ('optimal', ['cost', 'duration', 'finish'])
        """

        def num(v: float | None) -> float | int | None:
            return None if v is None or not math.isfinite(v) else tidy(float(v))

        spend = self.spend_per_period()
        available, unspent = self._balances()
        cumulative = self.value_per_period(cumulative=True)
        return {
            "status": self.status.value,
            "case": self.case_name,
            "discounted_value": num(self.discounted_value),
            "bound": num(self.bound),
            "gap": num(self.gap),
            "solver": self.solver,
            "seconds": self.seconds,
            "message": self.message,
            "periods": self.periods,
            "carry_over": self.carry_over,
            "discount": self.discount,
            "options": {k: (list(v) if isinstance(v, tuple) else
                            dict(v) if isinstance(v, Mapping) else v)
                        for k, v in self.options.items()},
            "projects": [{"project": p.label, "issue": p.option[0], "option": p.option[1],
                          "start": p.start, "finish": p.finish, "duration": p.duration,
                          "cost": [tidy(c) for c in p.cost],
                          "value": {q: num(v) for q, v in p.value.items()},
                          "weighted_value": num(p.weighted_value), "reason": p.reason}
                         for p in self.projects],
            "instant": {k: {q: num(v) for q, v in vals.items()}
                        for k, vals in self.instant.items()},
            "spend": [{"period": t + 1, "budget": num(self.budget[t]),
                       "available": num(available[t]), "spend": num(spend[t]),
                       "unspent": num(unspent[t])} for t in range(self.periods)],
            "cumulative_value": {q: [num(v) for v in cumulative[:, k]]
                                 for k, q in enumerate(self.parties)},
            "discounted_by_party": self.discounted_by_party,
        }

    # ----------------------------------------------------------- display

    def _headline(self) -> str:
        done = sum(not p.deferred for p in self.projects)
        text = (f"<PhaseResult {self.case_name!r} {self.status.value}: {done} of "
                f"{len(self.projects)} projects in {self.periods} periods")
        if self.discounted_value is not None:
            text += f", discounted value {self.discounted_value:.6g}"
        if self.gap:
            text += f", gap {self.gap:.3g}"
        deferred = len(self.projects) - done
        if deferred and self.has_schedule:
            text += f", {deferred} deferred"
        return text + ">"

    def __repr__(self) -> str:
        return self._headline()

    def __str__(self) -> str:
        from mutualgains.display import text_table

        lines = [self._headline().strip("<>")]
        if self.message:
            lines.append(f"note: {self.message}")
        if self.has_schedule:
            frame = self.schedule
            lines += ["", text_table(list(frame.columns), frame.values.tolist())]
            deferred = self.deferred
            if len(deferred):
                lines += ["", "deferred:", text_table(
                    ["project", "cost", "value", "reason"],
                    deferred[["project", "cost", "value", "reason"]].values.tolist())]
            spend = self.spend
            lines += ["", text_table(list(spend.columns), spend.values.tolist())]
            cumulative = self.cumulative
            lines += ["", "cumulative value:",
                      text_table(list(cumulative.columns), cumulative.values.tolist())]
        lines += ["", f"solver {self.solver}, {self.seconds:.3f} s"]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [f"<p><b>{html.escape(self._headline())}</b></p>"]
        if self.message:
            parts.append(f"<p><i>{html.escape(self.message)}</i></p>")
        if self.has_schedule:
            parts.append(self.schedule.to_html(index=False))
            if len(self.deferred):
                parts.append("<p>Deferred:</p>" + self.deferred.to_html(index=False))
            parts.append(self.spend.to_html(index=False))
        return "<div>" + "".join(parts) + "</div>"


# ------------------------------------------------------------- the instance


@dataclass
class _Instance:
    """The data of one phasing problem, in arrays (projects in case order)."""

    parties: tuple[str, ...]
    weights: np.ndarray
    refs: list[OptionRef]
    labels: list[str]
    durations: np.ndarray
    costs: list[np.ndarray]
    values: np.ndarray  # projects x parties
    weighted: np.ndarray  # per project
    edges: list[tuple[int, int]]
    periods: int
    budget: np.ndarray
    rho: float
    delta: float  # 1 / (1 + discount)
    discount: float
    instant: dict[str, np.ndarray]
    notes: list[str]

    @property
    def n(self) -> int:
        return len(self.refs)

    @property
    def instant_vector(self) -> np.ndarray:
        total = np.zeros(len(self.parties))
        for values in self.instant.values():
            total += values
        return total


def _label(case: Case, ref: OptionRef) -> str:
    return ref[0] if ref[1] == "in" and case.issue(ref[0]).is_project else option_label(ref)


def _package(case: Case, package: Any) -> tuple[int, ...]:
    if hasattr(package, "package") and not isinstance(package, Mapping):
        if package.package is None:
            status = getattr(package, "status", "no package")
            raise UsageError(f"package: the result has no package (status {status})")
        package = package.package
    if package is None:
        raise UsageError("package: pass the package to phase (issue -> option), "
                         "e.g. mutualgains.solve(case).package")
    return case.package_indices(package)


def _settings(case: Case, periods, budget, carry_over, discount) -> Phasing:
    base = case.phasing
    if base is None and (periods is None or budget is None):
        raise UsageError(f"phasing: case {case.name!r} has no phasing data; pass periods= and "
                         "budget= (its chosen options are then all realised at once)")
    if periods is not None and budget is None and len(base.budget) != periods:
        if len(set(base.budget)) == 1:
            budget = base.budget[0]
        else:
            raise UsageError(f"budget: the case lists {len(base.budget)} amounts, one per "
                             f"period; with periods={periods!r} pass budget= as well")
    try:
        return Phasing(
            periods=base.periods if periods is None else periods,
            budget=base.budget if budget is None else budget,
            carry_over=(base.carry_over if base else 0.0) if carry_over is None else carry_over,
            discount=(base.discount if base else 0.0) if discount is None else discount,
            projects=base.projects if base else (),
        )
    except CaseError as err:
        text = "; ".join(str(p).removeprefix("phasing.") for p in err.problems)
        raise UsageError(text) from None


def _instance(case: Case, choice: tuple[int, ...], plan: Phasing) -> _Instance:
    chosen = {(i.name, i.options[c]) for i, c in zip(case.issues, choice, strict=True)}
    position = {name: k for k, name in enumerate(case.issue_names)}
    utility = case.utility_vector(choice)

    def marginal(issue: str) -> np.ndarray:
        k = position[issue]
        if choice[k] == 0:
            return np.zeros(len(case.parties))
        other = list(choice)
        other[k] = 0
        return utility - case.utility_vector(other)

    data = {p.option: p for p in plan.projects if p.option in chosen}
    refs = [(i.name, i.options[c]) for i, c in zip(case.issues, choice, strict=True)
            if (i.name, i.options[c]) in data]
    index = {ref: k for k, ref in enumerate(refs)}
    values = np.array([marginal(ref[0]) for ref in refs]).reshape(len(refs), len(case.parties))
    weights = np.array([float(p.weight) for p in case.parties])
    instant = {}
    for issue, c in zip(case.issues, choice, strict=True):
        ref = (issue.name, issue.options[c])
        if ref not in index and c != 0:
            instant[_label(case, ref)] = marginal(issue.name)
    edges, notes = _project_edges(case, chosen, index)
    return _Instance(
        parties=case.party_names, weights=weights, refs=refs,
        labels=[_label(case, r) for r in refs],
        durations=np.array([data[r].duration for r in refs], dtype=int),
        costs=[np.array(data[r].cost, dtype=float) for r in refs],
        values=values, weighted=values @ weights, edges=edges, periods=plan.periods,
        budget=np.array(plan.budget, dtype=float), rho=float(plan.carry_over),
        delta=1.0 / (1.0 + float(plan.discount)), discount=float(plan.discount),
        instant=instant, notes=notes)


def _project_edges(case: Case, chosen: set[OptionRef],
                   index: dict[OptionRef, int]) -> tuple[list[tuple[int, int]], list[str]]:
    """Precedence between projects, followed through chosen options realised at once."""
    graph = nx.DiGraph()
    graph.add_edges_from((r.before, r.after) for r in case.precedes
                         if r.before in chosen and r.after in chosen)
    edges: set[tuple[int, int]] = set()
    notes = []
    for ref in index:
        if ref not in graph:
            continue
        stack, seen = list(graph.successors(ref)), set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if node in index:
                edges.add((index[ref], index[node]))
            else:
                stack.extend(graph.successors(node))
                notes.append(f"{option_label(ref)} precedes {option_label(node)}, which has no "
                             "phasing data and is realised at once: that order is not enforced")
    return sorted(edges), notes


# ------------------------------------------------------------------ windows


@dataclass
class _Windows:
    """Start periods (0-based) each project may use, and proofs where it has none."""

    starts: list[np.ndarray]  # sorted feasible start periods per project
    reasons: dict[int, str]  # project -> why no start is possible
    reach: list[np.ndarray]  # per project: (T x T) money a start at s draws from t's budget


def _reach(inst: _Instance, p: int) -> np.ndarray:
    """``M[s, t]``: how much of the balance at ``t`` a start at ``s`` uses up (carry-over)."""
    T, rho, c = inst.periods, inst.rho, inst.costs[p]
    drain = np.zeros(T)  # drain[k]: the start's cumulative draw, k periods after the start
    carried = 0.0
    for k in range(T):
        carried = rho * carried + (c[k] if k < len(c) else 0.0)
        drain[k] = carried
    out = np.zeros((T, T))
    for s in range(T):
        out[s, s:] = drain[:T - s]
    return out


def _balance(inst: _Instance, spend: np.ndarray) -> np.ndarray:
    """Money left at the end of each period when all unspent money is carried over."""
    out = np.empty(inst.periods)
    carried = 0.0
    for t in range(inst.periods):
        out[t] = inst.budget[t] + carried - spend[t]
        carried = inst.rho * out[t]
    return out


def _money_tol(inst: _Instance) -> float:
    return 1e-9 * max(1.0, float(inst.budget.max(initial=0.0)))


def _windows(inst: _Instance, complete: bool) -> _Windows:
    T, d = inst.periods, inst.durations
    graph = nx.DiGraph()
    graph.add_nodes_from(range(inst.n))
    graph.add_edges_from(inst.edges)
    order = list(nx.topological_sort(graph))
    tol = _money_tol(inst)
    free = _balance(inst, np.zeros(T))
    reach = [_reach(inst, p) for p in range(inst.n)]
    alone = []  # starts at which the project alone fits the budget and the horizon
    for p in range(inst.n):
        ok = ((free[None, :] - reach[p]) >= -tol).all(axis=1)
        ok[max(T - d[p] + 1, 0):] = False
        alone.append(ok)
    # earliest starts (precedence and budget), and precedence-only chains for the words
    early = np.zeros(inst.n, dtype=int)
    head = np.zeros(inst.n, dtype=int)  # precedence-only earliest start
    head_pred: dict[int, int] = {}
    reasons: dict[int, str] = {}
    for q in order:
        e = 0
        for p in graph.predecessors(q):
            if head[p] + d[p] > head[q]:
                head[q], head_pred[q] = head[p] + d[p], p
            e = max(e, early[p] + d[p])
        feasible = np.flatnonzero(alone[q][e:]) + e if e < T else np.array([], dtype=int)
        early[q] = feasible[0] if len(feasible) else T
    late = np.array([T - d[p] for p in range(inst.n)])
    tail = d.copy()  # precedence-only longest chain from p to the end, p included
    tail_succ: dict[int, int] = {}
    for p in reversed(order):
        for q in graph.successors(p):
            if d[p] + tail[q] > tail[p]:
                tail[p], tail_succ[p] = d[p] + tail[q], q
            if complete:
                late[p] = min(late[p], late[q] - d[p])
        if complete:
            feasible = np.flatnonzero(alone[p][:max(late[p] + 1, 0)])
            late[p] = feasible[-1] if len(feasible) else -1
    starts: list[np.ndarray] = [np.zeros(0, dtype=int)] * inst.n
    for p in order:
        window = np.flatnonzero(alone[p])
        starts[p] = window[(window >= early[p]) & (window <= late[p])]
        if len(starts[p]):
            continue
        blocked = [q for q in graph.predecessors(p) if q in reasons]
        reasons[p] = _why(inst, p, alone[p], head, head_pred, tail, tail_succ, early, late,
                          complete, blocked[0] if blocked else None)
    return _Windows(starts, reasons, reach)


def _chain(inst: _Instance, p: int, head_pred: dict[int, int],
           tail_succ: dict[int, int] | None) -> str:
    before = [p]
    while before[0] in head_pred:
        before.insert(0, head_pred[before[0]])
    after = []
    if tail_succ is not None:
        node = p
        while node in tail_succ:
            node = tail_succ[node]
            after.append(node)
    return " -> ".join(f"{inst.labels[k]} ({inst.durations[k]})" for k in before + after)


def _why(inst: _Instance, p: int, alone: np.ndarray, head, head_pred, tail, tail_succ, early,
         late, complete: bool, blocked: int | None) -> str:
    """Why project ``p`` has no possible start, in words (``blocked``: a predecessor
    that has none either)."""
    T, d, c = inst.periods, int(inst.durations[p]), inst.costs[p]
    if d > T:
        return f"takes {d} periods, longer than the horizon of {T}"
    if not alone.any():
        if inst.rho == 0 and c.max() > inst.budget.max() + _money_tol(inst):
            j = int(np.argmax(c))
            return (f"costs {tidy(float(c[j]))} in period {j + 1} of its {d}, more than any "
                    f"period's budget (at most {tidy(float(inst.budget.max()))}) and unspent "
                    "money is not carried over")
        return (f"its costs ({', '.join(str(tidy(float(x))) for x in c)} per period) exceed "
                "the money available in every possible start period, even with nothing else "
                f"scheduled (budget with {inst.rho:.0%} of unspent money carried over)")
    if head[p] + d > T:
        return (f"the precedence chain {_chain(inst, p, head_pred, None)} takes "
                f"{head[p] + d} periods, longer than the horizon of {T}")
    if complete and head[p] + tail[p] > T:
        return (f"the precedence chain {_chain(inst, p, head_pred, tail_succ)} takes "
                f"{head[p] + tail[p]} periods, longer than the horizon of {T}")
    if blocked is not None:
        return f"needs {inst.labels[blocked]} first, which cannot be realised within the horizon"
    if complete:
        return (f"must start between period {early[p] + 1} (after its predecessors) and period "
                f"{late[p] + 1} (so that its successors can finish in time), and no start in "
                "between fits the budget")
    return (f"cannot start before period {early[p] + 1} (after its predecessors, within the "
            f"budget), too late to finish within the horizon of {T}")


# ------------------------------------------------------------- requirements


def _finish_by(inst: _Instance, win: _Windows, p: int, k: int) -> np.ndarray:
    """Per possible start of ``p``: 1 when starting there finishes by period ``k`` (1-based)."""
    return (win.starts[p] + inst.durations[p] <= k).astype(float)


def _requirement_proofs(inst: _Instance, win: _Windows, first_gain_by: dict[str, int],
                        value_by: tuple[int, float] | None) -> list[str]:
    out = []
    instant = inst.instant_vector
    for party, k in first_gain_by.items():
        q = inst.parties.index(party)
        if instant[q] > TOLERANCE:
            continue
        gaining = [p for p in range(inst.n) if inst.values[p, q] > TOLERANCE]
        if not gaining:
            out.append(f"party {party} gains from no project or option of the package, so it "
                       f"cannot see a first gain by period {k}")
        elif not any(_finish_by(inst, win, p, k).any() for p in gaining):
            soonest = [int(win.starts[p][0] + inst.durations[p]) for p in gaining
                       if len(win.starts[p])]
            names = ", ".join(inst.labels[p] for p in gaining)
            if soonest:
                out.append(f"party {party} sees a first gain in period {min(soonest)} at the "
                           f"soonest (its projects with a gain: {names}), later than period {k}")
            else:
                out.append(f"party {party} cannot see a gain: its projects with a gain "
                           f"({names}) cannot be realised within the horizon")
    if value_by is not None:
        k, w = value_by
        best = float(inst.weights @ instant) + sum(
            float(inst.weighted[p]) for p in range(inst.n)
            if inst.weighted[p] > 0 and _finish_by(inst, win, p, k).any())
        if best < w - TOLERANCE * max(1.0, abs(w)):
            out.append(f"the value realised by period {k} is at most {tidy(best):.6g} (every "
                       f"project of positive value that can finish by then), less than {w:g}")
    return out


# ---------------------------------------------------------------- the model


class _Program:
    """The time-indexed program: one binary per project and possible start.

    ``started_by``: variable ``k`` of project ``p`` is 1 when ``p`` has started
    by its ``k``-th possible start; ``start``: it is 1 when ``p`` starts there.
    Every linear form is given per project as coefficients ``a_k`` on the
    start indicators ("``p`` starts at its ``k``-th start") and translated.
    """

    def __init__(self, inst: _Instance, win: _Windows, formulation: str, complete: bool):
        self.inst, self.win, self.formulation = inst, win, formulation
        self.model = MipModel("phasing", maximize=True)
        self.first: list[int] = []
        for p in range(inst.n):
            self.first.append(self.model.add_variables(len(win.starts[p]), binary=True)[0]
                              if len(win.starts[p]) else -1)
        T = inst.periods
        self.carry = self.model.add_variables(T - 1) if inst.rho > 0 and T > 1 else []
        rows = []
        for p in range(inst.n):
            m = len(win.starts[p])
            if m == 0:
                continue
            v = self.first[p]
            if formulation == "started_by":
                rows += [([v + k - 1, v + k], [1.0, -1.0], "<=", 0.0) for k in range(1, m)]
                if complete:
                    self.model.set_bounds(v + m - 1, 1.0, 1.0)
            else:
                rows.append((list(range(v, v + m)), [1.0] * m, "==" if complete else "<=", 1.0))
        for p, q in inst.edges:
            rows += self._precedence(p, q)
        for t in range(T):
            idx, coef = self.terms_over(lambda p, t=t: self._cost_at(p, t))
            if self.carry:
                if t < T - 1:
                    idx.append(self.carry[t])
                    coef.append(1.0)
                if t > 0:
                    idx.append(self.carry[t - 1])
                    coef.append(-inst.rho)
            if idx:
                rows.append((idx, coef, "<=", float(inst.budget[t])))
        self.model.add_rows(rows)

    # ---- translating start-indicator coefficients

    def terms(self, p: int, a: np.ndarray) -> tuple[list[int], list[float]]:
        if self.first[p] < 0:
            return [], []
        if self.formulation == "started_by":
            b = a.astype(float).copy()
            b[:-1] -= a[1:]
        else:
            b = a.astype(float)
        nz = np.flatnonzero(np.abs(b) > 1e-12)
        return (self.first[p] + nz).tolist(), b[nz].tolist()

    def terms_over(self, coefs_of) -> tuple[list[int], list[float]]:
        idx: list[int] = []
        coef: list[float] = []
        for p in range(self.inst.n):
            if self.first[p] >= 0:
                i, c = self.terms(p, coefs_of(p))
                idx += i
                coef += c
        return idx, coef

    def _cost_at(self, p: int, t: int) -> np.ndarray:
        offset = t - self.win.starts[p]
        c = self.inst.costs[p]
        inside = (offset >= 0) & (offset < len(c))
        return np.where(inside, c[np.clip(offset, 0, len(c) - 1)], 0.0)

    def _precedence(self, p: int, q: int) -> list:
        """``q`` started by its ``k``-th start implies ``p`` started ``d_p`` periods before."""
        sp, sq, d = self.win.starts[p], self.win.starts[q], self.inst.durations[p]
        if self.first[q] < 0:
            return []
        rows = []
        for k, t in enumerate(sq):
            iq, cq = self.terms(q, (np.arange(len(sq)) <= k).astype(float))
            ip, cp = self.terms(p, (sp <= t - d).astype(float)) if self.first[p] >= 0 else ([], [])
            rows.append((iq + ip, cq + [-x for x in cp], "<=", 0.0))
        return rows

    # ---- forms used by the objectives and requirements

    def value_coefs(self, p: int) -> np.ndarray:
        inst = self.inst
        finish = self.win.starts[p] + inst.durations[p] - 1
        return inst.weighted[p] * inst.delta ** finish

    def started_coefs(self, p: int) -> np.ndarray:
        return (self.inst.periods - self.win.starts[p]).astype(float)

    def objective_terms(self) -> tuple[list[int], list[float]]:
        return self.terms_over(self.value_coefs)

    # ---- solutions

    def decode(self, values: np.ndarray) -> list[int | None]:
        out: list[int | None] = []
        for p in range(self.inst.n):
            m = len(self.win.starts[p])
            if m == 0:
                out.append(None)
                continue
            x = values[self.first[p]:self.first[p] + m] > 0.5  # the first 1 is the start
            out.append(int(self.win.starts[p][int(np.argmax(x))]) if x.any() else None)
        return out

    def fractions(self, values: np.ndarray) -> list[np.ndarray]:
        """Per project and possible start: how much of it has started by then (0..1)."""
        out = []
        for p in range(self.inst.n):
            x = values[self.first[p]:self.first[p] + len(self.win.starts[p])]
            out.append(x if self.formulation == "started_by" else np.cumsum(x))
        return out

    def encode(self, starts: list[int | None]) -> np.ndarray:
        values = np.zeros(self.model.n_variables)
        spend = np.zeros(self.inst.periods)
        for p, s in enumerate(starts):
            if s is None or self.first[p] < 0:
                continue
            k = int(np.searchsorted(self.win.starts[p], s))
            m = len(self.win.starts[p])
            if self.formulation == "started_by":
                values[self.first[p] + k:self.first[p] + m] = 1.0
            else:
                values[self.first[p] + k] = 1.0
            c = self.inst.costs[p]
            spend[s:s + len(c)] += c
        if self.carry:
            balance = np.maximum(_balance(self.inst, spend), 0.0)
            values[self.carry] = balance[:-1]
        return values


# ------------------------------------------------------------------ greedy


def _schedule_value(inst: _Instance, starts: list[int | None]) -> float:
    return float(sum(inst.weighted[p] * inst.delta ** (s + inst.durations[p] - 1)
                     for p, s in enumerate(starts) if s is not None))


def _meets(inst: _Instance, starts: list[int | None], first_gain_by: dict[str, int],
           value_by: tuple[int, float] | None, complete: bool) -> bool:
    if complete and any(s is None for s in starts):
        return False
    instant = inst.instant_vector
    finish = [None if s is None else s + inst.durations[p] for p, s in enumerate(starts)]
    for party, k in first_gain_by.items():
        q = inst.parties.index(party)
        if instant[q] <= TOLERANCE and not any(
                f is not None and f <= k and inst.values[p, q] > TOLERANCE
                for p, f in enumerate(finish)):
            return False
    if value_by is not None:
        k, w = value_by
        got = float(inst.weights @ instant) + sum(
            float(inst.weighted[p]) for p, f in enumerate(finish) if f is not None and f <= k)
        if got < w - TOLERANCE * max(1.0, abs(w)):
            return False
    return True


def _greedy(inst: _Instance, win: _Windows, first_gain_by: dict[str, int],
            value_by: tuple[int, float] | None, complete: bool,
            fractions: list[np.ndarray] | None = None, seconds: float | None = None,
            enough: float | None = None) -> list[int | None] | None:
    """The best of a number of serial list schedules that meets the requirements, or None.

    Projects are taken in a precedence-respecting order of priority and each is
    started at its earliest start that leaves the budget (with carry-over)
    feasible in every period; projects of no positive value that precede no
    scheduled project are dropped again (unless ``complete``). The priorities:
    value per unit of cost (own, or of the most valuable project it enables),
    value, earliest possible start, and, given the linear relaxation's
    solution (``fractions``: how much of each project has started by each
    possible start), its alpha-points: the period by which a share alpha of the
    project has started, for alpha = 0.1, 0.3, ..., 0.9 and for alphas drawn at
    random per project (a fixed seed), or of the best so far with a few drawn
    anew: at least ``_RANDOM_ALPHAS`` draws, and more (up to 50 per project)
    while ``seconds`` last and the best value is below ``enough``.
    """
    n = inst.n
    if n == 0:
        return []
    lister = _ListScheduler(inst, win, complete)
    cost = np.array([c.sum() for c in inst.costs])
    discounted = inst.weighted * inst.delta ** (inst.durations - 1)
    density = discounted / (cost + 1e-9 * (1.0 + cost.max(initial=0.0)))
    pulled = density.copy()  # a project is as urgent as the most urgent project after it
    for p in reversed(lister.order(np.arange(n))):
        for q in lister.succs[p]:
            pulled[p] = max(pulled[p], pulled[q])
    urgent = np.zeros(n)
    if first_gain_by:  # the soonest (then cheapest) gain of each party first, with its ancestors
        graph = nx.DiGraph(inst.edges)
        for party in first_gain_by:
            q = inst.parties.index(party)
            options = [p for p in range(n) if inst.values[p, q] > TOLERANCE and len(win.starts[p])]
            if options:
                best = min(options, key=lambda p: (win.starts[p][0] + inst.durations[p], cost[p]))
                urgent[best] = 1.0
                for a in (nx.ancestors(graph, best) if best in graph else ()):
                    urgent[a] = 1.0
    earliest = np.array([s[0] if len(s) else inst.periods for s in win.starts], dtype=float)
    found: dict[str, Any] = {"starts": None, "value": -math.inf, "alpha": None}

    def attempt(key: np.ndarray) -> bool:
        starts = lister.run(lister.order(np.lexsort((key, -urgent))))
        if starts is None or not _meets(inst, starts, first_gain_by, value_by, complete):
            return False
        value = _schedule_value(inst, starts)
        if value > found["value"] + 1e-12:
            found["starts"], found["value"] = starts, value
            return True
        return False

    for key in (-pulled, -density, -discounted, earliest):
        attempt(key)
    if fractions is None:
        return found["starts"]
    scale = 1e-9 / (1.0 + np.abs(inst.weighted).max(initial=0.0))
    rng = np.random.default_rng(_SEED)
    deadline = None if seconds is None else time.perf_counter() + seconds
    for k in range(min(_MAX_ALPHAS, 50 * n)):
        if k >= 5 + _RANDOM_ALPHAS and (
                deadline is None or time.perf_counter() > deadline
                or (enough is not None and found["value"] >= enough)):
            break
        if k < 5:
            alpha = np.full(n, (0.1, 0.3, 0.5, 0.7, 0.9)[k])
        elif k % 2 or found["alpha"] is None:
            alpha = rng.uniform(0.05, 0.95, n)
        else:  # a few projects' alphas of the best so far drawn anew
            alpha = found["alpha"].copy()
            moved = rng.choice(n, size=max(1, n // 20), replace=False)
            alpha[moved] = rng.uniform(0.05, 0.95, len(moved))
        point = np.full(n, 2.0 * inst.periods)
        for p in range(n):
            y = fractions[p]
            if len(y):
                j = int(np.searchsorted(y, alpha[p] - 1e-9))  # y is non-decreasing
                # started by less than alpha within the horizon: after it, most started first
                point[p] = win.starts[p][j] if j < len(y) else inst.periods + 1.0 - y[-1]
        if attempt(point - scale * inst.weighted):  # ties: most valuable first
            found["alpha"] = alpha
        if k < 5:
            attempt(point - 1e-9 * density / (1.0 + np.abs(density).max(initial=0.0)))
    return found["starts"]


class _ListScheduler:
    """Serial list scheduling: each project, in order, at its earliest start that fits."""

    def __init__(self, inst: _Instance, win: _Windows, complete: bool):
        self.inst, self.win, self.complete = inst, win, complete
        self.preds: list[list[int]] = [[] for _ in range(inst.n)]
        self.succs: list[list[int]] = [[] for _ in range(inst.n)]
        for p, q in inst.edges:
            self.preds[q].append(p)
            self.succs[p].append(q)
        self.free = _balance(inst, np.zeros(inst.periods))
        self.tol = _money_tol(inst)

    def order(self, by: np.ndarray) -> list[int]:
        """A precedence-respecting order, taking the first available project in ``by``."""
        rank = np.empty(self.inst.n, dtype=int)
        rank[np.asarray(by)] = np.arange(self.inst.n)
        waiting = [len(ps) for ps in self.preds]
        ready = [(rank[p], p) for p in range(self.inst.n) if waiting[p] == 0]
        heapq.heapify(ready)
        out = []
        while ready:
            _, p = heapq.heappop(ready)
            out.append(p)
            for q in self.succs[p]:
                waiting[q] -= 1
                if waiting[q] == 0:
                    heapq.heappush(ready, (rank[q], q))
        return out

    def run(self, order: list[int]) -> list[int | None] | None:
        inst, win = self.inst, self.win
        balance = self.free.copy()  # money left per period, all unspent money carried
        starts: list[int | None] = [None] * inst.n
        for p in order:
            earliest = 0
            blocked = len(win.starts[p]) == 0
            for q in self.preds[p]:
                if starts[q] is None:
                    blocked = True
                    break
                earliest = max(earliest, starts[q] + int(inst.durations[q]))
            if not blocked:
                candidates = win.starts[p][win.starts[p] >= earliest]
                if len(candidates):
                    fits = ((balance[None, :] - win.reach[p][candidates]) >= -self.tol).all(axis=1)
                    if fits.any():
                        s = int(candidates[np.argmax(fits)])
                        starts[p] = s
                        balance -= win.reach[p][s]
                        continue
            if self.complete:
                return None
        if not self.complete:  # drop projects that add no value and precede nothing scheduled
            for p in reversed(order):
                if starts[p] is not None and inst.weighted[p] <= TOLERANCE and not any(
                        starts[q] is not None for q in self.succs[p]):
                    starts[p] = None
        return starts


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
    if not isinstance(case, Case):
        raise UsageError(f"case: must be a Case, got {type(case).__name__}")
    if formulation not in FORMULATIONS:
        raise UsageError(f"formulation: unknown formulation {formulation!r} "
                         f"(known: {', '.join(FORMULATIONS)})")
    for name, flag in (("earliest", earliest), ("complete", complete)):
        if not isinstance(flag, bool):
            raise UsageError(f"{name}: must be true or false, got {flag!r}")
    check_limits(time_limit, gap)
    choice = _package(case, package)
    plan = _settings(case, periods, budget, carry_over, discount)
    gains_by = _first_gain_map(case, first_gain_by, plan.periods)
    by_value = _value_by(value_by, plan.periods)
    inst = _instance(case, choice, plan)
    options = {"first_gain_by": gains_by or None, "value_by": by_value, "earliest": earliest,
               "complete": complete, "formulation": formulation}
    run = _PhaseRun(case, inst, options, solver)
    win = _windows(inst, complete)
    if complete and win.reasons:
        grouped: dict[str, list[str]] = {}  # one chain can stop several projects
        for p, reason in sorted(win.reasons.items()):
            grouped.setdefault(reason, []).append(inst.labels[p])
        why = "; ".join(f"{', '.join(names)}: {reason}" for reason, names in grouped.items())
        return run.result(Status.INFEASIBLE, None, win, message=(
            f"no schedule realises every project within {inst.periods} periods: {why}"))
    proofs = _requirement_proofs(inst, win, gains_by, by_value)
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

    program = _Program(inst, win, formulation, complete)
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
    search = None if time_limit is None else min(_HEURISTIC_SHARE * time_limit, left())
    enough = None if lp_bound is None or gap <= 0 else lp_bound / (1.0 + gap)
    greedy = _greedy(inst, win, gains_by, by_value, complete, fractions, search, enough)
    log.debug("phasing %r: list schedule %s, linear relaxation %s", case.name,
              None if greedy is None else _schedule_value(inst, greedy), lp_bound)
    if greedy is not None:
        program.model.set_start(program.encode(greedy))
    out = run.solve(program, left(), gap, msg)
    if out.status in (Status.OPTIMAL, Status.FEASIBLE):
        starts = program.decode(out.values)
        value = _schedule_value(inst, starts)
        proven = out.status == Status.OPTIMAL
        bound = _bound(out.bound, lp_bound, instant_value)
        if greedy is not None and _schedule_value(inst, greedy) > value + 1e-9 * max(1, value):
            starts, value = greedy, _schedule_value(inst, greedy)
            run.notes.append("the greedy schedule beat the solver's incumbent")
        if earliest:
            starts, tie_proven = _earliest_stage(run, program, starts, value, left(), gap, msg)
            value = _schedule_value(inst, starts)
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
        total = _schedule_value(inst, greedy) + instant_value
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


def _requirement_rows(program: _Program, gains_by: dict[str, int],
                      value_by: tuple[int, float] | None) -> list:
    inst, win = program.inst, program.win
    rows = []
    instant = inst.instant_vector
    for party, k in gains_by.items():
        q = inst.parties.index(party)
        if instant[q] > TOLERANCE:
            continue
        idx, coef = program.terms_over(
            lambda p, k=k, q=q: _finish_by(inst, win, p, k) if inst.values[p, q] > TOLERANCE
            else np.zeros(len(win.starts[p])))
        rows.append((idx, coef, ">=", 1.0))
    if value_by is not None:
        k, w = value_by
        idx, coef = program.terms_over(lambda p: inst.weighted[p] * _finish_by(inst, win, p, k))
        rhs = w - float(inst.weights @ instant)
        rows.append((idx, coef, ">=", rhs - TOLERANCE * max(1.0, abs(rhs))))
    return rows


def _earliest_stage(run: _PhaseRun, program: _Program, starts: list[int | None], value: float,
                    time_left: float | None, gap: float, msg: bool):
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
    better = program.decode(out.values)
    if _schedule_value(run.inst, better) < floor:  # numerical slack: keep the first stage
        return starts, False
    return better, out.status == Status.OPTIMAL


class _PhaseRun:
    """Bookkeeping of one call: solver time, notes, and building the result."""

    def __init__(self, case: Case, inst: _Instance, options: dict, solver: str):
        self.case, self.inst, self.options = case, inst, options
        self.solver_name = solver
        self.seconds = 0.0
        self.notes: list[str] = list(inst.notes)

    def solve(self, program: _Program, time_limit: float | None, gap: float,
              msg: bool, *, relax: bool = False) -> MipOutcome:
        out = program.model.solve(solver=self.solver_name, time_limit=time_limit, gap=gap,
                                  msg=msg, relax=relax)
        self.seconds += out.seconds
        self.solver = out.solver
        return out

    def result(self, status: Status, starts: list[int | None] | None, win: _Windows, *,
               value: float | None = None, bound: float | None = None,
               gap: float | None = None, message: str = "") -> PhaseResult:
        inst = self.inst
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
