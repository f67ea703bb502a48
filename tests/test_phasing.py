"""Phasing: schedules respect budget, precedence and durations; optima match brute force.

The brute force here enumerates every start period (or deferral) per project and
computes budgets, precedence and values itself, from the raw case data.
"""

from __future__ import annotations

import itertools
import json
import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mutualgains as mg
from mutualgains import Case, Issue, Party, Precedes, Status
from mutualgains.errors import CaseError, UsageError
from mutualgains.model.phasing import Phasing, Project
from mutualgains.phasing import PhaseResult, phase

EPS = 1e-6
EXAMPLES = int(os.environ.get("PHASE_EXAMPLES", "100"))  # more for a stress run
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ instances


@st.composite
def instances(draw, *, max_projects: int = 4, max_periods: int = 5):
    """A small case with phasing data, the package (some projects out) and keywords."""
    n = draw(st.integers(1, max_projects))
    T = draw(st.integers(1, max_periods))
    parties = [f"p{k}" for k in range(draw(st.integers(1, 3)))]
    issues = [Issue(f"j{k}", ("out", "in")) for k in range(n)]
    scores = {p: {f"j{k}": [0, draw(st.integers(-3, 9))] for k in range(n)} for p in parties}
    projects = []
    for k in range(n):
        d = draw(st.integers(1, 3))
        cost = draw(st.lists(st.integers(0, 6), min_size=d, max_size=d))
        projects.append(Project({f"j{k}": "in"}, d, cost))
    edges = [(a, b) for a in range(n) for b in range(a + 1, n) if draw(st.integers(0, 3)) == 0]
    precedes = [Precedes({f"j{a}": "in"}, {f"j{b}": "in"}) for a, b in edges]
    budget = draw(st.one_of(st.integers(0, 8),
                            st.lists(st.integers(0, 8), min_size=T, max_size=T)))
    plan = Phasing(T, budget, carry_over=draw(st.sampled_from([0, 0.5, 1])),
                   discount=draw(st.sampled_from([0, 0.1])), projects=projects)
    weights = [draw(st.sampled_from([1, 1, 2, 0.5])) for _ in parties]
    case = Case([Party(p, weight=w) for p, w in zip(parties, weights, strict=True)], issues,
                scores, precedes=precedes, phasing=plan, name="random")
    package = {f"j{k}": draw(st.sampled_from(["in", "in", "in", "out"])) for k in range(n)}
    return case, package


def raw_data(case: Case, package: dict):
    """Projects of the package from the raw case data: duration, costs, weighted value."""
    weights = {p.name: float(p.weight) for p in case.parties}
    out = {}
    for project in case.phasing.projects:
        issue, option = project.option
        if package[issue] != option:
            continue
        value = {p: case.scores[p][issue][1] - case.scores[p][issue][0] for p in weights}
        out[issue] = {"d": project.duration, "cost": list(project.cost), "value": value,
                      "w": sum(weights[p] * v for p, v in value.items())}
    return out


def spend_of(data, starts, T):
    spend = [0.0] * T
    for name, s in starts.items():
        if s is not None:
            for j, c in enumerate(data[name]["cost"]):
                spend[s - 1 + j] += c
    return spend


def fits_budget(case: Case, spend) -> bool:
    plan = case.phasing
    carried = 0.0
    for t, amount in enumerate(spend):
        left = plan.budget[t] + carried - amount
        if left < -EPS * max(1.0, plan.budget[t]):
            return False
        carried = plan.carry_over * max(left, 0.0)
    return True


def respects_order(case: Case, data, starts) -> bool:
    for rel in case.precedes:
        a, b = rel.before[0], rel.after[0]
        if a in data and b in data and starts[b] is not None and (
                starts[a] is None or starts[a] + data[a]["d"] - 1 >= starts[b]):
            return False
    return True


def brute_force(case: Case, package: dict, *, complete=False, first_gain_by=None,
                value_by=None):
    """Best discounted value and, among the best, the largest sum of (T - start + 1)."""
    data = raw_data(case, package)
    T, rate = case.phasing.periods, case.phasing.discount
    names = list(data)
    choices = [([] if complete else [None]) + list(range(1, T - data[k]["d"] + 2))
               for k in names]
    best = None
    for combo in itertools.product(*choices):
        starts = dict(zip(names, combo, strict=True))
        if not respects_order(case, data, starts):
            continue
        if not fits_budget(case, spend_of(data, starts, T)):
            continue
        finish = {k: None if s is None else s + data[k]["d"] - 1 for k, s in starts.items()}
        if first_gain_by is not None and not all(
                any(f is not None and f <= first_gain_by and data[k]["value"][p] > EPS
                    for k, f in finish.items()) for p in case.party_names):
            continue
        if value_by is not None and sum(
                data[k]["w"] for k, f in finish.items()
                if f is not None and f <= value_by[0]) < value_by[1] - EPS:
            continue
        value = sum(data[k]["w"] * (1 + rate) ** -(f - 1) for k, f in finish.items()
                    if f is not None)
        early = sum(T - s + 1 for s in combo if s is not None)
        key = (round(value, 9), early)
        if best is None or key > best:
            best = key
    return best


def check_schedule(case: Case, package: dict, result: PhaseResult) -> None:
    data = raw_data(case, package)
    T = case.phasing.periods
    starts = {p.option[0]: p.start for p in result.projects}
    assert set(starts) == set(data)
    for p in result.projects:
        assert p.duration == data[p.option[0]]["d"]
        if p.start is not None:
            assert p.start >= 1 and p.finish == p.start + p.duration - 1 <= T
    assert respects_order(case, data, starts)
    spend = spend_of(data, starts, T)
    assert fits_budget(case, spend)
    assert np.allclose(result.spend["spend"], spend)


# ------------------------------------------------------------------ properties


@SETTINGS
@given(instances(), st.sampled_from(["started_by", "start"]))
def test_schedule_is_valid_and_optimal(inst, formulation):
    case, package = inst
    result = phase(case, package, formulation=formulation)
    assert result.status == Status.OPTIMAL
    check_schedule(case, package, result)
    best = brute_force(case, package)
    assert result.discounted_value == pytest.approx(best[0], abs=1e-6)


@SETTINGS
@given(instances(max_projects=3, max_periods=4), st.booleans(), st.integers(1, 4),
       st.integers(-2, 15))
def test_requirements_and_complete_match_brute_force(inst, complete, k, w):
    case, package = inst
    T = case.phasing.periods
    k = min(k, T)
    gains_by = k if w % 2 == 0 else None
    value_by = (k, w) if w % 3 == 0 else None
    result = phase(case, package, complete=complete, first_gain_by=gains_by, value_by=value_by)
    best = brute_force(case, package, complete=complete, first_gain_by=gains_by,
                       value_by=value_by)
    if best is None:
        assert result.status == Status.INFEASIBLE
        assert result.message
        assert result.discounted_value is None
        return
    assert result.status == Status.OPTIMAL
    check_schedule(case, package, result)
    assert result.discounted_value == pytest.approx(best[0], abs=1e-6)
    if complete:
        assert not any(p.deferred for p in result.projects)


@SETTINGS
@given(instances(max_projects=3, max_periods=4))
def test_earliest_stage_is_lexicographic(inst):
    case, package = inst
    result = phase(case, package, earliest=True)
    best = brute_force(case, package)
    assert result.status == Status.OPTIMAL
    check_schedule(case, package, result)
    T = case.phasing.periods
    early = sum(T - p.start + 1 for p in result.projects if p.start is not None)
    assert (round(result.discounted_value, 6), early) == (round(best[0], 6), best[1])


# ------------------------------------------------------------------ the words


def chain_case(periods=5, budget=10, carry_over=0.0, costs=(3, 3, 3)):
    issues = [Issue(n, ("out", "in")) for n in ("permit", "tunnel", "park")]
    plan = Phasing(periods, budget, carry_over=carry_over, projects=[
        Project({"permit": "in"}, 2, costs[0]), Project({"tunnel": "in"}, 4, costs[1]),
        Project({"park": "in"}, 1, costs[2])])
    return Case([Party("City"), Party("Port")], issues,
                {"City": {"permit": [0, 1], "tunnel": [0, 5], "park": [0, 4]},
                 "Port": {"tunnel": [0, 9]}},
                precedes=[Precedes({"permit": "in"}, {"tunnel": "in"})], phasing=plan)


ALL_IN = {"permit": "in", "tunnel": "in", "park": "in"}


def test_chain_longer_than_horizon_is_proven_in_words():
    case = chain_case(periods=5)
    result = phase(case, ALL_IN, complete=True)
    assert result.status == Status.INFEASIBLE
    assert result.message == (
        "no schedule realises every project within 5 periods: permit, tunnel: the precedence "
        "chain permit (2) -> tunnel (4) takes 6 periods, longer than the horizon of 5")
    assert result.solver == "highs" and result.seconds == 0  # proven before solving
    relaxed = phase(case, ALL_IN)  # without complete, the tunnel is deferred, saying why
    assert relaxed.status == Status.OPTIMAL
    tunnel = relaxed.deferred.set_index("project").loc["tunnel"]
    assert "precedence chain permit (2) -> tunnel (4) takes 6 periods" in tunnel["reason"]
    assert "tunnel" in repr(relaxed.deferred)


def test_project_costing_more_than_any_budget_is_proven_in_words():
    case = chain_case(periods=8, budget=[10, 10, 10, 10, 10, 10, 10, 12], costs=(3, 100, 13))
    result = phase(case, ALL_IN, complete=True)
    assert result.status == Status.INFEASIBLE
    assert ("park: costs 13 in period 1 of its 1, more than any period's budget (at most 12) "
            "and unspent money is not carried over") in result.message
    assert "tunnel: costs 25 in period 1 of its 4" in result.message
    # with carry-over the park fits (money saved up), the tunnel (100 > all 82) does not
    saved = phase(case, ALL_IN, carry_over=1)
    assert saved.to_frame().set_index("project").loc["park", "start"] >= 2
    reason = saved.deferred.set_index("project").loc["tunnel", "reason"]
    assert reason.startswith("its costs (25, 25, 25, 25 per period) exceed the money available")


def test_longer_than_horizon_and_requirement_words():
    case = chain_case(periods=3)
    result = phase(case, ALL_IN)
    assert result.deferred.set_index("project").loc["tunnel", "reason"] == \
        "takes 4 periods, longer than the horizon of 3"
    words = phase(case, ALL_IN, first_gain_by={"Port": 3}).message
    assert words == ("no schedule meets the requirements: party Port cannot see a gain: its "
                     "projects with a gain (tunnel) cannot be realised within the horizon")
    nothing = phase(case, {"permit": "in", "tunnel": "out", "park": "in"}, first_gain_by=2)
    assert "party Port gains from no project or option of the package" in nothing.message
    late = phase(chain_case(periods=8), ALL_IN, first_gain_by={"Port": 5})
    assert late.message == ("no schedule meets the requirements: party Port sees a first gain "
                            "in period 6 at the soonest (its projects with a gain: tunnel), "
                            "later than period 5")
    value = phase(chain_case(periods=8), ALL_IN, value_by=(2, 30))
    assert value.status == Status.INFEASIBLE
    assert "the value realised by period 2 is at most 5" in value.message


# ------------------------------------------------------------------ the example


@pytest.fixture(scope="module")
def regional():
    case = mg.load_example("regional")
    return case, mg.solve(case).package


@pytest.fixture(scope="module")
def regional_plan(regional):
    case, package = regional
    return phase(case, package, earliest=True)


def test_example_schedules_quick_wins_first(regional, regional_plan):
    case, package = regional
    plan = regional_plan
    assert len(plan.projects) >= 15 and plan.status == Status.OPTIMAL
    check_schedule(case, package, plan)
    frame = plan.to_frame()
    cheapest = set(frame.nsmallest(4, "cost")["project"])
    assert set(frame[frame["finish"] == 1]["project"]) == cheapest
    # the large ambitions (the three most expensive projects) come in the second half
    assert (frame.nlargest(3, "cost")["finish"] >= plan.periods // 2).all()
    # every party sees a gain by period 2; the weighted value grows every period but one
    cumulative = plan.cumulative
    assert (cumulative.loc[1, list(case.party_names)] > 0).all()
    # costs rise with the start period: cheap, short projects first
    order = plan.schedule
    assert order["cost"].rank().corr(order["start"].rank()) > 0.5  # Spearman
    assert order["duration"].iloc[:4].max() == 1


def test_example_requirements_and_overrides(regional):
    case, package = regional
    plan = phase(case, package, periods=6, budget=40, first_gain_by=1)
    assert plan.status == Status.OPTIMAL
    assert plan.periods == 6 and plan.budget == (40.0,) * 6
    first = plan.to_frame().query("finish == 1")
    for party in case.party_names:  # a project of positive value to it finishes in period 1
        assert (first[f"value {party}"] > 0).any() or \
            any(v[party] > 0 for v in plan.instant.values())
    assert len(plan.deferred) > 0 and (plan.deferred["reason"] != "").all()
    target = phase(case, package, value_by=(3, 150))
    assert target.cumulative.loc[2, "weighted"] >= 150 - 1e-6
    assert target.discounted_value <= phase(case, package).discounted_value + 1e-9


def test_options_without_phasing_data_are_realised_at_once(regional_plan):
    plan = regional_plan
    assert set(plan.instant) == {"cost sharing=equal shares"}
    assert plan.instant["cost sharing=equal shares"]["Province"] == 4
    assert plan.value_per_period()[0, plan.parties.index("Municipality")] == -4 + 3 + 3
    by_party = plan.discounted_by_party
    total = sum(by_party[p] * plan.weights[p] for p in plan.parties)
    assert total == pytest.approx(plan.discounted_value)


def test_precedence_through_an_option_realised_at_once():
    issues = [Issue(n, ("out", "in")) for n in ("a", "b", "c")]
    plan = Phasing(4, 10, projects=[Project({"a": "in"}, 2, 2), Project({"c": "in"}, 1, 2)])
    case = Case([Party("P")], issues, {"P": {"a": [0, 1], "b": [0, 1], "c": [0, 5]}},
                precedes=[Precedes({"a": "in"}, {"b": "in"}), Precedes({"b": "in"}, {"c": "in"})],
                phasing=plan)
    result = phase(case, {"a": "in", "b": "in", "c": "in"}, earliest=True)
    starts = {p.label: p.start for p in result.projects}
    assert starts == {"a": 1, "c": 3}
    assert "a=in precedes b=in, which has no phasing data" in result.message


# ------------------------------------------------------------------ results and errors


def test_result_object(regional_plan):
    plan = regional_plan
    with pytest.raises(AttributeError):
        plan.status = Status.ERROR
    with pytest.raises(TypeError):
        plan.weights["Farmers"] = 3
    assert list(plan.to_frame().columns[:11]) == [
        "project", "issue", "option", "start", "finish", "duration", "cost", "value",
        "discounted value", "deferred", "reason"]
    assert list(plan.spend.columns) == ["period", "budget", "carried in", "available", "spend",
                                        "unspent"]
    assert repr(plan).startswith("<PhaseResult 'Regional water and land deal' optimal: 16 of")
    assert "<table" in plan._repr_html_()
    data = json.loads(json.dumps(plan.to_dict()))
    assert data["status"] == "optimal" and len(data["spend"]) == plan.periods
    assert str(plan).splitlines()[0].startswith("PhaseResult 'Regional")
    assert plan.gap == 0 and plan.bound == pytest.approx(plan.discounted_value)


def test_bad_input_is_named(regional):
    case, package = regional
    with pytest.raises(UsageError, match="^phase: periods must be None or a whole number "
                                         "of at least 1"):
        phase(case, package, periods=0, budget=5)
    with pytest.raises(UsageError, match="^phase: carry_over must be None or a number "
                                         "of at least 0 and at most 1"):
        phase(case, package, carry_over=2)
    with pytest.raises(UsageError, match="^first_gain_by: unknown party 'Mayor'"):
        phase(case, package, first_gain_by={"Mayor": 2})
    with pytest.raises(UsageError, match="^first_gain_by: must be a period between 1 and 10"):
        phase(case, package, first_gain_by=11)
    with pytest.raises(UsageError, match="^phase: value_by must be"):
        phase(case, package, value_by=3)
    with pytest.raises(UsageError, match="^phase: formulation must be one of"):
        phase(case, package, formulation="bigm")
    with pytest.raises(CaseError, match="package.cycle path"):
        phase(case, {**package, "cycle path": "maybe"})
    with pytest.raises(UsageError, match="^phasing: case 'Harbour Sport Park' has no phasing"):
        phase(mg.load_example("harbour"), mg.solve(mg.load_example("harbour")).package)
    with pytest.raises(UsageError, match="^budget: the case lists"):
        phase(chain_case(periods=8, budget=[1, 2, 3, 4, 5, 6, 7, 8]), ALL_IN, periods=4)


def test_case_without_projects_realises_everything_at_once():
    harbour = mg.load_example("harbour")
    result = phase(harbour, mg.solve(harbour), periods=3, budget=0)
    assert result.status == Status.OPTIMAL and result.projects == ()
    assert result.value_per_period()[1:].sum() == 0
    assert result.discounted_value == pytest.approx(sum(
        sum(v.values()) for v in result.instant.values()))


def test_greedy_schedule_is_the_fallback(monkeypatch, regional):
    from mutualgains.engine.mip import MipModel, MipOutcome

    case, package = regional
    real = MipModel.solve

    def no_incumbent(self, **kwargs):
        if kwargs.get("relax"):
            return real(self, **kwargs)
        return MipOutcome(Status.TIME_LIMIT, None, None, 300.0, None, 1.0, "HiGHS")

    monkeypatch.setattr(MipModel, "solve", no_incumbent)
    result = phase(case, package, time_limit=1)
    assert result.status == Status.HEURISTIC and result.has_schedule
    assert "the greedy list schedule is returned" in result.message
    check_schedule(case, package, result)
    # the bound: the smaller of the solver's (300 here) and the linear relaxation's
    assert result.discounted_value <= result.bound <= 300.0 + _instant(result)
    assert 0 < result.gap == pytest.approx((result.bound - result.discounted_value)
                                           / result.discounted_value)
    hopeless = phase(case, package, value_by=(10, 10_000), time_limit=1)
    assert hopeless.status == Status.INFEASIBLE  # proven before any solver call


def _instant(result: PhaseResult) -> float:
    return sum(result.weights[p] * v for vals in result.instant.values()
               for p, v in vals.items())


def test_cbc_agrees(regional, regional_plan):
    case, package = regional
    cbc = phase(case, package, solver="cbc")
    assert cbc.status == Status.OPTIMAL
    assert cbc.discounted_value == pytest.approx(regional_plan.discounted_value, rel=1e-6)


def test_command_line(regional, capsys):
    import argparse

    from mutualgains.cli.phase import add_parser, run

    parser = argparse.ArgumentParser(prog="mutualgains")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["phase", "regional", "--json", "--first-gain-by", "2",
                              "--budget", "60", "--periods", "8"])
    assert run(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "optimal" and data["options"]["first_gain_by"]["Farmers"] == 2
    assert [s["budget"] for s in data["spend"]] == [60] * 8
    args = parser.parse_args(["phase", "regional", "--periods", "4", "--complete"])
    assert run(args) == 1
    assert capsys.readouterr().out.startswith("infeasible: no schedule realises every project")


# ------------------------------------------------------------------ plots


def test_plots_render_and_draw_what_they_should(regional_plan, tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mutualgains.plots import gantt_chart, spend_chart

    plan = regional_plan
    ax = gantt_chart(plan)
    bars = ax.containers[0]
    assert len(bars) == len(plan.schedule)
    first = plan.schedule.iloc[0]
    assert bars[0].get_x() == first["start"] - 0.5 and bars[0].get_width() == first["duration"]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(plan.schedule["project"])
    ax.figure.savefig(tmp_path / "gantt.png")
    assert (tmp_path / "gantt.png").stat().st_size > 1000
    plt.close(ax.figure)

    ax = spend_chart(plan, weighted=True)
    assert len(ax.containers[0]) == plan.periods
    heights = [bar.get_height() for bar in ax.containers[0]]
    assert heights == pytest.approx(list(plan.spend["spend"]))
    lines = ax.figure.axes[1].get_lines()  # the value panel under the spending
    assert [ln.get_label() for ln in lines] == [*plan.parties, "weighted total"]
    assert list(lines[0].get_ydata()) == pytest.approx(list(plan.cumulative[plan.parties[0]]))
    ax.figure.savefig(tmp_path / "spend.svg")
    assert (tmp_path / "spend.svg").stat().st_size > 1000
    plt.close(ax.figure)
    with pytest.raises(UsageError, match="parties: unknown party"):
        spend_chart(plan, parties=["Mayor"])


def test_plot_of_a_result_without_schedule():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mutualgains.plots import gantt_chart

    result = phase(chain_case(periods=5), ALL_IN, complete=True)
    ax = gantt_chart(result)
    assert len(ax.patches) == 0
    plt.close(ax.figure)


def test_discount_convention():
    # one project of value 10 finishing in period 3 is worth 10 / 1.1**2 at 10 % a period
    issues = [Issue("a", ("out", "in"))]
    plan = Phasing(3, [0, 0, 5], discount=0.1, projects=[Project({"a": "in"}, 1, 5)])
    case = Case([Party("P")], issues, {"P": {"a": [0, 10]}}, phasing=plan)
    result = phase(case, {"a": "in"})
    assert result.projects[0].start == 3
    assert result.discounted_value == pytest.approx(10 / 1.1**2)
    assert math.isclose(result.to_frame().loc[0, "discounted value"], 10 / 1.1**2)
