"""The phasing sheets: ``phasing`` (key, value: periods, budget or budget_1 ... budget_N,
carry_over, discount) and ``projects`` (issue, option, duration, cost or cost_1 ... cost_N).

Examples
--------
>>> from mutualgains.io.excel.workbook import Reading
>>> reading = Reading.from_rows({"phasing": [("key", "value"), ("periods", 3), ("budget", 10)]})
>>> data = {}
>>> read_phasing(reading, data, Names())
>>> data["phasing"]
{'projects': [], 'periods': 3, 'budget': 10}
"""

from __future__ import annotations

from typing import Any

from mutualgains.io.excel.cells import BAD, Row
from mutualgains.io.excel.layout import PER_PERIOD, PHASING_KEYS
from mutualgains.io.excel.names import Names, option_ref
from mutualgains.io.excel.workbook import Reading
from mutualgains.limits import MAX_PERIODS, refusal
from mutualgains.util import listing

__all__ = ["read_phasing"]


def _per_period_budget(reading: Reading, values: dict[str, tuple[Any, Row]],
                       periods: Any) -> list | None:
    """``budget_1 ... budget_N`` as a list (None after recording a problem)."""
    title = reading.title("phasing")
    per_period = sorted((int(match.group(2)), k)
                        for k in values if (match := PER_PERIOD.fullmatch(k)))
    ok = True
    if "budget" in values:
        reading.problem(values["budget"][1].where, "give budget (every period) or "
                        "budget_1 ... budget_N (per period), not both")
        ok = False
    wanted = periods if isinstance(periods, int) and periods > 0 else per_period[-1][0]
    if wanted > MAX_PERIODS:
        reading.problem(title, f"periods must be {refusal('MAX_PERIODS')}", wanted)
        return None
    given = dict(per_period)
    missing = [f"budget_{k}" for k in range(1, wanted + 1) if k not in given]
    extra = [key for k, key in per_period if k > wanted]
    if missing or extra:
        reading.problem(title, f"needs budget_1 ... budget_{wanted}, one per period "
                        f"({'missing ' + listing(missing) if missing else ''}"
                        f"{'; ' if missing and extra else ''}"
                        f"{'beyond the periods: ' + listing(extra) if extra else ''})")
        ok = False
    amounts = []
    for k, key in per_period:
        amount = reading.setting(values, key, "number", f"phasing.budget[{k - 1}]")
        ok = ok and amount is not None
        amounts.append(amount)
    return amounts if ok else None


def read_phasing(reading: Reading, data: dict[str, Any], names: Names) -> None:
    """The ``phasing`` and ``projects`` sheets (projects need a phasing sheet).

    Examples
    --------
    >>> reading = Reading.from_rows({
    ...     "phasing": [("key", "value"), ("periods", 2), ("budget_1", 5), ("budget_2", 8)],
    ...     "projects": [("issue", "option", "duration", "cost"), ("tunnel", "in", 2, 10)]})
    >>> data = {}
    >>> read_phasing(reading, data, Names(issues={"tunnel": ["out", "in"]}))
    >>> data["phasing"]
    {'projects': [{'option': {'tunnel': 'in'}, 'duration': 2, 'cost': 10}], 'periods': 2, \
'budget': [5, 8]}
    """
    values = reading.key_values("phasing", [k for k in PHASING_KEYS if "<" not in k],
                                patterns=[r"budget_[1-9]\d*"])
    projects = reading.table("projects", patterns=[r"cost_[1-9]\d*"])
    if "phasing" in reading.broken:
        return
    if "phasing" not in reading.sheets:
        if projects is not None or "projects" in reading.broken:
            reading.problem(reading.title("projects"), "needs a phasing sheet (periods, "
                            "budget) to go with it")
        return
    title = reading.title("phasing")
    reading.place("phasing", title)
    spec: dict[str, Any] = {}
    periods = reading.setting(values, "periods", "integer", "phasing.periods")
    for key in ("carry_over", "discount"):
        value = reading.setting(values, key, "number", f"phasing.{key}")
        if value is not None:
            spec[key] = value
    budget = reading.setting(values, "budget", "number", "phasing.budget")
    per_period = any(PER_PERIOD.fullmatch(k) for k in values)
    if per_period:
        budget = _per_period_budget(reading, values, periods)
    if "periods" not in values:
        reading.problem(title, "needs a value for periods (how many periods)")
    if "budget" not in values and not per_period:
        reading.problem(title, "needs a value for budget (the money per period), or "
                        "budget_1 ... budget_N")
    spec["projects"] = _projects(reading, projects, names) if projects is not None else []
    if periods is None or budget is None:
        # stand-ins, so that the projects are still checked; the problem is recorded
        spec.update(periods=1, budget=0)
    else:
        spec.update(periods=periods, budget=budget)
    data["phasing"] = spec


def _project_costs(reading: Reading, row: Row, duration: Any,
                   cost: Any) -> tuple[list[tuple[int, str]], list, bool]:
    """The filled ``cost_k`` cells of ``row``, their values, and whether they are consistent
    with ``duration`` and ``cost``."""
    columns = sorted((int(match.group(2)), c)
                     for c in row.letters if (match := PER_PERIOD.fullmatch(c)))
    filled = [(k, c) for k, c in columns if not row.blank(c)]
    per_period = [reading.number(row, c) for _, c in filled]
    ok = BAD not in per_period
    if filled:
        d = duration if isinstance(duration, int) and duration > 0 else \
            (1 if duration is None else None)
        if cost is not None:
            reading.problem(row.where, "give cost (the total) or cost_1 ... cost_N (per "
                            "period), not both")
            ok = False
        elif d is not None and [k for k, _ in filled] != list(range(1, d + 1)):
            reading.problem(row.where, f"with duration {d}, fill cost_1 ... cost_{d}, one "
                            "cost per period", ", ".join(c for _, c in filled))
            ok = False
    return filled, per_period, ok


def _projects(reading: Reading, rows: list[Row], names: Names) -> list[dict]:
    reading.place("phasing.projects", reading.title("projects"))
    out = []
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        ref = option_ref(reading, row, "issue", "option", names)
        duration = reading.number(row, "duration", integer=True)
        cost = reading.number(row, "cost")
        filled, per_period, ok = _project_costs(reading, row, duration, cost)
        ok = ok and ref is not None and duration is not BAD and cost is not BAD
        if ref is not None and ref in first:
            reading.problem(row.where, f"duplicate project for this option (first at row "
                            f"{first[ref]})", f"{ref[0]}, {ref[1]}")
            continue
        if ref is not None:
            first[ref] = row.number
        if not ok or ref is None:  # ok already implies ref is not None
            continue
        label = f"phasing.projects[{ref[0]}={ref[1]}]"
        reading.place(label, row.where)
        item: dict[str, Any] = {"option": {ref[0]: ref[1]}}
        if duration is not None:
            item["duration"] = duration
            reading.place(f"{label}.duration", row.cell("duration"))
        if filled:
            item["cost"] = per_period
            for k, c in filled:
                reading.place(f"{label}.cost[{k - 1}]", row.cell(c))
            reading.place(f"{label}.cost", row.where)
        elif cost is not None:
            item["cost"] = cost
            reading.place(f"{label}.cost", row.cell("cost"))
        out.append(item)
    return out
