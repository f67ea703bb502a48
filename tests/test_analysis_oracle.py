"""Frontier, alternatives, improvement and amendments against the brute-force oracle."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualgains import alternatives, amend, improve, pareto_frontier
from mutualgains.engine.enumerate import enumerate_set
from mutualgains.engine.treedp import tree_dp
from mutualgains.testing import BruteForce

from .strategies import small_cases

pytestmark = pytest.mark.filterwarnings("ignore::mutualgains.model.relations.DependencyWarning")
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def nondominated(vectors: np.ndarray) -> set[tuple[float, ...]]:
    unique = np.unique(vectors, axis=0)
    keep = set()
    for u in unique:
        dominated = ((unique >= u).all(axis=1) & (unique > u).any(axis=1)).any()
        if not dominated:
            keep.add(tuple(u.tolist()))
    return keep


@SETTINGS
@given(case=small_cases(max_parties=4, dependencies=True), data=st.data())
def test_frontier_is_exactly_the_nondominated_set(case, data):
    size = data.draw(st.sampled_from([2, 3]) if len(case.parties) >= 3 else st.just(2))
    parties = data.draw(st.permutations(case.party_names))[:size]
    cols = [case.party_names.index(p) for p in parties]
    oracle = BruteForce(case)
    expected = nondominated(oracle.utilities[oracle.passes][:, cols]) if oracle.passes.any() \
        else set()
    method = data.draw(st.sampled_from(["auto", "dp", "enumerate", "mip"]))
    frontier = pareto_frontier(case, parties=parties, method=method)
    assert frontier.method == ("enumerate" if method == "auto" else method)
    assert frontier.status == ("complete" if expected else "no_agreement")
    got = {tuple(float(p.scores[q]) for q in parties) for p in frontier.points}
    assert got == expected
    assert len(frontier.points) == len(expected)  # one package per point
    for point in frontier.points:
        row = oracle.row_of(point.package)
        assert oracle.passes[row]
        assert [point.scores[q] for q in case.party_names] == pytest.approx(
            oracle.utilities[row])
        same = (oracle.utilities[oracle.passes][:, cols] == oracle.utilities[row, cols]).all(1)
        assert point.tied == (same.sum() > 1)


@SETTINGS
@given(case=small_cases(max_parties=4))
def test_the_sets_dominate_every_passing_package(case):
    oracle = BruteForce(case)
    for found in (tree_dp(case), enumerate_set(case)):
        rows = [oracle.row_of(case.package_from_indices(c)) for c in found.choices]
        assert all(oracle.passes[rows])
        np.testing.assert_allclose(found.utilities, oracle.utilities[rows], atol=1e-9)
        for u in oracle.utilities[oracle.passes]:
            assert (found.utilities >= u - 1e-9).all(axis=1).any()
        for k, u in enumerate(found.utilities):  # and keeps no dominated package
            others = np.delete(found.utilities, k, axis=0)
            assert not (others >= u).all(axis=1).any()


def test_the_sets_handle_caps():
    import dataclasses

    from mutualgains.io.examples import load_example

    case = load_example("harbour")
    capped = dataclasses.replace(case, parties=(dataclasses.replace(case.parties[0], cap=70),
                                                *case.parties[1:]))
    by_set = pareto_frontier(capped, ["Port", "City"])
    by_mip = pareto_frontier(capped, ["Port", "City"], method="mip")
    assert by_set.method == "enumerate" and by_mip.method == "mip"
    assert by_set.to_dict()["points"] == by_mip.to_dict()["points"]
    assert max(p.scores["Port"] for p in by_set.points) == 70


@pytest.mark.parametrize("objective", ["joint", "egalitarian", "nash"])
@SETTINGS
@given(case=small_cases(dependencies=True), k=st.integers(1, 6))
def test_alternatives_are_the_oracles_top_k(objective, case, k):
    oracle = BruteForce(case)
    values = np.sort(oracle.values(objective)[oracle.passes])[::-1]
    found = alternatives(case, k, objective=objective)
    got = [r.objective_value for r in found]
    assert len(got) == min(k, len(values))
    assert got == pytest.approx(values[:k].tolist(), rel=1e-6, abs=1e-9)
    rows = [oracle.row_of(r.package) for r in found]
    assert len(set(rows)) == len(rows) and all(oracle.passes[rows])
    assert found.status == ("complete" if len(values) >= k else "exhausted")


@SETTINGS
@given(case=small_cases(dependencies=True), k=st.integers(2, 4), d=st.integers(2, 3))
def test_diverse_alternatives_follow_the_greedy_definition(case, k, d):
    if d > len(case.issues):
        return
    oracle = BruteForce(case)
    values = oracle.values("joint")
    chosen: list[int] = []
    for _ in range(k):  # greedy: the best package differing from all earlier in >= d issues
        ok = oracle.passes.copy()
        for c in chosen:
            ok &= (oracle.choices != oracle.choices[c]).sum(axis=1) >= d
        if not ok.any():
            break
        chosen.append(int(np.flatnonzero(ok)[np.argmax(values[ok])]))
    found = alternatives(case, k, min_difference=d)
    assert [r.objective_value for r in found] == pytest.approx(values[chosen].tolist())
    rows = [oracle.row_of(r.package) for r in found]
    for a in range(len(rows)):
        for b in range(a):
            assert (oracle.choices[rows[a]] != oracle.choices[rows[b]]).sum() >= d


@pytest.mark.parametrize("rule", ["joint", "egalitarian", "nash"])
@SETTINGS
@given(case=small_cases(dependencies=True), data=st.data())
def test_improve_never_hurts_and_reaches_the_best(rule, case, data):
    oracle = BruteForce(case)
    start = data.draw(st.sampled_from(np.flatnonzero(oracle.feasible).tolist()))
    package = oracle.package(start)
    result = improve(case, package, rule=rule)
    after = oracle.row_of(result.result.package)
    before = oracle.utilities[start]
    assert (oracle.utilities[after] >= before - 1e-9).all()
    candidates = oracle.feasible & (oracle.utilities >= before - 1e-9).all(axis=1)
    # the oracle's best under the rule among packages that hurt nobody
    values = oracle.values.__func__(_unrestricted(oracle), rule)[candidates]
    assert oracle.values.__func__(_unrestricted(oracle), rule)[after] == pytest.approx(
        values.max(), rel=1e-6, abs=1e-9)
    pareto = not ((oracle.utilities[candidates] > before + 1e-9).any(axis=1)).any()
    assert result.pareto_optimal == pareto
    assert all(v >= 0 for v in result.left_on_table.values())


def _unrestricted(oracle: BruteForce) -> BruteForce:
    """The oracle with every feasible package counted (improvement ignores the rule)."""
    clone = object.__new__(BruteForce)
    clone.__dict__.update(oracle.__dict__)
    clone.passes = oracle.feasible
    return clone


@SETTINGS
@given(case=small_cases(dependencies=True), data=st.data())
def test_amend_keeps_the_others_acceptable(case, data):
    oracle = BruteForce(case)
    start = data.draw(st.sampled_from(range(oracle.n_packages)))
    party = data.draw(st.sampled_from(case.party_names))
    p = case.party_names.index(party)
    others = [q for q in range(len(case.party_names)) if q != p]
    result = amend(case, oracle.package(start), party)
    ok_others = oracle.feasible & oracle.accepts[:, others].all(axis=1)
    if ok_others.any():
        row = oracle.row_of(result.best)
        assert ok_others[row]
        assert oracle.utilities[row, p] == pytest.approx(oracle.utilities[ok_others, p].max())
    else:
        assert result.best is None
    ok_all = ok_others & oracle.accepts[:, p]
    if ok_all.any():
        row = oracle.row_of(result.smallest)
        assert ok_all[row]
        distance = (oracle.choices != oracle.choices[start]).sum(axis=1)
        assert len(result.changed) == distance[row] == distance[ok_all].min()
        nearest = ok_all & (distance == distance[ok_all].min())
        assert oracle.utilities[row, p] == pytest.approx(oracle.utilities[nearest, p].max())
    else:
        assert result.smallest is None
