"""The exact non-dominated sets (tree DP, enumeration, the filters) against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualgains import Case, DecisionRule, Issue, Party
from mutualgains.engine import nondominated as nd
from mutualgains.engine.enumerate import enumerate_set
from mutualgains.engine.interaction import decompose, interaction_graph
from mutualgains.engine.nondominated import Work, WorkLimit, non_dominated, reduce_partials
from mutualgains.engine.treedp import tree_dp
from mutualgains.model.relations import Excludes, Requires, Synergy
from mutualgains.testing import BruteForce

from .strategies import small_cases

pytestmark = pytest.mark.filterwarnings("ignore::mutualgains.model.relations.DependencyWarning")
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def expected_set(case, parties):
    """Brute force: every non-dominated utility vector over ``parties`` with the
    smallest package reaching it and whether another does."""
    oracle = BruteForce(case)
    rows = np.flatnonzero(oracle.passes)
    first: dict[tuple, list] = {}
    for r in rows:  # enumeration order is lexicographic: the first package is the smallest
        key = tuple(oracle.utilities[r, list(parties)].tolist())
        if key in first:
            first[key][1] += 1
        else:
            first[key] = [r, 1]
    points = np.array(list(first)).reshape(-1, len(parties))
    out = {}
    for key, (r, count) in first.items():
        u = np.array(key)
        if not ((points >= u).all(axis=1) & (points > u).any(axis=1)).any():
            out[key] = (tuple(oracle.choices[r].tolist()), count > 1)
    return out


def as_dict(found, parties):
    return {tuple(found.utilities[k, list(parties)].tolist()):
            (tuple(found.choices[k].tolist()), bool(found.tied[k])) for k in range(len(found))}


@SETTINGS
@given(case=small_cases(max_parties=4, dependencies=True, caps=True, budgets=True),
       data=st.data())
def test_both_sets_match_brute_force(case, data):
    n = len(case.parties)
    size = data.draw(st.integers(1, n))
    parties = tuple(sorted(data.draw(st.permutations(range(n)))[:size]))
    expected = expected_set(case, parties)
    for found in (tree_dp(case, parties), enumerate_set(case, parties, chunk=7)):
        assert as_dict(found, parties) == expected
        assert found.parties == parties
        keys = found.utilities[:, list(parties)]
        assert (np.lexsort((-keys).T[::-1]) == np.arange(len(found))).all()  # best first


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=small_cases(max_parties=3, max_issues=6, max_options=4, dependencies=True,
                        caps=True, budgets=True))
def test_the_table_of_running_minima_filters_exactly(case, monkeypatch_grid):
    """Large groups take the table of running minima: force it on small cases."""
    parties = tuple(range(len(case.parties)))
    assert as_dict(tree_dp(case, parties), parties) == expected_set(case, parties)


@pytest.fixture
def monkeypatch_grid(monkeypatch):
    monkeypatch.setattr(nd, "_GRID_GROUP", 1)
    return None


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=st.data())
def test_the_running_minima_agree_with_pairwise_comparison(data):
    d = data.draw(st.integers(2, 4))
    rows = data.draw(st.lists(st.tuples(*[st.integers(0, 5)] * d), min_size=1, max_size=80,
                              unique=True))
    u = np.array(rows, dtype=float)
    strict = np.array(data.draw(st.lists(st.booleans(), min_size=d, max_size=d)))
    groups = np.zeros(len(u), dtype=np.int64)
    fast, _ = reduce_partials(u, groups=groups, strict=strict)
    kept = set(fast.tolist())
    for k in range(len(u)):  # the definition, pair by pair
        beaten = any((u[j] >= u[k]).all() and (u[j][strict] != u[k][strict]).any()
                     for j in range(len(u)) if j != k)
        assert (k not in kept) == beaten


def test_equal_rows_merge_into_the_smallest_choice_and_count():
    values = np.array([[2.0, 1.0], [2.0, 1.0], [2.0, 1.0], [0.0, 5.0], [0.0, 5.0]])
    choices = np.array([[1, 1], [0, 2], [0, 1], [3, 0], [2, 9]])
    rows, mult = reduce_partials(values, groups=np.zeros(5, dtype=int), choices=choices)
    assert sorted(zip(rows.tolist(), mult.tolist(), strict=True)) == [(2, 2), (4, 2)]


def test_non_dominated_with_and_without_slack():
    points = np.array([[3.0, 1.0], [2.9, 1.0], [1.0, 4.0], [1.0, 4.0]])
    assert non_dominated(points).tolist() == [0, 2]
    assert non_dominated(points, slack=0.2).tolist() == [0, 3]  # equals: the last
    assert non_dominated(np.zeros((0, 2))).tolist() == []


def test_work_is_counted_and_limited():
    rng = np.random.default_rng(1)
    values = rng.integers(0, 100, (3000, 5)).astype(float)
    with pytest.raises(WorkLimit):
        reduce_partials(values, groups=np.zeros(3000, dtype=int), work=Work(limit=1e5))
    work = Work(limit=1e12)
    reduce_partials(values, groups=np.zeros(3000, dtype=int), work=work)
    assert work.used > 0


def _chain_case(n_issues=6, budget=None):
    issues = [Issue(f"i{k}", ["a", "b", "c"]) for k in range(n_issues)]
    rng = np.random.default_rng(4)
    scores = {p: {i.name: rng.integers(0, 9, 3).tolist() for i in issues} for p in "AB"}
    costs = {i.name: [0, 2, 5] for i in issues}
    return Case([Party("A", batna=5), Party("B", batna=5)], issues, scores,
                requires=[Requires(("i0", "b"), {"i1": ["a", "b"]})],
                excludes=[Excludes(("i2", "c"), ("i3", "c"))],
                synergy=[Synergy({"i3": ["a"], "i4": ["b"], "i5": ["c"]}, {"A": 7, "B": -3})],
                costs=costs, total_budget=budget)


def test_the_interaction_graph_and_its_decomposition():
    case = _chain_case()
    graph = interaction_graph(case)
    assert sorted(graph.edges(data="kinds")) == [
        (0, 1, ("requires",)), (2, 3, ("excludes",)), (3, 4, ("synergy",)),
        (3, 5, ("synergy",)), (4, 5, ("synergy",))]
    d = decompose(case)
    assert d.width == 2 and d.largest_bag == 27
    assert sorted(d.order) == list(range(6))
    assert decompose(case) == d  # the same case, the same order


def test_limits_stop_the_program_without_a_wrong_answer():
    case = _chain_case(budget=12)
    assert tree_dp(case, max_rows=1) is None
    assert tree_dp(case, max_work=10) is None
    full = tree_dp(case)
    assert as_dict(full, (0, 1)) == expected_set(case, (0, 1))
    assert full.counts["width"] == 2 and full.counts["rows"] == len(full)


def test_contributions_are_refused():
    case = Case([Party("A", budget=5), Party("B")], [Issue("i", ["x", "y"])],
                {"A": {"i": [0, 3]}}, costs={"i": [0, 4]})
    with pytest.raises(ValueError, match="contributions"):
        tree_dp(case)
    with pytest.raises(ValueError, match="contributions"):
        enumerate_set(case)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=st.data())
def test_the_sweep_agrees_with_pairwise_comparison(data):
    rows = data.draw(st.lists(st.tuples(*[st.integers(0, 30)] * 3), min_size=1, max_size=300,
                              unique=True))
    u = np.array(rows, dtype=np.int64)
    n_strict = data.draw(st.integers(1, 3))
    fast = nd._dominated_sweep(u, n_strict)
    for k in range(len(u)):  # ranks: smaller is better; strict columns first
        beaten = any((u[j] <= u[k]).all() and (u[j][:n_strict] != u[k][:n_strict]).any()
                     for j in range(len(u)) if j != k)
        assert fast[k] == beaten


@st.composite
def knapsack_like(draw):
    """Cases of many small independent issues under a budget (where bound dominance
    prunes), with optional caps, a k-of-n rule, a relation or two and low BATNAs."""
    n_parties = draw(st.integers(2, 3))
    names = [f"p{k}" for k in range(n_parties)]
    issues = [Issue(f"i{k}", tuple(f"o{j}" for j in range(draw(st.integers(2, 3)))))
              for k in range(draw(st.integers(4, 8)))]
    score = st.integers(-2, 9)
    scores = {p: {i.name: [draw(score) for _ in i.options] for i in issues} for p in names}
    costs = {i.name: [0] + [draw(st.integers(0, 9)) for _ in i.options[1:]] for i in issues}
    budget = draw(st.integers(0, sum(max(c) for c in costs.values())))
    cap = st.sampled_from([None, None, None, 12])
    parties = [Party(p, batna=draw(st.integers(-4, 6)), cap=draw(cap),
                     weight=draw(st.sampled_from([1, 2]))) for p in names]
    relations: dict = {}
    if draw(st.booleans()):  # a relation joins two issues into one part
        a, b = draw(st.permutations(range(len(issues))))[:2]
        relations["excludes"] = [Excludes({issues[a].name: "o1"}, {issues[b].name: "o1"})]
    rule = DecisionRule(min_parties=draw(st.integers(1, n_parties)))
    return Case(parties, issues, scores, costs=costs, total_budget=budget, decision_rule=rule,
                name="knapsack-like", **relations)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=st.one_of(knapsack_like(), small_cases(max_parties=4, max_issues=6,
                                                   dependencies=True, caps=True, budgets=True)),
       data=st.data())
def test_bound_dominance_keeps_the_set_exact(case, data, prune_always):
    """Independent parts are merged with bound dominance: force it on every table."""
    n = len(case.parties)
    size = data.draw(st.integers(1, n))
    parties = tuple(sorted(data.draw(st.permutations(range(n)))[:size]))
    found = tree_dp(case, parties)
    assert as_dict(found, parties) == expected_set(case, parties)


@pytest.mark.parametrize("seed", range(6))
def test_bound_dominance_prunes_knapsacks_exactly(seed):
    """At the default threshold, 2-objective knapsacks of 12 items are pruned, and
    the set stays the brute-force one."""
    rng = np.random.default_rng(seed)
    items = [Issue(f"item{k}", ["out", "in"]) for k in range(12)]
    profits, weights = rng.integers(1, 100, size=(2, 12)), rng.integers(1, 100, size=12)
    case = Case([Party("a"), Party("b")], items,
                {p: {i.name: [0, int(profits[j, k])] for k, i in enumerate(items)}
                 for j, p in enumerate("ab")},
                costs={i.name: [0, int(weights[k])] for k, i in enumerate(items)},
                total_budget=int(weights.sum() // 2))
    found = tree_dp(case)
    assert found.counts["pruned"] > 0
    assert as_dict(found, (0, 1)) == expected_set(case, (0, 1))


@pytest.fixture
def prune_always(monkeypatch):
    from mutualgains.engine import treedp

    monkeypatch.setattr(treedp, "_PRUNE_FROM", 0)
    monkeypatch.setattr(treedp, "_THIN_FROM", 0)
    monkeypatch.setattr(treedp, "_CHUNK", 7)  # a merge's pairs filtered in several chunks
    return None


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=st.data())
def test_completion_bounds_against_every_completion(data):
    """The upper bounds are at least every completion within the room; the greedy
    completions fit the room and are sums of one row per part."""
    import itertools

    from mutualgains.engine.completion import CompletionBounds

    values = data.draw(st.integers(1, 3))
    budget = data.draw(st.booleans())
    d = values + int(budget)
    n_parts = data.draw(st.integers(1, 4))
    row = st.tuples(*[st.integers(-5, 9)] * values, *([st.integers(-6, 3)] if budget else []))
    parts = [np.array(data.draw(st.lists(row, min_size=1, max_size=4)), dtype=float).reshape(-1, d)
             for _ in range(n_parts)]
    integral = data.draw(st.booleans())  # the costs drawn are whole numbers
    bounds = CompletionBounds(parts, values=values, budget=budget, integral=integral)
    assert sorted(bounds.merge_order()) == list(range(n_parts))
    start = data.draw(st.integers(0, n_parts))
    vec = np.array([data.draw(row)], dtype=float).reshape(1, d)
    room = np.array([data.draw(st.integers(-4, 24)) / 2])
    sums = [np.sum([parts[k][c] for k, c in zip(range(start, n_parts), pick, strict=True)],
                   axis=0) if n_parts > start else np.zeros(d)
            for pick in itertools.product(*(range(len(p)) for p in parts[start:]))]
    fitting = [s for s in sums if not budget or -s[-1] <= room[0]]
    upper = bounds.upper(vec, start=start, room=room)[0]
    for s in fitting:
        assert (vec[0, :values] + s[:values] <= upper + 1e-9).all()
    for full in bounds.completions(vec, start=start, room=room):
        added = full - vec[0]
        assert any(np.allclose(added, s) for s in fitting)
    order = data.draw(st.permutations(range(n_parts)))  # reordering is building afresh
    fresh = CompletionBounds([parts[k] for k in order], values=values, budget=budget,
                             integral=integral)
    moved = bounds.reordered(list(order))
    assert np.allclose(moved.weighted_upper(vec, start=start, room=room),
                       fresh.weighted_upper(vec, start=start, room=room))
    assert np.allclose(moved.completions(vec, start=start, room=room),
                       fresh.completions(vec, start=start, room=room))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=st.data())
def test_the_staircase_test_of_bound_regions(data):
    """A row is beaten exactly when every point of its region (below ``upper``, sum at
    most ``total``) is at most a known point: checked on the half-integer grid, which
    decides it for integer data."""
    from mutualgains.engine.treedp import _beaten_2d

    known = np.array(data.draw(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)),
                                        min_size=1, max_size=8)), dtype=float)
    rows = data.draw(st.lists(st.tuples(st.integers(-1, 10), st.integers(-1, 10),
                                        st.integers(-2, 20)), min_size=1, max_size=6))
    upper = np.array([r[:2] for r in rows], dtype=float)
    total = np.array([r[2] for r in rows], dtype=float)
    grid = np.arange(-15.0, 12.0, 0.5)
    v = np.stack(np.meshgrid(grid, grid), axis=-1).reshape(-1, 2)
    covered = ((known[None, :, :] >= v[:, None, :]).all(axis=2)).any(axis=1)
    for k, beaten in enumerate(_beaten_2d(known, upper, [(np.ones(2), total)])):
        inside = (v <= upper[k]).all(axis=1) & (v.sum(axis=1) <= total[k])
        assert bool(beaten) == bool(covered[inside].all()), (known, upper[k], total[k])


def test_costs_off_any_grid_are_not_rounded():
    """Utilities on a grid, costs on none: the costs stay floats (they were once
    rounded with the utilities, which emptied this set)."""
    import math

    items = [Issue(f"i{k}", ["out", "in"]) for k in range(4)]
    costs = [math.pi / 10, math.e / 10, 0.1414213562373, 0.2236067977]
    case = Case([Party("a"), Party("b")], items,
                {"a": {i.name: [0, k + 1] for k, i in enumerate(items)},
                 "b": {i.name: [0, 4 - k] for k, i in enumerate(items)}},
                costs={i.name: [0, costs[k]] for k, i in enumerate(items)}, total_budget=0.45)
    assert as_dict(tree_dp(case), (0, 1)) == expected_set(case, (0, 1))
    assert sorted(as_dict(tree_dp(case), (0, 1))) == [(5.0, 5.0), (7.0, 3.0)]
