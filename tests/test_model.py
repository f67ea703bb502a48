"""The case model: construction, evaluation, and exact round trips."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings

from mutualgains import Case, DecisionRule, Issue, Party, load_case, load_example, save_case

from .strategies import small_cases


def test_missing_scores_are_zero_and_lists_follow_option_order():
    case = Case([Party("A"), Party("B")], [Issue("i", ["x", "y", "z"])],
                {"A": {"i": {"z": 4}}, "B": {"i": [1, 2, 3]}})
    assert case.scores["A"]["i"] == (0, 0, 4)
    assert case.utilities({"i": "z"}) == {"A": 4, "B": 3}
    assert case.score("B", "i", "y") == 2


def test_case_is_frozen():
    case = load_example("harbour")
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.margin = 3
    with pytest.raises(TypeError):
        case.scores["Port"] = {}
    with pytest.raises(ValueError):
        case.score_matrix[0, 0] = 1.0


def test_veto_flags_and_rule_are_merged():
    case = Case([Party("A", veto=True), Party("B"), Party("C")], [Issue("i", ["x"])], {},
                decision_rule=DecisionRule(min_parties=2, veto=["C"]))
    assert case.decision_rule.veto == ("A", "C")
    assert [p.veto for p in case.parties] == [True, False, True]
    assert case.veto_parties == ("A", "C")


def test_unanimity_makes_everyone_required():
    case = Case([Party("A"), Party("B")], [Issue("i", ["x"])], {})
    assert case.veto_parties == ("A", "B") and case.min_parties == 2


def test_margin_raises_the_threshold():
    case = Case([Party("A", batna=2)], [Issue("i", ["x", "y"])], {"A": {"i": [2, 3]}},
                margin=1)
    assert case.accepts({"i": "x"}) == {"A": False}
    assert case.accepts({"i": "y"}) == {"A": True}


def test_k_of_n_rule():
    case = Case([Party("A", batna=1), Party("B", batna=1), Party("C", batna=1)],
                [Issue("i", ["x", "y"])],
                {"A": {"i": [1, 0]}, "B": {"i": [1, 1]}, "C": {"i": [0, 1]}},
                decision_rule=DecisionRule(min_parties=2, veto=["A"]))
    assert case.passes({"i": "x"})        # A and B accept
    assert not case.passes({"i": "y"})    # B and C accept, but A (veto) does not


def test_package_as_sequence():
    case = load_example("harbour")
    package = ["land", "improve", "no quota", "none", "none"]
    assert case.utilities(package) == case.utilities(dict(zip(case.issue_names, package,
                                                              strict=True)))


@settings(max_examples=50, deadline=None, derandomize=True)
@given(case=small_cases())
def test_dict_round_trip_is_exact(case):
    assert Case.from_dict(case.to_dict()) == case


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_file_round_trip(tmp_path, suffix):
    case = load_example("harbour")
    path = tmp_path / f"case{suffix}"
    save_case(case, path)
    assert load_case(path) == case


def test_weights_margin_and_rule_survive_round_trip(tmp_path):
    case = Case([Party("A", batna=1.5, weight=2), Party("B", veto=True), Party("C")],
                [Issue("i", ["x", "y"])], {"A": {"i": [0.25, 0]}},
                decision_rule=DecisionRule(min_parties=2), margin=0.5, name="w",
                description="d")
    path = tmp_path / "w.yaml"
    save_case(case, path)
    again = load_case(path)
    assert again == case
    assert again.party("A").weight == 2 and again.decision_rule.veto == ("B",)


def test_scores_may_be_given_as_list_in_yaml(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("parties: {A: 1}\nissues: {i: [x, y]}\nscores: {A: {i: [2, 5]}}\n")
    assert load_case(path).scores["A"]["i"] == (2, 5)


def test_repr_and_html():
    case = load_example("harbour")
    assert "432 packages" in repr(case)
    assert "<table>" in case._repr_html_()
