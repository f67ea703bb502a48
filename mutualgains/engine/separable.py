"""Pareto sets of separable cases, merged issue by issue.

When a party's utility is a plain sum over issues (no synergies, caps, requires
or excludes), the utility vectors of all packages are the Minkowski sum of the
issues' option vectors, and a package that another one dominates on the issues
seen so far stays dominated whatever the remaining issues bring (adding the
same vector, and IEEE rounding, preserve ``>=``). Keeping only the
non-dominated partial packages after each issue therefore keeps, for every
package, one that is at least as good for every party: the classic dynamic
program for multi-objective knapsacks (Nemhauser & Ullmann, 1969; Klamroth &
Wiecek, 2000). Partial packages that can no longer pass the decision rule
(even with every party's best remaining options) are dropped as well.

The result is a *candidate table*: few packages, and for every package of the
case one in the table that is at least as good for everyone. Any question whose
answer can be taken among such packages (the frontier's searches, which
maximise non-negative combinations of utilities under lower bounds and the
decision rule) can then be answered exactly by scanning the table.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> from mutualgains.engine.separable import candidate_table
>>> table = candidate_table(load_example("harbour"))
>>> table.utilities.shape[1], len(table) < 3 * 3 * 4 * 4 * 4
(5, True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from mutualgains.model import Case
from mutualgains.tolerance import TOLERANCE

__all__ = ["CandidateTable", "candidate_table", "is_separable", "non_dominated"]


def is_separable(case: Case) -> bool:
    """Whether every package is allowed and every utility is a plain sum over issues.

    That is: no requires, excludes or synergy, no caps, no total budget on option
    costs and no contributions to them (side payments are asked for per call).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> is_separable(load_example("harbour"))
    True
    """
    budget = case.total_budget is not None and bool(case.cost_vector.any())
    return (not case.has_dependencies and bool(np.isinf(case.caps).all()) and not budget
            and not case.has_contributions)


@dataclass(frozen=True)
class CandidateTable:
    """Packages that dominate every package of a separable case.

    Attributes
    ----------
    choices : ndarray of int, shape (n, n_issues)
        Option position per issue.
    utilities : ndarray, shape (n, n_parties)
        Their utilities, summed as :meth:`Case.utility_vector` sums them.

    Every package in the table passes the decision rule, and every package of
    the case that passes is weakly dominated by one in the table.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> table = candidate_table(case)
    >>> bool((table.utilities[0] == case.utility_vector(table.choices[0])).all())
    True
    """

    choices: np.ndarray
    utilities: np.ndarray

    def __len__(self) -> int:
        return len(self.choices)


def candidate_table(case: Case, *, max_rows: int = 200_000,
                    deadline: float | None = None) -> CandidateTable | None:
    """The non-dominated packages of a separable ``case`` that pass the decision rule.

    Parameters
    ----------
    case : Case
        A case for which :func:`is_separable` holds.
    max_rows : int, default 200_000
        Give up (return ``None``) when a merge step would keep more partial
        packages than this.
    deadline : float, optional
        A ``time.perf_counter()`` value after which to give up.

    Returns
    -------
    CandidateTable or None
        ``None`` when the limits were hit.

    Raises
    ------
    ValueError
        When the case is not separable.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> table = candidate_table(case)
    >>> int(table.utilities.sum(axis=1).max() - case.batnas.sum())  # the best joint gain
    114
    """
    if not is_separable(case):
        raise ValueError(f"case {case.name!r}: not separable (dependencies, caps or money)")
    offsets = case.option_offsets
    matrix = case.score_matrix  # parties x options
    blocks = [matrix[:, offsets[i]:offsets[i + 1]].T for i in range(len(case.issues))]
    best_rest = np.zeros((len(blocks) + 1, len(case.parties)))
    for i in range(len(blocks) - 1, -1, -1):
        best_rest[i] = best_rest[i + 1] + blocks[i].max(axis=0)
    thresholds = np.array([case.threshold(p) for p in case.party_names]) - TOLERANCE

    sums = np.zeros((1, len(case.parties)))
    choices = np.zeros((1, 0), dtype=np.int64)
    for i, block in enumerate(blocks):
        n, m = len(sums), len(block)
        sums = (sums[:, None, :] + block[None, :, :]).reshape(n * m, len(case.parties))
        choices = np.hstack([np.repeat(choices, m, axis=0),
                             np.tile(np.arange(m), n)[:, None]])
        alive = case.rule_holds(sums + best_rest[i + 1] >= thresholds)
        sums, choices = sums[alive], choices[alive]
        keep = non_dominated(sums, deadline=deadline)
        if keep is None:
            return None
        sums, choices = sums[keep], choices[keep]
        if len(sums) > max_rows or (deadline is not None and time.perf_counter() > deadline):
            return None
    utilities = case.utility_rows(choices)
    passes = case.rule_holds(utilities >= thresholds)
    return CandidateTable(choices[passes], utilities[passes])


def non_dominated(points: np.ndarray, slack: np.ndarray | float = 0.0, budget: float = 5e9,
                  deadline: float | None = None) -> np.ndarray | None:
    """Indices of the points that no other point weakly dominates.

    A point is dropped when an earlier point in descending lexicographic order
    is at least as good in every coordinate, less ``slack``; of equal points the
    first is kept. Points are compared in blocks, so the work is about
    ``len(points) * len(result) * dimensions``; ``None`` when that exceeds
    ``budget`` or the clock passes ``deadline`` (a ``time.perf_counter()`` value).

    Examples
    --------
    >>> non_dominated(np.array([[1.0, 2.0], [2.0, 1.0], [1.0, 1.0], [2.0, 1.0]])).tolist()
    [3, 0]
    """
    n = len(points)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort(points.T[::-1])[::-1]  # a dominating point comes first
    points = points[order] + slack  # compare p + slack >= q for "p dominates q"
    shifted = points - slack
    if points.shape[1] <= 2 and np.all(slack == 0):
        best = np.maximum.accumulate(points[:, -1])
        keep = np.ones(n, dtype=bool)
        keep[1:] = points[1:, -1] > best[:-1]
        return order[keep]
    block = 256
    kept = np.zeros(0, dtype=np.int64)
    work = 0.0
    for start in range(0, n, block):
        rows = np.arange(start, min(start + block, n))
        if len(kept):
            work += len(rows) * len(kept) * points.shape[1]
            if work > budget or (deadline is not None and time.perf_counter() > deadline):
                return None
            rows = rows[~_covers(points[kept], shifted[rows]).any(axis=1)]
        inside = _covers(points[rows], shifted[rows])
        rows = rows[~np.tril(inside, -1).any(axis=1)]
        kept = np.concatenate([kept, rows])
    return order[kept]


def _covers(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``out[i, j]``: whether ``a[j] >= b[i]`` in every coordinate."""
    out = a[None, :, 0] >= b[:, None, 0]
    for d in range(1, a.shape[1]):
        out &= a[None, :, d] >= b[:, None, d]
    return out
