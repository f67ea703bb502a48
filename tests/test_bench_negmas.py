"""Smoke test of benchmarks/bench_negmas.py (the benchmark itself is not part of the suite).

NegMAS is needed by this file only (the ``benchmarks`` extra; CI runs this file as a step
of its own after installing it) and the library never imports it: without NegMAS the
file is skipped.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("negmas", reason='NegMAS is absent: pip install -e ".[benchmarks]"')

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_negmas  # noqa: E402
import frontier_vs_genius  # noqa: E402
import negmas_side  # noqa: E402

from mutualgains.io.genius import read_genius  # noqa: E402

GENIUS = bench_negmas.ROOT
needs_cases = pytest.mark.skipif(not GENIUS.is_dir(), reason="../shared/cases is absent")


def test_the_library_never_imports_negmas():
    code = ("import sys, pkgutil, importlib, mutualgains\n"
            "for m in pkgutil.walk_packages(mutualgains.__path__, 'mutualgains.'):\n"
            "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
            "assert not [m for m in sys.modules if m.startswith('negmas')]\n")
    subprocess.run([sys.executable, "-c", code], check=True)


@needs_cases
@pytest.mark.parametrize("name", [
    "ANAC2015-group9-vacation",  # an integer issue: GENIUS measures from the lower bound
    "ANAC2016-energy_grid",  # integer issues only
    "ANAC2012-EnergyA",  # discounted: NegMAS drops the reservation value unless told
    "ANAC2010-Travel",  # raw evaluations and weights
])
def test_negmas_profiles_are_rebuilt_in_genius_semantics(name):
    case = read_genius(GENIUS / name)
    domain = negmas_side.load_genius(GENIUS / name)
    assert bench_negmas._utility_difference(case, domain, samples=200) < 1e-12
    assert [u.reserved_value for u in domain.ufuns] == pytest.approx(list(case.batnas))


@needs_cases
def test_one_small_domain_agrees_in_every_answer():
    row = bench_negmas.genius_row(GENIUS / "ANAC2010-ItexvsCypress", frontier_limit=60)
    assert bench_negmas._verdict(row) == "agree"
    assert row["frontier_ours"] == row["frontier_distinct"] > 1
    assert row["brute_ok"] and row["ks_same_point"] and row["mip_ok"]
    assert row["used"] == "enumerate"  # the integer programs ran too (mip_ok)
    text = bench_negmas.genius_tables([row])
    assert "ANAC2010-ItexvsCypress" in text and "✗" not in text


@needs_cases
def test_a_domain_negmas_cannot_load_is_reported_and_still_checked():
    row = bench_negmas.genius_row(GENIUS / "ANAC2012-FitnessA", frontier_limit=60)
    assert "index 0" in row["negmas_error"]
    assert row["brute_ok"] is True
    assert "NegMAS cannot load" in bench_negmas.genius_tables([row])


def test_synthetic_workers_agree_and_measure_memory():
    rows = bench_negmas.synthetic_part([(4, 5)], party_counts=(2,), seed=7,
                                       frontier_limit=60, timeout=300, say=lambda _: None)
    (row,) = rows
    assert bench_negmas._verdict(row) == "agree"
    assert row["ours"]["peak_mb"] >= row["ours"]["base_mb"] > 0
    assert row["mip_ok"] and row["ours_mip"]["method"] == "mip"
    assert "| 2 | 4x5 | 625 |" in bench_negmas.synthetic_table(rows)


def test_disagreement_is_caught():
    batnas = np.zeros(2)
    mine = {"joint": np.array([1.0, 1.0]), "nash": np.array([1.0, 1.0]),
            "ks": np.array([0.8, 0.8]), "frontier": np.array([[1.0, 1.0]]),
            "frontier_status": "complete"}
    theirs = {"joint": np.array([1.0, 0.5]), "nash": np.array([1.0, 0.5]),
              "ks": np.array([1.0, 0.5]), "frontier": np.array([[1.0, 0.5], [0.5, 1.0]])}
    out = bench_negmas.compare(mine, theirs, batnas)
    assert not (out["joint_ok"] or out["nash_ok"] or out["ks_ok"] or out["frontier_ok"])
    assert out["ks"] == pytest.approx(0.8) and out["ks_theirs"] == pytest.approx(0.5)
    assert out["frontier_raw"] == out["frontier_distinct"] == 2
    agreeing = bench_negmas.compare(mine, {**theirs, "frontier": np.array([[1.0, 1.0]] * 2),
                                           "joint": np.array([1.0, 1.0])}, batnas)
    assert agreeing["joint_ok"] and agreeing["frontier_ok"]
    assert agreeing["frontier_raw"] == 2 and agreeing["frontier_distinct"] == 1


@needs_cases
def test_nonlinear_frontier_against_the_one_genius_ships():
    (row,) = frontier_vs_genius.run(GENIUS, names=["Genius-S-1NAGUNL-114"])
    assert row["status"] == "complete"
    assert row["matched"] == row["shipped"] == row["ours"] and row["not_dominated"] == 0
    assert "Genius-S-1NAGUNL-114" in frontier_vs_genius.table([row])
