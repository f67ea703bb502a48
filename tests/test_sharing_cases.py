"""The games of a case against brute force, and sharing carried out on the case.

Each coalition's value is recomputed here by enumerating every package with the
brute-force oracle (which never touches the solver), with the coalition's own
rules applied by hand: who must accept, which issues it controls, whether it
meets the decision rule, what serving its needs costs.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mutualgains as mg
from mutualgains import Case, UsageError
from mutualgains.analysis import casegame
from mutualgains.analysis.sharing import allocate
from mutualgains.cli import main
from mutualgains.testing import BruteForce

from .strategies import small_cases

# ------------------------------------------------------------------ brute force


def brute_gains(case: Case, mask: int, *, rule=False, members_accept=True) -> float:
    oracle = BruteForce(case)
    n = len(case.parties)
    members = [k for k in range(n) if mask >> k & 1]
    if rule:
        in_s = [case.parties[k].name for k in members]
        veto = case.veto_parties
        if len(members) < case.min_parties or not all(v in in_s for v in veto):
            return 0.0
    control: dict[str, set[int]] = {}
    for party, issues in case.controls.items():
        for issue in issues:
            control.setdefault(issue, set()).add(case.party_names.index(party))
    batna = [p.batna for p in case.parties]
    best = 0.0
    for row in range(oracle.n_packages):
        if not oracle.feasible[row]:
            continue
        choice = oracle.choices[row]
        if any(c and not control.get(issue.name, set()) <= set(members)
               for issue, c in zip(case.issues, choice, strict=True)):
            continue
        u = oracle.utilities[row]
        if members_accept and any(u[k] < batna[k] + case.margin - 1e-9 for k in members):
            continue
        best = max(best, float(sum(u[k] - batna[k] for k in members)))
    return best


@st.composite
def cases_with_controls(draw):
    case = draw(small_cases(max_parties=4, max_issues=4, max_options=3, dependencies=True,
                            caps=True))
    if draw(st.booleans()):
        controls = {p: draw(st.lists(st.sampled_from(case.issue_names), unique=True,
                                     max_size=2)) for p in case.party_names}
        case = Case.from_dict({**case.to_dict(), "controls": controls})
    return case


@given(cases_with_controls(), st.booleans(), st.booleans())
@settings(max_examples=40, deadline=None, derandomize=True)
def test_gains_game_matches_brute_force(case, rule, members_accept):
    game = mg.gains_game(case, decision_rule=rule, members_accept=members_accept)
    for mask in range(1, 1 << len(case.parties)):
        assert game.value(mask) == pytest.approx(
            brute_gains(case, mask, rule=rule, members_accept=members_accept), abs=1e-6)


def test_the_separable_table_answers_like_the_programs():
    case = mg.load_example("harbour")
    table = mg.gains_game(case)
    programs = mg.gains_game(case)
    programs._table = None  # force the package programs
    assert table.to_frame().equals(programs.to_frame())
    assert table.stats["programs"] == 0 and programs.stats["programs"] > 0
    assert programs.stats["by_bounds"] > 0  # some coalitions were settled by bounds


@given(small_cases(max_parties=4, max_issues=4, max_options=3, dependencies=True),
       st.data())
@settings(max_examples=30, deadline=None, derandomize=True)
def test_cost_game_matches_brute_force(case, data):
    oracle = BruteForce(case)
    sizes = [len(i.options) for i in case.issues]
    costs = {i.name: [data.draw(st.integers(0, 9)) for _ in i.options] for i in case.issues}
    costs[case.issues[0].name][-1] += 1  # something costs money
    case = Case.from_dict({**case.to_dict(), "costs": costs})
    row = data.draw(st.sampled_from(np.flatnonzero(oracle.feasible).tolist()))
    package = case.package_from_indices(oracle.choices[row])
    game = mg.cost_game(case, package)
    flat = [c for i in case.issues for c in costs[i.name]]
    offsets = np.cumsum([0, *sizes])
    cost = np.array([sum(flat[offsets[k] + c] for k, c in enumerate(ch))
                     for ch in oracle.choices])
    floor = cost[oracle.feasible].min()
    needs = oracle.utilities[row]
    for mask in range(1, (1 << len(case.parties)) - 1):
        members = [k for k in range(len(case.parties)) if mask >> k & 1]
        serves = oracle.feasible & (oracle.utilities[:, members] >= needs[members] - 1e-9).all(1)
        assert game.value(mask) == pytest.approx(cost[serves].min() - floor, abs=1e-6)
    assert game.grand_value == pytest.approx(cost[row] - floor)


@given(cases_with_controls(), st.sampled_from(["gains", "costs"]))
@settings(max_examples=15, deadline=None, derandomize=True)
def test_constraint_generation_agrees_with_listing(case, kind):
    """The integer program over coalitions and packages finds what enumeration finds."""
    if kind == "costs":
        case = Case.from_dict({**case.to_dict(), "costs": {
            i.name: list(range(len(i.options))) for i in case.issues}})
        if not mg.solve(case).has_package:
            return

    def make():
        return mg.gains_game(case) if kind == "gains" else mg.cost_game(case)

    listed = make()
    old = casegame.ENUMERATE_UP_TO
    try:
        casegame.ENUMERATE_UP_TO = 0
        generated = make()
        assert generated._separation_method() == "constraint generation"
        for rule in ("core", "nucleolus"):
            a, b = allocate(listed, rule), allocate(generated, rule)
            assert a.epsilon == pytest.approx(b.epsilon, abs=1e-6)
            assert a.stable == b.stable
            if rule == "nucleolus":
                assert list(a.shares.values()) == pytest.approx(list(b.shares.values()),
                                                                abs=1e-5)
    finally:
        casegame.ENUMERATE_UP_TO = old
    assert generated.stats["separations"] > 0


# ------------------------------------------------------------------ controls and rules


def test_control_keeps_what_a_coalition_cannot_set_at_the_status_quo():
    case = Case.from_dict({
        "parties": {"Port": 5, "City": 1}, "issues": {"dredge": ["no", "yes"]},
        "scores": {"Port": {"dredge": [0, 9]}, "City": {"dredge": [4, 2]}},
        "controls": {"Port": ["dredge"]}})
    game = mg.gains_game(case)
    assert (game.value("Port"), game.value("City"), game.grand_value) == (4, 3, 5)
    result = mg.least_core(game)
    assert not result.core_nonempty and result.epsilon == 1  # 4 + 3 claimed, 5 to share


def test_with_the_decision_rule_only_winning_coalitions_act():
    case = mg.load_example("harbour")  # 4 of 5 with Port and City
    game = mg.gains_game(case, decision_rule=True)
    assert game.value(["Port", "City", "Union"]) == 0
    assert game.value(["Port", "City", "Union", "Environmental League"]) > 0
    assert game.value(["Union", "Environmental League", "Neighbour Towns", "City"]) == 0


# ------------------------------------------------------------------ sharing on the case


def regional_at(rate: float) -> Case:
    regional = mg.load_example("regional")
    return Case.from_dict({**regional.to_dict(), "transfers": {
        "rate": {p: rate for p in regional.party_names}}})


def test_regional_project_costs_are_shared_stably_and_affordably():
    case = regional_at(0.1)
    game = mg.cost_game(case)
    assert game.grand_value == 497  # the sixteen projects of the best joint package
    assert all(game.value(game.full ^ (1 << k)) == 497 for k in range(6))  # no one is spare
    table = mg.compare_shares(case)
    assert table.rules == ("core", "nucleolus", "shapley", "scrb")
    for result in table.allocations:
        assert sum(result.shares.values()) == pytest.approx(497)
        assert result.stable and result.settlement.feasible, result.rule
        assert all(result.shares[p] <= result.stand_alone[p] + 1e-6 for p in result.shares)
        after = result.settlement.scores_after
        assert all(after[p] >= result.settlement.thresholds[p] - 1e-6 for p in after)
    assert table.allocations[0].core_nonempty


def test_unaffordable_shares_are_reported_not_hidden():
    result = mg.share(regional_at(1.0), "shapley")  # 497 in money against ~100 points of gain
    assert result.stable and not result.settlement.feasible
    assert "no side payments reach every target" in result.settlement.reason
    assert not any(result.settlement.accepts.values())


def test_gains_settlement_brings_every_party_to_batna_plus_share():
    case = mg.load_example("harbour")
    for rule in ("core", "nucleolus", "shapley"):
        result = mg.share(case, rule, decision_rule=True)
        s = result.settlement
        for p, party in zip(case.party_names, case.parties, strict=True):
            assert s.scores_after[p] == pytest.approx(party.batna + result.shares[p], abs=1e-6)
        paid = sum(a for _, _, a in s.transfers)
        assert paid >= 0 and s.package == result.package
        negative = [p for p in result.shares if result.shares[p] < -1e-9]
        assert s.feasible == (not negative)  # a negative share ends below the BATNA


def test_side_payments_follow_the_cases_transfer_rules():
    case = Case.from_dict({
        "parties": {"A": 0, "B": 0, "C": 0}, "issues": {"i": ["x", "y"]},
        "scores": {"A": {"i": [0, 9]}, "B": {"i": [0, 3]}, "C": {"i": [0, 0]}},
        "transfers": {"pairs": [["A", "B"]]}, "controls": {"C": ["i"]}})
    result = mg.share(case, "shapley")  # C gains nothing from y, but nothing moves without C
    assert result.total == 12 and result.shares["C"] > 0
    assert not result.settlement.feasible  # and only A may pay, and only B
    assert "C needs" in result.settlement.reason


def test_no_agreement_is_a_status():
    stuck = Case.from_dict({"parties": {"A": 5, "B": 5}, "issues": {"i": ["x", "y"]},
                            "scores": {"A": {"i": [6, 0]}, "B": {"i": [0, 6]}}})
    result = mg.share(stuck, "nucleolus")
    assert result.status is mg.Status.NO_AGREEMENT and not result.has_shares
    assert main(["share", "regional", "--rule", "scrb", "--package",
                 "flood warning app=out"]) == 2  # an incomplete package is bad input


def test_scrb_is_refused_on_a_gains_game():
    with pytest.raises(UsageError, match="scrb rule shares costs"):
        mg.share(mg.load_example("harbour"), "scrb", game="gains")
    with pytest.raises(UsageError, match="has no costs"):
        mg.share(mg.load_example("harbour"), "scrb")
    with pytest.raises(UsageError, match="rule must be one of"):
        mg.share(mg.load_example("harbour"), "banzhaf")


# ------------------------------------------------------------------ results, CLI, plot


def test_results_render_and_escape_names():
    case = Case.from_dict({"parties": {"<b>Port</b>": 0, "City & Co": 0},
                           "issues": {"i": ["x", "y"]},
                           "scores": {"<b>Port</b>": {"i": [0, 4]}, "City & Co": {"i": [1, 2]}}})
    result = mg.share(case, "shapley")
    page = result._repr_html_()
    assert "<b>Port</b>" not in page and "&lt;b&gt;Port&lt;/b&gt;" in page
    assert "City &amp; Co" in page
    assert "<b>Port</b>" not in result.settlement._repr_html_()
    assert "<b>Port</b>" not in mg.compare_shares(case)._repr_html_()
    assert repr(result).startswith("<Allocation shapley of 6 (gains, 2 players)")
    assert list(result.to_frame().columns) == ["party", "share", "stand_alone", "before",
                                               "contributed", "after", "threshold",
                                               "accepts"]
    json.dumps(result.to_dict())
    json.dumps(mg.compare_shares(case).to_dict())


def test_cli_share(capsys):
    assert main(["share", "regional", "--rule", "nucleolus", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "costs" and data["total"] == 497 and data["stable"] is True
    assert set(data["settlement"]) >= {"contributions", "transfers", "accepts", "feasible"}
    assert main(["share", "harbour", "--rule", "shapley", "--decision-rule"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Harbour Sport Park: shapley of 114 (gains)")
    assert main(["share", "harbour", "--rule", "scrb", "--game", "gains"]) == 2


def test_shares_chart(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from mutualgains.plots import shares_chart

    table = mg.compare_shares(regional_at(0.1))
    ax = shares_chart(table)
    ax.figure.savefig(tmp_path / "shares.png")
    assert len(ax.patches) == 4 * 6
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "stand-alone", "core", "nucleolus", "shapley", "scrb"]
    sampled = mg.shapley(mg.gains_game(mg.load_example("harbour")), method="sampled",
                         samples=50)
    ax = shares_chart([sampled], stand_alone=False)
    assert ax.get_legend().get_texts()[0].get_text().startswith("shapley (sampled)")
    with pytest.raises(UsageError, match="one game"):
        shares_chart([table.allocations[0], sampled])


def test_json_output_follows_its_schema(capsys, tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "mutualgains" / "data" / "schemas"
    schema = json.loads((path / "share.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    stuck = tmp_path / "stuck.yaml"
    stuck.write_text('{"parties": {"A": 5, "B": 5}, "issues": {"i": ["x", "y"]}, '
                     '"scores": {"A": {"i": [6, 0]}, "B": {"i": [0, 6]}}}')
    for args, status in ((["regional", "--rule", "scrb"], 0),
                         (["harbour", "--rule", "core", "--decision-rule"], 0),
                         ([str(stuck), "--rule", "nucleolus"], 1)):
        assert main(["share", *args, "--json"]) == status
        data = json.loads(capsys.readouterr().out)
        assert not list(validator.iter_errors(data)), args
    sampled = mg.shapley(mg.gains_game(mg.load_example("harbour")), method="sampled",
                         samples=20)
    assert not list(validator.iter_errors(json.loads(json.dumps(sampled.to_dict()))))


def test_cli_share_checks_options_when_parsing_and_reads_stdin(capsys, monkeypatch):
    import io

    from mutualgains.analysis.sharing import GAMES, RULES
    from mutualgains.cli import share as command

    assert command.RULE_NAMES == RULES and command.GAME_NAMES == GAMES
    for bad in (["--samples", "1"], ["--seed", "-1"], ["--rule", "equal"]):
        assert main(["share", "harbour", *bad]) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and err[0].startswith("error: argument "), err
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(mg.load_example("harbour").to_dict())))
    assert main(["share", "-", "--rule", "core", "--no-members-accept", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rule"] == "core"
