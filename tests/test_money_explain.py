"""Explanations, side payments, contributions and agenda value, against brute force."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualgains import (
    Case,
    Issue,
    Party,
    Status,
    agenda_value,
    compensate,
    count_passing,
    explain,
    read_genius,
    read_scorable,
    solve,
)
from mutualgains.model.money import Transfers
from mutualgains.testing import BruteForce

from .strategies import small_cases

CASES = Path(__file__).resolve().parents[2] / "shared" / "cases"
pytestmark = pytest.mark.filterwarnings("ignore::mutualgains.model.relations.DependencyWarning")
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def unanimous(case: Case) -> Case:
    return dataclasses.replace(case, decision_rule=dataclasses.replace(
        case.decision_rule, min_parties=None, veto=()), parties=tuple(
        dataclasses.replace(p, veto=False) for p in case.parties))


# ------------------------------------------------------------------ explain


@SETTINGS
@given(case=small_cases(rules=False, dependencies=True))
def test_blocking_set_is_minimal_and_blocks(case):
    oracle = BruteForce(case)
    why = explain(case)
    assert why.agreement == bool(oracle.passes.any())
    names = list(case.party_names)
    ok = oracle.feasible
    if why.agreement:
        assert why.blocking == ()
        assert all(m == 0 for m in why.batna_moves.values())
        return
    blocking = [names.index(p) for p in why.blocking]
    assert blocking and not (ok & oracle.accepts[:, blocking].all(axis=1)).any()
    for b in blocking:  # minimal: without any one member the rest can agree
        rest = [q for q in blocking if q != b]
        assert (ok & oracle.accepts[:, rest].all(axis=1)).any()
    # the largest coalitions
    counts = np.where(ok, oracle.accepts.sum(axis=1), -1)
    assert why.largest == counts.max()
    for coalition in why.coalitions:
        cols = [names.index(p) for p in coalition]
        assert len(cols) == why.largest
        assert (ok & oracle.accepts[:, cols].all(axis=1)).any()
    # how far each BATNA would have to move
    for p, name in enumerate(names):
        others = [q for q in range(len(names)) if q != p]
        mask = ok & oracle.accepts[:, others].all(axis=1)
        if not mask.any():
            assert why.batna_moves[name] is None
        else:
            best = oracle.utilities[mask, p].max()
            threshold = case.party(name).batna + case.margin
            assert why.batna_moves[name] == pytest.approx(max(0.0, threshold - best))
    assert "No package is accepted" in str(why)


def test_explain_a_package():
    case = Case([Party("A", batna=5), Party("B", batna=5), Party("C", batna=1)],
                [Issue("i", ["x", "y"])],
                {"A": {"i": [6, 0]}, "B": {"i": [0, 6]}, "C": {"i": [1, 1]}})
    why = explain(case, {"i": "x"})
    assert dict(why.shortfalls) == {"B": 5}
    assert why.passes is False
    frame = why.to_frame()
    assert frame.set_index("party").loc["B", "shortfall"] == 5
    assert "rejected by: B (short by 5)" in str(why)


@pytest.mark.skipif(not CASES.is_dir(), reason="../shared/cases is absent")
@pytest.mark.parametrize("name", ["ANAC2013-Lunch", "ANAC2016-JapanTrip"])
def test_explaining_domains_without_a_deal(name):
    case = read_genius(CASES / "genius" / name)
    oracle = BruteForce(case)
    why = explain(case)
    assert not why.agreement and why.blocking
    cols = [case.party_names.index(p) for p in why.blocking]
    assert not oracle.accepts[:, cols].all(axis=1).any()
    assert why.largest == oracle.accepts.sum(axis=1).max()
    for p, name_ in enumerate(case.party_names):
        others = [q for q in range(len(case.parties)) if q != p]
        mask = oracle.accepts[:, others].all(axis=1)
        expected = None if not mask.any() else max(
            0.0, case.batnas[p] - oracle.utilities[mask, p].max())
        assert why.batna_moves[name_] == pytest.approx(expected)


@pytest.mark.skipif(not CASES.is_dir(), reason="../shared/cases is absent")
def test_why_the_unconstrained_joint_optimum_of_base_fails():
    case = read_scorable(CASES / "scorable" / "base")
    oracle = BruteForce(case)
    best = int(np.argmax(oracle.gains.sum(axis=1)))
    why = explain(case, oracle.package(best))
    assert why.agreement and not why.passes
    assert dict(why.shortfalls) == {"SportCo": 12, "Department of Tourism": 15}
    assert set(why.shortfalls) <= set(case.veto_parties)


# ------------------------------------------------------------------ transfers


def flow_feasible(deficit, surplus, allowed, cap) -> bool:
    graph = nx.DiGraph()
    n = len(deficit)
    for a in range(n):
        graph.add_edge("s", ("p", a), capacity=float(surplus[a]))
        graph.add_edge(("g", a), "t", capacity=float(deficit[a]))
        for b in range(n):
            if allowed(a, b):
                graph.add_edge(("p", a), ("g", b), capacity=float("inf") if cap is None else cap)
    return nx.maximum_flow_value(graph, "s", "t") >= deficit.sum() - 1e-7


@st.composite
def money_rules(draw, names):
    pairs = None
    if draw(st.booleans()):
        pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(
            lambda t: t[0] != t[1]), max_size=6))
    cap = draw(st.sampled_from([None, None, 2.0, 5.0]))
    rate = {p: draw(st.sampled_from([1, 1, 2, 0.5])) for p in names}
    return Transfers(pairs=pairs, cap=cap, rate=rate)


@SETTINGS
@given(case=small_cases(rules=False, dependencies=True), data=st.data())
def test_compensation_is_the_least_possible(case, data):
    rules = data.draw(money_rules(list(case.party_names)))
    case = dataclasses.replace(case, transfers=rules)
    oracle = BruteForce(case)
    row = data.draw(st.sampled_from(range(oracle.n_packages)))
    result = compensate(case, oracle.package(row))
    names = list(case.party_names)
    rate = np.array([rules.rate_of(p) for p in names])
    need = oracle.batnas + case.margin - oracle.utilities[row]
    deficit, surplus = np.maximum(need, 0) / rate, np.maximum(-need, 0) / rate
    expected = flow_feasible(deficit, surplus,
                             lambda a, b: rules.allows(names[a], names[b]), rules.cap)
    assert result.feasible == expected, result.reason
    if expected:
        assert result.total == pytest.approx(deficit.sum(), abs=1e-6)
        after = np.array([result.scores_after[p] for p in names])
        assert (after >= oracle.batnas + case.margin - 1e-6).all()
        for payer, payee, amount in result.transfers:
            assert rules.allows(payer, payee) and amount > 0
            assert rules.cap is None or amount <= rules.cap + 1e-9
    else:
        assert result.reason and not result.transfers


@SETTINGS
@given(case=small_cases(rules=False, weights=False, dependencies=True))
def test_joint_with_transfers_is_the_best_compensable_package(case):
    case = unanimous(case)
    oracle = BruteForce(case)
    result = solve(case, "joint", transfers=True)
    # every pair, no cap, rate 1: a package can be compensated iff the total surplus covers
    # the total deficit, and transfers leave the joint gain unchanged
    threshold = oracle.batnas + case.margin
    ok = oracle.feasible & ((oracle.utilities - threshold).sum(axis=1) >= -1e-9)
    if not ok.any():
        assert result.status is Status.NO_AGREEMENT
        return
    assert result.objective_value == pytest.approx(oracle.gains[ok].sum(axis=1).max())
    assert all(result.accepted.values()) and result.passes
    paid = sum(a for _, _, a in result.transfers)
    received = sum(a for _, _, a in result.transfers)
    assert paid == pytest.approx(received)
    assert sum(result.money.values()) == pytest.approx(0.0, abs=1e-9)


def test_a_transfer_unlocks_the_deal():
    case = Case([Party("Farmers", batna=5), Party("City", batna=0)],
                [Issue("dike", ["low", "high"])],
                {"Farmers": {"dike": [3, 1]}, "City": {"dike": [0, 20]}})
    assert solve(case).status is Status.NO_AGREEMENT
    result = solve(case, transfers=True)
    assert result.status is Status.OPTIMAL and result.package == {"dike": "high"}
    assert result.objective_value == 16
    (payer, payee, amount), = result.transfers
    assert (payer, payee) == ("City", "Farmers") and amount >= 4 - 1e-9
    assert result.transfers_frame().shape == (1, 3)


# -------------------------------------------------------------- contributions


@SETTINGS
@given(case=small_cases(rules=False, weights=False), data=st.data())
def test_contributions_cover_costs_within_budgets(case, data):
    case = unanimous(case)
    costs = {i.name: [data.draw(st.integers(0, 6)) for _ in i.options] for i in case.issues}
    parties = tuple(dataclasses.replace(p, budget=data.draw(st.sampled_from([None, 0, 3, 10])))
                    for p in case.parties)
    case = dataclasses.replace(case, parties=parties, costs=costs)
    oracle = BruteForce(case)
    result = solve(case, "joint")
    threshold = oracle.batnas + case.margin
    offsets = np.array(case.option_offsets[:-1])
    cost = case.cost_vector[oracle.choices + offsets].sum(axis=1)
    if case.has_contributions:
        surplus = oracle.utilities - threshold
        budget = np.array([0.0 if p.budget is None else float(p.budget) for p in parties])
        can_pay = np.where(surplus >= 0, np.minimum(budget, np.maximum(surplus, 0)), 0).sum(1)
        ok = (surplus >= -1e-9).all(axis=1) & (can_pay >= cost - 1e-9)
        value = oracle.gains.sum(axis=1) - cost
    else:
        ok = oracle.passes
        value = oracle.gains.sum(axis=1)
    if not ok.any():
        assert result.status is Status.NO_AGREEMENT
        return
    assert result.objective_value == pytest.approx(value[ok].max(), abs=1e-6)
    if case.has_contributions:
        frame = result.contributions_frame()
        for (issue, option), group in frame.groupby(["issue", "option"]):
            assert group["amount"].sum() == pytest.approx(case.costs[issue][
                case.issue(issue).index(option)])
            assert result.package[issue] == option
        for party, group in frame.groupby("party"):
            assert group["amount"].sum() <= case.party(party).budget + 1e-9


def test_total_budget_limits_the_package():
    case = Case([Party("A")], [Issue("tunnel", ["out", "in"]), Issue("park", ["out", "in"])],
                {"A": {"tunnel": [0, 5], "park": [0, 4]}},
                costs={"tunnel": {"in": 8}, "park": {"in": 5}}, total_budget=10)
    assert solve(case).package == {"tunnel": "in", "park": "out"}
    assert count_passing(case) == 3


# ------------------------------------------------------------------- agenda


@SETTINGS
@given(case=small_cases(dependencies=True), data=st.data())
def test_agenda_value_against_brute_force(case, data):
    oracle = BruteForce(case)
    assert count_passing(case) == int(oracle.passes.sum())
    issue = data.draw(st.sampled_from(case.issues))
    value = agenda_value(case, issue.name)
    k = case.issue_names.index(issue.name)
    quo = issue.options.index("out") if "out" in issue.options else 0
    kept = oracle.passes & (oracle.choices[:, k] == quo)
    joint = oracle.values("joint")
    assert value.packages_with == oracle.passes.sum()
    assert value.packages_without == kept.sum()
    assert value.deal_without == bool(kept.any())
    if kept.any():
        assert value.joint_without == pytest.approx(joint[kept].max())
    option = data.draw(st.sampled_from(issue.options))
    if len(issue.options) > 1:
        by_option = agenda_value(case, {issue.name: option})
        others = oracle.passes & (oracle.choices[:, k] != issue.options.index(option))
        assert by_option.packages_without == others.sum()


def test_agenda_ranking_orders_issues():
    from mutualgains.io.examples import load_example

    ranking = agenda_value(load_example("harbour"), status_quo={"loan": "none"})
    assert ranking["item"].iloc[0] == "loan"  # no deal at all without it
    gains = ranking["added_joint_gain"].dropna().tolist()
    assert gains == sorted(gains, reverse=True)


def test_analyses_refuse_contributions_clearly():
    from mutualgains import UsageError, amend, improve, pareto_frontier

    case = Case([Party("A", budget=5), Party("B")], [Issue("park", ["out", "in"])],
                {"A": {"park": [0, 9]}, "B": {"park": [0, 9]}}, costs={"park": {"in": 4}})
    for call in (lambda: pareto_frontier(case), lambda: explain(case),
                 lambda: improve(case, {"park": "in"}), lambda: amend(case, {"park": "in"}, "A")):
        with pytest.raises(UsageError, match="not available yet for cases whose option costs"):
            call()
    assert solve(case).contributions == (("A", "park", "in", 4.0),)
