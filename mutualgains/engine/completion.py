"""Bounds on how partial packages can be completed by independent parts still to come.

When the dynamic program of :mod:`~mutualgains.engine.treedp` has finished the
parts of a case that do not interact (connected parts of the interaction
graph, or single issues in a case without relations), it merges their tables
one at a time, as the Nemhauser-Ullmann merge does with items. Each part still
to merge is then a choice of one *row* of its table: a vector of coordinates
(utilities, minus the cost when a total budget binds). This module gives, for
the parts from some position on:

- an **upper bound** on what any completion adds to each coordinate within a
  row's remaining budget: the linear relaxation of the multiple-choice
  knapsack, read off the upper concave hull of each part's (cost, value)
  points (Sinha & Zoltners, 1979), or each part's best value when no budget
  binds;
- **completions** that are sure to fit: for a few directions, each part at the
  hull vertex that a greedy fill by slope reaches with whole segments.

Together they give the bound dominance of Bazgan, Hugot & Vanderpooten (2009):
a partial package whose upper bound is strictly dominated by a known complete
package cannot lead to a non-dominated one.

Examples
--------
>>> import numpy as np
>>> parts = [np.array([[0.0, -0.0], [6.0, -3.0]]),   # each row: (value, minus cost)
...          np.array([[0.0, -0.0], [4.0, -4.0]])]
>>> bounds = CompletionBounds(parts, values=1, budget=True)
>>> bounds.upper(np.array([[0.0, -1.0]]), start=0, room=np.array([5.0])).tolist()
[[8.0]]
"""

from __future__ import annotations

import copy
import itertools

import numpy as np

__all__ = ["CompletionBounds"]


_Suffix = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class _Direction:
    """The hull segments of every part for one weighting of the value coordinates,
    sorted by slope (steepest first), with each part's starting vertex."""

    def __init__(self, parts: list[np.ndarray], weights: np.ndarray, budget: bool):
        self.weights = weights
        d = parts[0].shape[1]
        starts, seg_part, seg_cost, seg_gain, seg_vec = [], [], [], [], []
        for k, rows in enumerate(parts):
            cost = -rows[:, -1] if budget else np.zeros(len(rows))
            gain = rows @ weights
            vertices = _upper_hull(cost, gain)
            starts.append(rows[vertices[0]])
            for a, b in itertools.pairwise(vertices):
                seg_part.append(k)
                seg_cost.append(cost[b] - cost[a])
                seg_gain.append(gain[b] - gain[a])
                seg_vec.append(rows[b] - rows[a])
        self.start = np.array(starts).reshape(len(parts), d)
        # suffix sums of the starting vertices: the completion with every part at its start
        self.start_from = _suffix_sums(self.start)
        part = np.array(seg_part, dtype=np.int64)
        cost = np.array(seg_cost, dtype=float)
        gain = np.array(seg_gain, dtype=float)
        slope = gain / np.where(cost > 0, cost, 1.0)
        # a part's slopes never increase along its hull (guard against rounding)
        for k in np.unique(part):
            at = np.flatnonzero(part == k)
            slope[at] = np.minimum.accumulate(slope[at])
        order = np.lexsort((np.arange(len(part)), part, -slope))
        self.part, self.cost, self.gain = part[order], cost[order], gain[order]
        self.slope, self.seq = slope[order], order  # seq: the order along each hull
        self._last: tuple[int, _Suffix] | None = None
        self.vec = np.array(seg_vec, dtype=float).reshape(len(part), d)[order]

    def relabel(self, position: np.ndarray) -> _Direction:
        """The same hulls with part ``k`` moved to ``position[k]`` (another merge order)."""
        new = copy.copy(self)
        new._last = None
        part = position[self.part]
        order = np.lexsort((self.seq, part, -self.slope))
        new.part, new.cost, new.gain = part[order], self.cost[order], self.gain[order]
        new.slope, new.seq, new.vec = self.slope[order], self.seq[order], self.vec[order]
        new.start = self.start[np.argsort(position)]
        new.start_from = _suffix_sums(new.start)
        return new

    def suffix(self, start: int) -> _Suffix:
        """Segments of the parts from ``start`` on: cumulative cost, gain and vector
        (each with a leading zero row), and their slopes."""
        if self._last is not None and self._last[0] == start:  # merges ask in turn
            return self._last[1]
        keep = self.part >= start
        cost, gain, vec = self.cost[keep], self.gain[keep], self.vec[keep]
        found: _Suffix = (np.concatenate(([0.0], np.cumsum(cost))),
                          np.concatenate(([0.0], np.cumsum(gain))),
                          np.vstack([np.zeros((1, vec.shape[1])), np.cumsum(vec, axis=0)]),
                          self.slope[keep])
        self._last = (start, found)
        return found


def _suffix_sums(rows: np.ndarray) -> np.ndarray:
    """Row ``k``: the sum of ``rows[k:]`` (a last row of zeros for the empty suffix)."""
    return np.vstack([np.cumsum(rows[::-1], axis=0)[::-1], np.zeros((1, rows.shape[1]))])


def _relaxation(cum_cost: np.ndarray, cum_gain: np.ndarray, slope: np.ndarray,
                left: np.ndarray) -> np.ndarray:
    """Whole segments while they fit, then the fraction of the next that does."""
    whole = np.searchsorted(cum_cost, left, side="right") - 1
    gained = cum_gain[whole]
    part = whole < len(slope)
    gained[part] += slope[whole[part]] * (left[part] - cum_cost[whole[part]])
    return gained


def _upper_hull(cost: np.ndarray, gain: np.ndarray) -> list[int]:
    """Vertices of the rising upper concave hull of the points (cost, gain), from the
    cheapest point (the best of the cheapest) to the point of the highest gain."""
    order = np.lexsort((np.arange(len(cost)), -gain, cost))
    hull: list[int] = []
    for i in order.tolist():
        if hull and gain[i] <= gain[hull[-1]]:
            continue  # costs more and gains no more than a vertex already taken
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            # drop b when it lies on or below the segment from a to i
            if ((gain[b] - gain[a]) * (cost[i] - cost[a])
                    <= (gain[i] - gain[a]) * (cost[b] - cost[a])):
                hull.pop()
            else:
                break
        if hull and cost[i] == cost[hull[-1]]:
            continue
        hull.append(i)
    return hull


class CompletionBounds:
    """Upper bounds and sure completions for the parts still to merge.

    Parameters
    ----------
    parts : list of ndarray, each of shape (rows, d)
        Each part's rows, larger is better in every coordinate; when ``budget``
        the last coordinate is minus the cost.
    values : int
        The first ``values`` coordinates are bounded (the utilities the set is
        about).
    budget : bool
        Whether the last coordinate is minus the cost, limited by the rooms
        passed to the methods.
    mixes : list of ndarray, optional
        Weightings of the value coordinates (none negative) to bound and fill
        along, besides each coordinate alone. Default: their plain sum.
    integral : bool
        Whether every cost is a whole number (so a completion's cost is too, and
        a room can be rounded down).

    Examples
    --------
    >>> parts = [np.array([[1.0, 0.0], [0.0, 3.0]])]
    >>> CompletionBounds(parts, values=2, budget=False).upper(
    ...     np.zeros((1, 2)), start=0, room=np.zeros(1)).tolist()
    [[1.0, 3.0]]
    """

    def __init__(self, parts: list[np.ndarray], *, values: int, budget: bool,
                 mixes: list[np.ndarray] | None = None, integral: bool = False):
        self.n_parts, self.values, self.budget = len(parts), values, budget
        self.integral = integral
        d = parts[0].shape[1] if parts else values
        self.weights = []
        for k in range(values):
            weights = np.zeros(d)
            weights[k] = 1.0
            self.weights.append(weights)
        for mix in [np.ones(values)] if mixes is None else mixes:
            if len(mix) != values or (np.asarray(mix) < 0).any():
                raise ValueError(f"a mix needs {values} weights, none negative: {mix!r}")
            mix = np.asarray(mix, dtype=float)
            self.weights.append(np.concatenate([mix, np.zeros(d - values)]))
        self.directions = [_Direction(parts, w, budget) if parts else None
                           for w in self.weights]
        self.axes = self.directions[:values]

    def reordered(self, order: list[int]) -> CompletionBounds:
        """The bounds for the parts taken in ``order`` (``order[j]`` is the part that
        comes ``j``-th), without computing their hulls again.

        Examples
        --------
        >>> parts = [np.array([[0.0, 0.0], [1.0, -1.0]]), np.array([[0.0, 0.0], [5.0, -1.0]])]
        >>> bounds = CompletionBounds(parts, values=1, budget=True)
        >>> swapped = bounds.reordered([1, 0])
        >>> swapped.upper(np.zeros((1, 2)), start=1, room=np.array([1.0])).tolist()
        [[1.0]]
        """
        position = np.empty(self.n_parts, dtype=np.int64)
        position[np.asarray(order, dtype=np.int64)] = np.arange(self.n_parts)
        new = copy.copy(self)
        new.directions = [None if d is None else d.relabel(position) for d in self.directions]
        new.axes = new.directions[:self.values]
        return new

    def merge_order(self) -> list[int]:
        """An order in which to merge the parts: the parts that no value coordinate
        rates highly first, the most efficient last (so the bounds are tight when
        the tables are largest); ties by position. Without a budget, the given order.

        A part's rank on a value coordinate is that of its steepest hull segment
        (value per unit of cost) among the parts; a part is placed by its best rank.
        """
        if not self.budget or not self.n_parts:
            return list(range(self.n_parts))
        ranks = []
        for axis in self.axes:
            assert axis is not None
            steepest = np.full(self.n_parts, -np.inf)
            np.maximum.at(steepest, axis.part, axis.slope)
            order = np.lexsort((np.arange(self.n_parts), -steepest))
            rank = np.empty(self.n_parts, dtype=np.int64)
            rank[order] = np.arange(self.n_parts)
            ranks.append(rank)
        best = np.min(ranks, axis=0)
        return np.lexsort((np.arange(self.n_parts), -best)).tolist()

    def upper(self, vec: np.ndarray, *, start: int, room: np.ndarray) -> np.ndarray:
        """The most each of the first ``values`` coordinates of ``vec`` can reach once
        the parts from ``start`` on are added, within ``room`` of budget each.

        Returns an array of shape (rows, values).
        """
        return self.weighted_upper(vec, start=start, room=room)[:, :self.values]

    def weighted_upper(self, vec: np.ndarray, *, start: int, room: np.ndarray) -> np.ndarray:
        """For each direction (an axis per value coordinate, then each mix), the most
        its weighted sum of ``vec`` plus a completion can reach.

        Returns an array of shape (rows, values + mixes).
        """
        out = np.zeros((len(vec), len(self.directions)))
        for k, direction in enumerate(self.directions):
            if direction is None:
                out[:, k] = vec[:, :self.values] @ self.weights[k][:self.values]
                continue
            out[:, k] = vec @ direction.weights
            if start >= self.n_parts:
                continue
            cum_cost, cum_gain, _, slope = direction.suffix(start)
            base = direction.start_from[start]
            out[:, k] += base @ direction.weights
            if not self.budget or len(slope) == 0:
                out[:, k] += cum_gain[-1]
                continue
            left = np.maximum(room + base[-1], 0.0)  # after every part's start
            out[:, k] += self._fill(cum_cost, cum_gain, slope, left)
        return out

    def _fill(self, cum_cost: np.ndarray, cum_gain: np.ndarray, slope: np.ndarray,
              left: np.ndarray) -> np.ndarray:
        """The linear relaxation's gain within ``left`` of budget: whole segments in
        order of slope, then part of the next. With whole costs, the room is
        rounded down (no completion can use the fraction) and, when the rooms are
        few, the gain is read from a table of every whole room."""
        if not self.integral:
            return _relaxation(cum_cost, cum_gain, slope, left)
        left = np.floor(left)
        top = int(left.max()) if len(left) else 0
        if top > max(4 * len(left), 1 << 12):
            return _relaxation(cum_cost, cum_gain, slope, left)
        table = _relaxation(cum_cost, cum_gain, slope, np.arange(top + 1, dtype=float))
        return table[left.astype(np.int64)]

    def completions(self, vec: np.ndarray, *, start: int, room: np.ndarray) -> np.ndarray:
        """Complete vectors: each row of ``vec`` with every part from ``start`` on at the
        vertex a greedy fill reaches, for each direction (an axis per value
        coordinate, then each mix). Rows whose start does not fit are left out.

        Returns an array of shape (k, d), k at most ``rows x (values + mixes)``.
        """
        if start >= self.n_parts:
            return np.array(vec[room >= 0] if self.budget else vec, dtype=float)
        found = []
        for direction in self.directions:
            assert direction is not None
            cum_cost, _, cum_vec, _ = direction.suffix(start)
            base = direction.start_from[start]
            if not self.budget:
                found.append(vec + base + cum_vec[-1])
                continue
            left = room + base[-1]
            fits = left >= 0
            whole = np.searchsorted(cum_cost, left[fits], side="right") - 1
            found.append(vec[fits] + base + cum_vec[whole])
        return np.vstack(found)
