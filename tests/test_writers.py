"""The GENIUS and GeniusWeb writers: round trips on every shared domain, the written files
evaluated independently of the readers, the utility maps, what is refused and what lossy drops.
"""

from __future__ import annotations

import json
import math
import re
import warnings
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualgains import (
    Case,
    CaseError,
    DecisionRule,
    Issue,
    LossyConversionWarning,
    Party,
    Precedes,
    Requires,
    Synergy,
    UsageError,
    load_case,
    read_genius,
    read_geniusweb,
    write_genius,
    write_geniusweb,
)
from mutualgains.io.examples import load_example
from mutualgains.io.export import ROUND_TRIP_TOLERANCE
from mutualgains.model.money import Transfers
from mutualgains.model.uncertainty import Noise, Uncertainty
from mutualgains.testing import BruteForce
from tests.test_geniusweb import geniusweb_utility

SHARED = Path(__file__).resolve().parents[2] / "shared" / "cases"
GENIUS = SHARED / "genius"
GENIUSWEB = SHARED / "geniusweb"


def _folders(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


needs_genius = pytest.mark.skipif(not (GENIUS / "SOURCES.md").is_file(),
                                  reason=f"shared GENIUS domains not found at {GENIUS}")
needs_geniusweb = pytest.mark.skipif(not (GENIUSWEB / "SOURCES.md").is_file(),
                                     reason=f"shared GeniusWeb domains not found at {GENIUSWEB}")
TOL = ROUND_TRIP_TOLERANCE


# --------------------------------------------------- independent evaluators


def genius_folder(folder: Path):
    """{party: (utility of a package, reservation value)} from the written XML, by GENIUS'
    rules: evaluations / the issue's largest, weights / their sum; nonlinear: min(1, sum of
    the satisfied rectangles / maxutility)."""
    domain = ET.parse(folder / "domain.xml").getroot()
    issues = {int(i.get("index")): i for i in domain.iter("issue")}
    names = {k: i.get("name") for k, i in issues.items()}
    out = {}
    for path in sorted(folder.glob("*.xml")):
        root = ET.parse(path).getroot()
        if root.tag != "utility_space":
            continue
        reservation = float(root.find("reservation").get("value"))
        if root.get("type") == "nonlinear":
            utility = root.find("objective").find("utility")
            top = float(utility.get("maxutility"))
            rects = [(float(r.get("utility")),
                      [(names[int(b.get("index"))], int(b.get("min")), int(b.get("max")))
                       for b in r.findall("INCLUDES")])
                     for r in utility.find("ufun").findall("hyperRectangle")]

            def value(package, rects=rects, top=top):
                total = sum(u for u, bounds in rects
                            if all(lo <= int(package[i]) <= hi for i, lo, hi in bounds))
                return min(1.0, total / top)
        else:
            tables, weights = {}, {}
            for issue in root.iter("issue"):
                items = {it.get("value"): float(it.get("evaluation")) for it in issue.iter("item")}
                top = max(items.values())
                tables[issue.get("name")] = {v: (e / top if top >= 1e-5 else 0.0)
                                             for v, e in items.items()}
            for w in root.iter("weight"):
                weights[names[int(w.get("index"))]] = float(w.get("value"))
            total = sum(weights.values())

            def value(package, tables=tables, weights=weights, total=total):
                return sum(weights[i] / total * tables[i][package[i]] for i in tables)
        out[path.stem] = (value, reservation)
    return out


def geniusweb_folder(folder: Path):
    """{party: (utility of a package, BATNA)} from the written JSON, in decimal arithmetic."""
    out = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(), parse_float=Decimal, parse_int=Decimal)
        if "LinearAdditiveUtilitySpace" not in data:
            continue
        space = data["LinearAdditiveUtilitySpace"]
        assert sum(space["issueWeights"].values()) == 1  # exactly, as GeniusWeb checks
        bid = space.get("reservationBid")
        batna = 0.0 if bid is None else float(geniusweb_utility(data, bid["issuevalues"]))
        out[path.stem] = (lambda package, data=data: float(geniusweb_utility(data, package)),
                          batna)
    return out


def sample(case: Case, n: int = 500, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if case.n_packages <= n:
        return BruteForce(case).choices
    return np.stack([rng.integers(len(i.options), size=n) for i in case.issues], axis=1)


def mapped(case: Case, export, choices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    shift = np.array([export.maps[p].shift for p in case.party_names])
    scale = np.array([export.maps[p].scale for p in case.party_names])
    return (case.utility_rows(choices) - shift) / scale, (case.batnas - shift) / scale


def check_round_trip(case: Case, export, back: Case, evaluate, choices: np.ndarray) -> None:
    """``back`` (read from the written folder) and the files themselves give the mapped
    utilities and BATNAs of ``case``."""
    assert back.issue_names == case.issue_names
    assert [i.options for i in back.issues] == [i.options for i in case.issues]
    assert set(back.party_names) == set(case.party_names)
    want, batnas = mapped(case, export, choices)
    order = [back.party_names.index(p) for p in case.party_names]
    got = back.utility_rows(choices)[:, order]
    np.testing.assert_allclose(got, want, rtol=0, atol=TOL)
    np.testing.assert_allclose(back.batnas[order], batnas, rtol=0, atol=TOL)
    files = evaluate(export.folder)
    for row, choice in enumerate(choices[:100]):
        package = case.package_from_indices(choice)
        for p, name in enumerate(case.party_names):
            assert files[name][0](package) == pytest.approx(want[row, p], abs=TOL)
    for p, name in enumerate(case.party_names):
        assert files[name][1] == pytest.approx(batnas[p], abs=TOL)


# ------------------------------------------------------------ round trips


@needs_genius
@pytest.mark.parametrize("name", _folders(GENIUS))
def test_genius_round_trip_on_every_shared_domain(tmp_path, name):
    case = read_genius(GENIUS / name)
    export = write_genius(case, tmp_path / name)
    assert all(m.is_identity for m in export.maps.values())  # GENIUS in, GENIUS out unchanged
    assert export.dropped == ()
    back = read_genius(export.folder)
    assert back.party_names == case.party_names and back.name == case.name
    assert [p.cap for p in back.parties] == [p.cap for p in case.parties]
    check_round_trip(case, export, back, genius_folder, sample(case, seed=len(name)))


@needs_geniusweb
@pytest.mark.parametrize("name", _folders(GENIUSWEB))
@pytest.mark.parametrize("tags", ["short", "class"])
def test_geniusweb_round_trip_on_every_shared_domain(tmp_path, name, tags):
    case = read_geniusweb(GENIUSWEB / name)
    export = write_geniusweb(case, tmp_path / name, tags=tags)
    assert all(m.is_identity for m in export.maps.values())  # GeniusWeb in and out unchanged
    back = read_geniusweb(export.folder)
    assert back.party_names == case.party_names and back.name == case.name
    check_round_trip(case, export, back, geniusweb_folder, sample(case, seed=len(name)))
    text = (export.folder / f"{case.party_names[0]}.json").read_text()
    assert ("DiscreteValueSetUtilities" in text) == (tags == "class")


@needs_geniusweb
@pytest.mark.parametrize("name", _folders(GENIUSWEB))
def test_geniusweb_domains_written_as_genius(tmp_path, name):
    case = read_geniusweb(GENIUSWEB / name)
    export = write_genius(case, tmp_path / name)
    back = read_genius(export.folder)
    check_round_trip(case, export, back, genius_folder, sample(case, seed=1))
    for p in case.party_names:  # GENIUS' best package is 1: the map divides by the best
        best = sum(max(v) for v in case.scores[p].values())
        assert export.maps[p].scale == pytest.approx(best) and export.maps[p].shift == 0


@needs_genius
@pytest.mark.parametrize("name", [n for n in _folders(GENIUS) if not n.startswith(
    ("ANAC2014", "Genius-S-1"))])
def test_linear_genius_domains_written_as_geniusweb(tmp_path, name):
    case = read_genius(GENIUS / name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LossyConversionWarning)
        export = write_geniusweb(case, tmp_path / name, lossy=True)
    back = read_geniusweb(export.folder)
    choices = sample(case, seed=2)
    want, batnas = mapped(case, export, choices)
    order = [back.party_names.index(p) for p in case.party_names]
    np.testing.assert_allclose(back.utility_rows(choices)[:, order], want, atol=TOL, rtol=0)
    adjusted = {line.split(".")[1] for line in export.dropped}
    assert bool(caught) == bool(adjusted)
    for p, party in enumerate(case.party_names):
        if party not in adjusted:  # exact: no bid, or a bid of exactly the BATNA
            assert back.batnas[order[p]] == pytest.approx(batnas[p], abs=TOL)
        # either way the same packages stay acceptable
        before = want[:, p] >= batnas[p] - 1e-9
        after = want[:, p] >= back.batnas[order[p]] - 1e-9
        assert (before == after).all(), party


# --------------------------------------------------- random cases (Hypothesis)


@st.composite
def numbered_cases(draw, *, synergy: bool = True) -> Case:
    """Small cases whose options are consecutive integers (so GENIUS can bound them), with
    negative scores, synergies, caps and BATNAs anywhere."""
    n_parties = draw(st.integers(1, 3))
    issues = []
    for k in range(draw(st.integers(1, 3))):
        low = draw(st.integers(-2, 3))
        issues.append(Issue(f"i{k}", tuple(str(low + j) for j in range(draw(st.integers(1, 4))))))
    score = st.integers(-6, 12).map(lambda v: v / 2)
    names = [f"p{k}" for k in range(n_parties)]
    scores = {p: {i.name: [draw(score) for _ in i.options] for i in issues} for p in names}
    synergies = []
    if synergy:
        for _ in range(draw(st.integers(0, 3))):
            involved = draw(st.lists(st.sampled_from(issues), min_size=1, max_size=2,
                                     unique_by=lambda i: i.name))
            when = {i.name: draw(st.lists(st.sampled_from(i.options), min_size=1, unique=True))
                    for i in involved}
            synergies.append(Synergy(when, {p: draw(st.integers(-4, 6)) for p in draw(
                st.lists(st.sampled_from(names), min_size=1, unique=True))}))
    caps = {p: draw(st.sampled_from([None, None, 3, 8])) if synergy else None for p in names}
    parties = [Party(p, batna=draw(st.integers(-10, 20)) / 2, cap=caps[p]) for p in names]
    return Case(parties, issues, scores, synergy=synergies)


def _lossless(export) -> bool:
    return not export.dropped


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(numbered_cases())
def test_genius_writes_random_cases_exactly_up_to_the_map(tmp_path_factory, case):
    folder = tmp_path_factory.mktemp("genius")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossyConversionWarning)
        export = write_genius(case, folder, lossy=True)
    back = read_genius(folder)
    brute = BruteForce(case)
    want, batnas = mapped(case, export, brute.choices)
    order = [back.party_names.index(p) for p in case.party_names]
    np.testing.assert_allclose(back.utility_rows(brute.choices)[:, order], want, atol=TOL,
                               rtol=0)
    assert ((want >= -TOL) & (want <= 1 + TOL)).all()  # utilities in GENIUS' [0, 1]
    if _lossless(export):
        np.testing.assert_allclose(back.batnas[order], batnas, atol=TOL, rtol=0)
        assert (BruteForce(back).passes == brute.passes).all()
    else:  # only a BATNA above every package can be lost, and it is said
        assert all(".batna:" in line for line in export.dropped)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(numbered_cases(synergy=False))
def test_geniusweb_writes_random_cases_exactly_up_to_the_map(tmp_path_factory, case):
    folder = tmp_path_factory.mktemp("geniusweb")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossyConversionWarning)
        export = write_geniusweb(case, folder, lossy=True)
    back = read_geniusweb(folder)
    brute = BruteForce(case)
    want, batnas = mapped(case, export, brute.choices)
    order = [back.party_names.index(p) for p in case.party_names]
    np.testing.assert_allclose(back.utility_rows(brute.choices)[:, order], want, atol=TOL,
                               rtol=0)
    assert ((want >= -TOL) & (want <= 1 + TOL)).all()
    adjusted = {line.split(".")[1] for line in export.dropped}
    for p, party in enumerate(case.party_names):
        if party not in adjusted:
            assert back.batnas[order[p]] == pytest.approx(batnas[p], abs=TOL)
        elif batnas[p] <= want[:, p].max() + TOL:  # a package reaches the BATNA: same set
            assert ((want[:, p] >= batnas[p] - TOL)
                    == (want[:, p] >= back.batnas[order[p]] - TOL)).all()


# ------------------------------------------------------------- the maps


def test_a_case_already_in_geniusweb_range_is_written_unchanged(tmp_path):
    case = Case([Party("A", batna=0.3)], [Issue("x", ["a", "b", "c"]), Issue("y", ["u", "v"])],
                {"A": {"x": [0.1, 0.3, 0.2], "y": [0.0, 0.5]}})
    export = write_geniusweb(case, tmp_path)
    assert export.maps["A"].is_identity
    back = read_geniusweb(tmp_path)
    assert back.party("A").batna == pytest.approx(0.3)  # the bid x=b, y=u
    reservation = json.loads((tmp_path / "A.json").read_text())["LinearAdditiveUtilitySpace"][
        "reservationBid"]
    assert reservation == {"issuevalues": {"x": "b", "y": "u"}}


def test_a_batna_below_every_package_is_written_as_no_reservation_bid(tmp_path):
    case = Case([Party("A", batna=-3)], [Issue("x", ["a", "b"])], {"A": {"x": [1, 5]}})
    export = write_geniusweb(case, tmp_path)
    assert (export.maps["A"].shift, export.maps["A"].scale) == (-3, 8)
    body = json.loads((tmp_path / "A.json").read_text())["LinearAdditiveUtilitySpace"]
    assert "reservationBid" not in body
    assert read_geniusweb(tmp_path).utilities(["a"])["A"] == pytest.approx(0.5)


def test_negative_scores_are_shifted(tmp_path):
    case = Case([Party("A", batna=1)], [Issue("x", ["a", "b"]), Issue("y", ["u", "v"])],
                {"A": {"x": [-2, 3], "y": [-1, 1]}})
    export = write_genius(case, tmp_path)
    assert (export.maps["A"].shift, export.maps["A"].scale) == (-3, 7)
    back = read_genius(tmp_path)
    assert back.utilities(["a", "u"])["A"] == pytest.approx(0)
    assert back.party("A").batna == pytest.approx(4 / 7)
    assert "utility in this file = (the case's utility - -3.0) / 7.0" in (
        tmp_path / "A.xml").read_text()


def test_a_nonlinear_case_with_a_cap_maps_the_cap_to_one(tmp_path):
    case = Case([Party("A", batna=2, cap=6)], [Issue("n", ["1", "2", "3"])],
                {"A": {"n": [0, 2, 4]}}, synergy=[Synergy({"n": ["2", "3"]}, {"A": 3})])
    export = write_genius(case, tmp_path)
    assert (export.maps["A"].shift, export.maps["A"].scale) == (0, 6)
    back = read_genius(tmp_path)
    assert back.party("A").cap == 1
    assert [back.utilities([o])["A"] for o in ("1", "2", "3")] == pytest.approx([0, 5 / 6, 1])
    text = (tmp_path / "domain.xml").read_text()
    assert 'type="integer"' in text and 'lowerbound="1" upperbound="3"' in text


def test_synergies_over_split_ranges_become_several_rectangles(tmp_path):
    case = Case([Party("A")], [Issue("n", ["0", "1", "2", "3"]), Issue("m", ["5", "6"])],
                {"A": {}}, synergy=[Synergy({"n": ["0", "2", "3"], "m": ["6"]}, {"A": 2})])
    write_genius(case, tmp_path)
    rects = ET.parse(tmp_path / "A.xml").getroot().find("objective").find("utility").find(
        "ufun").findall("hyperRectangle")
    boxes = sorted(tuple((b.get("index"), b.get("min"), b.get("max")) for b in r)
                   for r in rects)
    assert boxes == [(("1", "0", "0"), ("2", "6", "6")), (("1", "2", "3"), ("2", "6", "6"))]
    back = read_genius(tmp_path)
    for n in case.issue("n").options:
        for m in ("5", "6"):
            assert back.utilities([n, m])["A"] == pytest.approx(
                case.utilities([n, m])["A"] / 2)


def test_names_with_xml_characters_round_trip(tmp_path):
    odd = 'a & b < "c" >\nd'
    case = Case([Party("P&Q")], [Issue(odd, [odd, "plain"])], {"P&Q": {odd: [1, 0]}})
    write_genius(case, tmp_path / "x")
    back = read_genius(tmp_path / "x")
    assert back.issue_names == (odd,) and back.issue(odd).options == (odd, "plain")
    write_geniusweb(case.__class__(case.parties, case.issues, case.scores, name="x"),
                    tmp_path / "y")
    assert read_geniusweb(tmp_path / "y").issue(odd).options == (odd, "plain")


# ---------------------------------------------------------- what is refused


def _base(**changes) -> Case:
    parties = changes.pop("parties", [Party("A", batna=0), Party("B", batna=0)])
    return Case(parties, [Issue("x", ["0", "1"]), Issue("y", ["u", "v"])],
                {"A": {"x": [0, 2], "y": [1, 0]}, "B": {"x": [2, 0], "y": [0, 1]}}, **changes)


LOSSES = {
    "decision_rule": dict(decision_rule=DecisionRule(min_parties=1)),
    "margin": dict(margin=0.5),
    "parties.A.weight": dict(parties=[Party("A", weight=2), Party("B")]),
    "parties.B.budget": dict(parties=[Party("A"), Party("B", budget=3)], costs={"x": [0, 1]}),
    "costs": dict(costs={"x": [0, 1]}),
    "total_budget": dict(total_budget=0),
    "transfers": dict(transfers=Transfers()),
    "requires": dict(requires=[Requires({"x": "1"}, {"y": "v"})]),
    "precedes": dict(precedes=[Precedes({"x": "1"}, {"y": "v"})]),
    "controls": dict(controls={"A": ["x"]}),
    "uncertainty": dict(uncertainty=Uncertainty(parties={"A": Noise(0.1, relative=True)})),
}


@pytest.mark.parametrize("key", sorted(LOSSES))
@pytest.mark.parametrize("writer", [write_genius, write_geniusweb])
def test_what_a_format_cannot_express_is_refused_then_dropped(tmp_path, key, writer):
    case = _base(**LOSSES[key])
    with pytest.raises(CaseError) as info:
        writer(case, tmp_path / "refused")
    assert key in [p.where for p in info.value.problems]
    assert "(lossy=True drops it)" in str(info.value)
    assert not (tmp_path / "refused").exists()  # nothing written
    with pytest.warns(LossyConversionWarning, match="lossy=True dropped or changed them") as rec:
        export = writer(case, tmp_path / "lossy", lossy=True)
    assert any(line.startswith(f"{key}:") for line in export.dropped)
    assert all(line in str(rec[0].message) for line in export.dropped)
    assert len(rec) == 1


def test_geniusweb_refuses_synergies_and_binding_caps(tmp_path):
    case = _base(synergy=[Synergy({"x": "1"}, {"A": 1})],
                 parties=[Party("A", cap=2), Party("B", cap=10)])
    with pytest.raises(CaseError) as info:
        write_geniusweb(case, tmp_path)
    assert [p.where for p in info.value.problems] == ["synergy", "parties.A.cap"]
    # a cap no package reaches is no loss
    write_geniusweb(_base(parties=[Party("A", cap=3), Party("B")]), tmp_path / "ok")


def test_genius_refuses_synergies_on_named_options(tmp_path):
    case = _base(synergy=[Synergy({"y": "v", "x": "1"}, {"A": 1})])
    with pytest.raises(CaseError, match="whose bounds need integer issues .*not so: y"):
        write_genius(case, tmp_path / "a")
    with pytest.warns(LossyConversionWarning):
        export = write_genius(case, tmp_path / "b", lossy=True)
    assert export.dropped[0].startswith("synergy:")
    assert read_genius(tmp_path / "b").synergy == ()


def test_a_batna_above_every_package(tmp_path):
    case = _base(parties=[Party("A", batna=10), Party("B")])
    with pytest.raises(CaseError, match=r"parties.A.batna: GENIUS reservation values lie in "
                                        r"\[0, 1\], and this BATNA is above every package"):
        write_genius(case, tmp_path / "g")
    with pytest.warns(LossyConversionWarning):
        write_genius(case, tmp_path / "g2", lossy=True)
    assert read_genius(tmp_path / "g2").party("A").batna == 1
    with pytest.raises(CaseError, match="no package has utility exactly 10"):
        write_geniusweb(case, tmp_path / "w")


def test_a_geniusweb_batna_between_packages(tmp_path):
    case = _base(parties=[Party("A", batna=1.5), Party("B")])
    with pytest.raises(CaseError, match=r"parties.A.batna: GeniusWeb's BATNA is the utility of "
                                        r"a reservation bid, and no package has utility exactly "
                                        r"1.5 \(lossy=True picks the least package"):
        write_geniusweb(case, tmp_path / "w")
    with pytest.warns(LossyConversionWarning, match="the same packages stay acceptable"):
        export = write_geniusweb(case, tmp_path / "w2", lossy=True)
    back = read_geniusweb(tmp_path / "w2")
    assert back.party("A").batna == pytest.approx(export.maps["A"](2))  # x=1, y=v: 2 + 0


def test_names_the_formats_cannot_take_are_refused(tmp_path):
    case = Case([Party("a/b"), Party("domain")], [Issue("x", ["1"])], {})
    with pytest.raises(CaseError) as info:
        write_genius(case, tmp_path / "g", lossy=True)
    assert [p.where for p in info.value.problems] == ["parties.a/b", "parties.domain"]
    with pytest.raises(CaseError, match="name: a GeniusWeb domain name must start with"):
        write_geniusweb(Case([Party("A")], [Issue("x", ["1"])], {}, name="(case)"),
                        tmp_path / "w")
    with pytest.raises(CaseError, match="holds a character XML cannot hold"):
        write_genius(Case([Party("A")], [Issue("x", ["a\x01"])], {}), tmp_path / "c")


def test_the_folder_must_be_new_or_empty(tmp_path):
    case = _base()
    write_genius(case, tmp_path / "out")
    with pytest.raises(UsageError, match="is not empty"):
        write_genius(case, tmp_path / "out")
    write_genius(case, tmp_path / "out", overwrite=True)
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="other files would be read as part of the domain"):
        write_genius(case, tmp_path / "out", overwrite=True)
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="exists and is not a folder"):
        write_geniusweb(case, tmp_path / "file")


@pytest.mark.parametrize(("call", "expected"), [
    (lambda f: write_genius(None, f), "write_genius: case must be a Case (got None)"),
    (lambda f: write_genius(_base(), 3), "write_genius: folder must be a path (got 3)"),
    (lambda f: write_genius(_base(), f, lossy="yes"), "lossy must be True or False"),
    (lambda f: write_geniusweb(_base(), f, tags="long"), "tags must be one of 'short', 'class'"),
    (lambda f: write_geniusweb(_base(), f, overwrite=1), "overwrite must be True or False"),
])
def test_arguments_are_checked(tmp_path, call, expected):
    with pytest.raises(UsageError, match=re.escape(expected)):
        call(tmp_path)


def test_the_examples_convert_with_lossy(tmp_path):
    for name in ("harbour", "regional"):
        case = load_example(name)
        for writer, reader in ((write_genius, read_genius), (write_geniusweb, read_geniusweb)):
            with pytest.warns(LossyConversionWarning):
                export = writer(case, tmp_path / f"{name}-{writer.__name__}", lossy=True)
            back = reader(export.folder)
            choices = sample(case, 300)
            want, _ = mapped(case, export, choices)
            order = [back.party_names.index(p) for p in case.party_names]
            np.testing.assert_allclose(back.utility_rows(choices)[:, order], want, atol=TOL,
                                       rtol=0)


def test_export_reports(tmp_path):
    export = write_genius(_base(), tmp_path / "x")
    assert export.to_dict()["maps"] == {"A": {"shift": 0, "scale": 3},
                                        "B": {"shift": 0, "scale": 3}}
    assert [p.name for p in export.files] == ["domain.xml", "A.xml", "B.xml"]
    assert "A: utility in the file = utility / 3.0" in export.text()
    assert "&lt;" in type(export)("x", Path("<b>"), (), {"<i>": export.maps["A"]})._repr_html_()
    assert math.isclose(export.maps["A"].inverse(1.0), 3.0)


def test_load_case_reads_what_the_writers_wrote(tmp_path):
    case = _base()
    write_genius(case, tmp_path / "g")
    write_geniusweb(case, tmp_path / "w")
    assert load_case(tmp_path / "g").party_names == ("A", "B")
    assert load_case(tmp_path / "w").party_names == ("A", "B")
    assert load_case(tmp_path / "w" / "A.json").party_names == ("A",)


# --------------------------------------------- the reservation-bid search


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.lists(st.integers(-5, 9), min_size=1, max_size=4), min_size=1, max_size=6),
       st.integers(-30, 40), st.sampled_from([1_000_000, 3]))
def test_the_least_package_at_least_a_target_against_enumeration(scores, target, limit):
    from itertools import product

    from mutualgains.io.geniusweb.bids import least_at_least

    packages = list(product(*[range(len(s)) for s in scores]))
    value = {p: sum(scores[i][k] for i, k in enumerate(p)) for p in packages}
    above = [p for p in packages if value[p] >= target]
    found = least_at_least(scores, target, 1e-9, node_limit=limit)
    if not above:
        assert found is None
        return
    assert found is not None and found.utility == value[found.choice] >= target
    if found.proven:
        best = min(value[p] for p in above)
        assert found.utility == best
        assert found.choice == min(p for p in above if value[p] == best)  # ties: package order
        assert found.exact == (best == target)


def test_the_search_needs_no_recursion():
    from mutualgains.io.geniusweb.bids import least_at_least

    scores = [[0.0, 1.0]] * 3000
    found = least_at_least(scores, 1500.0, 1e-9)
    assert found.exact and sum(found.choice) == 1500


@pytest.mark.parametrize("writer", [write_genius, write_geniusweb])
def test_a_case_without_issues_is_refused_even_lossy(tmp_path, writer):
    with pytest.raises(CaseError, match="issues: .* needs at least one issue"):
        writer(Case([Party("A")], [], {}), tmp_path, lossy=True)
