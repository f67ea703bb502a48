"""Reviewing a deal against the brute-force oracle."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mutualgains as mg
from mutualgains.testing import BruteForce
from tests.strategies import small_cases

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def _non_dominated(u: np.ndarray) -> np.ndarray:
    keep = []
    for i in range(len(u)):
        beaten = ((u >= u[i] - 1e-9).all(axis=1) & (u > u[i] + 1e-9).any(axis=1)).any()
        if not beaten:
            keep.append(i)
    return np.array(keep, dtype=int)


@SETTINGS
@given(case=small_cases(max_parties=3, max_issues=3, max_options=3, dependencies=True),
       pick=st.integers(0, 10_000), rule=st.sampled_from(["joint", "egalitarian"]))
def test_review_matches_brute_force(case, pick, rule):
    oracle = BruteForce(case)
    feasible = np.flatnonzero(oracle.feasible)
    if not len(feasible):
        return
    row = int(feasible[pick % len(feasible)])
    deal = oracle.package(row)
    review = mg.review_deal(case, deal, rule=rule, objectives=("joint", "egalitarian"))
    u = oracle.utilities
    base = u[row]
    dominating = feasible[(u[feasible] >= base - 1e-9).all(axis=1)]
    better = u[dominating] - base
    strictly = dominating[(better > 1e-9).any(axis=1)]
    assert review.pareto_optimal == (len(strictly) == 0)
    # the Pareto-optimal improvements: the non-dominated vectors among the dominating ones
    front = dominating[_non_dominated(u[dominating])]
    expected = {tuple(np.round(u[r], 9)) for r in front if (u[r] > base + 1e-9).any()}
    got = {tuple(np.round([m["scores"][p] for p in case.party_names], 9))
           for m in review.improvements}
    assert got == expected
    assert review.improvements_status == "complete"
    for k, p in enumerate(case.party_names):
        assert review.most_for[p] == pytest.approx(better[:, k].max(), abs=1e-6)
    assert review.uniform_gain == pytest.approx(better.min(axis=1).max(), abs=1e-6)
    weights = oracle.weights
    if rule == "joint":  # improve maximises the weighted joint gain
        left = np.array([review.left_on_table[p] for p in case.party_names])
        assert left @ weights == pytest.approx((better @ weights).max(), abs=1e-6)
    # the deal's values and the solutions
    assert review.deal_values["joint"] == pytest.approx(float(oracle.gains[row] @ weights))
    assert review.deal_values["egalitarian"] == pytest.approx(float(oracle.gains[row].min()))
    for objective in ("joint", "egalitarian"):
        best = oracle.best(objective)
        result = review.solutions[objective]
        assert (best is None) == (result.package is None)
        if best is not None:
            assert result.objective_value == pytest.approx(best, abs=1e-6)
    assert review.passes == bool(oracle.passes[row])
    json.dumps(review.to_dict())


def test_the_report_reads_well():
    case = mg.load_example("harbour")
    review = mg.review_deal(case, case.package_from_indices([0, 1, 1, 1, 2]))
    assert review.status is mg.Status.OPTIMAL
    frame = review.to_frame()
    assert frame.columns.tolist() == ["party", "score", "batna", "gain", "accepted",
                                      "left_on_table", "most_for", "gain joint",
                                      "gain egalitarian", "gain ks", "gain leximin",
                                      "gain nash"]
    assert review.solutions_frame()["objective"].tolist() == list(mg.OBJECTIVES)
    assert len(review.trades_frame()) == len(mg.trades(case, review.package))
    assert all(all(v >= 0 for v in m["improvement"].values()) for m in review.improvements)


def test_html_escapes_names():
    case = mg.Case.from_dict({"parties": {"<A>": 0, "B&": 0}, "issues": {"<i>": ["<x>", "y"]},
                              "scores": {"<A>": {"<i>": [1, 2]}, "B&": {"<i>": [0, 3]}}})
    text = mg.review_deal(case, {"<i>": "<x>"})._repr_html_()
    assert "<A>" not in text and "&lt;A&gt;" in text


def test_bad_input():
    case = mg.load_example("harbour")
    with pytest.raises(mg.CaseError, match="unknown option"):
        mg.review_deal(case, {**mg.solve(case).package, "loan": "lots"})
    with pytest.raises(mg.UsageError, match="objectives"):
        mg.review_deal(case, mg.solve(case).package, objectives=["best"])
    with pytest.raises(mg.UsageError, match="rule must be"):
        mg.review_deal(case, mg.solve(case).package, rule="ks")


def test_review_chart(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from mutualgains.plots.review import review_chart

    case = mg.load_example("harbour")
    review = mg.review_deal(case, case.package_from_indices([0, 1, 1, 1, 2]))
    ax = review_chart(review)
    ax.figure.savefig(tmp_path / "review.png")
    deal, left = ax.containers[:2]
    assert len(deal) == len(left) == len(case.parties)
    assert [b.get_width() for b in deal] == [review.gains[p] for p in case.party_names]
    assert [b.get_width() for b in left] == [review.left_on_table[p] for p in case.party_names]
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert set(mg.OBJECTIVES) <= labels
    assert (tmp_path / "review.png").stat().st_size > 0
