"""The scorable game `base`: the best joint package, checked three ways.

The solver's answer is compared with the brute-force oracle and with a small
enumeration written here straight from the raw files (no mutualgains reader).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from mutualgains import OBJECTIVES, Status, read_scorable, read_scorable_deal, solve
from mutualgains.testing import BruteForce

BASE = Path(__file__).resolve().parents[2] / "shared" / "cases" / "scorable" / "base"
pytestmark = pytest.mark.skipif(not BASE.is_dir(), reason="../shared/cases is absent")


def raw_enumeration():
    """Best total gain over deals passing 5 of 6 with both p1 and p2, from the raw files."""
    parties = []
    for line in (BASE / "config.txt").read_text().splitlines():
        name, stem, role, *_ = [c.strip() for c in line.split(",")]
        rows = [r for r in (BASE / "scores_files" / f"{stem}.txt").read_text().splitlines()
                if r.strip()]
        table = [[float(v) for v in r.split(",")] for r in rows[:-1]]
        parties.append((name, role, table, float(rows[-1])))
    sizes = [len(row) for row in parties[0][2]]
    best, best_deal = None, None
    for deal in itertools.product(*(range(s) for s in sizes)):
        totals = [sum(t[k][c] for k, c in enumerate(deal)) for _, _, t, _ in parties]
        ok = [u >= b for u, (_, _, _, b) in zip(totals, parties, strict=True)]
        veto_ok = all(o for o, (_, role, _, _) in zip(ok, parties, strict=True)
                      if role in ("p1", "p2"))
        if veto_ok and sum(ok) >= len(parties) - 1:
            gain = sum(u - b for u, (_, _, _, b) in zip(totals, parties, strict=True))
            if best is None or gain > best:
                best, best_deal = gain, deal
    return best, best_deal


def test_best_joint_package_of_base():
    case = read_scorable(BASE)
    assert case.min_parties == 5 and set(case.veto_parties) == {"SportCo", "Department of Tourism"}
    result = solve(case, "joint")
    assert result.status is Status.OPTIMAL
    oracle = BruteForce(case)
    best, deal = raw_enumeration()
    assert result.objective_value == best == oracle.best("joint") == 105
    codes = [f"{chr(ord('A') + k)}{c + 1}" for k, c in enumerate(deal)]
    assert list(result.package.values()) == codes == ["A2", "B3", "C2", "D2", "E4"]
    # the only optimum, accepted by all six parties
    assert len(oracle.optimal_rows("joint")) == 1
    assert all(result.accepted.values())


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_every_objective_on_base_matches_the_oracle(objective):
    case = read_scorable(BASE)
    oracle = BruteForce(case)
    result = solve(case, objective)
    row = oracle.row_of(result.package)
    assert oracle.passes[row]
    if objective == "leximin":
        assert tuple(sorted(result.gains.values())) == pytest.approx(oracle.best("leximin"))
    else:
        assert result.objective_value == pytest.approx(oracle.best(objective), rel=1e-6)


def test_initial_deal_of_base_does_not_pass():
    case = read_scorable(BASE)
    deal = read_scorable_deal(BASE)
    assert not case.passes(deal)
    rejecting = sorted(p for p, ok in case.accepts(deal).items() if not ok)
    assert "Department of Tourism" in rejecting
