"""Exact non-dominated sets by enumerating every package, a chunk at a time.

For cases with few packages, evaluating all of them with numpy is the cheapest
exact path whatever the dependencies: packages are generated in lexicographic
order of their option positions, :data:`CHUNK` at a time (never the whole space
in memory), evaluated with :meth:`Case.utility_rows`, checked against the
requires, excludes, total budget and decision rule, and merged into the set
kept so far with :func:`~mutualgains.engine.nondominated.reduce_partials`
(equal utility vectors counted, the first, lexicographically smallest, package
kept; dominated ones dropped).

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> found = enumerate_set(load_example("harbour"), (0, 1))
>>> found.method, found.utilities[:2, :2].tolist()
('enumerate', [[87.0, 48.0], [81.0, 50.0]])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mutualgains.engine.nondominated import ParetoSet, Work, pareto_set, reduce_partials
from mutualgains.engine.treedp import budget_binds, budget_slack, set_keys
from mutualgains.model import Case
from mutualgains.tolerance import TOLERANCE

__all__ = ["CHUNK", "enumerate_set", "feasible_rows"]

CHUNK = 1 << 16
"""Packages evaluated at once."""


def feasible_rows(case: Case, choices: np.ndarray) -> np.ndarray:
    """Whether each package (rows of option positions) respects the requires,
    excludes and the total budget.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> feasible_rows(load_example("harbour"), np.array([[0, 0, 0, 0, 0]])).tolist()
    [True]
    """
    choices = np.asarray(choices, dtype=np.int64)
    ok = np.ones(len(choices), dtype=bool)
    position = {name: k for k, name in enumerate(case.issue_names)}

    def chosen(issue: str, options: Sequence[str]) -> np.ndarray:
        k = position[issue]
        mask = np.array([o in options for o in case.issues[k].options])
        return mask[choices[:, k]]

    for r in case.requires:
        picked = chosen(r.option[0], (r.option[1],))
        for issue, options in r.needs.items():
            ok &= ~picked | chosen(issue, options)
    for e in case.excludes:
        ok &= ~(chosen(e.a[0], (e.a[1],)) & chosen(e.b[0], (e.b[1],)))
    if budget_binds(case):
        assert case.total_budget is not None  # budget_binds
        costs = case.cost_vector[choices + np.asarray(case.option_offsets[:-1])].sum(axis=1)
        ok &= costs <= float(case.total_budget) + budget_slack(case)
    return ok


def enumerate_set(case: Case, parties: tuple[int, ...] | None = None, *,
                  chunk: int = CHUNK, work: Work | None = None) -> ParetoSet:
    """The non-dominated packages of ``case`` over ``parties``, by enumeration.

    Parameters
    ----------
    case : Case
        Any case without contributions to costs.
    parties : tuple of int, optional
        Positions of the parties the set is about (default: every party).
    chunk : int
        Packages evaluated at once.
    work : Work, optional
        Counts the filter's comparisons; raises
        :class:`~mutualgains.engine.nondominated.WorkLimit` past its limit.

    Raises
    ------
    ValueError
        When option costs are paid by parties with a budget.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> len(enumerate_set(load_example("harbour"))) > 1
    True
    """
    if case.has_contributions:
        raise ValueError(f"case {case.name!r}: contributions to costs need the integer program")
    parties = tuple(range(len(case.parties))) if parties is None else tuple(parties)
    sizes = [len(i.options) for i in case.issues]
    total = case.n_packages
    thresholds = case.batnas + float(case.margin) - TOLERANCE
    width = len(parties)
    kept = (np.zeros((0, len(sizes)), dtype=np.int64), np.zeros((0, len(case.parties))),
            np.zeros((0, width)), np.zeros(0, dtype=np.int8))
    for start in range(0, total, chunk):
        index = np.arange(start, min(start + chunk, total), dtype=np.int64)
        choices = (np.stack(np.unravel_index(index, sizes), axis=1).astype(np.int64)
                   if sizes else np.zeros((len(index), 0), dtype=np.int64))
        utilities = (case.utility_rows(choices) if sizes
                     else np.zeros((len(index), len(case.parties))))
        ok = feasible_rows(case, choices) & case.rule_holds(utilities >= thresholds)
        if not ok.any():
            continue
        choices, utilities = choices[ok], utilities[ok]
        keys = set_keys(case, utilities, parties)
        merged = (np.concatenate([kept[0], choices]), np.concatenate([kept[1], utilities]),
                  np.concatenate([kept[2], keys]),
                  np.concatenate([kept[3], np.ones(len(choices), dtype=np.int8)]))
        rows, mult = reduce_partials(merged[2], groups=np.zeros(len(merged[2]), dtype=np.int64),
                                     choices=merged[0], mult=merged[3], work=work)
        kept = (merged[0][rows], merged[1][rows], merged[2][rows], mult)
    counts = {"packages": total, "chunks": -(-total // chunk), "rows": len(kept[0])}
    return pareto_set(kept[0], kept[1], kept[2], kept[3], parties, "enumerate", counts)
