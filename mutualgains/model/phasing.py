"""Realisation data of a case: what each project costs per period, and the budget.

Step 6 of the method schedules the chosen projects over periods. A case holds
the data under its ``phasing`` key:

.. code-block:: yaml

    phasing:
      periods: 8
      budget: 50              # per period: one number, or a list of ``periods`` numbers
      carry_over: 1           # share of unspent budget carried to the next period (0..1)
      discount: 0.03          # discount rate per period for the value realised
      projects:
        - {option: {tunnel: in}, duration: 3, cost: 120}        # total, spread evenly
        - {option: {park: large}, duration: 2, cost: [10, 20]}  # cost per period

Examples
--------
>>> from mutualgains.model.phasing import Phasing, Project
>>> plan = Phasing(periods=4, budget=10, projects=[Project({"tunnel": "in"}, 2, 12)])
>>> plan.budget, plan.projects[0].cost
((10, 10, 10, 10), (6.0, 6.0))
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mutualgains.errors import CaseError, Problem
from mutualgains.limits import MAX_PERIODS, refusal
from mutualgains.model.relations import OptionRef, option_label, option_ref
from mutualgains.util import number, set_fields, show

__all__ = ["Phasing", "Project"]


def _periods(value: Any, where: str, problems: list[Problem]) -> int | None:
    """A positive number of periods, at most :data:`~mutualgains.limits.MAX_PERIODS`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        problems.append(Problem(where, "must be a positive integer", show(value)))
        return None
    if int(value) > MAX_PERIODS:
        problems.append(Problem(where, f"must be {refusal('MAX_PERIODS')}", show(value)))
        return None
    return int(value)


def _per_period(values: Sequence[float] | float) -> list[float]:
    """The per-period amounts of a validated :class:`Project` or :class:`Phasing`."""
    assert isinstance(values, tuple)  # __post_init__ stores one amount per period
    return list(values)


@dataclass(frozen=True)
class Project:
    """How one option is realised: its duration in periods and its cost per period.

    Parameters
    ----------
    option : (issue, option) or {issue: option}
        The option that is the project (usually ``{project: in}``).
    duration : int, default 1
        Periods from start to finish (at most :data:`~mutualgains.limits.MAX_PERIODS`);
        the scores of the option count from the period in which the project finishes.
    cost : float or sequence of float
        The total cost, spread evenly over the duration, or one cost per period
        of the duration.

    Examples
    --------
    >>> Project({"park": "large"}, duration=2, cost=[10, 20]).total_cost
    30.0
    """

    option: OptionRef
    duration: int = 1
    cost: Sequence[float] | float = 0.0

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        option = option_ref(self.option, "phasing.projects.option", problems)
        where = f"phasing.projects[{option_label(option)}]" if option else "phasing.projects"
        duration = _periods(self.duration, f"{where}.duration", problems)
        cost: tuple[float, ...] = ()
        if isinstance(self.cost, Sequence) and not isinstance(self.cost, str):
            if duration is not None and len(self.cost) != duration:
                problems.append(Problem(f"{where}.cost", f"must list {duration} costs, one per "
                                        "period of the duration", str(len(self.cost))))
            values = [number(c, f"{where}.cost[{k}]", problems, low=0)
                      for k, c in enumerate(self.cost)]
            cost = tuple(float(v) for v in values if v is not None)
        else:
            total = number(self.cost, f"{where}.cost", problems, low=0)
            if total is not None and duration is not None:
                cost = tuple(float(total) / duration for _ in range(duration))
        if problems:
            raise CaseError(problems)
        set_fields(self, option=option, duration=duration, cost=cost)

    @property
    def total_cost(self) -> float:
        """The sum of the per-period costs."""
        cost = self.cost
        assert isinstance(cost, tuple)  # __post_init__ stores one cost per period
        return float(sum(cost))


@dataclass(frozen=True)
class Phasing:
    """The horizon, the budget and the projects' realisation data.

    Parameters
    ----------
    periods : int
        Length of the horizon: at most :data:`~mutualgains.limits.MAX_PERIODS`
        (the phasing model grows with its square).
    budget : float or sequence of float
        Money available per period (one number for every period, or a list).
    carry_over : float, default 0
        Share of unspent money carried to the next period: 0 (none) to 1 (all).
    discount : float, default 0
        Discount rate per period applied to value realised later.
    projects : sequence of Project
        Realisation data per option.

    Examples
    --------
    >>> Phasing(periods=3, budget=[5, 5, 8], carry_over=1).budget
    (5, 5, 8)
    """

    periods: int
    budget: Sequence[float] | float
    carry_over: float = 0.0
    discount: float = 0.0
    projects: tuple[Project, ...] = field(default=())

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        periods = _periods(self.periods, "phasing.periods", problems)
        budget: tuple[float, ...] = ()
        if isinstance(self.budget, Sequence) and not isinstance(self.budget, str):
            if periods is not None and len(self.budget) != periods:
                problems.append(Problem("phasing.budget", f"must list {periods} amounts, one per "
                                        "period", str(len(self.budget))))
            values = [number(b, f"phasing.budget[{k}]", problems, low=0)
                      for k, b in enumerate(self.budget)]
            budget = tuple(v for v in values if v is not None)
        else:
            value = number(self.budget, "phasing.budget", problems, low=0)
            if value is not None and periods is not None:
                budget = (value,) * periods
        share: Any = self.carry_over
        if isinstance(share, bool):
            share = 1.0 if share else 0.0
        carry = number(share, "phasing.carry_over", problems, low=0, high=1)
        discount = number(self.discount, "phasing.discount", problems, low=0)
        projects = self.projects
        if isinstance(projects, str) or not isinstance(projects, Iterable):
            problems.append(Problem("phasing.projects", "must be a list of projects",
                                    show(projects)))
            projects = ()
        projects = tuple(projects)
        seen = set()
        for k, p in enumerate(projects):
            if not isinstance(p, Project):
                problems.append(Problem(f"phasing.projects[{k}]", "must be a Project", show(p)))
            elif p.option in seen:
                problems.append(Problem(f"phasing.projects[{option_label(p.option)}]",
                                        "duplicate project for this option"))
            else:
                seen.add(p.option)
        if problems:
            raise CaseError(problems)
        set_fields(self, periods=periods, budget=budget, carry_over=carry, discount=discount,
                   projects=projects)

    def project(self, option: OptionRef) -> Project | None:
        """The realisation data of ``option``, or None."""
        return next((p for p in self.projects if p.option == tuple(option)), None)


def phasing_from_dict(raw: Any, problems: list[Problem]) -> Phasing | None:
    """A :class:`Phasing` from the case-file form, recording problems."""
    if raw is None:
        return None
    keys = ("periods", "budget", "carry_over", "discount", "projects")
    if not isinstance(raw, Mapping):
        problems.append(Problem("phasing", "must be a mapping with " + ", ".join(keys),
                                show(raw)))
        return None
    for key in raw:
        if key not in keys:
            problems.append(Problem(f"phasing.{key}", f"unknown key (known: {', '.join(keys)})"))
    projects = []
    items = raw.get("projects") or []
    if not isinstance(items, list):
        problems.append(Problem("phasing.projects", "must be a list", show(items)))
        items = []
    for k, item in enumerate(items):
        if not isinstance(item, Mapping) or "option" not in item or not set(item) <= {
                "option", "duration", "cost"}:
            problems.append(Problem(f"phasing.projects[{k}]", "must be {option: {issue: option}, "
                                    "duration, cost}", show(item)))
            continue
        try:
            projects.append(Project(item["option"], item.get("duration", 1),
                                    item.get("cost", 0.0)))
        except CaseError as err:
            problems.extend(err.problems)
    if "periods" not in raw or "budget" not in raw:
        problems.append(Problem("phasing", "needs periods and budget"))
        return None
    try:
        return Phasing(raw["periods"], raw["budget"], raw.get("carry_over", 0.0),
                       raw.get("discount", 0.0), tuple(projects))
    except CaseError as err:
        problems.extend(err.problems)
        return None


def phasing_to_dict(phasing: Phasing) -> dict[str, Any]:
    """The case-file form of ``phasing`` (inverse of :func:`phasing_from_dict`)."""
    budget = _per_period(phasing.budget)
    out: dict[str, Any] = {
        "periods": phasing.periods,
        "budget": budget[0] if len(set(budget)) == 1 else budget,
    }
    if phasing.carry_over:
        out["carry_over"] = phasing.carry_over
    if phasing.discount:
        out["discount"] = phasing.discount
    out["projects"] = [{"option": {p.option[0]: p.option[1]}, "duration": p.duration,
                        "cost": _per_period(p.cost)} for p in phasing.projects]
    return out
