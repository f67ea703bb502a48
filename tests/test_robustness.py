"""The robustness analyses against independent computations on small cases.

- acceptance probabilities: the exact normal form against Monte Carlo (within its interval),
  the worst/best-case bounds against every draw;
- the stability radius against brute force over every vertex of the box, on a fine grid
  of change sizes (it never assumes where the worst case lies);
- the robust package (SAA and worst case) against enumeration of every package with the
  same scenarios;
- rank acceptability and importance against direct recomputation.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mutualgains import CaseError, UsageError, solve
from mutualgains.analysis.robustness_accept import acceptance, importance
from mutualgains.analysis.robustness_package import robust_package
from mutualgains.analysis.robustness_radius import stability_radius
from mutualgains.analysis.robustness_rank import rank_acceptability
from mutualgains.analysis.robustness_sampling import uncertain_case
from mutualgains.io.examples import load_example
from mutualgains.model.noise import with_noise
from mutualgains.model.uncertainty import Interval, Noise, Normal, Uncertainty
from mutualgains.testing import BruteForce
from mutualgains.tolerance import TOLERANCE
from tests.strategies import small_cases

pytestmark = pytest.mark.filterwarnings("ignore::mutualgains.model.relations.DependencyWarning")

SETTINGS = settings(max_examples=40, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def some_package(draw, case) -> dict:
    """A package that passes at the case's values when one does (else any)."""
    oracle = BruteForce(case)
    rows = np.flatnonzero(oracle.passes)
    pool = rows if rows.size else np.arange(oracle.n_packages)
    return oracle.package(int(draw(st.sampled_from(pool.tolist()))))


# -------------------------------------------------------------- acceptance


@SETTINGS
@given(st.data())
def test_normal_noise_gives_the_normal_probability_within_the_monte_carlo_interval(data):
    case = data.draw(small_cases(max_parties=4, max_issues=4, dependencies=True))
    size = data.draw(st.sampled_from([0.5, 1, 2.5]))
    case = with_noise(case, size, relative=data.draw(st.booleans()),
                      batnas=data.draw(st.booleans()))
    package = some_package(data.draw, case)
    exact = acceptance(case, package)
    sampled = acceptance(case, package, method="monte_carlo", samples=20_000,
                         confidence=0.99999, seed=data.draw(st.integers(0, 99)))
    for mine, mc in zip(exact.parties, sampled.parties, strict=True):
        assert mine.method in ("normal", "certain")
        assert mc.low - 1e-12 <= mine.probability <= mc.high + 1e-12, (mine, mc)
    assert exact.rule_method in ("exact", "certain")
    assert sampled.rule_low - 1e-12 <= exact.rule_probability <= sampled.rule_high + 1e-12


def test_the_normal_form_by_hand():
    case = with_noise(load_example("harbour"), 2, relative=False, batnas=True)
    package = ["water and land", "improve", "union only", "3 billion", "150 million"]
    port = acceptance(case, package).party("Port")
    # Port: 59 - 55 = 4 over five scores and a BATNA, each with sd 2 (accepted within the
    # tolerance, as everywhere)
    z = (4 + TOLERANCE) / math.sqrt(6 * 4)
    assert port.probability == pytest.approx(0.5 * (1 + math.erf(z / math.sqrt(2))), abs=1e-12)


@SETTINGS
@given(st.data())
def test_bounds_are_exact_and_every_draw_agrees(data):
    case = data.draw(small_cases(max_parties=3, max_issues=3))
    width = data.draw(st.sampled_from([0.5, 1, 3]))
    case = with_noise(case, width, relative=False, shape="interval", batnas=True)
    package = some_package(data.draw, case)
    exact = acceptance(case, package)
    sampled = acceptance(case, package, method="monte_carlo", samples=2000)
    for mine, mc in zip(exact.parties, sampled.parties, strict=True):
        if mine.method == "bounds":
            assert mc.probability == mine.probability
        # the worst case is the lower corner: every score of the package down by the width
        assert mine.worst == pytest.approx(mine.nominal - width * len(case.issues))
        assert mine.best == pytest.approx(mine.nominal + width * len(case.issues))


def test_confidence_and_samples_are_checked():
    case = with_noise(load_example("harbour"), 0.1)
    package = solve(case).package
    with pytest.raises(UsageError, match="acceptance: samples must be a whole number"):
        acceptance(case, package, samples=0)
    with pytest.raises(UsageError, match="confidence must be between 0 and 1"):
        acceptance(case, package, confidence=1)
    with pytest.raises(CaseError, match="package.loan"):
        acceptance(case, {**package, "loan": "a lot"})
    with pytest.raises(UsageError, match="holds no package"):
        acceptance(case, solve(case.from_dict({"parties": {"A": 9}, "issues": {"i": ["x"]}})))


def test_a_certain_case_has_certain_answers():
    case = load_example("harbour")
    acc = acceptance(case, solve(case))
    assert acc.status.value == "optimal" and acc.rule_probability == 1.0
    assert {r.method for r in acc.parties} == {"certain"} and acc.samples == 0


def test_importance_exact_and_sampled_agree():
    case = with_noise(load_example("harbour"), 0.15, batnas=True)
    package = ["water and land", "improve", "union only", "2 billion", "150 million"]
    exact = importance(case, package)
    sampled = importance(case, package, method="monte_carlo", samples=40_000, seed=2)
    assert exact.method == "exact" and sampled.method == "monte carlo"
    by_party = {r["party"]: r for r in sampled.rows}
    for row in exact.rows:
        other = by_party[row["party"]]
        assert other["variance"] == pytest.approx(row["variance"])
        assert other["without"] == pytest.approx(row["without"], abs=0.012)
        assert other["pass_probability"] == pytest.approx(row["pass_probability"], abs=0.012)
    assert exact.most == sampled.most


# ---------------------------------------------------------- stability radius


def _with_slack(draw, case):
    """The case with its BATNAs lowered a little, so that most radii are positive."""
    slack = draw(st.sampled_from([0, 1, 2, 4]))
    return dataclasses.replace(case, parties=tuple(
        dataclasses.replace(p, batna=p.batna - slack) for p in case.parties))


def _interval_uncertainty(draw, case) -> Uncertainty:
    """Intervals of random, uneven widths around some scores and BATNAs."""
    widths = st.sampled_from([0, 0, 0.5, 1, 2])
    scores = {}
    for p in case.party_names:
        for issue in case.issues:
            for option, value in zip(issue.options, case.scores[p][issue.name], strict=True):
                low, high = draw(widths), draw(widths)
                if low or high:
                    scores.setdefault(p, {}).setdefault(issue.name, {})[option] = Interval(
                        value - low, value + high)
    batnas = {}
    for party in case.parties:
        low, high = draw(widths), draw(widths)
        if low or high:
            batnas[party.name] = Interval(party.batna - low, party.batna + high)
    return Uncertainty(scores=scores, batnas=batnas)


class Box:
    """Every number of a case (scores, then BATNAs) with how it moves at size t."""

    def __init__(self, case, relative: bool, box: str):
        uc = uncertain_case(case)
        s, b = case.score_matrix.ravel(), case.batnas
        self.nominal = np.concatenate([s, b])
        self.rate = np.abs(self.nominal) if relative else np.ones_like(self.nominal)
        if box == "all":
            self.low = np.full_like(self.nominal, -np.inf)
            self.high = np.full_like(self.nominal, np.inf)
        else:
            self.low = np.concatenate([uc.low.ravel(), uc.batna_low])
            self.high = np.concatenate([uc.high.ravel(), uc.batna_high])

    def corners(self, t: float, which: np.ndarray) -> np.ndarray:
        """Every vertex of the box at size ``t`` over the numbers ``which`` (others nominal)."""
        lo = np.maximum(self.nominal - self.rate * t, self.low)
        hi = np.minimum(self.nominal + self.rate * t, self.high)
        moving = [k for k in which if hi[k] > lo[k]]
        out = np.tile(self.nominal, (2 ** len(moving), 1))
        for row, bits in enumerate(itertools.product((0, 1), repeat=len(moving))):
            for k, bit in zip(moving, bits, strict=True):
                out[row, k] = hi[k] if bit else lo[k]
        return out


def _evaluate(case, oracle: BruteForce, numbers: np.ndarray):
    """Per vertex: every package's utilities (vertices x packages x parties) and acceptance."""
    n_parties, n_options = case.score_matrix.shape
    scores = numbers[:, :n_parties * n_options].reshape(-1, n_parties, n_options)
    batnas = numbers[:, n_parties * n_options:]
    cols = oracle.choices + np.asarray(case.option_offsets[:-1])
    plain = case.score_matrix[:, cols].sum(axis=2).T  # packages x parties
    bonus = oracle.utilities - plain  # synergy bonuses (no caps here)
    utilities = scores[:, :, cols].sum(axis=3).transpose(0, 2, 1) + bonus
    accepts = utilities >= (batnas + float(case.margin))[:, None, :] - TOLERANCE
    passes = case.rule_holds(accepts.reshape(-1, n_parties)).reshape(len(numbers), -1)
    return utilities, batnas, passes & oracle.feasible


def broken_passing(case, oracle, box, row, t) -> bool:
    n_parties, n_options = case.score_matrix.shape
    cols = [case.option_offsets[k] + c for k, c in enumerate(oracle.choices[row])]
    which = [p * n_options + j for p in range(n_parties) for j in cols] + [
        n_parties * n_options + p for p in range(n_parties)]
    _, _, passes = _evaluate(case, oracle, box.corners(t, which))
    return not passes[:, row].all()


def broken_best(case, oracle, box, row, t) -> bool:
    if broken_passing(case, oracle, box, row, t):
        return True
    utilities, batnas, passes = _evaluate(case, oracle, box.corners(t, range(len(box.nominal))))
    weights = np.array([float(p.weight) for p in case.parties])
    joint = (utilities - batnas[:, None, :]) @ weights
    others = np.ones(oracle.n_packages, dtype=bool)
    others[row] = False
    rival = passes[:, others] & (joint[:, others] >= joint[:, [row]] - TOLERANCE)
    return bool(rival.any())


def _grid(radius: float) -> list[float]:
    if not math.isfinite(radius):
        return [0.5, 3.0, 40.0]
    top = max(2 * radius, 1.0)
    points = [t for t in np.linspace(0, top, 17).tolist()
              if abs(t - radius) > 2e-3 * max(radius, 0.05)]
    return [*points, radius * 0.995, radius * 1.005 + 1e-3]


@SETTINGS
@given(st.data())
def test_passing_radius_against_every_vertex_on_a_fine_grid(data):
    case = _with_slack(data.draw, data.draw(small_cases(max_parties=3, max_issues=3,
                                                        max_options=3, dependencies=True)))
    relative = data.draw(st.booleans())
    box = data.draw(st.sampled_from(["all", "uncertainty"]))
    if box == "uncertainty":
        case = dataclasses.replace(case, uncertainty=_interval_uncertainty(data.draw, case))
    oracle = BruteForce(case)
    assume(oracle.passes.any())
    row = int(data.draw(st.sampled_from(np.flatnonzero(oracle.passes).tolist())))
    result = stability_radius(case, oracle.package(row), relative=relative, box=box)
    moves = Box(case, relative, box)
    for t in _grid(result.passes):
        assert broken_passing(case, oracle, moves, row, t) == (t > result.passes), (t, result)
    if math.isfinite(result.passes):  # the changes reported break it just beyond
        assert result.binding in case.party_names and result.breaks_passing


@settings(max_examples=30, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_best_radius_against_every_vertex_on_a_fine_grid(data):
    # every number moves: at most 2 parties x 6 options + 2 BATNAs (2**14 vertices)
    case = _with_slack(data.draw, data.draw(small_cases(max_parties=2, max_issues=3,
                                                        max_options=2, dependencies=True)))
    relative = data.draw(st.booleans())
    box = data.draw(st.sampled_from(["all", "uncertainty"]))
    if box == "uncertainty":
        case = dataclasses.replace(case, uncertainty=_interval_uncertainty(data.draw, case))
    oracle = BruteForce(case)
    assume(oracle.passes.any())
    best_rows = oracle.optimal_rows("joint").tolist()
    row = int(data.draw(st.sampled_from(best_rows * 3 + np.flatnonzero(oracle.passes).tolist())))
    result = stability_radius(case, oracle.package(row), relative=relative, box=box)
    assert result.best <= result.passes
    moves = Box(case, relative, box)
    for t in _grid(result.best):
        if t > 0 or result.best > 0:
            assert broken_best(case, oracle, moves, row, t) == (t > result.best), (t, result)
    if result.best_by == "rival":
        rival = oracle.row_of(dict(result.rival))
        assert rival != row and oracle.feasible[rival]


def test_radius_of_a_package_that_does_not_pass():
    case = load_example("harbour")
    failing = {i.name: i.options[-1] for i in case.issues}
    result = stability_radius(case, failing)
    assert result.status.value == "no_agreement" and result.passes == 0.0


def test_caps_leave_the_best_radius_out():
    case = dataclasses.replace(load_example("harbour"), parties=tuple(
        dataclasses.replace(p, cap=200) for p in load_example("harbour").parties))
    result = stability_radius(case, solve(case))
    assert result.best is None and "caps" in result.message and result.passes > 0


# ------------------------------------------------------------ robust package


def _enumerate(case, q: float, chance: str, samples: int, seed: int, method: str):
    """The best expected joint gain over every package meeting the requirement."""
    oracle = BruteForce(case)
    uc = uncertain_case(case)
    cols = oracle.choices + np.asarray(case.option_offsets[:-1])
    bonus = oracle.utilities - case.score_matrix[:, cols].sum(axis=2).T
    weights = np.array([float(p.weight) for p in case.parties])
    expected = (uc.mean[:, cols].sum(axis=2).T + bonus - uc.batna_mean) @ weights
    margin = float(case.margin)
    if method == "chance":
        scores, batnas = uc.draw(np.random.default_rng(seed), samples)
        utilities = scores[:, :, cols].sum(axis=3).transpose(0, 2, 1) + bonus
        accepts = utilities >= (batnas + margin)[:, None, :] - TOLERANCE  # N x pkgs x P
        need = math.ceil(q * samples - 1e-9)
        if chance == "each":
            ok = (accepts.sum(axis=0) >= need).all(axis=1)
        else:
            holds = case.rule_holds(accepts.reshape(-1, len(case.parties))).reshape(
                samples, -1)
            ok = holds.sum(axis=0) >= need
    else:
        worst = uc.low[:, cols].sum(axis=2).T + bonus
        ok = case.rule_holds(worst >= uc.batna_high + margin - TOLERANCE)
    ok &= oracle.feasible
    return float(expected[ok].max()) if ok.any() else None


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_saa_program_is_enumeration_with_the_same_scenarios(data):
    case = data.draw(small_cases(max_parties=3, max_issues=3, max_options=3,
                                 dependencies=True))
    case = with_noise(case, data.draw(st.sampled_from([0.5, 1.5])), relative=False,
                      shape=data.draw(st.sampled_from(["normal", "uniform"])),
                      batnas=data.draw(st.booleans()))
    q = data.draw(st.sampled_from([0.5, 0.8, 0.95]))
    chance = data.draw(st.sampled_from(["each", "rule"]))
    seed = data.draw(st.integers(0, 20))
    result = robust_package(case, q=q, chance=chance, samples=25, seed=seed, validate=200)
    expected = _enumerate(case, q, chance, 25, seed, "chance")
    if expected is None:
        assert result.status.value == "no_agreement" and result.package is None
    else:
        assert result.status.value == "optimal"
        assert result.expected_joint_gain == pytest.approx(expected, abs=1e-6)
        if chance == "each":
            assert min(result.in_sample.values()) >= q - 1e-9


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_worst_case_package_is_enumeration_over_the_lower_corners(data):
    case = data.draw(small_cases(max_parties=3, max_issues=3, max_options=3,
                                 dependencies=True))
    kind = data.draw(st.sampled_from(["intervals", "noise", "unbounded"]))
    if kind == "intervals":
        case = dataclasses.replace(case, uncertainty=_interval_uncertainty(data.draw, case))
    elif kind == "noise":
        case = with_noise(case, 1, relative=False, shape="triangular", batnas=True)
    else:  # one party's scores unbounded below: never guaranteed
        case = dataclasses.replace(case, uncertainty=Uncertainty(
            parties={case.party_names[0]: Noise(1)}))
    result = robust_package(case, method="worst_case", validate=200)
    expected = _enumerate(case, 1.0, "each", 0, 0, "worst_case")
    if expected is None:
        assert result.status.value == "no_agreement"
    else:
        assert result.expected_joint_gain == pytest.approx(expected, abs=1e-6)
        assert result.acceptance.rule_probability == 1.0


def test_robust_package_refuses_caps():
    case = dataclasses.replace(load_example("harbour"), parties=tuple(
        dataclasses.replace(p, cap=200) for p in load_example("harbour").parties))
    with pytest.raises(UsageError, match="utility caps"):
        robust_package(case)


def test_robustness_costs_and_probabilities_on_harbour():
    case = with_noise(load_example("harbour"), 0.1)
    robust = robust_package(case, q=0.9, samples=150, seed=4)
    assert robust.cost == robust.nominal_expected_joint_gain - robust.expected_joint_gain
    assert robust.cost >= 0
    assert robust.rule_probability > robust.nominal_rule_probability
    assert min(robust.acceptance.probabilities.values()) >= 0.85  # q on fresh draws, roughly


# --------------------------------------------------------- rank acceptability


@SETTINGS
@given(st.data())
def test_rank_acceptability_against_direct_ranking(data):
    case = data.draw(small_cases(max_parties=3, max_issues=3, max_options=3))
    case = with_noise(case, 1, relative=False, batnas=True)
    oracle = BruteForce(case)
    assume(oracle.passes.sum() >= 2)
    k = data.draw(st.integers(1, 4))
    objective = data.draw(st.sampled_from(["joint", "egalitarian"]))
    result = rank_acceptability(case, k, samples=300, seed=3, objective=objective)
    assert np.allclose(result.shares.sum(axis=1), 1)
    # the same draws, ranked by hand
    rows = [oracle.row_of(dict(p)) for p in result.packages]
    cols = oracle.choices[rows] + np.asarray(case.option_offsets[:-1])
    used = sorted(set(cols.ravel().tolist()))
    scores, batnas = uncertain_case(case).draw(np.random.default_rng(3), 300, options=used)
    index = {j: n for n, j in enumerate(used)}
    expected = np.zeros_like(result.shares)
    for s in range(300):
        values = []
        for c in range(len(rows)):
            u = np.array([sum(scores[s, p, index[j]] for j in cols[c])
                          for p in range(len(case.parties))])
            ok = case.rule_holds(u >= batnas[s] + float(case.margin) - TOLERANCE)[0]
            g = u - batnas[s]
            value = g @ oracle.weights if objective == "joint" else g.min()
            values.append(value if ok else None)
        for c, v in enumerate(values):
            if v is None:
                expected[c, -1] += 1
                continue
            ahead = sum(1 for d, w in enumerate(values) if w is not None and d != c and (
                w > v + TOLERANCE * max(1, abs(v))
                or (abs(w - v) <= TOLERANCE * max(1, abs(v)) and d < c)))
            expected[c, ahead] += 1
    assert np.allclose(result.shares, expected / 300)


def test_rank_acceptability_without_uncertainty_is_the_nominal_order():
    result = rank_acceptability(load_example("harbour"), 3, samples=10)
    assert result.shares.tolist() == [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]
    assert result.nominal == (114, 112, 105)


def test_normal_truncation_bounds_probabilities():
    case = dataclasses.replace(load_example("harbour"), uncertainty=Uncertainty(
        batnas={"Port": Normal(55, 3, low=50, high=58)}))
    package = ["water and land", "improve", "union only", "3 billion", "150 million"]
    row = acceptance(case, package).party("Port")  # utility 59 >= 58: every BATNA accepted
    assert row.method == "bounds" and row.probability == 1.0


def test_every_result_escapes_names_in_html():
    from mutualgains import Case
    from mutualgains.sweeps import sampled_optima, sweep

    case = with_noise(Case.from_dict({
        "parties": {"<b>P</b>": 1, "Q&A": 1},
        "issues": {"<i>issue</i>": ["<x>", "y"], "j": ["a", "b"]},
        "scores": {"<b>P</b>": {"<i>issue</i>": [3, 1], "j": [0, 2]},
                   "Q&A": {"<i>issue</i>": [1, 3], "j": [2, 0]}}}), 0.2)
    package = solve(case).package
    results = [acceptance(case, package, samples=100), importance(case, package, samples=100),
               stability_radius(case, package), rank_acceptability(case, 2, samples=100),
               robust_package(case, samples=20, validate=100),
               sweep(case, [{"id": "<s>"}]), sampled_optima(case, 5)]
    for result in results:
        text = result._repr_html_()
        assert "<b>P</b>" not in text and "<i>issue</i>" not in text and "<s>" not in text, \
            type(result).__name__
        assert "<table" in text and repr(result)
