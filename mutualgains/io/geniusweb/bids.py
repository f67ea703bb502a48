"""Finding a package of a given additive utility: the reservation bid a GeniusWeb profile needs.

GeniusWeb has no reservation *value*: a profile names a reservation *bid*, and the BATNA
is its utility. To write a BATNA, the writer looks for a package whose utility equals it
(or, when ``lossy``, the least package at least as good, which keeps the same packages
acceptable). :func:`least_at_least` does this exactly by meet in the middle: the sums of
the last issues are enumerated and sorted (at most :data:`TABLE_LIMIT` of them), the
first issues are searched depth first with bounds, and each leaf looks its best
completion up by binary search. The search visits at most :data:`NODE_LIMIT` nodes;
beyond, it reports the best package found and says it is not proven least.

Ties are broken by package order (issues in order, options in order): the same input
gives the same package.

Examples
--------
>>> found = least_at_least([[0.0, 0.3, 0.5], [0.0, 0.2]], 0.45, 1e-12)
>>> found.choice, found.utility, found.proven
((1, 1), 0.5, True)
>>> least_at_least([[0.0, 0.3, 0.5], [0.0, 0.2]], 0.3, 1e-12).exact
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["NODE_LIMIT", "TABLE_LIMIT", "Found", "least_at_least"]

TABLE_LIMIT = 1 << 16
"""Most sums of the last issues held in the sorted table."""

NODE_LIMIT = 1_000_000
"""Most nodes of the depth-first search over the first issues."""


@dataclass(frozen=True)
class Found:
    """A package (option position per issue), its utility (summed in issue order), whether it
    equals the target within the tolerance, and whether it is proven the least one at least
    the target.

    Examples
    --------
    >>> least_at_least([[0.0, 1.0]], 1.0, 1e-12)
    Found(choice=(1,), utility=1.0, exact=True, proven=True)
    """

    choice: tuple[int, ...]
    utility: float
    exact: bool
    proven: bool


def least_at_least(scores: Sequence[Sequence[float]], target: float, tol: float, *,
                   node_limit: int = NODE_LIMIT) -> Found | None:
    """The package of least utility at least ``target - tol``; None if there is none.

    ``scores[i][k]`` is the score of option ``k`` of issue ``i``; a package's utility is
    the sum of its options' scores.

    Examples
    --------
    >>> least_at_least([[1.0, 2.0]], 5.0, 1e-9) is None
    True
    >>> least_at_least([[1.0, 2.0], [0.0, 4.0]], 3.5, 1e-9)
    Found(choice=(0, 1), utility=5.0, exact=False, proven=True)
    """
    arrays = [np.asarray(s, dtype=float) for s in scores]
    if not arrays or sum(a.max() for a in arrays) < target - tol:
        return None
    split, size = len(arrays), 1
    while split > 0 and size * len(arrays[split - 1]) <= TABLE_LIMIT:
        split -= 1
        size *= len(arrays[split])
    if split == len(arrays):  # one issue is larger than the table: it becomes the table
        split -= 1
    sums = np.zeros(1)
    for a in arrays[split:]:
        sums = (sums[:, None] + a[None, :]).ravel()
    order = np.argsort(sums, kind="stable")
    table = sums[order]
    shape = [len(a) for a in arrays[split:]]
    prefix = arrays[:split]
    rest_min = np.concatenate([np.cumsum([a.min() for a in prefix][::-1])[::-1], [0.0]])
    rest_max = np.concatenate([np.cumsum([a.max() for a in prefix][::-1])[::-1], [0.0]])
    floor = target - tol
    best: list = [math.inf, None]  # utility, choice
    choice = [0] * split
    nodes = 0
    complete, stop = True, False

    def leaf(partial: float) -> None:
        k = int(np.searchsorted(table, floor - partial, side="left"))
        while k < len(table) and partial + table[k] < floor:
            k += 1
        if k < len(table) and partial + table[k] < best[0]:
            tail = np.unravel_index(int(order[k]), shape)
            best[0], best[1] = partial + table[k], (*choice, *(int(t) for t in tail))

    def enter(depth: int, partial: float) -> bool:
        """Whether to search below this node (False: pruned, a leaf, or stopping)."""
        nonlocal nodes, complete, stop
        nodes += 1
        if nodes > node_limit:
            complete, stop = False, True
            return False
        if partial + rest_max[depth] + table[-1] < floor:
            return False
        if max(partial + rest_min[depth] + table[0], floor) >= best[0]:
            return False
        if depth == split:
            leaf(partial)
            stop = best[0] <= target + tol  # an exact package: nothing better is needed
            return False
        return True

    # depth-first over the first issues, options in order, without recursion
    partials = [0.0] * (split + 1)
    position = [0] * (split + 1)
    depth = 0 if enter(0, 0.0) else -1
    while depth >= 0 and not stop:
        if position[depth] == len(prefix[depth]):
            depth -= 1
            if depth >= 0:
                position[depth] += 1
            continue
        k = position[depth]
        choice[depth] = k
        below = partials[depth] + float(prefix[depth][k])
        if enter(depth + 1, below):
            depth += 1
            partials[depth], position[depth] = below, 0
        else:
            position[depth] += 1

    if best[1] is None:
        return None
    picked = tuple(best[1])
    utility = sum(float(scores[i][k]) for i, k in enumerate(picked))
    return Found(picked, utility, abs(utility - target) <= tol,
                 complete or abs(utility - target) <= tol)
