"""The solver against the brute-force oracle, on random small cases (Hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from mutualgains import OBJECTIVES, Status, solve
from mutualgains.testing import BruteForce
from mutualgains.tolerance import TOLERANCE, close

from .strategies import small_cases

# random dependencies often rule out single options: that warning is expected here
pytestmark = pytest.mark.filterwarnings("ignore::mutualgains.model.relations.DependencyWarning")

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def check_against_oracle(case, objective, solver="highs", method="auto"):
    oracle = BruteForce(case)
    result = solve(case, objective, solver=solver, method=method)
    best = oracle.best(objective)
    if best is None:
        assert result.status is Status.NO_AGREEMENT
        assert result.package is None
        return
    assert result.status is Status.OPTIMAL, result.message
    row = oracle.row_of(result.package)
    # the package passes the rule, and the reported numbers are the package's own
    assert oracle.passes[row]
    assert [result.gains[p] for p in case.party_names] == pytest.approx(oracle.gains[row])
    assert [result.accepted[p] for p in case.party_names] == oracle.accepts[row].tolist()
    if objective == "leximin":
        assert tuple(np.sort(oracle.gains[row])) == pytest.approx(best)
        assert result.objective_value == pytest.approx(best[0])
        return
    assert close(oracle.values(objective)[row], best), (objective, best)
    assert close(result.objective_value, best, tol=10 * TOLERANCE), (result.objective_value, best)
    if objective in ("egalitarian", "ks"):
        # ties are broken by the highest joint gain
        rows = oracle.optimal_rows(objective)
        joint = oracle.gains[rows].sum(axis=1).max()
        assert oracle.gains[row].sum() == pytest.approx(joint)


@pytest.mark.parametrize("method", ["auto", "dp", "enumerate", "mip"])
@pytest.mark.parametrize("objective", OBJECTIVES)
@SETTINGS
@given(case=small_cases())
def test_solver_matches_oracle(objective, method, case):
    check_against_oracle(case, objective, method=method)
    result = solve(case, objective, method=method)
    assert result.method == method or (method == "auto" and result.method in ("dp",
                                                                              "enumerate"))
    assert (result.solver == "HiGHS") == (method == "mip")


@pytest.mark.parametrize("objective", OBJECTIVES)
@SETTINGS
@given(case=small_cases(dependencies=True, caps=True))
def test_solver_matches_oracle_with_dependencies_and_caps(objective, case):
    check_against_oracle(case, objective)
    result = solve(case, objective)
    if result.package is not None:
        assert case.violations(result.package) == []


@settings(max_examples=15, deadline=None, derandomize=True)
@given(case=small_cases(max_parties=3, max_issues=4))
def test_cbc_matches_oracle(case):
    for objective in ("joint", "egalitarian", "nash"):
        check_against_oracle(case, objective, solver="cbc", method="mip")


@settings(max_examples=40, deadline=None, derandomize=True)
@given(case=small_cases(rules=False, weights=False))
def test_no_agreement_exactly_when_no_package_passes(case):
    oracle = BruteForce(case)
    result = solve(case)
    assert (result.status is Status.NO_AGREEMENT) == (not oracle.passes.any())


def test_nash_with_zero_product_everywhere_returns_best_joint():
    from mutualgains import Case, Issue, Party

    # B can never gain more than 0: every passing package has Nash product 0.
    case = Case([Party("A", batna=0), Party("B", batna=2)], [Issue("i", ["x", "y", "z"])],
                {"A": {"i": [1, 5, 3]}, "B": {"i": [2, 2, 2]}})
    result = solve(case, "nash")
    assert result.status is Status.OPTIMAL
    assert result.objective_value == 0.0
    assert result.package == {"i": "y"}
    assert "product is 0" in result.message


def test_nash_product_is_proven_not_approximated():
    """A case where a coarse tangent grid picks the wrong package: the refinement must not."""
    from mutualgains import Case, Issue, Party

    rng = np.random.default_rng(7)
    issues = [Issue(f"i{k}", tuple(f"o{j}" for j in range(4))) for k in range(6)]
    scores = {f"p{p}": {i.name: rng.integers(0, 20, 4).tolist() for i in issues} for p in range(3)}
    case = Case([Party(f"p{p}", batna=20) for p in range(3)], issues, scores)
    oracle = BruteForce(case)
    result = solve(case, "nash")
    assert math.isclose(result.objective_value, oracle.best("nash"), rel_tol=TOLERANCE)
    assert result.details["log_bound"] - result.details["log_nash"] <= TOLERANCE
