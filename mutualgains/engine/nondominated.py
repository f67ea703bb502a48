"""Non-dominated filtering, and the exact non-dominated set every set backend returns.

Two filters:

:func:`non_dominated`
    The rows of a point set that no other row weakly dominates (optionally
    within a slack): the frontier's last step.
:func:`reduce_partials`
    The dynamic programs' filter: within groups of rows that are interchangeable
    for the rest of the program, equal rows are merged (counting how many
    packages they stand for and keeping the lexicographically smallest) and a
    row is dropped only when another one is at least as good everywhere and
    better on a coordinate that decides (see :func:`reduce_partials`), so that
    ties and the tie rule stay exact.

Both sort first. Two dimensions take a sort-based pass (a running maximum);
more dimensions are compared in blocks against the rows kept so far, so the work
is about ``rows * kept * dimensions`` (Kung, Luccio & Preparata, 1975, for the
sort-based idea).

:class:`ParetoSet` is what :mod:`~mutualgains.engine.treedp` and
:mod:`~mutualgains.engine.enumerate` return.

Examples
--------
>>> import numpy as np
>>> non_dominated(np.array([[1.0, 2.0], [2.0, 1.0], [1.0, 1.0], [2.0, 1.0]])).tolist()
[3, 0]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

__all__ = ["ParetoSet", "lexmin_rows", "non_dominated", "reduce_partials"]

_BLOCK = 256


# --------------------------------------------------------------------- the result


@dataclass(frozen=True)
class ParetoSet:
    """The non-dominated packages of a case, one per utility vector, with ties.

    Attributes
    ----------
    choices : ndarray of int, shape (n, n_issues)
        Option position per issue: of the packages that reach the row's
        utilities, the lexicographically smallest.
    utilities : ndarray, shape (n, n_parties)
        Every party's utility (:meth:`Case.utility_rows`).
    tied : ndarray of bool, shape (n,)
        Whether more than one package reaches the row's utilities over
        :attr:`parties`.
    parties : tuple of int
        The parties over which the rows are non-dominated (the others only
        have to accept as the decision rule requires).
    method : str
        ``dp`` or ``enumerate``.
    counts : mapping
        The numbers that describe the work (packages, width, largest table...).

    Every row passes the decision rule and respects the dependencies and the
    budget; every package that does is weakly dominated, over :attr:`parties`,
    by a row. Rows are sorted by their utilities over :attr:`parties`, highest
    first.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.engine.treedp import tree_dp
    >>> found = tree_dp(load_example("harbour"))
    >>> found.method, len(found) > 1, found.utilities.shape[1]
    ('dp', True, 5)
    """

    choices: np.ndarray
    utilities: np.ndarray
    tied: np.ndarray
    parties: tuple[int, ...]
    method: str
    counts: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("choices", "utilities", "tied"):
            array = np.asarray(getattr(self, name))
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        object.__setattr__(self, "counts", MappingProxyType(dict(self.counts)))

    def __len__(self) -> int:
        return len(self.choices)

    def __repr__(self) -> str:
        return (f"<ParetoSet {len(self)} packages over parties {list(self.parties)}, "
                f"{int(self.tied.sum())} tied, by {self.method}>")


def pareto_set(choices: np.ndarray, utilities: np.ndarray, keys: np.ndarray,
               mult: np.ndarray, parties: tuple[int, ...], method: str,
               counts: Mapping[str, int]) -> ParetoSet:
    """The :class:`ParetoSet` of packages ``choices`` (every one passes).

    ``keys`` are the exact utilities over ``parties`` that decide equality and
    dominance (counted in grid steps where there is a grid), ``mult`` how many
    packages each row stands for (capped at 2).
    """
    groups = np.zeros(len(keys), dtype=np.int64)
    rows, mult = reduce_partials(keys, groups=groups, choices=choices, mult=mult)
    order = np.lexsort((-keys[rows]).T[::-1]) if len(rows) else rows
    rows, mult = rows[order], mult[order]
    return ParetoSet(choices=choices[rows], utilities=utilities[rows], tied=mult > 1,
                     parties=parties, method=method, counts=counts)


# ------------------------------------------------------------------ the filters


def non_dominated(points: np.ndarray, slack: np.ndarray | float = 0.0) -> np.ndarray:
    """Indices of the points that no other point weakly dominates.

    A point is dropped when another is at least as good in every coordinate,
    less ``slack``; of equal points (within the slack) the one first in
    descending lexicographic order is kept. The result is in that order.

    Examples
    --------
    >>> non_dominated(np.array([[3.0, 1.0], [2.9, 1.0], [1.0, 4.0]]), slack=0.2).tolist()
    [0, 2]
    """
    points = np.asarray(points, dtype=float)
    n = len(points)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort(points.T[::-1])[::-1]  # a dominating point comes first
    if np.all(np.asarray(slack) == 0):
        ordered = points[order]
        fresh = np.ones(n, dtype=bool)
        fresh[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
        distinct = np.flatnonzero(fresh)
        dominated = _dominated(ordered[distinct], np.zeros(len(distinct), dtype=np.int64),
                               np.arange(len(distinct)))
        return order[distinct[~dominated]]
    lifted = points[order] + slack  # compare p + slack >= q for "p dominates q"
    shifted = lifted - slack
    kept = np.zeros(0, dtype=np.int64)
    for start in range(0, n, _BLOCK):
        rows = np.arange(start, min(start + _BLOCK, n))
        if len(kept):
            rows = rows[~_covers(lifted[kept], shifted[rows]).any(axis=1)]
        inside = _covers(lifted[rows], shifted[rows])
        rows = rows[~np.tril(inside, -1).any(axis=1)]
        kept = np.concatenate([kept, rows])
    return order[kept]


def reduce_partials(values: np.ndarray, *, groups: np.ndarray,
                    strict: np.ndarray | None = None, choices: np.ndarray | None = None,
                    mult: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The rows a dynamic program keeps, and how many packages each stands for.

    Rows with the same ``groups`` value are interchangeable for the rest of the
    program (the same options on the issues still to come). Within a group:

    - equal rows (all ``values`` equal) are merged into the one whose
      ``choices`` are lexicographically smallest, and their ``mult`` (packages
      represented, capped at 2) are added;
    - a row ``b`` is dropped when another row ``a`` is at least as good in
      every coordinate and differs from it on a ``strict`` coordinate (one that
      stays in the final utilities, so every completion of ``b`` is beaten by
      the same completion of ``a``). Rows that differ only on other
      coordinates (costs, utilities that a cap or a threshold may still
      flatten) are all kept: their completions may tie.

    Parameters
    ----------
    values : ndarray, shape (n, d)
        Larger is better in every coordinate (negate costs).
    groups : ndarray of int, shape (n,)
    strict : ndarray of bool, shape (d,), optional
        Default: every coordinate.
    choices : ndarray of int, shape (n, k), optional
        The options chosen so far, in issue order (for the smallest one).
    mult : ndarray of int, shape (n,), optional
        Default: 1 each.

    Returns
    -------
    rows : ndarray of int
        The kept rows, sorted by group.
    mult : ndarray of int8
        Their counts (1 or 2).

    Examples
    --------
    >>> values = np.array([[2.0, 1.0], [2.0, 1.0], [1.0, 1.0], [0.0, 5.0]])
    >>> rows, mult = reduce_partials(values, groups=np.zeros(4, dtype=int),
    ...                              choices=np.array([[1], [0], [2], [3]]))
    >>> rows.tolist(), mult.tolist()
    ([1, 3], [2, 1])
    """
    values = np.asarray(values, dtype=float)
    n, d = values.shape
    strict = np.ones(d, dtype=bool) if strict is None else np.asarray(strict, dtype=bool)
    if mult is None:
        mult = np.ones(n, dtype=np.int8)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8)
    columns = [*np.flatnonzero(strict), *np.flatnonzero(~strict)]
    order = np.lexsort([*(-values[:, c] for c in columns[::-1]), groups])
    v, g = values[order], groups[order]
    fresh = np.ones(n, dtype=bool)
    fresh[1:] = (g[1:] != g[:-1]) | (v[1:] != v[:-1]).any(axis=1)
    starts = np.flatnonzero(fresh)
    counts = np.add.reduceat(np.asarray(mult, dtype=np.int64)[order], starts)
    rows = order[starts]
    if choices is not None and len(starts) < n:  # equal rows: keep the smallest choice
        rows = _smallest_in_runs(order, fresh, starts, rows, choices)
    u, gu = v[starts], g[starts]
    if strict.any():
        s = np.flatnonzero(strict)
        new_class = np.ones(len(u), dtype=bool)
        new_class[1:] = (gu[1:] != gu[:-1]) | (u[1:, s] != u[:-1, s]).any(axis=1)
        classes = np.cumsum(new_class)
        dominated = _dominated(u[:, columns], gu, classes)
        rows, counts = rows[~dominated], counts[~dominated]
    return rows, np.minimum(counts, 2).astype(np.int8)


def lexmin_rows(choices: np.ndarray) -> int:
    """Index of the lexicographically smallest row of ``choices``.

    Examples
    --------
    >>> lexmin_rows(np.array([[1, 0], [0, 2], [0, 1]]))
    2
    """
    choices = np.asarray(choices)
    if choices.shape[1] == 0:
        return 0
    return int(np.lexsort(choices.T[::-1])[0])


def _smallest_in_runs(order: np.ndarray, fresh: np.ndarray, starts: np.ndarray,
                      rows: np.ndarray, choices: np.ndarray) -> np.ndarray:
    """For each run of equal rows, the member with the smallest ``choices``."""
    run = np.cumsum(fresh) - 1
    sizes = np.diff(np.append(starts, len(order)))
    members = np.flatnonzero(sizes[run] > 1)  # positions (in sorted order) in long runs
    if not len(members) or choices.shape[1] == 0:
        return rows
    picked = order[members]
    keys = [*choices[picked].T[::-1], run[members]]
    ranked = members[np.lexsort(keys)]
    first = np.ones(len(ranked), dtype=bool)
    first[1:] = run[ranked[1:]] != run[ranked[:-1]]
    rows = rows.copy()
    rows[run[ranked[first]]] = order[ranked[first]]
    return rows


def _dominated(u: np.ndarray, groups: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Rows dominated by an earlier row of the same group and another class.

    ``u`` is sorted by group, then in descending lexicographic order, so any
    row that dominates another comes before it; rows are distinct, and rows of
    one class are contiguous.
    """
    n, d = u.shape
    out = np.zeros(n, dtype=bool)
    if n < 2:
        return out
    one_class_per_row = classes[-1] - classes[0] == n - 1
    if d == 1:  # one strict coordinate: the first of each group beats the others
        out[1:] = groups[1:] == groups[:-1]
        return out
    if d == 2 and one_class_per_row:
        return _dominated_2d(u, groups)
    return _dominated_blocked(u, groups, classes)


def _dominated_2d(u: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sorted by (group, x desc, y desc), distinct: dominated iff an earlier y in the
    group is at least as large (a running maximum of ranks offset by group)."""
    _, y = np.unique(u[:, 1], return_inverse=True)
    _, g = np.unique(groups, return_inverse=True)
    key = g.astype(np.int64) * (int(y.max()) + 2) + y
    best = np.maximum.accumulate(key)
    out = np.zeros(len(u), dtype=bool)
    same = g[1:] == g[:-1]
    out[1:] = same & (best[:-1] >= key[1:])
    return out


def _dominated_blocked(u: np.ndarray, groups: np.ndarray, classes: np.ndarray) -> np.ndarray:
    n = len(u)
    dominated = np.zeros(n, dtype=bool)
    kept = np.zeros(0, dtype=np.int64)
    for start in range(0, n, _BLOCK):
        rows = np.arange(start, min(start + _BLOCK, n))
        if len(kept):
            lo = np.searchsorted(groups[kept], groups[rows[0]], side="left")
            if lo < len(kept):
                cand = kept[lo:]
                cover = _covers(u[cand], u[rows])
                cover &= groups[cand][None, :] == groups[rows][:, None]
                cover &= classes[cand][None, :] != classes[rows][:, None]
                beaten = cover.any(axis=1)
                dominated[rows[beaten]] = True
                rows = rows[~beaten]
        if len(rows) > 1:
            inside = _covers(u[rows], u[rows])
            inside &= groups[rows][None, :] == groups[rows][:, None]
            inside &= classes[rows][None, :] != classes[rows][:, None]
            beaten = np.tril(inside, -1).any(axis=1)
            dominated[rows[beaten]] = True
            rows = rows[~beaten]
        kept = np.concatenate([kept, rows])
    return dominated


def _covers(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``out[i, j]``: whether ``a[j] >= b[i]`` in every coordinate."""
    out = a[None, :, 0] >= b[:, None, 0]
    for k in range(1, a.shape[1]):
        out &= a[None, :, k] >= b[:, None, k]
    return out
