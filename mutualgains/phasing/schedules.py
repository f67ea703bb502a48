"""List schedules: serial schedules by value density and by the relaxation's alpha-points, for the
MIP start and the fallback."""

from __future__ import annotations

import heapq
import math
import time
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from mutualgains.tolerance import TOLERANCE

if TYPE_CHECKING:  # pragma: no cover
    pass
from mutualgains.phasing.instance import MAX_ALPHAS, RANDOM_ALPHAS, SEED, Instance
from mutualgains.phasing.windows import Windows, carried_balance, money_tolerance

__all__ = ["greedy_schedule", "schedule_value"]


# ------------------------------------------------------------------ greedy


def schedule_value(inst: Instance, starts: list[int | None]) -> float:
    """The discounted weighted value a schedule realises (``None``: deferred).

    Examples
    --------
    >>> import mutualgains as mg
    >>> from mutualgains.phasing.instance import build_instance, package_choice, phasing_settings
    >>> case = mg.load_example("regional")
    >>> choice = package_choice(case, mg.solve(case).package)
    >>> inst = build_instance(case, choice, phasing_settings(case, None, None, None, None))
    >>> schedule_value(inst, [None] * inst.n)
    0.0
    """
    return float(sum(inst.weighted[p] * inst.delta ** (s + inst.durations[p] - 1)
                     for p, s in enumerate(starts) if s is not None))


def _meets(inst: Instance, starts: list[int | None], first_gain_by: dict[str, int],
           value_by: tuple[int, float] | None, complete: bool) -> bool:
    if complete and any(s is None for s in starts):
        return False
    instant = inst.instant_vector
    finish = [None if s is None else s + inst.durations[p] for p, s in enumerate(starts)]
    for party, k in first_gain_by.items():
        q = inst.parties.index(party)
        if instant[q] <= TOLERANCE and not any(
                f is not None and f <= k and inst.values[p, q] > TOLERANCE
                for p, f in enumerate(finish)):
            return False
    if value_by is not None:
        k, w = value_by
        got = float(inst.weights @ instant) + sum(
            float(inst.weighted[p]) for p, f in enumerate(finish) if f is not None and f <= k)
        if got < w - TOLERANCE * max(1.0, abs(w)):
            return False
    return True


def greedy_schedule(inst: Instance, win: Windows, first_gain_by: dict[str, int],
            value_by: tuple[int, float] | None, complete: bool,
            fractions: list[np.ndarray] | None = None, seconds: float | None = None,
            enough: float | None = None) -> list[int | None] | None:
    """The best of a number of serial list schedules that meets the requirements, or None.

    Projects are taken in a precedence-respecting order of priority and each is
    started at its earliest start that leaves the budget (with carry-over)
    feasible in every period; projects of no positive value that precede no
    scheduled project are dropped again (unless ``complete``). The priorities:
    value per unit of cost (own, or of the most valuable project it enables),
    value, earliest possible start, and, given the linear relaxation's
    solution (``fractions``: how much of each project has started by each
    possible start), its alpha-points: the period by which a share alpha of the
    project has started, for alpha = 0.1, 0.3, ..., 0.9 and for alphas drawn at
    random per project (a fixed seed), or of the best so far with a few drawn
    anew: at least ``RANDOM_ALPHAS`` draws, and more (up to 50 per project)
    while ``seconds`` last and the best value is below ``enough``.

    Examples
    --------
    >>> import mutualgains as mg
    >>> from mutualgains.phasing.instance import build_instance, package_choice, phasing_settings
    >>> case = mg.load_example("regional")
    >>> choice = package_choice(case, mg.solve(case).package)
    >>> inst = build_instance(case, choice, phasing_settings(case, None, None, None, None))
    >>> from mutualgains.phasing.windows import compute_windows
    >>> starts = greedy_schedule(inst, compute_windows(inst, False), {}, None, False)
    >>> starts[:5], round(schedule_value(inst, starts), 1)
    ([0, 0, 0, 0, 1], 269.0)
    """
    n = inst.n
    if n == 0:
        return []
    lister = _ListScheduler(inst, win, complete)
    cost = np.array([c.sum() for c in inst.costs])
    discounted = inst.weighted * inst.delta ** (inst.durations - 1)
    density = discounted / (cost + 1e-9 * (1.0 + cost.max(initial=0.0)))
    pulled = density.copy()  # a project is as urgent as the most urgent project after it
    for p in reversed(lister.order(np.arange(n))):
        for q in lister.succs[p]:
            pulled[p] = max(pulled[p], pulled[q])
    urgent = np.zeros(n)
    if first_gain_by:  # the soonest (then cheapest) gain of each party first, with its ancestors
        graph = nx.DiGraph(inst.edges)
        for party in first_gain_by:
            q = inst.parties.index(party)
            options = [p for p in range(n) if inst.values[p, q] > TOLERANCE and len(win.starts[p])]
            if options:
                best = min(options, key=lambda p: (win.starts[p][0] + inst.durations[p], cost[p]))
                urgent[best] = 1.0
                for a in (nx.ancestors(graph, best) if best in graph else ()):
                    urgent[a] = 1.0
    earliest = np.array([s[0] if len(s) else inst.periods for s in win.starts], dtype=float)
    found: dict[str, Any] = {"starts": None, "value": -math.inf, "alpha": None}

    def attempt(key: np.ndarray) -> bool:
        starts = lister.run(lister.order(np.lexsort((key, -urgent))))
        if starts is None or not _meets(inst, starts, first_gain_by, value_by, complete):
            return False
        value = schedule_value(inst, starts)
        if value > found["value"] + 1e-12:
            found["starts"], found["value"] = starts, value
            return True
        return False

    for key in (-pulled, -density, -discounted, earliest):
        attempt(key)
    if fractions is None:
        return found["starts"]
    scale = 1e-9 / (1.0 + np.abs(inst.weighted).max(initial=0.0))
    rng = np.random.default_rng(SEED)
    deadline = None if seconds is None else time.perf_counter() + seconds
    for k in range(min(MAX_ALPHAS, 50 * n)):
        if k >= 5 + RANDOM_ALPHAS and (
                deadline is None or time.perf_counter() > deadline
                or (enough is not None and found["value"] >= enough)):
            break
        if k < 5:
            alpha = np.full(n, (0.1, 0.3, 0.5, 0.7, 0.9)[k])
        elif k % 2 or found["alpha"] is None:
            alpha = rng.uniform(0.05, 0.95, n)
        else:  # a few projects' alphas of the best so far drawn anew
            alpha = found["alpha"].copy()
            moved = rng.choice(n, size=max(1, n // 20), replace=False)
            alpha[moved] = rng.uniform(0.05, 0.95, len(moved))
        point = np.full(n, 2.0 * inst.periods)
        for p in range(n):
            y = fractions[p]
            if len(y):
                j = int(np.searchsorted(y, alpha[p] - 1e-9))  # y is non-decreasing
                # started by less than alpha within the horizon: after it, most started first
                point[p] = win.starts[p][j] if j < len(y) else inst.periods + 1.0 - y[-1]
        if attempt(point - scale * inst.weighted):  # ties: most valuable first
            found["alpha"] = alpha
        if k < 5:
            attempt(point - 1e-9 * density / (1.0 + np.abs(density).max(initial=0.0)))
    return found["starts"]


class _ListScheduler:
    """Serial list scheduling: each project, in order, at its earliest start that fits."""

    def __init__(self, inst: Instance, win: Windows, complete: bool):
        self.inst, self.win, self.complete = inst, win, complete
        self.preds: list[list[int]] = [[] for _ in range(inst.n)]
        self.succs: list[list[int]] = [[] for _ in range(inst.n)]
        for p, q in inst.edges:
            self.preds[q].append(p)
            self.succs[p].append(q)
        self.free = carried_balance(inst, np.zeros(inst.periods))
        self.tol = money_tolerance(inst)

    def order(self, by: np.ndarray) -> list[int]:
        """A precedence-respecting order, taking the first available project in ``by``."""
        rank = np.empty(self.inst.n, dtype=int)
        rank[np.asarray(by)] = np.arange(self.inst.n)
        waiting = [len(ps) for ps in self.preds]
        ready = [(rank[p], p) for p in range(self.inst.n) if waiting[p] == 0]
        heapq.heapify(ready)
        out = []
        while ready:
            _, p = heapq.heappop(ready)
            out.append(p)
            for q in self.succs[p]:
                waiting[q] -= 1
                if waiting[q] == 0:
                    heapq.heappush(ready, (rank[q], q))
        return out

    def run(self, order: list[int]) -> list[int | None] | None:
        inst, win = self.inst, self.win
        balance = self.free.copy()  # money left per period, all unspent money carried
        starts: list[int | None] = [None] * inst.n
        for p in order:
            earliest = 0
            blocked = len(win.starts[p]) == 0
            for q in self.preds[p]:
                start = starts[q]
                if start is None:
                    blocked = True
                    break
                earliest = max(earliest, start + int(inst.durations[q]))
            if not blocked:
                candidates = win.starts[p][win.starts[p] >= earliest]
                if len(candidates):
                    fits = ((balance[None, :] - win.reach[p][candidates]) >= -self.tol).all(axis=1)
                    if fits.any():
                        s = int(candidates[np.argmax(fits)])
                        starts[p] = s
                        balance -= win.reach[p][s]
                        continue
            if self.complete:
                return None
        if not self.complete:  # drop projects that add no value and precede nothing scheduled
            for p in reversed(order):
                if starts[p] is not None and inst.weighted[p] <= TOLERANCE and not any(
                        starts[q] is not None for q in self.succs[p]):
                    starts[p] = None
        return starts
