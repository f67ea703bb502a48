"""Uncertainty in the case: validated values, the case format both ways (dict, YAML, JSON,
Excel), problems named at their place, and draws that follow the stated distributions."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualgains import CaseError, load_case, save_case
from mutualgains.analysis.robustness_sampling import uncertain_case
from mutualgains.io.examples import load_example
from mutualgains.model.convert import case_from_dict, case_to_dict
from mutualgains.model.noise import with_noise
from mutualgains.model.uncertainty import (
    Interval,
    Noise,
    Normal,
    Triangular,
    Uncertainty,
    Uniform,
)
from mutualgains.model.uncertainty_format import spread_from_dict, spread_to_dict

HARBOUR = load_example("harbour")


def problems_of(data) -> list[str]:
    with pytest.raises(CaseError) as err:
        case_from_dict(data)
    return [str(p) for p in err.value.problems]


def with_uncertainty(raw) -> dict:
    data = HARBOUR.to_dict()
    data["uncertainty"] = raw
    return data


# ------------------------------------------------------------------- values


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Interval(3, 1), "interval: low must be at most high"),
    (lambda: Uniform(1, float("nan")), "uniform.high: must be a finite number"),
    (lambda: Triangular(0, 5, 4), "triangular: must have low <= mode <= high"),
    (lambda: Triangular(2, 2, 2), "triangular: low must be below high"),
    (lambda: Normal(0, 0), "normal.sd: must be positive"),
    (lambda: Normal(0, 1, low=2, high=1), "normal: low must be below high"),
    (lambda: Normal(0, 1, low=7), "normal: the truncation interval holds almost none"),
    (lambda: Noise(-1), "size: must be non-negative"),
    (lambda: Noise(1, shape="lognormal"), "shape: must be one of normal, uniform"),
    (lambda: Noise(1, shape="uniform", low=0), "low: bounds truncate a normal noise only"),
])
def test_values_are_validated(make, message):
    with pytest.raises(CaseError, match=message):
        make()


def test_exact_moments():
    assert Interval(2, 8).expected == 5 and Interval(2, 8).variance == 3
    assert Triangular(0, 0, 3).expected == 1 and Triangular(0, 0, 3).variance == 0.5
    half = Normal(0, 1, low=0)  # the half-normal
    assert half.expected == pytest.approx(math.sqrt(2 / math.pi))
    assert half.variance == pytest.approx(1 - 2 / math.pi)
    far = Normal(0, 1, low=5, high=6)  # far in the upper tail: computed from its mirror
    assert 5 < far.expected < 5.2 and far.variance > 0


def test_noise_around_a_value():
    assert Noise(0.1, relative=True).around(-20) == Normal(-20, 2.0)
    assert Noise(2, shape="triangular").around(1) == Triangular(-1, 1, 3)
    assert Noise(0.5, relative=True).around(0) is None  # a relative noise leaves 0 certain
    assert Noise(3, shape="interval").around(4) == Interval(1, 7)
    assert Interval(1, 7) != Uniform(1, 7)  # an interval is not a distribution


def test_the_most_specific_statement_wins():
    u = Uncertainty(scores={"A": {"i": {"x": Interval(0, 1)}}}, issues={"i": Noise(2)},
                    parties={"A": Noise(3)})
    assert u.score_spread("A", "i", "x") == Interval(0, 1)
    assert u.score_spread("A", "i", "y") == Noise(2)
    assert u.score_spread("A", "j", "x") == Noise(3)
    assert u.score_spread("B", "j", "x") is None


def test_wrong_types_inside_an_uncertainty_are_named():
    with pytest.raises(CaseError) as err:
        Uncertainty(issues={"i": Interval(0, 1)}, batnas={"A": 3})
    assert [str(p) for p in err.value.problems] == [
        "uncertainty.issues.i: must be a Noise (got Interval(low=0, high=1))",
        "uncertainty.batnas.A: must be a Noise or a distribution (Interval, Uniform, "
        "Triangular, Normal) (got 3)"]


# ----------------------------------------------------------- the case format


def test_problems_are_named_with_their_place_all_at_once():
    found = problems_of(with_uncertainty({
        "scores": {"Portx": {"loan": {"none": {"relative": 0.1}}},
                   "Port": {"loanx": {}, "loan": {"4 billion": {"relative": 1},
                                                  "3 billion": {"interval": [36, 40]},
                                                  "none": {"normal": {"mean": 0}}}}},
        "issues": {"x": {"relative": 0.1}},
        "parties": {"City": {"absolute": -1}, "Union": {"relative": 0.5, "low": 1}},
        "batnas": {"Port": {"uniform": [60, 70]}, "Q": {"absolute": 1}},
        "colour": "red"}))
    assert found == [
        "uncertainty.colour: unknown key (known: scores, issues, parties, batnas)",
        "uncertainty.scores.Port.loan.none.normal: needs sd",
        "uncertainty.parties.City.absolute: must be non-negative (got -1)",
        "uncertainty.scores.Portx: unknown party (got 'Portx')",
        "uncertainty.scores.Port.loanx: unknown issue (got 'loanx')",
        "uncertainty.scores.Port.loan.4 billion: unknown option (options: 3 billion, "
        "2 billion, 1 billion, none) (got '4 billion')",
        "uncertainty.scores.Port.loan.3 billion: the score (35) lies outside the range of its "
        "distribution [36, 40]",
        "uncertainty.issues.x: unknown issue (got 'x')",
        "uncertainty.batnas.Port: the BATNA (55) lies outside the range of its distribution "
        "[60, 70]",
        "uncertainty.batnas.Q: unknown party (got 'Q')",
        "uncertainty.parties.Union (10 scores; the first: Union, infrastructure=land): the "
        "score (0) lies outside the range of its distribution [1, inf]",
    ]


@pytest.mark.parametrize(("raw", "message"), [
    ({"scores": {"Port": {"loan": {"none": {"interval": [0, 1], "uniform": [0, 1]}}}}},
     "must have exactly one of interval, uniform"),
    ({"parties": {"Port": {"relative": 0.1, "absolute": 1}}}, "must have exactly one of"),
    ({"parties": {"Port": {"relative": 0.1, "mode": 1}}}, "Port.mode: unknown key with relative"),
    ({"batnas": {"Port": {"triangular": [50, 60]}}}, "must be a list [low, mode, high]"),
    ({"batnas": {"Port": {"normal": [55, 2]}}}, "must be {mean, sd}"),
    ({"batnas": {"Port": {"normal": {"mean": 55, "sd": 1, "mode": 3}}}},
     "normal.mode: unknown key"),
    ({"issues": {"loan": {"uniform": [0, 1]}}}, "must be a noise"),
    ([1, 2], "uncertainty: must be a mapping"),
])
def test_malformed_spreads_are_refused(raw, message):
    assert any(message in p for p in problems_of(with_uncertainty(raw))), \
        problems_of(with_uncertainty(raw))


spreads = st.one_of(
    st.builds(lambda a, w: Interval(a, a + w), st.integers(-5, 5), st.integers(0, 4)),
    st.builds(lambda a, w: Uniform(a / 2, a / 2 + w), st.integers(-5, 5), st.integers(0, 4)),
    st.builds(lambda a, m, w: Triangular(a, a + m * w, a + w), st.integers(-5, 5),
              st.sampled_from([0, 0.5, 1]), st.integers(1, 4)),
    st.builds(lambda m, s: Normal(m, s), st.integers(-5, 5), st.sampled_from([0.5, 1, 3])),
    st.builds(lambda m: Normal(m, 2, low=m - 3, high=m + 1.5), st.integers(-5, 5)),
    st.builds(lambda s, r, shape: Noise(s, relative=r, shape=shape),
              st.sampled_from([0, 0.1, 2]), st.booleans(), st.sampled_from(
                  ["normal", "uniform", "triangular", "interval"])),
)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(spreads)
def test_every_spread_round_trips_through_plain_data(spread):
    problems: list = []
    assert spread_from_dict(spread_to_dict(spread), "x", problems) == spread
    assert problems == []


def _wide(spread):
    """A spread whose range holds every harbour score and BATNA (0..60)."""
    if isinstance(spread, Noise):
        return spread
    return Interval(-100, 100)


@settings(max_examples=30, derandomize=True, deadline=None)
@given(st.lists(spreads, min_size=4, max_size=4))
def test_a_case_with_uncertainty_round_trips_exactly(tmp_path_factory, items):
    noises = [s if isinstance(s, Noise) else Noise(1) for s in items]
    u = Uncertainty(scores={"Port": {"loan": {"none": _wide(items[0])}}},
                    issues={"ecology": noises[1]}, parties={"City": noises[2]},
                    batnas={"Union": _wide(items[3]), "Port": items[3] if isinstance(
                        items[3], Noise) else Interval(50, 60)})
    case = dataclasses.replace(HARBOUR, uncertainty=u)
    assert case_from_dict(case_to_dict(case)) == case
    folder = tmp_path_factory.mktemp("round")
    for name in ("case.yaml", "case.json"):
        save_case(case, folder / name)
        assert load_case(folder / name) == case
    pytest.importorskip("openpyxl")
    from mutualgains.io.excel import case_from_excel, case_to_excel

    case_to_excel(case, folder / "case.xlsx")
    assert case_from_excel(folder / "case.xlsx") == case


def test_excel_rows_are_named_at_their_cells(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from mutualgains.io.excel import case_from_excel, case_to_excel

    path = tmp_path / "case.xlsx"
    case_to_excel(HARBOUR, path)
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("uncertainty")
    for row in [("target", "party", "issue", "option", "shape", "low", "high", "sd", "mean",
                 "relative"),
                ("score", "Portx", "loan", "none", "normal", None, None, 1, 0),
                ("score", "Port", "loan", "none", "normal", None, None, -1, 0),
                ("batna", "Port", None, None, "interval", 3, 1),
                ("issue", None, "loan", None, None, None, None, None, None, "x"),
                ("party", "City", "loan", None, None, None, None, None, None, 0.1),
                ("batna", "City", None, None, "triangular", 1, 2),
                ("often", "City")]:
        sheet.append(row)
    book.save(path)
    with pytest.raises(CaseError) as err:
        case_from_excel(path)
    assert [str(p) for p in err.value.problems] == [
        "uncertainty!J5 (relative): must be a number (got 'x')",
        "uncertainty!C6 (issue): must be empty for target party",
        "uncertainty row 7: shape triangular needs mode",
        "uncertainty!A8 (target): must be one of score, issue, party, batna (got 'often')",
        "uncertainty!H3 (sd): must be positive (got -1)",
        "uncertainty row 4: low must be at most high (got [3, 1])",
        "uncertainty!B2 (party): unknown party (got 'Portx')",
    ]


def test_with_noise_replaces_the_case_uncertainty():
    case = with_noise(HARBOUR, 0.2, shape="uniform", batnas=True)
    assert case.uncertainty.parties["Port"] == Noise(0.2, relative=True, shape="uniform")
    assert case.uncertainty.batna("Port", 55) == Uniform(44.0, 66.0)
    assert with_noise(case, 1, relative=False).uncertainty.batnas == {}


# ------------------------------------------------------------------ draws


@pytest.mark.parametrize("dist", [
    Interval(-2, 6), Uniform(1, 2), Triangular(0, 1, 5), Triangular(0, 0, 1), Normal(3, 2),
    Normal(0, 1, low=0), Normal(0, 1, low=-0.5, high=0.25), Normal(10, 3, high=2),
    Normal(0, 1, low=4.5, high=5.5),
])
def test_draws_follow_the_distribution(dist):
    data = HARBOUR.to_dict()  # nominal values inside the range: the expectation
    data["scores"]["Port"]["loan"]["none"] = dist.expected
    data["parties"]["City"]["batna"] = dist.expected
    case = dataclasses.replace(case_from_dict(data), uncertainty=Uncertainty(
        scores={"Port": {"loan": {"none": dist}}}, batnas={"City": dist}))
    uc = uncertain_case(case)
    j = case.option_offsets[3] + 3  # loan: none
    scores, batnas = uc.draw(np.random.default_rng(7), 40_000)
    low, high = dist.support
    for sample in (scores[:, 0, j], batnas[:, 1]):
        assert low <= sample.min() and sample.max() <= high
        se = math.sqrt(dist.variance / len(sample))
        assert abs(sample.mean() - dist.expected) < 5 * se + 1e-12
        assert sample.var() == pytest.approx(dist.variance, rel=0.05)
    # the certain numbers stay at the case's values
    assert (scores[:, 1] == case.score_matrix[1]).all() and (batnas[:, 0] == 55).all()
    assert (scores[:, 0, :j] == case.score_matrix[0, :j]).all()


def test_the_same_seed_draws_the_same_numbers():
    uc = uncertain_case(with_noise(HARBOUR, 0.1, shape="triangular", batnas=True))
    a = uc.draw(np.random.default_rng(3), 50)
    b = uc.draw(np.random.default_rng(3), 50)
    assert all((x == y).all() for x, y in zip(a, b, strict=True))
