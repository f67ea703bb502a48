"""Cases as DataFrames: round trips and the errors of case_from_frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from mutualgains import Case, CaseError, DecisionRule, Issue, Party, Problem, UsageError
from mutualgains.io.examples import load_example
from mutualgains.io.frames import case_from_frames, case_to_frames

from .strategies import small_cases

# ----------------------------------------------------------------- fixtures


def rich_case() -> Case:
    """Weights, veto, margin, a k-of-n rule, floats and an option nobody scores."""
    return Case(
        [Party("Port", batna=10, weight=2, veto=True),
         Party("City", batna=4.5, weight=0.5),
         Party("League", batna=-1, weight=0),
         Party("Union", batna=3)],
        [Issue("dredging", ("none", "shallow", "deep")),
         Issue("park", ("out", "in")),
         Issue("unused", ("a", "b"))],
        {"Port": {"dredging": [0, 4, 9.5], "park": [2, 0]},
         "City": {"dredging": {"shallow": 3}, "park": [0, 6]},
         "League": {"dredging": [5, 2, -3]},
         "Union": {"park": {"in": 1}}},
        decision_rule=DecisionRule(min_parties=3, veto=["City"]),
        margin=0.5,
        name="rich",
        description="a case with every feature",
    )


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    scores = pd.DataFrame({
        "party": ["A", "A", "B", "B"],
        "issue": ["i", "i", "i", "j"],
        "option": ["x", "y", "x", "u"],
        "score": [1, 2, 3, 4],
    })
    parties = pd.DataFrame({"party": ["A", "B"], "batna": [1, 2]})
    return scores, parties


def problems_of(scores, parties, **kwargs) -> tuple[Problem, ...]:
    with pytest.raises(CaseError) as info:
        case_from_frames(scores, parties, **kwargs)
    assert isinstance(info.value, ValueError)
    return info.value.problems


def wheres(problems) -> list[str]:
    return [p.where for p in problems]


# --------------------------------------------------------------- round trips


def test_round_trip_example():
    case = load_example("harbour")
    assert case_from_frames(*case_to_frames(case)) == case


def test_round_trip_rich_case():
    case = rich_case()
    scores, parties = case_to_frames(case)
    back = case_from_frames(scores, parties)
    assert back == case
    assert back.decision_rule == DecisionRule(min_parties=3, veto=("Port", "City"))
    assert back.party("League").weight == 0
    assert back.margin == 0.5
    assert back.issue("unused").options == ("a", "b")
    assert back.name == "rich" and back.description == "a case with every feature"


def test_round_trip_unanimity_with_veto_flags():
    case = Case([Party("A", veto=True), Party("B")], [Issue("i", ["x", "y"])],
                {"A": {"i": [1, 0]}})
    scores, parties = case_to_frames(case)
    assert parties.attrs["min_parties"] is None
    assert case_from_frames(scores, parties) == case


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(small_cases())
def test_round_trip_random_cases(case):
    assert case_from_frames(*case_to_frames(case)) == case


def test_to_frames_layout():
    case = rich_case()
    scores, parties = case_to_frames(case)
    assert list(scores.columns) == ["party", "issue", "option", "score"]
    assert list(parties.columns) == ["party", "batna", "weight", "veto"]
    assert len(scores) == 4 * (3 + 2 + 2)  # every party x option, zeros included
    assert scores.iloc[:3]["option"].tolist() == ["none", "shallow", "deep"]
    assert scores["party"].unique().tolist() == ["Port", "City", "League", "Union"]
    unused = scores[scores["issue"] == "unused"]
    assert len(unused) == 8 and (unused["score"] == 0).all()
    assert pd.api.types.is_float_dtype(scores["score"])
    assert pd.api.types.is_string_dtype(scores["party"])
    assert parties["veto"].dtype == bool
    assert parties["veto"].tolist() == [True, True, False, False]
    assert parties.attrs == {"min_parties": 3, "margin": 0.5, "name": "rich",
                             "description": "a case with every feature"}


def test_to_frames_keeps_integer_scores():
    scores, parties = case_to_frames(load_example("harbour"))
    assert pd.api.types.is_integer_dtype(scores["score"])
    assert pd.api.types.is_integer_dtype(parties["batna"])


def test_to_frames_of_a_case_without_issues():
    case = Case([Party("A")], [], {})
    scores, parties = case_to_frames(case)
    assert len(scores) == 0 and list(scores.columns) == ["party", "issue", "option", "score"]
    assert case_from_frames(scores, parties) == case


# ------------------------------------------------------------------ reading


def test_order_of_first_appearance_and_missing_rows():
    scores = pd.DataFrame({
        "party": ["B", "A", "A", "B"],
        "issue": ["j", "i", "i", "i"],
        "option": ["v", "y", "x", "z"],
        "score": [1, 2, 3, 4],
    })
    parties = pd.DataFrame({"party": ["A", "B", "C"], "batna": [0, 0, 0]})
    case = case_from_frames(scores, parties)
    assert case.issue_names == ("j", "i")
    assert case.issue("i").options == ("y", "x", "z")
    assert case.scores["A"]["i"] == (2, 3, 0)
    assert case.scores["C"]["i"] == (0, 0, 0)
    assert case.party_names == ("A", "B", "C")
    assert case.decision_rule.is_unanimity
    assert isinstance(case.scores["A"]["i"][0], int)


def test_issues_keyword_fixes_order_and_adds_issues():
    scores, parties = frames()
    case = case_from_frames(scores, parties, issues={"j": ["w", "u"], "k": ["p", "q"],
                                                     "i": ["y", "x"]})
    assert case.issue_names == ("j", "k", "i")
    assert case.issue("i").options == ("y", "x")
    assert case.scores["A"]["i"] == (2, 1)
    assert case.scores["B"]["j"] == (0, 4)
    assert case.scores["A"]["k"] == (0, 0)


def test_issues_keyword_unknown_issue_and_option():
    scores, parties = frames()
    problems = problems_of(scores, parties, issues={"i": ["x"], "j": ["u"]})
    assert wheres(problems) == ["scores[row 1].option"]
    problems = problems_of(scores, parties, issues={"i": ["x", "y"]})
    assert wheres(problems) == ["scores[row 3].issue"]
    assert problems[0].got == "'j'"


def test_keywords_override_attrs():
    case = rich_case()
    scores, parties = case_to_frames(case)
    other = case_from_frames(scores, parties, decision_rule=DecisionRule(), margin=0,
                             name="other", description="")
    assert other.decision_rule.is_unanimity
    assert other.veto_parties == other.party_names
    assert other.party("Port").veto and other.party("City").veto  # the veto column stays
    assert (other.margin, other.name, other.description) == (0, "other", "")


def test_defaults_without_attrs_or_optional_columns():
    scores, parties = frames()
    case = case_from_frames(scores, parties)
    assert case.name == "case" and case.margin == 0 and case.description == ""
    assert all(p.weight == 1 and not p.veto for p in case.parties)


def test_extra_columns_and_index_are_ignored():
    scores, parties = frames()
    scores = scores.assign(note="n").set_index(pd.Index([10, 20, 30, 40]))
    parties = parties.assign(colour=["red", "blue"])
    case = case_from_frames(scores, parties)
    assert case.scores["B"]["j"] == (4,)
    # rows are counted by position, whatever the index
    bad = scores.assign(score=[1, 2, np.nan, 4])
    assert wheres(problems_of(bad, parties)) == ["scores[row 2].score"]


def test_nullable_and_object_dtypes():
    scores, parties = frames()
    scores = scores.astype({"party": "string", "issue": object, "score": "Int64"})
    parties = parties.astype({"party": "string", "batna": "Float64"})
    case = case_from_frames(scores, parties)
    assert case.scores["A"]["i"] == (1, 2)
    assert case.party("B").batna == 2
    scores.loc[1, "score"] = pd.NA
    scores.loc[0, "party"] = pd.NA
    problems = problems_of(scores, parties)
    assert wheres(problems) == ["scores[row 0].party", "scores[row 1].score"]


def test_attrs_min_parties_is_checked():
    scores, parties = frames()
    parties.attrs["min_parties"] = 0
    assert wheres(problems_of(scores, parties)) == ["parties.attrs.min_parties"]
    parties.attrs["min_parties"] = 3
    assert wheres(problems_of(scores, parties)) == ["decision_rule.min_parties"]


# ------------------------------------------------------------------- errors


def test_missing_columns():
    scores, parties = frames()
    problems = problems_of(scores.drop(columns=["score", "option"]),
                           parties.drop(columns=["batna"]))
    assert wheres(problems) == ["parties.batna", "scores.option", "scores.score"]
    assert all("missing" in p.rule for p in problems)


def test_not_a_data_frame():
    _, parties = frames()
    with pytest.raises(UsageError, match="^case_from_frames: scores must be a DataFrame"):
        case_from_frames({"party": []}, parties)


def test_unknown_party_in_scores():
    scores, parties = frames()
    scores.loc[2, "party"] = "Z"
    problems = problems_of(scores, parties)
    assert problems == (Problem("scores[row 2].party", "unknown party (not in the parties table)",
                                "'Z'"),)


def test_duplicate_score_rows():
    scores, parties = frames()
    scores = pd.concat([scores, scores.iloc[[1]]], ignore_index=True)
    problems = problems_of(scores, parties)
    assert wheres(problems) == ["scores[row 4]"]
    assert "duplicate" in problems[0].rule and "row 1" in problems[0].rule


def test_duplicate_party_rows():
    scores, parties = frames()
    parties = pd.concat([parties, parties.iloc[[0]]], ignore_index=True)
    problems = problems_of(scores, parties)
    assert wheres(problems) == ["parties[row 2].party"]
    assert "duplicate" in problems[0].rule and "row 0" in problems[0].rule


@pytest.mark.parametrize(("value", "rule"), [
    (float("nan"), "must be a finite number"),
    (math.inf, "must be a finite number"),
    (-math.inf, "must be a finite number"),
    ("3", "must be a number"),
    (None, "must be a number"),
    (True, "must be a number"),
])
def test_bad_scores(value, rule):
    scores, parties = frames()
    scores["score"] = scores["score"].astype(object)
    scores.loc[3, "score"] = value
    problems = problems_of(scores, parties)
    assert wheres(problems) == ["scores[row 3].score"]
    assert problems[0].rule == rule


def test_nan_score_message():
    scores, parties = frames()
    scores["score"] = scores["score"].astype(float)
    scores.loc[3, "score"] = np.nan
    problems = problems_of(scores, parties)
    assert problems == (Problem("scores[row 3].score", "must be a finite number", "nan"),)


@pytest.mark.parametrize("value", [float("nan"), math.inf, "high", None])
def test_bad_batnas(value):
    scores, parties = frames()
    parties["batna"] = parties["batna"].astype(object)
    parties.loc[1, "batna"] = value
    assert wheres(problems_of(scores, parties)) == ["parties[row 1].batna"]


def test_negative_and_bad_weights_and_veto():
    scores, parties = frames()
    parties = parties.assign(weight=[-1, float("nan")], veto=["yes", False])
    problems = problems_of(scores, parties)
    assert wheres(problems) == ["parties[row 0].weight", "parties[row 0].veto",
                                "parties[row 1].weight"]
    assert problems[0] == Problem("parties[row 0].weight", "must be non-negative", "-1.0")


def test_bad_names():
    scores, parties = frames()
    scores.loc[0, "issue"] = ""
    scores.loc[1, "option"] = np.nan
    parties.loc[1, "party"] = " "
    problems = problems_of(scores, parties)
    assert wheres(problems) == [
        "parties[row 1].party",
        "scores[row 0].issue",
        "scores[row 1].option",
        "scores[row 2].party", "scores[row 3].party",  # B is no longer a party
    ]


def test_all_problems_at_once():
    scores, parties = frames()
    scores["score"] = scores["score"].astype(float)
    scores.loc[0, "score"] = np.nan
    scores.loc[1, "party"] = "Nobody"
    scores = pd.concat([scores, scores.iloc[[3]]], ignore_index=True)
    parties = pd.concat([parties, parties.iloc[[1]]], ignore_index=True).assign(
        weight=[1, -2, 1])
    parties.attrs["margin"] = math.nan  # treated as absent
    problems = problems_of(scores, parties, margin=math.inf)
    assert wheres(problems) == [
        "parties[row 1].weight",
        "parties[row 2].party",
        "scores[row 0].score",
        "scores[row 1].party",
        "scores[row 4]",
        "margin",
    ]
    message = str(CaseError(problems))
    assert message.startswith("6 problems in the case:")
