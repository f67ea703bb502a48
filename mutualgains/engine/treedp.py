"""Exact non-dominated sets by dynamic programming over a tree decomposition.

The method is bucket (variable) elimination over a tree decomposition of the
issues' interaction graph (Bertelè & Brioschi, 1972; Dechter, 1999) with sets
of non-dominated vectors in place of single values: multi-objective bucket
elimination (Rollón & Larrosa, 2006). When no issues interact it is exactly the
Nemhauser-Ullmann merge of multi-objective knapsacks (Nemhauser & Ullmann,
1969; Klamroth & Wiecek, 2000): every issue's options are merged into the
packages kept so far, one issue at a time, and only the non-dominated partial
packages are kept.

A *factor* is a table over a few issues: each issue's scores and costs, each
pair of issues that a ``requires`` or ``excludes`` links (the allowed option
pairs), each synergy (its bonus where its condition holds). Issues are
eliminated in the order of :func:`~mutualgains.engine.interaction.decompose`;
eliminating an issue combines the tables that mention it and keeps, for each
assignment of the issues they still share with the rest, only the partial
vectors no other dominates. The coordinates of a vector are:

- the utility of each party whose utility the set is about;
- the utility of each other party that may fail to accept (only whether it
  reaches its threshold matters, so it is capped there: once a partial
  package is sure to reach the threshold, more makes no difference);
- minus the cost, when the case has a total budget that can bind (once every
  completion fits the budget, less cost makes no difference either).

Caps are applied the same way (a partial utility that is sure to reach its
party's cap counts as the cap), which is exact because a cap is monotone. A
partial vector is dropped when even the best completion (each remaining
factor at its best for each coordinate) cannot pass the decision rule or fit
the budget. Equal partial vectors are merged, keeping the lexicographically
smallest option choice and counting the packages they stand for (up to 2); a
partial vector is dropped for another only when the other is at least as good
everywhere and better for a party whose utility is in the set and has no cap,
so that the result carries, for every non-dominated utility vector, the
lexicographically smallest package that reaches it and whether another does:
the tie rule and the ties of the frontier come from it at no extra cost.

Parts of the case that share no issue (the connected parts of the interaction
graph; single issues when nothing interacts) are finished first and then merged
one at a time, as items are in the Nemhauser-Ullmann merge, least efficient
first. While merging, for a set over one or two parties, a partial package is
dropped when a known complete package strictly dominates every completion it
can have: *bound dominance*
(Bazgan, Hugot & Vanderpooten, 2009), with the bounds of
:mod:`~mutualgains.engine.completion` (each party's linear relaxation of the
parts still to merge, within the budget left, and for two parties a fan of
weighted cuts) and known packages from greedy completions. The test runs on
the sums of a merge's pairs before their options are written down. Of partial
packages equal in all but cost, only the cheapest two and those with the
smallest choices of some cheaper prefix are kept
(:func:`~mutualgains.engine.nondominated.thin_costs`): a completion fits a
prefix of them in order of cost.

Utilities are counted in the steps of each party's grid
(:func:`~mutualgains.engine.grid.unit_scales`) when there is one, so every sum
and comparison is exact; otherwise in floats. Costs likewise, on a grid of
their own.

Work is bounded by counts, never by the clock: when a table would keep more
than ``max_rows`` rows, one step would build more than ``max_build``, or the
filters would make more than ``max_work`` elementary comparisons in all,
:func:`tree_dp` returns ``None`` (the same case always stops at the same place).

Examples
--------
>>> from mutualgains import Case, Issue, Party
>>> from mutualgains.model.relations import Requires
>>> case = Case([Party("A", batna=1), Party("B", batna=1)],
...             [Issue("tunnel", ["out", "in"]), Issue("permit", ["no", "yes"])],
...             {"A": {"tunnel": [0, 5], "permit": [1, 0]},
...              "B": {"tunnel": [4, 0], "permit": [0, 2]}},
...             requires=[Requires({"tunnel": "in"}, {"permit": "yes"})])
>>> found = tree_dp(case)  # (in, no) is ruled out, (out, yes) leaves A below its BATNA
>>> found.utilities.tolist(), found.choices.tolist()
([[5.0, 2.0], [1.0, 4.0]], [[1, 1], [0, 0]])
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mutualgains.engine.completion import CompletionBounds
from mutualgains.engine.grid import unit_scales
from mutualgains.engine.interaction import Decomposition, decompose
from mutualgains.engine.nondominated import (
    ParetoSet,
    Work,
    WorkLimit,
    non_dominated,
    pareto_set,
    reduce_partials,
    thin_costs,
)
from mutualgains.model import Case
from mutualgains.tolerance import TOLERANCE

__all__ = ["MAX_BUILD", "MAX_ROWS", "MAX_WORK", "budget_binds", "budget_slack", "dimensions",
           "set_keys", "tree_dp"]

MAX_ROWS = 400_000
"""Rows one table of the program may keep before :func:`tree_dp` gives up."""

MAX_BUILD = 3_000_000
"""Rows one combination step may build before :func:`tree_dp` gives up."""

MAX_WORK = 4e9
"""Elementary comparisons the filters of one run may make before :func:`tree_dp` gives up."""

_MARGIN = 1e-9  # relative slack on "cannot pass": float sums must never prune a package
_PRUNE_FROM = 64  # bound dominance is tried on merged tables with more rows than this
_KNOWN = 4096  # complete packages kept to prune by (their non-dominated values)
_REDUCE_FROM = 256  # a bucket's tables up to this size are combined before they are reduced
_THIN_FROM = 64  # tables this small are not thinned (keeping rows is always exact)
_PAIRS = 10  # with bound dominance, a join may pair this many times ``max_build`` rows ...
_CHUNK = 1 << 21  # ... this many pairs at a time
_BLOCK = 256
_FAN = (0.2, 0.35, 0.5, 0.65, 0.8)  # two parties: slopes of the extra cuts of a bound region


def budget_binds(case: Case) -> bool:
    """Whether the case's total budget can exclude a package.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> budget_binds(load_example("harbour"))
    False
    """
    if case.total_budget is None or not case.cost_vector.any():
        return False
    offs = case.option_offsets
    most = sum(float(case.cost_vector[offs[k]:offs[k + 1]].max())
               for k in range(len(case.issues)))
    return most > float(case.total_budget) + budget_slack(case)


def dimensions(case: Case, parties: tuple[int, ...]) -> int:
    """The coordinates of the program's vectors: the parties of the set, the other
    parties that may fail to accept, and the cost when the budget binds.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> dimensions(load_example("harbour"), (0, 1))
    5
    """
    thresholds = case.batnas + float(case.margin) - TOLERANCE
    low = case.utility_bounds[0]
    others = sum(1 for p in range(len(case.parties)) if p not in parties
                 and low[p] < thresholds[p])
    return len(parties) + others + int(budget_binds(case))


def budget_slack(case: Case) -> float:
    """How far a package's cost may exceed the total budget and still count as within it:
    the one tolerance, relative to the budget (as the integer program allows).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> budget_slack(load_example("harbour"))  # no total budget: the absolute tolerance
    1e-06
    """
    return TOLERANCE * max(1.0, abs(float(case.total_budget or 0.0)))


def set_keys(case: Case, utilities: np.ndarray, parties: tuple[int, ...]) -> np.ndarray:
    """The exact keys of utility rows over ``parties``: counted in grid steps when the
    case has a grid (so equal utilities are equal keys), else the floats themselves.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> set_keys(load_example("harbour"), np.array([[59.0, 60.0, 70.0, 85.0, 25.0]]), (0, 1))
    array([[59., 30.]])
    """
    scales = unit_scales(case)
    values = np.asarray(utilities, dtype=float)[:, list(parties)]
    if scales is None:
        return values
    return np.round(values / scales[list(parties)])


# ------------------------------------------------------------------- the tables


@dataclass
class _Table:
    """Partial packages over the issues eliminated so far (``done``), keyed by the
    options of the issues still shared with the rest (``scope``)."""

    scope: tuple[int, ...]
    keys: np.ndarray  # (rows, len(scope)) option positions
    vec: np.ndarray  # (rows, d) coordinates, larger is better
    done: tuple[int, ...]  # ascending
    frag: np.ndarray  # (rows, len(done)) option positions of the issues in done
    mult: np.ndarray  # (rows,) packages represented, capped at 2
    low: np.ndarray  # (d,) the least the factors in this table can contribute
    high: np.ndarray  # (d,) the most

    def __len__(self) -> int:
        return len(self.vec)


class _Limit(Exception):
    """A count-based work limit was reached."""


class _Program:
    """The case compiled to factors and coordinates (see the module notes)."""

    def __init__(self, case: Case, parties: tuple[int, ...], *, max_rows: int,
                 max_build: int, max_work: float = MAX_WORK):
        self.case = case
        self.work = Work(max_work)
        self.sizes = [len(i.options) for i in case.issues]
        self.kind = np.int16 if max(self.sizes, default=1) < 2**15 else np.int32
        self.max_rows, self.max_build = max_rows, max_build
        self.largest_table = self.largest_build = 0
        n = len(case.parties)
        scales = unit_scales(case)
        self.exact = scales is not None
        scales = np.ones(n) if scales is None else scales
        thresholds = case.batnas + float(case.margin) - TOLERANCE
        low_utility = case.utility_bounds[0]
        cols = list(parties) + [p for p in range(n)
                                if p not in parties and low_utility[p] < thresholds[p]]
        self.col_party = np.array(cols, dtype=np.int64)
        k = len(cols)
        self.strict = np.array([p in parties and not math.isfinite(case.caps[p]) for p in cols]
                               + [False] * budget_binds(case), dtype=bool)
        self.scale = scales[cols]
        self.need = np.append(thresholds[cols] / self.scale, [-np.inf] * budget_binds(case))
        level = [case.caps[p] / scales[p] if p in parties else thresholds[p] / scales[p]
                 for p in cols]
        self.cost_scale, self.cost_exact = 1.0, False
        if budget_binds(case):
            step = _cost_step(case)
            self.cost_scale, self.cost_exact = step or 1.0, step is not None
            assert case.total_budget is not None  # budget_binds
            budget = -(float(case.total_budget) + budget_slack(case)) / self.cost_scale
            level.append(budget)
        self.level = np.array(level, dtype=float)
        self.n_set = len(parties)
        self.has_budget = bool(budget_binds(case))
        self.pruned = 0
        self.hard = np.full(len(level), -np.inf)
        self.hard[k:] = self.level[k:]
        self.d = len(level)
        self.factors: list[_Table] = []
        self._build_factors()
        self.total_low = np.sum([f.low for f in self.factors], axis=0) if self.factors \
            else np.zeros(self.d)
        self.total_high = np.sum([f.high for f in self.factors], axis=0) if self.factors \
            else np.zeros(self.d)

    # ---------------------------------------------------------------- factors

    def _build_factors(self) -> None:
        case = self.case
        offs = case.option_offsets
        scores = case.score_matrix[self.col_party] / self.scale[:, None]
        if self.case.total_budget is not None and self.d > len(self.col_party):
            costs = -case.cost_vector / self.cost_scale
            columns = np.vstack([scores, costs[None, :]])
        else:
            columns = scores
        if self.exact:  # utilities counted in their grid's steps; costs only on a grid of theirs
            columns[:len(scores)] = np.round(columns[:len(scores)])
        if len(columns) > len(scores) and self.cost_exact:
            columns[len(scores):] = np.round(columns[len(scores):])
        allowed = self._allowed_pairs()
        banned = self._banned_options()
        for i, m in enumerate(self.sizes):
            options = np.array([o for o in range(m) if o not in banned.get(i, ())],
                               dtype=np.int64)
            vec = columns[:, offs[i] + options].T.copy()
            self.factors.append(self._table((i,), options[:, None], vec))
        for (i, j), ok in sorted(allowed.items()):
            pairs = np.argwhere(ok)
            self.factors.append(self._table((i, j), pairs, np.zeros((len(pairs), self.d))))
        for masks, bonus in case.synergy_table:
            values = np.zeros(self.d)
            values[:len(self.col_party)] = bonus[self.col_party] / self.scale
            if self.exact:
                values = np.round(values)
            if not values.any():
                continue
            scope = tuple(sorted(k for k, _ in masks))
            combos = math.prod(self.sizes[k] for k in scope)
            if combos > self.max_build:
                raise _Limit
            keys = np.stack(np.unravel_index(np.arange(combos), [self.sizes[k] for k in scope]),
                            axis=1)
            holds = np.ones(combos, dtype=bool)
            for k, mask in masks:
                holds &= np.asarray(mask)[keys[:, scope.index(k)]]
            self.factors.append(self._table(scope, keys, np.outer(holds, values)))

    def _table(self, scope: tuple[int, ...], keys: np.ndarray, vec: np.ndarray) -> _Table:
        low = vec.min(axis=0) if len(vec) else np.zeros(self.d)
        high = vec.max(axis=0) if len(vec) else np.zeros(self.d)
        if len(scope) > 1 or not len(vec):  # relations and bonuses: "not there" is 0
            low, high = np.minimum(low, 0.0), np.maximum(high, 0.0)
        return _Table(scope, keys.astype(self.kind), vec.astype(float), (),
                      np.zeros((len(vec), 0), dtype=self.kind), np.ones(len(vec), dtype=np.int8),
                      low, high)

    def _allowed_pairs(self) -> dict[tuple[int, int], np.ndarray]:
        """Allowed option pairs of every two issues a requires or excludes links."""
        case = self.case
        position = {name: k for k, name in enumerate(case.issue_names)}
        out: dict[tuple[int, int], np.ndarray] = {}

        def forbid(a: int, oa: int, b: int, ob_mask: np.ndarray) -> None:
            i, j = min(a, b), max(a, b)
            ok = out.setdefault((i, j), np.ones((self.sizes[i], self.sizes[j]), dtype=bool))
            if a == i:
                ok[oa, ob_mask] = False
            else:
                ok[ob_mask, oa] = False

        for r in case.requires:
            a = position[r.option[0]]
            oa = case.issues[a].options.index(r.option[1])
            for issue, options in r.needs.items():
                b = position[issue]
                if b == a:
                    continue
                bad = np.array([o not in options for o in case.issues[b].options])
                forbid(a, oa, b, bad)
        for e in case.excludes:
            a, b = position[e.a[0]], position[e.b[0]]
            if a == b:
                continue
            oa = case.issues[a].options.index(e.a[1])
            ob = np.array([o == e.b[1] for o in case.issues[b].options])
            forbid(a, oa, b, ob)
        return out

    def _banned_options(self) -> dict[int, set[int]]:
        """Options that a requires on their own issue rules out."""
        case = self.case
        position = {name: k for k, name in enumerate(case.issue_names)}
        out: dict[int, set[int]] = {}
        for r in case.requires:
            a = position[r.option[0]]
            own = r.needs.get(r.option[0])
            if own is not None and r.option[1] not in own:
                out.setdefault(a, set()).add(case.issues[a].options.index(r.option[1]))
        return out

    # ------------------------------------------------------------- operations

    def reduce(self, t: _Table) -> _Table:
        """Saturate, drop what cannot pass, merge equal rows, drop dominated ones."""
        if not len(t):
            return t
        rest_low = self.total_low - t.low
        rest_high = self.total_high - t.high
        # compared as saturated (what no completion can change), kept raw: two tables
        # saturated apart would not add up
        saturated = np.minimum(t.vec, self.level - rest_low)
        best = t.vec + rest_high
        ok = np.ones(len(best), dtype=bool)
        slack = _MARGIN * np.maximum(1.0, np.abs(self.need))
        hard = np.isfinite(self.hard)
        if hard.any():
            ok &= (best[:, hard] >= self.hard[hard] - slack[hard]).all(axis=1)
        k = len(self.col_party)
        accepts = np.ones((len(best), len(self.case.parties)), dtype=bool)
        accepts[:, self.col_party] = best[:, :k] >= self.need[:k] - slack[:k]
        ok &= self.case.rule_holds(accepts)
        rows = np.flatnonzero(ok)
        groups = self._codes(t.keys[rows], t.scope)
        kept, mult = reduce_partials(saturated[rows], groups=groups, strict=self.strict,
                                     choices=t.frag[rows], mult=t.mult[rows], work=self.work)
        if self.has_budget and len(kept) > _THIN_FROM:
            thin = thin_costs(saturated[rows[kept]], groups=groups[kept], cost=self.d - 1,
                              choices=t.frag[rows[kept]], mult=mult)
            kept, mult = kept[thin], mult[thin]
        rows = rows[kept]
        if len(rows) > self.max_rows:
            raise _Limit
        self.largest_table = max(self.largest_table, len(rows))
        return _Table(t.scope, t.keys[rows], t.vec[rows], t.done, t.frag[rows], mult, t.low,
                      t.high)

    def _codes(self, keys: np.ndarray, scope: tuple[int, ...]) -> np.ndarray:
        if not scope:
            return np.zeros(len(keys), dtype=np.int64)
        dims = [self.sizes[i] for i in scope]
        if math.prod(dims) < 2**62:
            return np.ravel_multi_index(tuple(keys.T.astype(np.int64)), dims).astype(np.int64)
        return np.unique(keys, axis=0, return_inverse=True)[1].astype(np.int64)

    def join(self, a: _Table, b: _Table,
             beaten: Callable[[np.ndarray], np.ndarray] | None = None) -> _Table:
        """Every compatible pair of rows (equal options on the shared issues), summed;
        without the pairs whose sums ``beaten`` marks (before their options are
        written down)."""
        shared = tuple(sorted(set(a.scope) & set(b.scope)))
        if shared:
            ka = self._codes(a.keys[:, [a.scope.index(i) for i in shared]], shared)
            kb = self._codes(b.keys[:, [b.scope.index(i) for i in shared]], shared)
            order = np.argsort(kb, kind="stable")
            lo = np.searchsorted(kb[order], ka, side="left")
            counts = np.searchsorted(kb[order], ka, side="right") - lo
        else:
            order = np.arange(len(b))
            lo = np.zeros(len(a), dtype=np.int64)
            counts = np.full(len(a), len(b), dtype=np.int64)
        total = int(counts.sum())
        if total > (self.max_build if beaten is None else _PAIRS * self.max_build):
            raise _Limit
        if beaten is None:
            ia, ib = _pairs(counts, lo, order, 0, len(a))
            vec = a.vec[ia] + b.vec[ib]
        else:  # a chunk of pairs at a time, only the unbeaten ones kept
            ends = np.cumsum(counts)
            cuts = np.searchsorted(ends, np.arange(_CHUNK, total, _CHUNK), side="left")
            found = []
            for r0, r1 in itertools.pairwise([0, *sorted(set(cuts.tolist())), len(a)]):
                ia, ib = _pairs(counts, lo, order, r0, r1)
                vec = a.vec[ia] + b.vec[ib]
                keep = np.flatnonzero(~beaten(vec))
                found.append((ia[keep], ib[keep], vec[keep]))
            ia = np.concatenate([f[0] for f in found])
            ib = np.concatenate([f[1] for f in found])
            vec = np.concatenate([f[2] for f in found]).reshape(-1, self.d)
            self.pruned += total - len(ia)
            if len(ia) > self.max_build:
                raise _Limit
        self.largest_build = max(self.largest_build, len(ia))
        scope = tuple(sorted(set(a.scope) | set(b.scope)))
        keys = _merge_columns(a.keys, a.scope, b.keys, b.scope, ia, ib, scope)
        done = tuple(sorted(a.done + b.done))
        frag = _merge_columns(a.frag, a.done, b.frag, b.done, ia, ib, done)
        mult = np.minimum(a.mult[ia].astype(np.int16) * b.mult[ib], 2).astype(np.int8)
        return _Table(scope, keys, vec, done, frag, mult, a.low + b.low, a.high + b.high)

    def eliminate(self, t: _Table, issue: int) -> _Table:
        """Move ``issue`` from the keys to the chosen options, then reduce."""
        c = t.scope.index(issue)
        scope = t.scope[:c] + t.scope[c + 1:]
        keys = np.delete(t.keys, c, axis=1)
        done = tuple(sorted((*t.done, issue)))
        at = done.index(issue)
        frag = np.insert(t.frag, at, t.keys[:, c], axis=1)
        return self.reduce(_Table(scope, keys, t.vec, done, frag, t.mult, t.low, t.high))

    def run(self, decomposition: Decomposition) -> _Table:
        position = {issue: k for k, issue in enumerate(decomposition.order)}
        buckets: list[list[_Table]] = [[] for _ in decomposition.order]
        for f in self.factors:
            buckets[min(position[i] for i in f.scope)].append(f)
        parts: list[_Table] = []  # the tables of parts that share no issue with the rest
        for k, issue in enumerate(decomposition.order):
            tables = sorted(buckets[k], key=len)
            table = self._reduced(tables[0])
            for other in tables[1:]:
                table = self._reduced(self.join(table, other))
            message = self.eliminate(table, issue)
            if message.scope:
                buckets[min(position[i] for i in message.scope)].append(message)
            elif not len(message):
                return message  # no partial package of this part can pass
            else:
                parts.append(message)
        return self.merge(parts)

    def _reduced(self, t: _Table) -> _Table:
        """``t`` reduced, unless it is small: a bucket's tables are combined first and
        reduced when the issue is eliminated (filtering is exact whenever it runs)."""
        return t if len(t) <= _REDUCE_FROM else self.reduce(t)

    def merge(self, parts: list[_Table]) -> _Table:
        """Merge the independent parts one at a time (Nemhauser-Ullmann), dropping the
        partial packages whose every completion a known package strictly dominates."""
        root = _Table((), np.zeros((1, 0), dtype=self.kind), np.zeros((1, self.d)), (),
                      np.zeros((1, 0), dtype=self.kind), np.ones(1, dtype=np.int8),
                      np.zeros(self.d), np.zeros(self.d))
        n_set = int(self.n_set)
        # bound dominance pays for one or two parties (for two, the staircase test
        # with weighted cuts); with three or more, box bounds prune little (3x30x6:
        # 1,352 of 15,447 rows) and the test costs more than it saves
        prune = len(parts) > 1 and n_set <= 2 and bool(self.strict[:n_set].any())
        bounds = CompletionBounds([p.vec for p in parts], values=n_set,
                                  budget=self.has_budget, mixes=self._mixes(),
                                  integral=self.cost_exact) if prune else None
        if bounds is not None:
            order = bounds.merge_order()
            parts = [parts[k] for k in order]
            bounds = bounds.reordered(order)
        known = np.zeros((0, n_set))
        for k, part in enumerate(parts):
            start = k + 1
            if bounds is not None and start < len(parts) and len(known):
                beaten = functools.partial(self._beaten, bounds=bounds, start=start,
                                           known=known)
                root = self.reduce(self.join(root, part, beaten))
            else:
                root = self.reduce(self.join(root, part))
            if bounds is not None and start < len(parts) and len(root) > _PRUNE_FROM:
                known = self._known(root, bounds, start, known)
                root = self._prune(root, bounds, start, known)
            if not len(root):
                break
        return root

    def _mixes(self) -> list[np.ndarray]:
        """Weightings of the set's parties to bound along: their plain sum, and for two
        parties a fan of slopes across their ranges (each a cut of the bound region)."""
        n_set = int(self.n_set)
        if n_set != 2:
            return [np.ones(n_set)]
        spread = np.maximum(self.total_high[:2] - self.total_low[:2], 1.0)
        return [np.ones(2)] + [np.array([w, 1.0 - w]) / spread * spread.mean()
                               for w in _FAN]

    def _room(self, vec: np.ndarray) -> np.ndarray:
        """Budget left to each row (in cost steps, with the slack)."""
        if not self.has_budget:
            return np.zeros(len(vec))
        return vec[:, -1] - self.level[-1]

    def _known(self, t: _Table, bounds: CompletionBounds, start: int,
               known: np.ndarray) -> np.ndarray:
        """Add the sure completions of ``t``'s rows that pass to the known set (its
        non-dominated values over the set's parties)."""
        full = bounds.completions(t.vec, start=start, room=self._room(t.vec))
        k = len(self.col_party)
        slack = _MARGIN * np.maximum(1.0, np.abs(self.level))
        accepts = np.ones((len(full), len(self.case.parties)), dtype=bool)
        need = self.need[:k]
        accepts[:, self.col_party] = full[:, :k] >= need + _MARGIN * np.maximum(1.0, abs(need))
        ok = self.case.rule_holds(accepts)
        if self.has_budget:
            ok &= full[:, -1] >= self.level[-1] + slack[-1]
        values = np.vstack([known, full[ok, :self.n_set]])
        kept = non_dominated(values)
        if len(kept) > _KNOWN:  # evenly along the sorted set: same case, same choice
            kept = kept[np.linspace(0, len(kept) - 1, _KNOWN).round().astype(np.int64)]
        return values[kept]

    def _prune(self, t: _Table, bounds: CompletionBounds, start: int,
               known: np.ndarray) -> _Table:
        """Drop the rows whose every completion a known package strictly dominates."""
        rows = np.flatnonzero(~self._beaten(t.vec, bounds, start, known))
        self.pruned += len(t) - len(rows)
        return _Table(t.scope, t.keys[rows], t.vec[rows], t.done, t.frag[rows], t.mult[rows],
                      t.low, t.high)

    def _beaten(self, vec: np.ndarray, bounds: CompletionBounds, start: int,
                known: np.ndarray) -> np.ndarray:
        """Whether a known package strictly dominates every completion of each row
        (whose upper bound region it covers)."""
        if not len(known) or not len(vec):
            return np.zeros(len(vec), dtype=bool)
        weighted = bounds.weighted_upper(vec, start=start, room=self._room(vec))
        weighted += _MARGIN * np.maximum(1.0, np.abs(weighted))
        upper = weighted[:, :self.n_set]
        strict = self.strict[:self.n_set]
        if self.n_set == 2 and strict.all():
            cuts = [(bounds.weights[k][:2], weighted[:, k])
                    for k in range(2, len(bounds.weights))]
            return _beaten_2d(known, upper, cuts)
        beaten = np.zeros(len(vec), dtype=bool)
        for a in range(0, len(vec), _BLOCK):
            u = upper[a:a + _BLOCK]
            at_least = np.all(known[None, :, :] >= u[:, None, :], axis=2)
            better = np.any(known[None, :, strict] > u[:, None, strict], axis=2)
            beaten[a:a + _BLOCK] = np.any(at_least & better, axis=1)
        return beaten


def _pairs(counts: np.ndarray, lo: np.ndarray, order: np.ndarray, r0: int,
           r1: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of rows ``r0 .. r1 - 1`` of a join's first table with their partners
    (``counts`` partners each, from ``lo`` in the second table's ``order``)."""
    c = counts[r0:r1]
    n = int(c.sum())
    ia = np.repeat(np.arange(r0, r1), c)
    within = np.arange(n) - np.repeat(np.cumsum(c) - c, c)
    return ia, order[np.repeat(lo[r0:r1], c) + within]


def _beaten_2d(known: np.ndarray, upper: np.ndarray,
               cuts: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Whether every point ``v`` of a row's region, ``v <= upper`` and, for one of the
    ``cuts`` ``(w, total)``, ``w @ v <= total``, is at most some point of ``known`` in
    both columns (the bounds carry a margin, so the completions they bound are
    then strictly dominated).

    The points no known point dominates are the open quadrants above the corners
    of the staircase of ``known``; the region of a row (closed downwards) meets one
    exactly when the corner lies strictly inside it. The corners inside the box
    are a run of consecutive corners, so the row is beaten when that run is empty
    or, for a cut, its least ``w @ c`` is at least ``total`` (a range minimum, from
    a sparse table). Cuts are tried one at a time.
    """
    z = known[np.lexsort((-known[:, 1], -known[:, 0]))]
    keep = np.concatenate(([True], z[1:, 1] > np.maximum.accumulate(z[:, 1])[:-1]))  # staircase
    z = z[keep]
    c0 = np.append(z[:, 0], -np.inf)  # descending
    c1 = np.concatenate(([-np.inf], z[:, 1]))  # ascending
    lo = np.searchsorted(-c0, -upper[:, 0], side="right")  # first corner with c0 < u0
    hi = np.searchsorted(c1, upper[:, 1], side="left") - 1  # last corner with c1 < u1
    beaten = lo > hi
    for w, total in cuts:
        rows = np.flatnonzero(~beaten)
        if not len(rows):
            break
        with np.errstate(invalid="ignore"):  # 0 x -inf: that side does not count
            sums = np.where(w[0] > 0, w[0] * c0, 0.0) + np.where(w[1] > 0, w[1] * c1, 0.0)
        table = [sums]
        while (1 << len(table)) <= len(sums):
            width = 1 << (len(table) - 1)
            table.append(np.minimum(table[-1][:-width], table[-1][width:]))
        a, b = lo[rows], hi[rows]
        level = np.floor(np.log2(b - a + 1)).astype(np.int64)
        least = np.empty(len(rows))
        for k in np.unique(level):
            at = level == k
            least[at] = np.minimum(table[k][a[at]], table[k][b[at] - (1 << k) + 1])
        beaten[rows] = least >= total[rows]
    return beaten


def _merge_columns(a: np.ndarray, a_cols: tuple[int, ...], b: np.ndarray,
                   b_cols: tuple[int, ...], ia: np.ndarray, ib: np.ndarray,
                   cols: tuple[int, ...]) -> np.ndarray:
    """Rows ``a[ia]`` and ``b[ib]`` side by side, columns in the order of ``cols``
    (a column in both comes from ``a``)."""
    joined = np.concatenate([a[ia], b[ib]], axis=1)
    where = {c: k for k, c in enumerate(b_cols)}
    where = {c: len(a_cols) + k for c, k in where.items()}
    where.update({c: k for k, c in enumerate(a_cols)})
    return joined[:, [where[c] for c in cols]]


def _cost_step(case: Case) -> float | None:
    """The grid step of the costs when they have one (costs counted in it add up
    exactly), else ``None``."""
    from fractions import Fraction

    values = [float(v) for v in case.cost_vector if v]
    if not values:
        return 1.0
    fractions = [Fraction(v).limit_denominator(10**6) for v in values]
    if any(abs(float(f) - v) > 1e-12 * max(1.0, abs(v)) for f, v in zip(fractions, values,
                                                                           strict=True)):
        return None
    denominator = math.lcm(*(f.denominator for f in fractions))
    if denominator > 10**6:
        return None
    grid = math.gcd(*(abs(f.numerator * (denominator // f.denominator)) for f in fractions))
    step = grid / denominator
    if sum(abs(v) for v in values) / step >= 2.0**52:
        return None
    return step


# ------------------------------------------------------------------ the entry point


def tree_dp(case: Case, parties: tuple[int, ...] | None = None, *,
            decomposition: Decomposition | None = None, max_rows: int = MAX_ROWS,
            max_build: int = MAX_BUILD, max_work: float = MAX_WORK) -> ParetoSet | None:
    """The non-dominated packages of ``case`` over ``parties``, by the dynamic program.

    Parameters
    ----------
    case : Case
        Any case without contributions to costs (those are chosen by the
        integer program: who pays is a continuous choice).
    parties : tuple of int, optional
        Positions of the parties the set is about (default: every party).
    decomposition : Decomposition, optional
        Default: :func:`~mutualgains.engine.interaction.decompose`.
    max_rows, max_build : int
        Count-based limits on the rows of one table and of one step.
    max_work : float
        Elementary comparisons the filters may make in all.

    Returns
    -------
    ParetoSet or None
        ``None`` when a work limit was reached.

    Raises
    ------
    ValueError
        When option costs are paid by parties with a budget.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> found = tree_dp(load_example("harbour"), (0, 1))
    >>> found.utilities[:2, :2].tolist(), found.counts["width"]
    ([[87.0, 48.0], [81.0, 50.0]], 0)
    """
    if case.has_contributions:
        raise ValueError(f"case {case.name!r}: contributions to costs need the integer program")
    parties = tuple(range(len(case.parties))) if parties is None else tuple(parties)
    decomposition = decompose(case) if decomposition is None else decomposition
    counts = {"packages": case.n_packages, "width": decomposition.width,
              "largest_bag": decomposition.largest_bag}
    try:
        program = _Program(case, parties, max_rows=max_rows, max_build=max_build,
                           max_work=max_work)
        root = program.run(decomposition)
    except (_Limit, WorkLimit):
        return None
    counts.update(largest_table=program.largest_table, largest_build=program.largest_build,
                  work=int(program.work.used), pruned=program.pruned)
    choices = root.frag.astype(np.int64) if len(root.done) == len(case.issues) else np.zeros(
        (len(root), len(case.issues)), dtype=np.int64)
    utilities = case.utility_rows(choices) if len(case.issues) else np.zeros(
        (len(root), len(case.parties)))
    passes = case.rule_holds(utilities >= case.batnas + float(case.margin) - TOLERANCE)
    if budget_binds(case):
        assert case.total_budget is not None  # budget_binds
        costs = case.cost_vector[choices + np.asarray(case.option_offsets[:-1])].sum(axis=1)
        passes &= costs <= float(case.total_budget) + budget_slack(case)
    rows = np.flatnonzero(passes)
    keys = set_keys(case, utilities[rows], parties)
    counts["rows"] = len(rows)
    return pareto_set(choices[rows], utilities[rows], keys, root.mult[rows], parties, "dp",
                      counts)
