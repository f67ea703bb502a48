"""Equivalent offers against a brute-force search over every k-subset of passing packages."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mutualgains as mg
from mutualgains.analysis.offers import equivalent_offers, mediator_offers
from mutualgains.testing import BruteForce
from tests.strategies import small_cases

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
EPS = 1e-9


def _distance(oracle: BruteForce, a: int, b: int, measure: str, among: list[int]) -> float:
    if measure == "issues":
        return float((oracle.choices[a] != oracle.choices[b]).sum())
    return float(np.abs(oracle.utilities[a] - oracle.utilities[b])[among].sum())


def _best_sets(oracle: BruteForce, k: int, focus: np.ndarray, bands: list, measure: str,
               among: list[int]):
    """(size, best diversity, best focus sum) over every valid subset, largest size first.

    ``bands``: (values per package, width, level or None) each.
    """
    rows = [r for r in np.flatnonzero(oracle.passes)
            if all(at is None or abs(v[r] - at) <= w + EPS for v, w, at in bands)]
    for size in range(min(k, len(rows)), 0, -1):
        best = None
        for subset in itertools.combinations(rows, size):
            if any(at is None and np.ptp(v[list(subset)]) > w + EPS for v, w, at in bands):
                continue
            div = (min(_distance(oracle, a, b, measure, among)
                       for a, b in itertools.combinations(subset, 2)) if size > 1 else None)
            total = float(focus[list(subset)].sum())
            key = (-np.inf if div is None else div, total)
            if best is None or key[0] > best[0] + EPS or (abs(key[0] - best[0]) <= EPS
                                                          and key[1] > best[1] + EPS):
                best = key
        if best is not None:
            return size, best[0], best[1]
    return 0, None, None


def _check(offers, oracle, k, focus, bands, measure, among):
    size, diversity, total = _best_sets(oracle, k, focus, bands, measure, among)
    assert len(offers) == size
    rows = [oracle.row_of(dict(p)) for p in offers.packages]
    assert len(set(rows)) == len(rows)  # distinct
    assert all(oracle.passes[r] for r in rows)
    for values, width, at in bands:
        v = values[rows]
        if at is None:
            assert len(v) == 0 or np.ptp(v) <= width + 1e-6
        else:
            assert np.all(np.abs(v - at) <= width + 1e-6)
    if size > 1:
        assert offers.diversity == pytest.approx(diversity, abs=1e-6)
        assert float(focus[rows].sum()) == pytest.approx(total, abs=1e-6)
    expected = mg.Status.OPTIMAL if size == k else (
        mg.Status.EXHAUSTED if size or oracle.passes.any() else mg.Status.NO_AGREEMENT)
    assert offers.status is expected


@SETTINGS
@given(case=small_cases(max_parties=3, max_issues=3, max_options=3),
       k=st.integers(1, 3), tolerance=st.sampled_from([0, 1, 2.5]),
       measure=st.sampled_from(["utilities", "issues"]), method=st.sampled_from(["enumerate",
                                                                                   "mip"]),
       at=st.sampled_from([None, "best", 4]))
def test_party_offers_are_the_most_diverse(case, k, tolerance, measure, method, at):
    party = case.party_names[0]
    offers = equivalent_offers(case, party, k, tolerance=tolerance, diversity=measure,
                               method=method, at=at)
    oracle = BruteForce(case)
    focus = oracle.utilities[:, 0]
    level = at
    if at == "best":
        level = float(focus[oracle.passes].max()) if oracle.passes.any() else None
        if level is None:
            assert offers.status is mg.Status.NO_AGREEMENT
            return
    among = list(range(1, len(case.parties)))
    _check(offers, oracle, k, focus, [(focus, tolerance, level)], measure, among)


@SETTINGS
@given(case=small_cases(max_parties=3, max_issues=3, max_options=3, dependencies=True),
       k=st.integers(2, 3), tolerance=st.sampled_from([0, 2, 6]),
       band=st.sampled_from([None, 3]), measure=st.sampled_from(["utilities", "issues"]),
       method=st.sampled_from(["enumerate", "mip"]), best=st.booleans())
def test_mediator_offers_are_the_most_diverse(case, k, tolerance, band, measure, method, best):
    offers = mediator_offers(case, k, tolerance=tolerance, band=band, diversity=measure,
                             method=method, at="best" if best else None)
    oracle = BruteForce(case)
    joint = oracle.gains @ oracle.weights
    level = None
    if best:
        if not oracle.passes.any():
            assert offers.status is mg.Status.NO_AGREEMENT
            return
        level = float(joint[oracle.passes].max())
    bands = [(joint, tolerance, level)]
    if band is not None:
        bands += [(oracle.utilities[:, q], band, None) for q in range(len(case.parties))]
    _check(offers, oracle, k, joint, bands, measure, list(range(len(case.parties))))


@SETTINGS
@given(case=small_cases(max_parties=3, max_issues=3, max_options=3),
       tolerance=st.sampled_from([0, 2]), measure=st.sampled_from(["utilities", "issues"]))
def test_greedy_offers_are_best_step_by_step(case, tolerance, measure):
    offers = equivalent_offers(case, case.party_names[0], 3, tolerance=tolerance,
                               diversity=measure, method="greedy")
    oracle = BruteForce(case)
    focus = oracle.utilities[:, 0]
    among = list(range(1, len(case.parties)))
    rows = [oracle.row_of(dict(p)) for p in offers.packages]
    # the offers are sorted by focus; greedy chose them in some order: rebuild it
    chosen: list[int] = []
    remaining = list(rows)
    while remaining:
        candidates = [r for r in np.flatnonzero(oracle.passes) if r not in chosen
                      and (not chosen or np.ptp(focus[[*chosen, r]]) <= tolerance + EPS)]
        assert candidates  # greedy stopped only when none was left
        if chosen:
            score = {r: min(_distance(oracle, r, c, measure, among) for c in chosen)
                     for r in candidates}
            top = max(score.values())
            best = [r for r in candidates if score[r] >= top - EPS]
        else:
            best = candidates
        top_focus = max(focus[r] for r in best)
        step = [r for r in remaining if r in best and focus[r] >= top_focus - EPS]
        assert step, "no offer is a best next step"
        chosen.append(step[0])
        remaining.remove(step[0])
    left = [r for r in np.flatnonzero(oracle.passes) if r not in chosen
            and np.ptp(focus[[*chosen, r]]) <= tolerance + EPS] if chosen else []
    assert len(chosen) == 3 or not left


def test_examples_read_well():
    case = mg.load_example("harbour")
    offers = equivalent_offers(case, "Port", 3, tolerance=1)
    assert offers.status is mg.Status.OPTIMAL and offers.method == "enumerate"
    frame = offers.to_frame()
    assert list(frame.columns[:2]) == ["offer", "utility Port"]
    assert frame["utility Port"].max() - frame["utility Port"].min() <= 1
    data = offers.to_dict()
    assert data["diversity"] == offers.diversity and len(data["distances"]) == 3
    assert "&lt;" in offers._repr_html_() or "<b>" in offers._repr_html_()


def test_html_escapes_names():
    case = mg.Case.from_dict({"parties": {"<A>": 0, "B&": 0}, "issues": {"<i>": ["<x>", "y"]},
                              "scores": {"<A>": {"<i>": [1, 1]}, "B&": {"<i>": [0, 3]}}})
    text = equivalent_offers(case, "<A>", 2)._repr_html_()
    assert "<A>" not in text and "&lt;A&gt;" in text and "<x>" not in text


def test_bad_arguments():
    case = mg.load_example("harbour")
    with pytest.raises(mg.UsageError, match="unknown party"):
        equivalent_offers(case, "Nobody")
    with pytest.raises(mg.UsageError, match="k must be"):
        equivalent_offers(case, "Port", 0)
    with pytest.raises(mg.UsageError, match="diversity must be"):
        equivalent_offers(case, "Port", diversity="options")
    with pytest.raises(mg.UsageError, match="among"):
        equivalent_offers(case, "Port", among=["Nobody"])
    with pytest.raises(mg.UsageError, match="band"):
        mediator_offers(case, band={"Nobody": 1})
    with pytest.raises(mg.UsageError, match="at must be"):
        mediator_offers(case, at="top")


def test_greedy_and_mip_agree_with_enumeration_on_harbour():
    case = mg.load_example("harbour")
    exact = equivalent_offers(case, "City", 3, diversity="issues")
    by_mip = equivalent_offers(case, "City", 3, diversity="issues", method="mip")
    assert by_mip.diversity == exact.diversity
    assert sum(by_mip.focus) == sum(exact.focus)
    greedy = equivalent_offers(case, "City", 3, diversity="issues", method="greedy", at=50)
    best = equivalent_offers(case, "City", 3, diversity="issues", at=50)
    assert len(greedy) == len(best) == 3 and greedy.diversity <= best.diversity
