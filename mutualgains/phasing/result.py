"""The result of :func:`~mutualgains.phasing.phase`: the schedule, spend, value realised and what
was deferred."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.model.relations import OptionRef
from mutualgains.status import Status
from mutualgains.util import readonly, tidy

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PhaseResult", "ScheduledProject"]


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
            if p.finish is not None:  # started
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
            discounted = 0.0 if p.finish is None else \
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
        from mutualgains.display import block_html, frame_html

        text = self._headline() + (f"\n{self.message}" if self.message else "")
        tables = []
        if self.has_schedule:
            tables.append(frame_html(self.schedule, index=False))
            if len(self.deferred):
                tables.append("<p>Deferred:</p>" + frame_html(self.deferred, index=False))
            tables.append(frame_html(self.spend, index=False))
        return block_html(text, *tables)
