"""The phasing instance: the package's projects with their values, costs, durations and precedence,
and the settings."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from mutualgains.errors import CaseError, UsageError
from mutualgains.limits import MAX_PHASING_CELLS
from mutualgains.model import Case
from mutualgains.model.phasing import Phasing, Project
from mutualgains.model.relations import OptionRef, option_label

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "FORMULATIONS",
    "HEURISTIC_SHARE",
    "MAX_ALPHAS",
    "RANDOM_ALPHAS",
    "SEED",
    "Instance",
    "build_instance",
    "package_choice",
    "phasing_settings",
    "predicted_size",
]


log = logging.getLogger(__name__)

FORMULATIONS: tuple[str, ...] = ("started_by", "start")
"""Names accepted by ``phase(..., formulation=...)``."""

SEED = 20240611  # random alpha-points of the list schedules: fixed, so results repeat
RANDOM_ALPHAS = 40  # at least; more while a share of the time limit lasts
MAX_ALPHAS = 5000
HEURISTIC_SHARE = 0.15  # of the time limit, for the list schedules



# ------------------------------------------------------------- the instance


@dataclass
class Instance:
    """The data of one phasing problem, in arrays (projects in case order).

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("regional")
    >>> choice = package_choice(case, mg.solve(case).package)
    >>> inst = build_instance(case, choice, phasing_settings(case, None, None, None, None))
    >>> inst.n, inst.periods, inst.labels[0]
    (16, 10, 'flood warning app')
    """

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


def package_choice(case: Case, package: Any) -> tuple[int, ...]:
    """The option positions of ``package`` (a mapping, or a result that has one).

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("regional")
    >>> package_choice(case, mg.solve(case))[:4]
    (1, 1, 1, 1)
    >>> package_choice(case, None)
    Traceback (most recent call last):
    ...
    mutualgains.errors.UsageError: package: pass the package to phase (issue -> option), ...
    """
    if hasattr(package, "package") and not isinstance(package, Mapping):
        if package.package is None:
            status = getattr(package, "status", "no package")
            raise UsageError(f"package: the result has no package (status {status})")
        package = package.package
    if package is None:
        raise UsageError("package: pass the package to phase (issue -> option), "
                         "e.g. mutualgains.solve(case).package")
    return case.package_indices(package)


def phasing_settings(case: Case, periods: int | None, budget: float | Sequence[float] | None,
                     carry_over: float | None, discount: float | None) -> Phasing:
    """The case's phasing data with the call's overrides (a UsageError names a bad one).

    Examples
    --------
    >>> import mutualgains as mg
    >>> plan = phasing_settings(mg.load_example("regional"), 4, None, None, 0.05)
    >>> plan.periods, plan.budget, plan.discount
    (4, (55, 55, 55, 55), 0.05)
    """
    base = case.phasing
    carry, rate = 0.0, 0.0
    projects: tuple[Project, ...] = ()
    if base is None:
        if periods is None or budget is None:
            raise UsageError(f"phasing: case {case.name!r} has no phasing data; pass periods= "
                             "and budget= (its chosen options are then all realised at once)")
    else:
        levels = base.budget
        assert isinstance(levels, tuple)  # Phasing stores one amount per period
        if periods is not None and budget is None and len(levels) != periods:
            if len(set(levels)) == 1:
                budget = levels[0]
            else:
                raise UsageError(f"budget: the case lists {len(levels)} amounts, one per "
                                 f"period; with periods={periods!r} pass budget= as well")
        periods = base.periods if periods is None else periods
        budget = levels if budget is None else budget
        carry, rate, projects = base.carry_over, base.discount, base.projects
    try:
        return Phasing(
            periods=periods,
            budget=budget,
            carry_over=carry if carry_over is None else carry_over,
            discount=rate if discount is None else discount,
            projects=projects,
        )
    except CaseError as err:
        text = "; ".join(str(p).removeprefix("phasing.") for p in err.problems)
        raise UsageError(text) from None


def build_instance(case: Case, choice: tuple[int, ...], plan: Phasing) -> Instance:
    """The phasing instance of the package ``choice`` under ``plan``.

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("regional")
    >>> choice = package_choice(case, mg.solve(case).package)
    >>> inst = build_instance(case, choice, phasing_settings(case, None, None, None, None))
    >>> inst.durations[:4].tolist(), inst.budget[:2].tolist()
    ([1, 1, 1, 2], [55.0, 55.0])
    """
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
    durations = [data[r].duration for r in refs]
    _check_size(predicted_size(len(refs), plan.periods, durations, len(edges)), plan.periods,
                len(refs))
    return Instance(
        parties=case.party_names, weights=weights, refs=refs,
        labels=[_label(case, r) for r in refs],
        durations=np.array(durations, dtype=int),
        costs=[np.array(data[r].cost, dtype=float) for r in refs],
        values=values, weighted=values @ weights, edges=edges, periods=plan.periods,
        budget=np.array(plan.budget, dtype=float), rho=float(plan.carry_over),
        delta=1.0 / (1.0 + float(plan.discount)), discount=float(plan.discount),
        instant=instant, notes=notes)


def predicted_size(projects: int, periods: int, durations: list[int],
                   precedences: int) -> dict[str, int]:
    """Upper bounds on the size of the phasing model, before anything is allocated.

    For ``projects`` projects over ``periods`` periods (``T``): the time windows hold a
    ``T x T`` matrix per project (the money a start draws from each period's budget,
    with carry-over); the program has a binary per project and possible start (at most
    ``T`` each) and a carry-over variable per period; its rows are the budget rows (per
    period, a term per project and start whose cost falls there: at most
    ``duration + 1``, and two carry-over terms), the precedence rows (per precedence and
    start, at most ``T + 2`` terms, in the plain start formulation) and the order rows (two
    terms per start). Measured on the regional example: at most 92 % of the bound on
    variables and 90 % on non-zeros (plain start form, 120 periods).
    ``cells`` is their sum: the numbers the model holds, 8 bytes each.

    Examples
    --------
    >>> predicted_size(16, 10, [1] * 16, 3)
    {'windows': 1600, 'variables': 170, 'nonzeros': 1020, 'cells': 2790}
    >>> predicted_size(10, 10_000, [5] * 10, 0)["windows"]  # 10 x 10,000 x 10,000
    1000000000
    """
    T = periods
    windows = projects * T * T
    variables = projects * T + T
    nonzeros = T * sum(int(d) + 1 for d in durations) + precedences * T * (T + 2) \
        + 2 * projects * T + 2 * T
    return {"windows": windows, "variables": variables, "nonzeros": nonzeros,
            "cells": windows + variables + nonzeros}


def _check_size(size: dict[str, int], periods: int, projects: int) -> None:
    """A UsageError naming the periods and the predicted size when the model cannot fit."""
    if size["cells"] <= MAX_PHASING_CELLS:
        return
    raise UsageError(
        f"periods: {periods:,} periods for {projects} projects need a phasing model of about "
        f"{size['cells']:,} numbers ({size['cells'] * 8 / 2**30:,.1f} GiB: time windows "
        f"{projects} x {periods:,} x {periods:,}, {size['variables']:,} variables, "
        f"{size['nonzeros']:,} non-zeros), more than limits.MAX_PHASING_CELLS "
        f"({MAX_PHASING_CELLS:,}); "
        "use fewer, longer periods (quarters instead of months)")


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
