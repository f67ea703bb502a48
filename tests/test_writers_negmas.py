"""NegMAS (0.16) reading what mutualgains writes: GENIUS and GeniusWeb folders, and the scenario
of :func:`mutualgains.to_negmas`, give the same utilities and reserved values.

Marked ``negmas`` (it runs with the NegMAS smoke test of the benchmarks); skipped without
NegMAS, which is a test dependency only: the library imports it inside ``to_negmas``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from mutualgains import (
    Case,
    CaseError,
    DecisionRule,
    Issue,
    LossyConversionWarning,
    Party,
    Synergy,
    read_genius,
    read_geniusweb,
    to_negmas,
    write_genius,
    write_geniusweb,
)
from mutualgains.testing import BruteForce

negmas = pytest.importorskip("negmas")
from negmas.inout import Scenario  # noqa: E402

pytestmark = pytest.mark.negmas

SHARED = Path(__file__).resolve().parents[2] / "shared" / "cases"
GENIUS = SHARED / "genius"
GENIUSWEB = SHARED / "geniusweb"
NONLINEAR = ("ANAC2014", "Genius-S-1")


def _folders(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


LINEAR = [n for n in _folders(GENIUS) if not n.startswith(NONLINEAR)]
needs_genius = pytest.mark.skipif(not (GENIUS / "SOURCES.md").is_file(),
                                  reason=f"shared GENIUS domains not found at {GENIUS}")
needs_geniusweb = pytest.mark.skipif(not (GENIUSWEB / "SOURCES.md").is_file(),
                                     reason=f"shared GeniusWeb domains not found at {GENIUSWEB}")


def _choices(case: Case, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([rng.integers(len(i.options), size=n) for i in case.issues], axis=1)


def _negmas_utilities(scenario, case: Case, choices: np.ndarray) -> np.ndarray:
    """NegMAS' utilities of the packages, its outcomes matched to options by their text."""
    issues = list(scenario.outcome_space.issues)
    assert [i.name for i in issues] == list(case.issue_names)
    values = [{str(v): v for v in issue.all} for issue in issues]
    rows = []
    for choice in choices:
        outcome = tuple(values[k][case.issues[k].options[c]] for k, c in enumerate(choice))
        rows.append([float(u(outcome)) for u in scenario.ufuns])
    return np.array(rows)


def _load(loader, folder: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return loader(folder)


@needs_genius
@pytest.mark.parametrize("name", LINEAR)
def test_negmas_reads_our_genius_export_of_every_linear_domain(tmp_path, name):
    case = read_genius(GENIUS / name)
    write_genius(case, tmp_path / name)
    scenario = _load(lambda f: Scenario.from_genius_folder(f, ignore_discount=True),
                     tmp_path / name)
    assert [Path(u.name).stem for u in scenario.ufuns] == list(case.party_names)
    choices = _choices(case, 500, len(name))
    np.testing.assert_allclose(_negmas_utilities(scenario, case, choices),
                               case.utility_rows(choices), atol=1e-12, rtol=0)
    assert [float(u.reserved_value) for u in scenario.ufuns] == pytest.approx(
        list(case.batnas), abs=1e-12)


@needs_genius
@pytest.mark.parametrize("name", LINEAR)
def test_to_negmas_on_every_linear_genius_domain(name):
    case = read_genius(GENIUS / name)
    scenario = to_negmas(case)
    assert [u.name for u in scenario.ufuns] == list(case.party_names)
    choices = _choices(case, 500, len(name) + 1)
    np.testing.assert_allclose(_negmas_utilities(scenario, case, choices),
                               case.utility_rows(choices), atol=1e-12, rtol=0)
    assert [u.reserved_value for u in scenario.ufuns] == list(case.batnas)


@needs_genius
@pytest.mark.parametrize("name", [n for n in _folders(GENIUS) if n.startswith(NONLINEAR)])
def test_to_negmas_on_the_nonlinear_genius_domains(name):
    case = read_genius(GENIUS / name)
    scenario = to_negmas(case)
    choices = _choices(case, 100, 3)  # NegMAS evaluates every rectangle in Python: sampled
    np.testing.assert_allclose(_negmas_utilities(scenario, case, choices),
                               case.utility_rows(choices), atol=1e-12, rtol=0)


@needs_geniusweb
@pytest.mark.parametrize("name", _folders(GENIUSWEB))
def test_negmas_reads_our_geniusweb_export(tmp_path, name):
    case = read_geniusweb(GENIUSWEB / name)
    write_geniusweb(case, tmp_path / name)  # discreteutils: the spelling NegMAS 0.16 reads
    scenario = _load(Scenario.from_geniusweb_folder, tmp_path / name)
    choices = _choices(case, 500, 7)
    np.testing.assert_allclose(_negmas_utilities(scenario, case, choices),
                               case.utility_rows(choices), atol=1e-12, rtol=0)
    assert [float(u.reserved_value or 0) for u in scenario.ufuns] == pytest.approx(
        list(case.batnas), abs=1e-12)


def test_to_negmas_with_synergies_and_caps_against_the_oracle():
    case = Case([Party("A", batna=1, cap=6), Party("B", batna=-1)],
                [Issue("x", ["a", "b", "c"]), Issue("y", ["u", "v"])],
                {"A": {"x": [0, 2, 4], "y": [1, -1]}, "B": {"x": [3, 1, 0], "y": [0, 2]}},
                synergy=[Synergy({"x": ["b", "c"], "y": "u"}, {"A": 3, "B": -2}),
                         Synergy({"y": "v"}, {"B": 1})])
    scenario = to_negmas(case)
    brute = BruteForce(case)
    np.testing.assert_allclose(_negmas_utilities(scenario, case, brute.choices),
                               brute.utilities, atol=1e-12, rtol=0)
    assert [u.reserved_value for u in scenario.ufuns] == [1, -1]


def test_to_negmas_refuses_what_negmas_cannot_express_then_drops_it():
    case = Case([Party("A"), Party("B")], [Issue("x", ["a", "b"])], {"A": {"x": [0, 1]}},
                decision_rule=DecisionRule(min_parties=1), margin=1, controls={"A": ["x"]})
    with pytest.raises(CaseError) as info:
        to_negmas(case)
    assert [p.where for p in info.value.problems] == ["decision_rule", "margin", "controls"]
    with pytest.warns(LossyConversionWarning, match="NegMAS cannot express"):
        scenario = to_negmas(case, lossy=True)
    assert len(scenario.ufuns) == 2
