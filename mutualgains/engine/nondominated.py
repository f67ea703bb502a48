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
[1, 0]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

__all__ = ["ParetoSet", "Work", "WorkLimit", "lexmin_rows", "non_dominated", "reduce_partials",
           "thin_costs"]

_BLOCK = 256
_GRID_GROUP = 2048  # a group this large is filtered by a table of suffix maxima ...
_GRID_CELLS = 1 << 24  # ... when the table has at most this many cells
_SEED_GROUP = 1024  # a group this large is first compared with ...
_SEEDS = 64  # ... this many of its best rows


# ----------------------------------------------------------------- counted work


class WorkLimit(Exception):
    """A count-based work limit was reached (never a clock)."""


@dataclass
class Work:
    """Counts the elementary comparisons of the filters against a ``limit``.

    Examples
    --------
    >>> work = Work(limit=10)
    >>> work.spend(4); work.used
    4.0
    """

    limit: float
    used: float = 0.0

    def spend(self, units: float) -> None:
        """Add ``units``; raise :class:`WorkLimit` past the limit."""
        self.used += float(units)
        if self.used > self.limit:
            raise WorkLimit(f"work limit of {self.limit:.3g} comparisons reached")


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
    less ``slack``. Without slack, of equal points the first (in input order)
    is kept; with one, the first in descending lexicographic order. The result
    is in descending lexicographic order.

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
        zeros = np.zeros(n, dtype=np.int64)
        ranks, order, fresh = _ranked(points, zeros)
        starts = np.flatnonzero(fresh)
        dominated = _dominated(ranks[starts], zeros[starts], points.shape[1])
        return order[starts[~dominated]]
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
                    mult: np.ndarray | None = None,
                    work: Work | None = None) -> tuple[np.ndarray, np.ndarray]:
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
    work : Work, optional
        Counts the comparisons (raising :class:`WorkLimit` past its limit).

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
    work = Work(math.inf) if work is None else work
    work.spend(n * (d + 1))
    columns = [*np.flatnonzero(strict), *np.flatnonzero(~strict)]
    ranks, order, fresh = _ranked(values[:, columns], np.asarray(groups))
    starts = np.flatnonzero(fresh)
    counts = np.add.reduceat(np.asarray(mult, dtype=np.int64)[order], starts)
    rows = order[starts]
    if choices is not None and len(starts) < n:  # equal rows: keep the smallest choice
        rows = _smallest_in_runs(order, fresh, starts, rows, choices)
    if strict.any():
        dominated = _dominated(ranks[starts], _group_of(ranks, starts), int(strict.sum()),
                               work)
        rows, counts = rows[~dominated], counts[~dominated]
    return rows, np.minimum(counts, 2).astype(np.int8)


def thin_costs(values: np.ndarray, *, groups: np.ndarray, cost: int, choices: np.ndarray,
               mult: np.ndarray) -> np.ndarray:
    """Of rows equal in every coordinate but ``cost``, the ones a completion may need.

    Rows of one group that are equal except in the ``cost`` column (minus a cost:
    larger is better) are completed by the same packages, and a completion fits
    a prefix of them in order of cost. So only these are needed: the cheapest
    (of equal costs, the smallest ``choices``), the second cheapest (it says
    whether another package reaches the same utilities) unless the cheapest
    already stands for two packages, and every row whose ``choices`` are smaller
    than those of all cheaper rows (it is the smallest package of some prefix).

    Returns the indices of the rows kept, in ascending order.

    Examples
    --------
    >>> values = np.array([[5.0, -1.0], [5.0, -2.0], [5.0, -3.0], [5.0, -4.0]])
    >>> thin_costs(values, groups=np.zeros(4, dtype=int), cost=1,
    ...            choices=np.array([[2], [3], [0], [1]]), mult=np.ones(4, dtype=np.int8)).tolist()
    [0, 1, 2]
    """
    n = len(values)
    if n < 2:
        return np.arange(n)
    others = [k for k in range(values.shape[1]) if k != cost]
    lex = np.zeros(n, dtype=np.int64)
    if choices.shape[1]:
        lex[np.lexsort(np.asarray(choices).T[::-1])] = np.arange(n)
    order = np.lexsort([lex, -values[:, cost], *(values[:, k] for k in others[::-1]),
                        np.asarray(groups)])
    same = np.asarray(groups)[order]
    rest = values[order][:, others]
    fresh = _after(True, (same[1:] != same[:-1]) | (rest[1:] != rest[:-1]).any(axis=1))
    cls = np.cumsum(fresh) - 1
    key = lex[order] - cls * (n + 1)  # a running minimum that starts over in each class
    record = _after(True, key[1:] < np.minimum.accumulate(key)[:-1])
    second = _after(False, ~fresh[1:] & fresh[:-1] & (np.asarray(mult)[order][:-1] < 2))
    return np.sort(order[record | second])


def _after(first: bool, flags: np.ndarray) -> np.ndarray:
    """``first``, then ``flags`` (``np.r_`` is slow on the small tables of a program)."""
    out = np.empty(len(flags) + 1, dtype=bool)
    out[0] = first
    out[1:] = flags
    return out


def _ranked(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense ranks (0 the best value of a column), the sort order, and run starts.

    Returns ``ranks`` (in sorted order, with the group's rank as a last column),
    ``order`` (rows sorted by group, then by ranks, best first) and ``fresh``
    (whether each sorted row differs from the one before).
    """
    n, d = values.shape
    ranks = np.empty((n, d + 1), dtype=np.int64)
    sizes = []
    for k in range(d):
        ranks[:, k], size = _dense_ranks(values[:, k])
        sizes.append(size)
    distinct, ranks[:, d] = np.unique(groups, return_inverse=True)
    if len(distinct) * math.prod(sizes) < 2**62:
        key = ranks[:, d].copy()
        for k in range(d):
            key = key * sizes[k] + ranks[:, k]
        order = np.argsort(key, kind="stable")
        key = key[order]
        fresh = _after(True, key[1:] != key[:-1])
        return ranks[order], order, fresh
    order = np.lexsort([*(ranks[:, k] for k in range(d - 1, -1, -1)), ranks[:, d]])
    ranks = ranks[order]
    fresh = _after(True, (ranks[1:] != ranks[:-1]).any(axis=1))
    return ranks, order, fresh


def _dense_ranks(column: np.ndarray) -> tuple[np.ndarray, int]:
    """Ranks among the distinct values, 0 for the largest; by counting when the values
    are integers in a small range (grid units), else by sorting."""
    n = len(column)
    if n:
        top, low = column.max(), column.min()
        if (np.isfinite(top) and np.isfinite(low) and top - low <= 4 * n + 64
                and np.array_equal(column, np.round(column))):
            offset = (top - column).astype(np.int64)
            present = np.zeros(int(top - low) + 1, dtype=np.int64)
            present[offset] = 1
            dense = np.cumsum(present) - 1
            return dense[offset], int(dense[-1]) + 1
    distinct, inverse = np.unique(column, return_inverse=True)
    return len(distinct) - 1 - inverse, len(distinct)


def _group_of(ranks: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return ranks[starts, -1]


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
    """For each run of equal rows, the member with the smallest ``choices``.

    Column by column, only the members with the run's smallest option stay in
    the race, until each run has one member left.
    """
    run = np.cumsum(fresh) - 1
    sizes = np.diff(np.append(starts, len(order)))
    members = order[sizes[run] > 1]
    member_run = run[sizes[run] > 1]
    if not len(members) or choices.shape[1] == 0:
        return rows
    for column in range(choices.shape[1]):
        values = choices[members, column]
        begins = np.flatnonzero(_after(True, member_run[1:] != member_run[:-1]))
        best = np.minimum.reduceat(values, begins)
        stay = values == np.repeat(best, np.diff(np.append(begins, len(values))))
        members, member_run = members[stay], member_run[stay]
        if not (member_run[1:] == member_run[:-1]).any():
            break
    first = np.ones(len(members), dtype=bool)
    first[1:] = member_run[1:] != member_run[:-1]
    rows = rows.copy()
    rows[member_run[first]] = members[first]
    return rows


def _dominated(ranks: np.ndarray, groups: np.ndarray, n_strict: int,
               work: Work | None = None) -> np.ndarray:
    """Rows dominated by another row of the same group that is better on a strict column.

    ``ranks`` (0 is a column's best value; any extra last column is ignored) are
    sorted by group, then ascending, so a row that dominates another comes
    before it; rows are distinct; the first ``n_strict`` columns are the strict
    ones.
    """
    work = Work(math.inf) if work is None else work
    d = ranks.shape[1] - 1
    u = ranks[:, :d]
    n = len(u)
    out = np.zeros(n, dtype=bool)
    if n < 2 or n_strict == 0:
        return out
    if d == 1:  # one strict coordinate: the first of each group beats the others
        out[1:] = groups[1:] == groups[:-1]
        return out
    if d == 2 and n_strict == 2:
        return _dominated_2d(u, groups)
    starts = np.flatnonzero(_after(True, groups[1:] != groups[:-1]))
    ends = np.append(starts[1:], n)
    small = np.ones(n, dtype=bool)
    for a, b in zip(starts, ends, strict=True):
        if b - a >= _GRID_GROUP:
            found = None
            sizes = u[a:b].max(axis=0) + 2
            cells = math.prod(sorted(sizes.tolist())[:-1])  # the table's, without the value
            if d == 3 and cells > 8 * (b - a):
                found = _dominated_sweep(u[a:b], n_strict, work)  # few rows, many cells
            else:
                found = _dominated_grid(u[a:b], n_strict, work)
            if found is not None:
                out[a:b] = found
                small[a:b] = False
    rest = np.flatnonzero(small)
    if len(rest):
        s = u[rest][:, :n_strict]
        g = groups[rest]
        new_class = _after(True, (g[1:] != g[:-1]) | (s[1:] != s[:-1]).any(axis=1))
        classes = np.cumsum(new_class)
        beaten = (_seeded(-u[rest], g, classes, work) if len(rest) >= _SEED_GROUP
                  else np.zeros(len(rest), dtype=bool))
        left = np.flatnonzero(~beaten)
        beaten[left] = _dominated_blocked(-u[rest][left], g[left], classes[left], work)
        out[rest] = beaten
    return out


def _seeded(u: np.ndarray, groups: np.ndarray, classes: np.ndarray,
            work: Work | None = None) -> np.ndarray:
    """Rows of a large group that one of its few best rows (by the sum of ranks)
    dominates: a cheap first pass. The relation is transitive, so every other
    dominated row is dominated by a row this pass leaves."""
    out = np.zeros(len(u), dtype=bool)
    starts = np.flatnonzero(_after(True, groups[1:] != groups[:-1]))
    ends = np.append(starts[1:], len(u))
    for a, b in zip(starts, ends, strict=True):
        if b - a < _SEED_GROUP:
            continue
        seeds = a + np.argsort(-u[a:b].sum(axis=1), kind="stable")[:_SEEDS]
        if work is not None:
            work.spend((b - a) * len(seeds) * u.shape[1])
        for start in range(a, b, 4 * _BLOCK):
            rows = np.arange(start, min(b, start + 4 * _BLOCK))
            cover = _covers(u[seeds], u[rows])
            cover &= classes[seeds][None, :] != classes[rows][:, None]
            out[rows] = cover.any(axis=1)
    return out


def _dominated_grid(u: np.ndarray, n_strict: int,
                    work: Work | None = None) -> np.ndarray | None:
    """One group, by a table of running minima over the ranks.

    The column with the most distinct ranks is the *value*; over the others,
    ``T[i]`` is the best (smallest) value among rows ranked at most ``i`` in
    every indexed column (a scatter, then a running minimum along each axis).
    A row ``q`` is dominated by a row better on strict column ``k`` exactly when
    ``T`` at ``q`` with ``q_k`` one rank better (or, for the value column,
    compared with the value one rank better) is at least as good as ``q``'s
    value. ``None`` when the table would be too large.
    """
    n, d = u.shape
    sizes = u.max(axis=0) + 1
    value = int(np.argmax(sizes))
    indexed = [k for k in range(d) if k != value]
    shape = tuple(int(sizes[k]) + 1 for k in indexed)  # index 0: nothing that good
    if math.prod(shape) > _GRID_CELLS:
        return None
    if work is not None:
        work.spend(math.prod(shape) * len(shape) + n * d)
    kind = np.int16 if sizes[value] < 2**15 - 1 else np.int32
    table = np.full(shape, np.iinfo(kind).max, dtype=kind)
    np.minimum.at(table, tuple(u[:, k] + 1 for k in indexed), u[:, value].astype(kind))
    table = _running_min(table)
    out = np.zeros(n, dtype=bool)
    for k in range(n_strict):
        if k == value:
            out |= table[tuple(u[:, j] + 1 for j in indexed)] < u[:, value]
        else:
            out |= table[tuple(u[:, j] + (j != k) for j in indexed)] <= u[:, value]
    return out


def _dominated_sweep(u: np.ndarray, n_strict: int, work: Work | None = None) -> np.ndarray:
    """One group in three columns, by a sweep: a row is dominated by a row better on
    strict column ``k`` exactly when some row is at least as good everywhere as the
    row with column ``k`` one rank better; one sweep per strict column."""
    out = np.zeros(len(u), dtype=bool)
    for k in range(n_strict):
        query = u.copy()
        query[:, k] -= 1
        out |= _covered(u, query, work)
    return out


def _covered(points: np.ndarray, queries: np.ndarray, work: Work | None) -> np.ndarray:
    """For each query, whether a point is at most it in all three columns (ranks).

    Queries are taken in order of the column with the most distinct values, a
    block at a time. Points before a block's first query on that column go into
    a running minimum over the second column (best third column so far); points
    between the block's first and last query are compared with it pairwise.
    """
    sizes = points.max(axis=0) + 1
    sweep = int(np.argmax(sizes))
    second, third = [c for c in range(3) if c != sweep]
    order_p = np.argsort(points[:, sweep], kind="stable")
    order_q = np.argsort(queries[:, sweep], kind="stable")
    p, q = points[order_p], queries[order_q]
    width = int(sizes[second]) + 1
    best = np.full(width, np.iinfo(np.int64).max)
    prefix = best.copy()
    added = 0
    hit = np.zeros(len(q), dtype=bool)
    start = 0
    while start < len(q):
        stop = min(start + _BLOCK, len(q))
        low, high = q[start, sweep], q[stop - 1, sweep]
        end = int(np.searchsorted(p[:, sweep], high, side="right"))
        first = int(np.searchsorted(p[:, sweep], low, side="right"))
        if end - first > 4 * _BLOCK:  # a plateau: take only the queries at ``low``
            stop = int(np.searchsorted(q[:, sweep], low, side="right"))
            end = first
        if first > added:
            np.minimum.at(best, p[added:first, second], p[added:first, third])
            prefix = np.minimum.accumulate(best)
            added = first
        block = q[start:stop]
        if work is not None:
            work.spend(width + len(block) * (end - added) * 3)
        usable = block[:, second] >= 0
        found = np.zeros(len(block), dtype=bool)
        found[usable] = prefix[block[usable, second]] <= block[usable, third]
        if end > added:
            cand = p[added:end]
            found |= ((cand[None, :, sweep] <= block[:, None, sweep])
                      & (cand[None, :, second] <= block[:, None, second])
                      & (cand[None, :, third] <= block[:, None, third])).any(axis=1)
        hit[start:stop] = found
        start = stop
    out = np.zeros(len(q), dtype=bool)
    out[order_q] = hit
    return out


def _running_min(table: np.ndarray) -> np.ndarray:
    """Running minimum along every axis, slab by slab on the leading axis, rotating the
    axes in between (numpy's ``accumulate`` off the last axis is slow)."""
    if table.ndim == 1:
        return np.minimum.accumulate(table)
    for _ in range(table.ndim):
        for i in range(1, table.shape[0]):
            np.minimum(table[i - 1], table[i], out=table[i])
        table = np.ascontiguousarray(np.moveaxis(table, 0, -1))
    return table


def _dominated_2d(u: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sorted by (group, x, y) ascending ranks, distinct: dominated iff an earlier y
    of the group is at least as good (a running minimum, later groups offset down)."""
    key = u[:, 1] - groups * (int(u[:, 1].max()) + 2)
    best = np.minimum.accumulate(key)
    out = np.zeros(len(u), dtype=bool)
    out[1:] = (groups[1:] == groups[:-1]) & (best[:-1] <= key[1:])
    return out


def _dominated_blocked(u: np.ndarray, groups: np.ndarray, classes: np.ndarray,
                       work: Work | None = None) -> np.ndarray:
    """Larger ``u`` is better here; rows compared in blocks with the rows kept so far."""
    n = len(u)
    dominated = np.zeros(n, dtype=bool)
    kept = np.zeros(0, dtype=np.int64)
    for start in range(0, n, _BLOCK):
        rows = np.arange(start, min(start + _BLOCK, n))
        if len(kept):
            lo = np.searchsorted(groups[kept], groups[rows[0]], side="left")
            if lo < len(kept):
                cand = kept[lo:]
                if work is not None:
                    work.spend(len(rows) * len(cand) * u.shape[1])
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
