"""Learning a party's priorities: the truth stays inside the consistent set, conflicts are
found and minimal (checked with an independent LP), the estimate recovers the truth."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mutualgains as mg
from mutualgains.testing import BruteForce
from tests.strategies import small_cases

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
GAP = 1e-3  # reactions from the truth hold by at least this much


# ------------------------------------------------------------------ an independent oracle


def _ratings(case, p):
    """Per issue, the party's scores rescaled to [0, 1] (the documented default ratings)."""
    out = []
    for issue in case.issues:
        v = np.array([float(x) for x in case.scores[case.party_names[p]][issue.name]])
        span = v.max() - v.min()
        out.append((v - v.min()) / span if span > 0 else np.zeros(len(v)))
    return out


def oracle_consistent(case, p, reactions) -> bool:
    """The definition, solved by scipy: some weights (>= 0, sum 1) and BATNA in [0, 1]
    (normalised units) meet every reaction, the strict ones by a positive margin."""
    linprog = pytest.importorskip("scipy.optimize").linprog
    ratings = _ratings(case, p)
    learned = [k for k, r in enumerate(ratings) if np.ptp(r) > 0]
    n = len(learned)

    def r(choice):
        return np.array([ratings[k][choice[k]] for k in learned])

    a_ub, b_ub = [], []  # rows a · (w, beta, delta) <= b
    strict = False
    for kind, choices in reactions:
        if kind == "accepted":  # w·r - beta >= 0
            a_ub.append([*(-r(choices[0])), 1.0, 0.0])
            b_ub.append(0.0)
        elif kind == "rejected":  # beta - w·r >= delta
            a_ub.append([*r(choices[0]), -1.0, 1.0])
            b_ub.append(0.0)
            strict = True
        else:  # w·(r_a - r_b) >= delta
            a_ub.append([*(r(choices[1]) - r(choices[0])), 0.0, 1.0])
            b_ub.append(0.0)
            strict = True
    result = linprog(c=[0.0] * (n + 1) + [-1.0], A_ub=np.array(a_ub).reshape(-1, n + 2),
                     b_ub=b_ub, A_eq=[[1.0] * n + [0.0, 0.0]], b_eq=[1.0],
                     bounds=[(0, 1)] * n + [(0, 1), (0, 1)], method="highs")
    if result.status != 0:
        return False
    return not strict or -result.fun > 1e-6


def _call(case, party, reactions, **kw):
    """learn_priorities from ``(kind, [choices])`` reactions (labels kept in order)."""
    pkg = case.package_from_indices
    accepted = [pkg(c[0]) for k, c in reactions if k == "accepted"]
    rejected = [pkg(c[0]) for k, c in reactions if k == "rejected"]
    preferred = [(pkg(c[0]), pkg(c[1])) for k, c in reactions if k == "preferred"]
    return mg.learn_priorities(case, party, accepted=accepted, rejected=rejected,
                               preferred=preferred, **kw)


def _ordered(reactions):
    """The reactions in the order learn_priorities labels them."""
    return ([r for r in reactions if r[0] == "accepted"] + [r for r in reactions if r[0] ==
            "rejected"] + [r for r in reactions if r[0] == "preferred"])


@st.composite
def truths(draw, *, dependencies=False):
    """A case, a true weight vector over the learned issues, a true BATNA, reactions."""
    case = draw(small_cases(max_parties=3, max_issues=4, max_options=3,
                            dependencies=dependencies))
    ratings = _ratings(case, 0)
    learned = [k for k, r in enumerate(ratings) if np.ptp(r) > 0]
    if not learned:
        return None
    raw = np.array([draw(st.integers(1, 9)) for _ in learned], dtype=float)
    weights = raw / raw.sum()
    scores = case.score_matrix[0]
    offs = case.option_offsets
    lows = [float(scores[offs[k]:offs[k + 1]].min()) for k in range(len(case.issues))]
    spans = [float(np.ptp(scores[offs[k]:offs[k + 1]])) for k in range(len(case.issues))]
    scale = sum(spans) or 1.0
    table = {}
    for k, issue in enumerate(case.issues):
        w = weights[learned.index(k)] if k in learned else 0.0
        table[issue.name] = [lows[k] + scale * w * ratings[k][c] for c in range(len(issue.options))]
    oracle = BruteForce(case)
    bonus = oracle.utilities[:, 0] - np.array(
        [sum(case.scores["p0"][i.name][c] for i, c in zip(case.issues, row, strict=True))
         for row in oracle.choices])
    true_u = np.array([sum(table[i.name][c] for i, c in zip(case.issues, row, strict=True))
                       for row in oracle.choices]) + bonus
    beta = draw(st.sampled_from([0.2, 0.45, 0.6, 0.8]))
    batna = sum(lows) + scale * beta
    rows = draw(st.lists(st.integers(0, oracle.n_packages - 1), min_size=1, max_size=8))
    reactions = []
    for r in rows:
        if true_u[r] >= batna + GAP:
            reactions.append(("accepted", [tuple(oracle.choices[r])]))
        elif true_u[r] <= batna - GAP:
            reactions.append(("rejected", [tuple(oracle.choices[r])]))
    for a, b in itertools.pairwise(rows):
        if true_u[a] >= true_u[b] + GAP:
            reactions.append(("preferred", [tuple(oracle.choices[a]), tuple(oracle.choices[b])]))
        elif true_u[b] >= true_u[a] + GAP:
            reactions.append(("preferred", [tuple(oracle.choices[b]), tuple(oracle.choices[a])]))
    truth = {f"weight[{case.issues[k].name}]": float(w) for k, w in zip(learned, weights,
                                                                          strict=True)}
    truth["batna"] = batna
    return case, truth, table, reactions


# ------------------------------------------------------------------ the tests


@SETTINGS
@given(data=truths(dependencies=True))
def test_the_truth_is_inside_the_consistent_set(data):
    if data is None:
        return
    case, truth, table, reactions = data
    learned = _call(case, "p0", reactions)
    assert learned.consistent, learned.message
    assert all(row.holds(truth, 1e-6) for row in learned.constraints)
    assert all(row.holds(learned.estimate, 1e-6) for row in learned.constraints)
    for name, (low, high) in learned.ranges.items():
        assert low - 1e-6 <= truth[name] <= high + 1e-6
    for (issue, option), (low, high) in learned.score_ranges.items():
        true = table[issue][case.issue(issue).index(option)]
        assert low - 1e-6 <= true <= high + 1e-6
    low, high = learned.batna_range
    assert low - 1e-6 <= truth["batna"] <= high + 1e-6
    frame = learned.reactions_frame()
    assert (frame["margin"] >= -1e-6).all()  # the centre meets every reaction


@SETTINGS
@given(data=truths(), scores=st.booleans())
def test_a_contradiction_is_found_and_minimal(data, scores):
    if data is None or not data[3]:
        return
    case, _, _, reactions = data
    kind, choices = reactions[0]
    flipped = {"accepted": ("rejected", choices), "rejected": ("accepted", choices),
               "preferred": ("preferred", choices[::-1])}[kind]
    reactions = _ordered([*reactions, flipped])
    model = "scores" if scores else "weights"
    learned = _call(case, "p0", reactions, model=model)
    assert not learned.consistent and learned.status is mg.Status.INFEASIBLE
    labels = [r.label for r in learned.reactions]
    subset = [reactions[labels.index(c)] for c in learned.conflict]
    assert subset
    assert not _call(case, "p0", _ordered(subset), model=model).consistent
    for j in range(len(subset)):
        rest = _ordered(subset[:j] + subset[j + 1:])
        assert _call(case, "p0", rest, model=model).consistent
        if model == "weights":
            assert oracle_consistent(case, 0, rest)
    if model == "weights":
        assert not oracle_consistent(case, 0, subset)


@SETTINGS
@given(case=small_cases(max_parties=2, max_issues=3, max_options=3),
       picks=st.lists(st.tuples(st.sampled_from(["accepted", "rejected", "preferred"]),
                                st.integers(0, 10_000), st.integers(0, 10_000)),
                      min_size=1, max_size=6))
def test_consistency_and_conflicts_agree_with_an_independent_lp(case, picks):
    oracle = BruteForce(case)
    if not any(np.ptp(r) > 0 for r in _ratings(case, 0)):
        return
    reactions = []
    for kind, a, b in picks:
        ca, cb = (tuple(oracle.choices[x % oracle.n_packages]) for x in (a, b))
        if kind == "preferred":
            if ca == cb:
                continue
            reactions.append((kind, [ca, cb]))
        else:
            reactions.append((kind, [ca]))
    reactions = _ordered(reactions)
    if not reactions:
        return
    learned = _call(case, "p0", reactions)
    assert learned.consistent == oracle_consistent(case, 0, reactions)
    if not learned.consistent:
        labels = [r.label for r in learned.reactions]
        subset = [reactions[labels.index(c)] for c in learned.conflict]
        assert not oracle_consistent(case, 0, subset)
        for j in range(len(subset)):
            assert oracle_consistent(case, 0, subset[:j] + subset[j + 1:])


def _recovery_case():
    issues = {f"i{k}": ["a", "b", "c", "d"] for k in range(4)}
    return mg.Case.from_dict({
        "parties": {"P": 5, "Q": 5}, "issues": issues,
        "scores": {"P": {i: [0, 1, 2, 3] for i in issues},
                   "Q": {i: [3, 2, 1, 0] for i in issues}}})


def test_asking_the_next_questions_recovers_the_ranking_of_issues():
    case = _recovery_case()
    true_w = np.array([0.4, 0.3, 0.2, 0.1])
    true_b = 6.5

    def utility(package):  # the party's scale: S = 12 (four issues of range 3)
        choice = case.package_indices(package)
        return 12.0 * sum(true_w[k] * choice[k] / 3 for k in range(4))

    accepted, rejected = [], []
    for _ in range(20):
        learned = mg.learn_priorities(case, "P", accepted=accepted, rejected=rejected)
        assert learned.consistent
        question = learned.next_question
        (accepted if utility(question) >= true_b else rejected).append(dict(question))
    estimate = np.array([learned.estimate[f"weight[i{k}]"] for k in range(4)])
    assert np.argsort(-estimate).tolist() == [0, 1, 2, 3]
    assert np.allclose(estimate, true_w, atol=0.05)
    low, high = learned.batna_range
    assert low <= true_b <= high
    # the truth is in every range; the ranges have shrunk
    for k in range(4):
        lo, hi = learned.ranges[f"weight[i{k}]"]
        assert lo - 1e-9 <= true_w[k] <= hi + 1e-9 and hi - lo < 0.5


def test_a_ranking_and_the_scores_model():
    case = _recovery_case()
    ranking = [case.package_from_indices(c) for c in ((3, 3, 3, 3), (3, 3, 0, 0), (0, 0, 0, 0))]
    learned = mg.learn_priorities(case, "P", ranking=ranking, model="scores", bounds=(0, 5))
    assert learned.consistent
    assert [r.label for r in learned.reactions] == ["ranking[0]", "ranking[1]"]
    assert learned.parameters[0] == "score[i0][a]" and learned.parameters[-1] == "batna"
    table = learned.scores
    top = sum(table[f"i{k}"]["d"] for k in range(4))
    assert top >= table["i0"]["d"] + table["i1"]["d"] + table["i2"]["a"] + table["i3"]["a"]
    assert all(0 <= lo <= hi <= 5 for lo, hi in learned.score_ranges.values())


def test_a_known_batna_and_the_estimated_case():
    case = mg.load_example("harbour")
    best = mg.solve(case).package
    learned = mg.learn_priorities(case, "Port", accepted=[best], batna=55)
    assert learned.batna == 55 and learned.batna_range == (55, 55)
    estimated = learned.estimated_case()
    assert estimated.party("Port").batna == 55
    assert estimated.utilities(best)["Port"] >= 55 - 1e-6
    assert estimated.scores["City"] == case.scores["City"]
    assert mg.solve(estimated).status is mg.Status.OPTIMAL


def test_to_dict_is_json_and_html_escapes():
    import json

    case = mg.Case.from_dict({"parties": {"<P>": 1, "Q": 1}, "issues": {"<i>": ["<a>", "b"],
                                                                         "j": ["x", "y"]},
                              "scores": {"<P>": {"<i>": [0, 2], "j": [1, 0]}}})
    learned = mg.learn_priorities(case, "<P>", accepted=[{"<i>": "b", "j": "x"}])
    json.dumps(learned.to_dict())
    assert "<P>" not in learned._repr_html_() and "&lt;P&gt;" in learned._repr_html_()


def test_bad_input():
    case = mg.load_example("harbour")
    with pytest.raises(mg.UsageError, match="unknown party"):
        mg.learn_priorities(case, "Nobody")
    with pytest.raises(mg.CaseError, match=r"accepted\[0\]\.package\.loan"):
        mg.learn_priorities(case, "Port", accepted=[{**mg.solve(case).package, "loan": "lots"}])
    with pytest.raises(mg.UsageError, match="model must be"):
        mg.learn_priorities(case, "Port", model="neural")
    with pytest.raises(mg.UsageError, match="batna"):
        mg.learn_priorities(case, "Port", batna=(5, 1))
    with pytest.raises(mg.UsageError, match="preferred"):
        mg.learn_priorities(case, "Port", preferred=[mg.solve(case).package])
    with pytest.raises(mg.UsageError, match="ratings"):
        mg.learn_priorities(case, "Port", ratings={"loan": [1, 2]})
