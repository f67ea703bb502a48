"""The path choice, the tie rule and determinism: every path gives the same answer."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualgains import (
    OBJECTIVES,
    Case,
    DecisionRule,
    Issue,
    Party,
    Status,
    UsageError,
    pareto_frontier,
    solve,
)
from mutualgains.analysis import frontiersearch as frontier_module
from mutualgains.engine import mip
from mutualgains.engine.paths import exact_set
from mutualgains.io.examples import load_example
from mutualgains.model.money import Transfers
from mutualgains.model.relations import Excludes, Requires, Synergy
from mutualgains.testing import BruteForce
from mutualgains.tolerance import TOLERANCE

from .strategies import small_cases

pytestmark = pytest.mark.filterwarnings("ignore::mutualgains.model.relations.DependencyWarning")
PATHS = ("dp", "enumerate", "mip")
PATH_FIELDS = ("solver", "method", "seconds")


def comparable(result) -> dict:
    data = result.to_dict()
    for key in PATH_FIELDS:
        data.pop(key)
    return data


def tied_case(seed: int = 0) -> Case:
    """Few distinct scores, two copies of one issue: many packages tie."""
    rng = np.random.default_rng(seed)
    issues = [Issue(f"i{k}", ["a", "b", "c"]) for k in range(5)]
    scores = {p: {i.name: rng.integers(0, 3, 3).tolist() for i in issues} for p in "ABC"}
    for p in "ABC":
        scores[p]["i4"] = list(scores[p]["i3"])
    return Case([Party(p, batna=1) for p in "ABC"], issues, scores,
                requires=[Requires(("i0", "b"), {"i1": ["a", "b"]})],
                excludes=[Excludes(("i2", "c"), ("i3", "a"))],
                synergy=[Synergy({"i1": ["c"], "i2": ["a", "b"]}, {"A": 2, "C": -1})],
                costs={i.name: [0, 1, 2] for i in issues}, total_budget=6)


def oracle_choice(case: Case, objective: str) -> tuple[int, ...] | None:
    """The tie rule by brute force: the objective, then the highest joint gain, then the
    lexicographically smallest option positions (enumeration order)."""
    oracle = BruteForce(case)
    rows = oracle.optimal_rows(objective)
    if objective == "ks" and not (oracle.ideal_gains() > TOLERANCE).any():
        rows = np.flatnonzero(oracle.passes)
    if not len(rows):
        return None
    joint = oracle.gains[rows].sum(axis=1)
    top = joint.max()
    rows = rows[joint >= top - TOLERANCE * max(1.0, abs(top))]
    return tuple(oracle.choices[rows[0]].tolist())


# ------------------------------------------------------------------ the path choice


def test_auto_chooses_from_the_case_and_says_why():
    harbour = load_example("harbour")
    found, path = exact_set(harbour)
    assert path.method == "enumerate" and "432 packages" in path.reason
    assert path.counts["packages"] == 432
    result = solve(harbour)
    assert result.method == "enumerate" and result.solver == "enumerate"
    assert result.details["path"]["reason"] == path.reason

    paid = solve(harbour, transfers=True)
    assert paid.method == "mip" and "side payments" in paid.details["path"]["reason"]

    rng = np.random.default_rng(3)
    issues = [Issue(f"i{k}", ["a", "b", "c", "d", "e"]) for k in range(12)]
    wide = Case([Party(f"p{p}", batna=1) for p in range(7)], issues,
                {f"p{p}": {i.name: rng.integers(0, 9, 5).tolist() for i in issues}
                 for p in range(7)})
    assert exact_set(wide)[1].method == "mip"
    assert "coordinates" in exact_set(wide)[1].reason

    chain = tied_case()
    many = Case(chain.parties, [*chain.issues, *(Issue(f"x{k}", ["a", "b", "c"])
                                                  for k in range(6))],
                chain.scores, requires=chain.requires, excludes=chain.excludes,
                synergy=chain.synergy, costs=chain.costs, total_budget=chain.total_budget)
    found, path = exact_set(many)
    assert path.method == "dp" and path.counts["width"] >= 1 and len(found)


def test_forced_paths_that_cannot_answer_raise():
    harbour = load_example("harbour")
    with pytest.raises(UsageError, match="side payments"):
        solve(harbour, transfers=True, method="dp")
    with pytest.raises(UsageError, match="method"):
        solve(harbour, method="separable")
    with pytest.raises(UsageError, match="method"):
        pareto_frontier(harbour, method="table")


def test_the_choice_is_the_same_every_time():
    case = tied_case()
    first = exact_set(case, method="dp")
    assert exact_set(case, method="dp") == first  # cached: the very same objects
    assert [solve(case, "egalitarian").to_dict()["package"] for _ in range(3)] == \
        [solve(case, "egalitarian").to_dict()["package"]] * 3


# ------------------------------------------------------------------ the tie rule


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_the_tie_rule_on_every_path(objective):
    for seed in range(4):
        case = tied_case(seed)
        expected = oracle_choice(case, objective)
        results = [solve(case, objective, method=m) for m in PATHS]
        for result in results:
            got = None if result.package is None else case.package_indices(result.package)
            assert got == expected, (seed, result.method, result.message)
        assert all(comparable(r) == comparable(results[0]) for r in results), objective


SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("objective", OBJECTIVES)
@SETTINGS
@given(case=small_cases(max_parties=3, max_issues=4, max_options=3, dependencies=True,
                        caps=True, budgets=True))
def test_every_path_gives_the_identical_package_and_json(objective, case):
    results = [solve(case, objective, method=m) for m in PATHS]
    expected = oracle_choice(case, objective)
    for result in results:
        got = None if result.package is None else case.package_indices(result.package)
        assert got == expected, (result.method, result.message)
        assert comparable(result) == comparable(results[0])


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=small_cases(max_parties=4, max_issues=4, max_options=3, dependencies=True,
                        caps=True, budgets=True), data=st.data())
def test_the_frontier_is_the_same_on_every_path(case, data):
    size = data.draw(st.sampled_from([2, 3]) if len(case.parties) >= 3 else st.just(2))
    parties = data.draw(st.permutations(case.party_names))[:size]
    frontiers = [pareto_frontier(case, parties, method=m).to_dict() for m in PATHS]
    for f in frontiers:
        for key in ("solver", "method", "path", "solves", "seconds", "message"):
            f.pop(key)
    assert frontiers[0] == frontiers[1] == frontiers[2]


# ------------------------------------------------------------------ determinism

_SCRIPT = textwrap.dedent("""
    import json, sys, warnings
    warnings.simplefilter("ignore")
    sys.path.insert(0, {root!r})
    from tests.test_engine_paths import tied_case
    import mutualgains as mg
    out = {{}}
    for seed in range(3):
        case = tied_case(seed)
        for objective in mg.OBJECTIVES:
            data = mg.solve(case, objective).to_dict()
            data.pop("seconds")
            out[f"{{seed}} {{objective}}"] = data
        frontier = mg.pareto_frontier(case).to_dict()
        frontier.pop("seconds")
        out[f"{{seed}} frontier"] = frontier
    print(json.dumps(out, sort_keys=True))
""")


def test_the_same_json_in_fresh_processes_even_under_load():
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    script = _SCRIPT.format(root=root)

    def run() -> str:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              check=True, timeout=600)
        return done.stdout.strip().splitlines()[-1]

    quiet = [run(), run()]
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        loaded = run()
    finally:
        busy.kill()
        busy.wait()
    assert quiet[0] == quiet[1] == loaded
    assert json.loads(loaded)["0 joint"]["method"] == "enumerate"


# ------------------------------------------------------------------ unfinished programs


def _stopping_solver(monkeypatch, after: int):
    """A solver stub: from the ``after``-th solve on, a finished solve is reported as
    stopped at a time limit (the incumbent and the proven bound are kept)."""
    real = mip.MipModel.solve
    calls = {"n": 0}

    def solve_stub(self, **options):
        out = real(self, **options)
        calls["n"] += 1
        if calls["n"] >= after and out.status is Status.OPTIMAL:
            return mip.MipOutcome(Status.FEASIBLE, out.values, out.objective, out.bound,
                                  0.5, out.seconds, out.solver)
        return out

    monkeypatch.setattr(mip.MipModel, "solve", solve_stub)
    return calls


def _dominated_first_stage_case() -> Case:
    """The first stage's package (A's best) is dominated: B gains on another issue."""
    return Case([Party("A"), Party("B")],
                [Issue("i", ["x", "y"]), Issue("j", ["p", "q"])],
                {"A": {"i": [5, 1], "j": [0, 0]}, "B": {"i": [0, 4], "j": [0, 3]}})


def test_an_unfinished_second_stage_is_never_a_point(monkeypatch):
    case = _dominated_first_stage_case()
    monkeypatch.setattr(frontier_module, "_lexicographic_weights", lambda *a: None)
    _stopping_solver(monkeypatch, after=2)  # stage 1 finishes, stage 2 "times out"
    frontier = pareto_frontier(case, method="mip", ties=False)
    assert frontier.status == "time_limit"
    assert frontier.points == ()  # not (5, 0): the package of stage 1 alone


def test_an_unfinished_weighted_program_is_never_a_point(monkeypatch):
    case = _dominated_first_stage_case()
    _stopping_solver(monkeypatch, after=2)
    frontier = pareto_frontier(case, method="mip", ties=False)
    assert frontier.status == "time_limit"
    assert [(p.scores["A"], p.scores["B"]) for p in frontier.points] == [(5, 3)]


def test_one_program_per_point_on_the_grid():
    case = load_example("harbour")
    frontier = pareto_frontier(case, ["Port", "City"], method="mip", ties=False)
    assert frontier.solves == len(frontier) + 1  # the last proves nothing is left
    assert frontier.to_dict()["points"] == pareto_frontier(
        case, ["Port", "City"], ties=False).to_dict()["points"]


def test_the_nash_bound_after_a_time_limit_is_true(monkeypatch):
    rng = np.random.default_rng(7)
    issues = [Issue(f"i{k}", tuple(f"o{j}" for j in range(4))) for k in range(6)]
    case = Case([Party(f"p{p}", batna=20) for p in range(3)], issues,
                {f"p{p}": {i.name: rng.integers(0, 20, 4).tolist() for i in issues}
                 for p in range(3)})
    exact = solve(case, "nash", method="mip")
    assert exact.status is Status.OPTIMAL
    _stopping_solver(monkeypatch, after=3)  # the refinement stops after its first round
    stopped = solve(case, "nash", method="mip")
    assert stopped.status is Status.FEASIBLE and stopped.package is not None
    assert stopped.gap is not None and math.isfinite(stopped.gap) and stopped.gap < 1e3
    assert stopped.details["log_bound"] >= exact.details["log_nash"] - TOLERANCE
    assert math.log(exact.objective_value) <= math.log(stopped.objective_value) + math.log1p(
        stopped.gap) + TOLERANCE


def test_k_of_n_rules_and_weights_on_every_path():
    case = Case([Party("A", batna=3, weight=2), Party("B", batna=3, veto=True),
                 Party("C", batna=6, weight=0)],
                [Issue("i", ["x", "y", "z"]), Issue("j", ["p", "q"])],
                {"A": {"i": [4, 1, 3], "j": [1, 1]}, "B": {"i": [1, 4, 3], "j": [0, 1]},
                 "C": {"i": [0, 0, 9], "j": [1, 0]}},
                decision_rule=DecisionRule(min_parties=2, veto=["B"]),
                transfers=Transfers())
    for objective in OBJECTIVES:
        results = [solve(case, objective, method=m) for m in PATHS]
        assert all(comparable(r) == comparable(results[0]) for r in results), objective
        assert case.package_indices(results[0].package) == oracle_choice(case, objective)


def test_the_declared_methods_are_the_engines():
    from mutualgains.engine.paths import METHODS
    from mutualgains.params import METHOD

    assert tuple(METHOD.values) == METHODS
