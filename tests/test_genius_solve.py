"""Exact optima on the GENIUS / ANAC domains, checked by brute force and by the raw XML."""

from __future__ import annotations

import dataclasses
import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from mutualgains import Status, read_genius, solve
from mutualgains.testing import BruteForce

GENIUS = Path(__file__).resolve().parents[2] / "shared" / "cases" / "genius"
pytestmark = pytest.mark.skipif(not GENIUS.is_dir(), reason="../shared/cases is absent")
FOLDERS = sorted(p.name for p in GENIUS.iterdir() if p.is_dir()) if GENIUS.is_dir() else []
NONLINEAR = ["ANAC2014-10issues", "ANAC2014-10issueswithRV", "ANAC2014-30issueswithRV",
             "ANAC2014-50issues"]


def small_enough(name: str) -> bool:
    return read_genius(GENIUS / name).n_packages <= 1_000_000


@pytest.mark.parametrize("name", [n for n in FOLDERS if n not in NONLINEAR
                                  and not n.startswith("Genius-S-1") and small_enough(n)])
def test_joint_and_nash_equal_brute_force(name):
    """Every domain the oracle can enumerate (domains beyond 10^6 outcomes are left out
    when the tests are collected: ANAC2016-energy_grid and Genius-AMPOvsCity today)."""
    case = read_genius(GENIUS / name)
    oracle = BruteForce(case)
    for objective, method in itertools.product(("joint", "nash"), ("auto", "mip")):
        result = solve(case, objective, method=method)
        best = oracle.best(objective)
        if best is None:
            assert result.status is Status.NO_AGREEMENT
            continue
        assert result.status is Status.OPTIMAL
        assert result.objective_value == pytest.approx(best, rel=1e-6, abs=1e-9), objective
        assert oracle.passes[oracle.row_of(result.package)]


@pytest.mark.parametrize("name", ["ANAC2013-Lunch", "ANAC2016-JapanTrip"])
def test_domains_without_an_acceptable_outcome(name):
    case = read_genius(GENIUS / name)
    assert not BruteForce(case).passes.any()
    assert solve(case).status is Status.NO_AGREEMENT


# ------------------------------------------------------------ nonlinear domains


def xml_utility(profile: Path, domain_values: dict[str, int], case_issue_index: dict[int, str]):
    """GENIUS semantics straight from the XML: min(1, sum of satisfied rectangles / max)."""
    root = ET.parse(profile).getroot()
    utility = root.find(".//utility")
    top = float(utility.get("maxutility"))
    total = 0.0
    for rect in utility.iter("hyperRectangle"):
        inc = rect.findall("INCLUDES")
        exc = rect.findall("EXCLUDES")
        if inc:
            ok = all(int(b.get("min")) <= domain_values[case_issue_index[int(b.get("index"))]]
                     <= int(b.get("max")) for b in inc)
        else:
            ok = any(not (int(b.get("min")) <= domain_values[
                case_issue_index[int(b.get("index"))]] <= int(b.get("max"))) for b in exc)
        if ok:
            total += float(rect.get("utility"))
    return min(1.0, total / top)


def xml_files(folder: Path, root: str) -> list[Path]:
    """The XML files of ``folder`` whose root tag is ``root`` (pareto.xml is not XML)."""
    return [p for p in sorted(folder.glob("*.xml"))
            if p.name != "pareto.xml" and ET.parse(p).getroot().tag == root]


def issue_index(folder: Path) -> dict[int, str]:
    (domain,) = xml_files(folder, "negotiation_template")
    return {int(i.get("index")): i.get("name") for i in ET.parse(domain).getroot().iter("issue")}


def with_weights(case, weights):
    parties = [dataclasses.replace(p, weight=w) for p, w in zip(case.parties, weights,
                                                                strict=True)]
    return dataclasses.replace(case, parties=tuple(parties))


@pytest.mark.parametrize("name", [*NONLINEAR, "Genius-S-1NIKFRT-1", "Genius-S-1NAGUNL-114"])
def test_nonlinear_optima_are_exact_and_match_the_xml(name):
    folder = GENIUS / name
    case = read_genius(folder)
    index = issue_index(folder)
    profiles = {p.stem: p for p in xml_files(folder, "utility_space")}
    # each party's best acceptable package, and the best joint package
    for weights in ([1, 0], [0, 1], [1, 1]):
        result = solve(with_weights(case, weights), "joint")
        assert result.status is Status.OPTIMAL, result.message
        values = {i: int(o) for i, o in result.package.items()}
        for party in case.party_names:
            assert result.scores[party] == pytest.approx(
                xml_utility(profiles[party], values, index), abs=1e-12)
    joint = solve(case, "joint")
    cbc = solve(case, "joint", solver="cbc")
    assert joint.objective_value == pytest.approx(cbc.objective_value, abs=1e-9)


def test_ten_issue_joint_optimum_is_on_the_published_frontier():
    """GENIUS ships the exact frontier of ANAC2014-10issues: its best u1 + u2 is ours."""
    case = read_genius(GENIUS / "ANAC2014-10issues")
    points = np.loadtxt(GENIUS / "ANAC2014-10issues" / "pareto.xml", delimiter=",")
    result = solve(case, "joint")
    assert result.objective_value == pytest.approx(points.sum(axis=1).max(), abs=1e-6)
