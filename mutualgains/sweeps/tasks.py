"""What a sweep computes in each scenario: named tasks, each returning plain rows.

A task is called as ``task(case, seed=..., **options)`` (``seed`` only when it
names that parameter) and returns one row (a mapping of plain values) or a list of rows.
The named tasks (:data:`TASKS`):

``solve``
    :func:`mutualgains.solve` (options as its keywords): ``status``,
    ``objective_value``, ``passes``, then ``gain <party>`` and ``option <issue>``.
``frontier``
    :func:`mutualgains.pareto_frontier` (``ties`` off unless asked): one row
    per point (``point``, ``score <party>``, ``option <issue>``), or one row with
    the status when there is none.
``phase``
    :func:`mutualgains.phase` of ``package`` (default: the joint optimum):
    ``status``, ``discounted_value``, ``gap``, ``scheduled``, ``deferred``.
``acceptance``
    :func:`~mutualgains.analysis.robustness_accept.acceptance` of ``package``
    (default: the joint optimum), seeded by the scenario: ``status``,
    ``rule_probability`` (with ``rule_low``, ``rule_high``), ``accept <party>``.
``radius``
    :func:`~mutualgains.analysis.robustness_radius.stability_radius`: ``passes``,
    ``binding``, ``best``, ``best_by``.
``robust``
    :func:`~mutualgains.analysis.robustness_package.robust_package`, seeded:
    ``status``, ``expected_joint_gain``, ``cost``, ``rule_probability``,
    ``option <issue>``.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> row = solve_task(load_example("harbour"), objective="egalitarian")
>>> row["status"], row["objective_value"], row["option loan"]
('optimal', 10, '3 billion')
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any

from mutualgains.analysis.frontier import pareto_frontier
from mutualgains.analysis.robustness_accept import acceptance
from mutualgains.analysis.robustness_package import robust_package
from mutualgains.analysis.robustness_radius import stability_radius
from mutualgains.analysis.solve import solve
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.phasing import phase

__all__ = [
    "TASKS",
    "acceptance_task",
    "frontier_task",
    "phase_task",
    "radius_task",
    "resolve_task",
    "robust_task",
    "solve_task",
    "takes_seed",
    "task_name",
]


def _options(package: Mapping[str, str] | None, case: Case) -> dict[str, Any]:
    return {f"option {i}": (None if package is None else package[i]) for i in case.issue_names}


def _number(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _package(case: Case, package: Any) -> Any:
    if package is not None:
        return package
    best = solve(case)
    if best.package is None:
        raise UsageError(f"no package to analyse: the joint optimum is {best.status.value}")
    return best.package


def solve_task(case: Case, **options: Any) -> dict[str, Any]:
    """One row: the solve's status, value, whether it passes, the gains and the options.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> solve_task(load_example("harbour"))["gain Port"]
    4
    """
    result = solve(case, **options)
    return {"status": result.status.value, "objective": result.objective,
            "objective_value": _number(result.objective_value), "passes": result.passes,
            **{f"gain {p}": result.gains.get(p) for p in case.party_names},
            **_options(result.package, case)}


def frontier_task(case: Case, **options: Any) -> list[dict[str, Any]]:
    """One row per frontier point (``ties=False`` unless given).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> rows = frontier_task(load_example("harbour"), parties=["Port", "City"])
    >>> len(rows), rows[0]["score Port"]
    (6, 87)
    """
    options.setdefault("ties", False)
    frontier = pareto_frontier(case, **options)
    if not frontier.points:
        return [{"status": frontier.status, "point": None}]
    return [{"status": frontier.status, "point": k,
             **{f"score {p}": point.scores[p] for p in case.party_names},
             **_options(point.package, case)} for k, point in enumerate(frontier.points)]


def phase_task(case: Case, *, package: Any = None, **options: Any) -> dict[str, Any]:
    """One row: the schedule's status, discounted value, gap, scheduled and deferred counts.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> row = phase_task(load_example("regional"))
    >>> row["status"], row["deferred"]
    ('optimal', 0)
    """
    plan = phase(case, _package(case, package), **options)
    scheduled = sum(p.start is not None for p in plan.projects)
    return {"status": plan.status.value, "discounted_value": _number(plan.discounted_value),
            "gap": _number(plan.gap), "scheduled": scheduled,
            "deferred": len(plan.projects) - scheduled}


def acceptance_task(case: Case, *, package: Any = None, seed: int = 0,
                    **options: Any) -> dict[str, Any]:
    """One row: the rule's probability (and interval) and each party's.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> row = acceptance_task(with_noise(load_example("harbour"), 0.1))
    >>> round(row["rule_probability"], 4), round(row["accept Neighbour Towns"], 4)
    (0.8481, 0.5)
    """
    result = acceptance(case, _package(case, package), seed=seed, **options)
    return {"status": result.status.value, "rule_probability": result.rule_probability,
            "rule_low": result.rule_low, "rule_high": result.rule_high,
            **{f"accept {p}": v for p, v in result.probabilities.items()}}


def radius_task(case: Case, *, package: Any = None, **options: Any) -> dict[str, Any]:
    """One row: the passing and best radii, the binding party and what sets the best.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> row = radius_task(load_example("harbour"), box="all")
    >>> round(row["passes"], 4), row["binding"], row["best_by"]
    (0.6667, 'Port', 'rival')
    """
    result = stability_radius(case, _package(case, package), **options)
    return {"status": result.status.value, "passes": _number(result.passes),
            "binding": result.binding, "best": _number(result.best),
            "best_by": result.best_by}


def robust_task(case: Case, *, seed: int = 0, **options: Any) -> dict[str, Any]:
    """One row: the robust package, its expected joint gain, its cost and pass probability.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> row = robust_task(with_noise(load_example("harbour"), 0.1), samples=60, validate=500)
    >>> row["status"], row["cost"] >= 0
    ('optimal', True)
    """
    result = robust_package(case, seed=seed, **options)
    return {"status": result.status.value, "expected_joint_gain": result.expected_joint_gain,
            "cost": result.cost, "rule_probability": result.rule_probability,
            **_options(result.package, case)}


TASKS: dict[str, Callable[..., Any]] = {
    "solve": solve_task,
    "frontier": frontier_task,
    "phase": phase_task,
    "acceptance": acceptance_task,
    "radius": radius_task,
    "robust": robust_task,
}
"""Task name -> function (see the module notes)."""


def resolve_task(task: str | Callable[..., Any]) -> Callable[..., Any]:
    """The function of a task name, or ``task`` itself when it is callable.

    Examples
    --------
    >>> resolve_task("solve") is solve_task
    True
    >>> resolve_task("slove")
    Traceback (most recent call last):
    ...
    mutualgains.errors.UsageError: task: unknown task 'slove' (known: solve, frontier, ...)
    """
    if callable(task):
        return task
    if isinstance(task, str) and task in TASKS:
        return TASKS[task]
    raise UsageError(f"task: unknown task {task!r} (known: {', '.join(TASKS)}; or a function)")


def task_name(task: str | Callable[..., Any]) -> str:
    """A stable name for ``task``: its name, or ``module.qualname`` of a function.

    Examples
    --------
    >>> task_name("solve"), task_name(solve_task)
    ('solve', 'mutualgains.sweeps.tasks.solve_task')
    """
    if isinstance(task, str):
        return task
    return f"{getattr(task, '__module__', '?')}.{getattr(task, '__qualname__', repr(task))}"


def takes_seed(function: Callable[..., Any]) -> bool:
    """Whether ``function`` names a ``seed`` parameter (it then gets the scenario's seed).

    Examples
    --------
    >>> takes_seed(acceptance_task), takes_seed(solve_task), takes_seed(lambda case: 0)
    (True, False, False)
    """
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return "seed" in parameters
