"""GENIUS / ANAC domains: the 61 shared folders, an independent evaluator, hostile and bad XML."""

from __future__ import annotations

import math
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mutualgains import CaseError, UsageError
from mutualgains.io.genius import is_genius, read_genius
from mutualgains.io.genius.xml import parse as _parse

GENIUS = Path(__file__).resolve().parents[2] / "shared" / "cases" / "genius"

needs_data = pytest.mark.skipif(not (GENIUS / "SOURCES.md").is_file(),
                                reason=f"shared GENIUS domains not found at {GENIUS}")


# ------------------------------------------------------------ SOURCES.md table


def _table() -> dict[str, tuple[int, int, int, set[float] | None]]:
    """folder -> (issues, outcomes, parties, reservation values or None for 'all 0')."""
    rows = {}
    if not (GENIUS / "SOURCES.md").is_file():
        return rows
    for line in (GENIUS / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        folder = cells[0].strip("`")
        base, _, power = cells[3].replace(",", "").partition("^")
        outcomes = int(base) ** int(power) if power else int(base)
        match = re.match(r"yes \(([^)]*)\)", cells[5])
        reservations = {float(x) for x in match.group(1).split(",")} if match else None
        rows[folder] = (int(cells[2]), outcomes, int(cells[4]), reservations)
    return rows


TABLE = _table()
FOLDERS = sorted(TABLE)


@needs_data
def test_table_lists_every_folder():
    assert len(TABLE) == 61
    on_disk = sorted(p.name for p in GENIUS.iterdir() if p.is_dir())
    assert on_disk == FOLDERS


@needs_data
@pytest.mark.parametrize("folder", FOLDERS)
def test_folder_loads_as_listed(folder):
    n_issues, n_outcomes, n_parties, reservations = TABLE[folder]
    assert is_genius(GENIUS / folder)
    case = read_genius(GENIUS / folder)
    assert case.name == folder
    assert "GENIUS" in case.description
    assert len(case.issues) == n_issues
    assert case.n_packages == n_outcomes
    assert len(case.parties) == n_parties
    batnas = {p.batna for p in case.parties}
    if reservations is None:
        assert batnas == {0}
    else:
        assert batnas == reservations
    assert list(case.party_names) == sorted(case.party_names, key=str)  # sorted by file name


# ------------------------------------------------- an independent evaluator


def _xml_roots(folder: Path):
    for path in sorted(folder.glob("*.xml")):
        try:
            yield path, ET.parse(path).getroot()
        except ET.ParseError:  # pareto.xml is not XML
            continue


def _raw(folder: Path):
    """Issues ``index -> (name, values)`` and ``stem -> utility(values by index)``, from the XML."""
    issues, profiles = {}, {}
    for path, root in _xml_roots(folder):
        if root.tag == "negotiation_template":
            for el in root.iter("issue"):
                if el.get("lowerbound") is not None:
                    values = list(range(int(el.get("lowerbound")), int(el.get("upperbound")) + 1))
                else:
                    values = [item.get("value") for item in el.findall("item")]
                issues[int(el.get("index"))] = (el.get("name"), values)
        elif root.tag == "utility_space":
            profiles[path.stem] = root
    return issues, {stem: _utility_function(root, issues) for stem, root in profiles.items()}


def _utility_function(root, issues):
    if root.get("type") == "nonlinear":
        top = float(next(root.iter("utility")).get("maxutility"))
        rects = []
        for r in root.iter("hyperRectangle"):
            inc, exc = r.findall("INCLUDES"), r.findall("EXCLUDES")
            bounds = [(int(b.get("index")), int(b.get("min")), int(b.get("max")))
                      for b in inc + exc]
            rects.append((bool(exc), bounds, float(r.get("utility"))))

        def nonlinear(x):
            total = 0.0
            for exclusive, bounds, u in rects:
                inside = all(lo <= x[i] <= hi for i, lo, hi in bounds)
                if inside != exclusive:
                    total += u
            return min(1.0, total / top)

        return nonlinear

    evaluate, weights = {}, {}
    for el in root.iter("issue"):
        i = int(el.get("index"))
        ev = el.find("evaluator")
        if ev is not None:
            lb, slope, offset = int(el.get("lowerbound")), float(ev.get("slope")), \
                float(ev.get("offset"))
            evaluate[i] = lambda x, lb=lb, s=slope, o=offset: min(1.0, max(0.0, o + s * (x - lb)))
        else:
            ev = {item.get("value"): float(item.get("evaluation")) for item in el.findall("item")}
            evaluate[i] = lambda x, ev=ev: ev[x] / max(ev.values())
    for w in root.iter("weight"):
        if int(w.get("index")) in issues:
            weights[int(w.get("index"))] = float(w.get("value"))
    total = sum(weights.values())
    return lambda x: sum(weights[i] / total * evaluate[i](x[i]) for i in issues)


@needs_data
@pytest.mark.parametrize("folder", FOLDERS)
def test_independent_evaluator_agrees(folder):
    case = read_genius(GENIUS / folder)
    issues, utility = _raw(GENIUS / folder)
    assert list(case.issue_names) == [issues[i][0] for i in sorted(issues)]
    rng = random.Random(folder)
    n = 400 if folder == "Genius-S-1NAGUNL-114" else 50
    for _ in range(n):
        x = {i: rng.choice(values) for i, (_, values) in issues.items()}
        got = case.utilities({issues[i][0]: str(v) for i, v in x.items()})
        for party, u in got.items():
            assert math.isclose(u, utility[party](x), abs_tol=1e-9), (party, x)
            assert -1e-12 <= u <= 1 + 1e-12


@needs_data
def test_excludes_rectangles_are_exercised_both_ways():
    """Each EXCLUDES rectangle of Genius-S-1NAGUNL-114 is met by some sample, missed by another."""
    folder = GENIUS / "Genius-S-1NAGUNL-114"
    issues, _ = _raw(folder)
    rng = random.Random(7)
    seen = {}
    for path, root in _xml_roots(folder):
        for r in root.iter("hyperRectangle"):
            bounds = [(int(b.get("index")), int(b.get("min")), int(b.get("max")))
                      for b in r.findall("EXCLUDES")]
            if bounds:
                seen[(path.name, id(r))] = (bounds, set())
    assert len(seen) == 5
    for _ in range(400):
        x = {i: rng.choice(values) for i, (_, values) in issues.items()}
        for bounds, outcomes in seen.values():
            outcomes.add(all(lo <= x[i] <= hi for i, lo, hi in bounds))
    assert all(outcomes == {True, False} for _, outcomes in seen.values())


@needs_data
@pytest.mark.parametrize("folder", [f for f in FOLDERS if "2014" not in f and "S-1" not in f])
def test_linear_best_package_is_one(folder):
    case = read_genius(GENIUS / folder)
    for party in case.parties:
        assert party.cap is None
        best = {i.name: max(i.options, key=lambda o, i=i: case.score(party.name, i.name, o))
                for i in case.issues}
        assert math.isclose(case.utilities(best)[party.name], 1.0, abs_tol=1e-12)


@needs_data
@pytest.mark.parametrize("folder", [f for f in FOLDERS if "2014" in f or "S-1" in f])
def test_nonlinear_parties_are_capped(folder):
    case = read_genius(GENIUS / folder)
    assert all(p.cap == 1 for p in case.parties)
    assert case.synergy
    names = set(case.party_names)
    assert all(set(s.bonus) <= names and s.bonus for s in case.synergy)
    # identical conditions were merged: no two synergies share one
    conditions = [tuple(sorted(s.when.items())) for s in case.synergy]
    assert len(set(conditions)) == len(conditions)


@needs_data
def test_pareto_file_is_skipped_and_parties_select_profiles():
    folder = GENIUS / "ANAC2014-10issues"
    assert (folder / "pareto.xml").is_file()
    case = read_genius(folder, parties=["profile-2", "profile-1"])
    assert case.party_names == ("profile-2", "profile-1")
    assert read_genius(folder, parties=["profile-1"]).party_names == ("profile-1",)


@needs_data
def test_domain_found_by_root_tag():
    case = read_genius(GENIUS / "ANAC2011-Car")  # domain is adg.xml
    assert case.party_names == ("adg_deal", "adg_deal2")


# ------------------------------------------------------------ small domains


DOMAIN = """<negotiation_template><utility_space><objective index="0" name="d">
<issue index="1" name="food" type="discrete"><item value="soup"/><item value="salad"/></issue>
<issue index="2" name="n" type="integer" lowerbound="0" upperbound="3"/>
</objective></utility_space></negotiation_template>"""

LINEAR = """<utility_space><objective index="0">
<issue index="1" name="food" type="discrete">
<item value="soup" evaluation="{soup}"/><item value="salad" evaluation="2"/></issue>
<issue index="2" name="n" type="integer" lowerbound="0" upperbound="3">
<evaluator ftype="linear" slope="{slope}" offset="0.5"/></issue>
<weight index="1" value="{weight}"/><weight index="2" value="1"/>
</objective>{extra}</utility_space>"""


def _nonlinear(rects: str, top: str = "10") -> str:
    return (f'<utility_space type="nonlinear"><objective index="0">'
            f'<utility maxutility="{top}"><ufun aggregation="sum">{rects}</ufun></utility>'
            f'</objective></utility_space>')


def _folder(tmp_path: Path, files: dict[str, str | bytes], name: str = "dom") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file, text in files.items():
        if isinstance(text, bytes):
            (folder / file).write_bytes(text)
        else:
            (folder / file).write_text(text, encoding="utf-8")
    return folder


def _linear(soup="4", slope="0.25", weight="3", extra="") -> str:
    return LINEAR.format(soup=soup, slope=slope, weight=weight, extra=extra)


def _problems(folder: Path, **kwargs) -> str:
    with pytest.raises(CaseError) as info:
        read_genius(folder, **kwargs)
    return str(info.value)


def test_small_linear_domain(tmp_path):
    folder = _folder(tmp_path, {"domain.xml": DOMAIN,
                                "a.xml": _linear(extra='<reservation value="0.3"/>'),
                                "notes.xml": "<pareto/>", "readme.txt": "x"})
    case = read_genius(folder)
    assert case.party_names == ("a",)
    assert case.party("a").batna == 0.3
    assert case.issue("n").options == ("0", "1", "2", "3")
    # weights 3:1; food soup 4/4, salad 2/4; n: clip(0.5 + 0.25 * x) -> .5 .75 1 1
    assert case.scores["a"]["food"] == (0.75, 0.375)
    assert case.scores["a"]["n"] == (0.125, 0.1875, 0.25, 0.25)
    assert case.description.count("\n") == 0


def test_integer_evaluator_is_clipped_at_zero(tmp_path):
    folder = _folder(tmp_path, {"domain.xml": DOMAIN, "a.xml": _linear(slope="-0.25")})
    case = read_genius(folder)
    # 0.5 - 0.25 x -> .5 .25 0 -0.25 (clipped to 0), weight 1/4
    assert case.scores["a"]["n"] == (0.125, 0.0625, 0.0, 0.0)


def test_nonlinear_rectangles(tmp_path):
    rects_a = ('<hyperRectangle utility="2"><INCLUDES index="2" min="1" max="2"/></hyperRectangle>'
               '<hyperRectangle utility="3"><INCLUDES index="2" min="0" max="3"/></hyperRectangle>'
               '<hyperRectangle utility="1"/>'
               '<hyperRectangle utility="4"><EXCLUDES index="2" min="2" max="5"/></hyperRectangle>')
    rects_b = ('<hyperRectangle utility="5"><INCLUDES index="2" min="1" max="2"/></hyperRectangle>'
               '<hyperRectangle utility="9"><INCLUDES index="2" min="3" max="3"/></hyperRectangle>')
    folder = _folder(tmp_path, {"domain.xml": DOMAIN, "a.xml": _nonlinear(rects_a),
                                "b.xml": _nonlinear(rects_b, top="8")})
    case = read_genius(folder)
    assert [p.cap for p in case.parties] == [1, 1]
    # constants: 3 (full range) + 1 (no bound) + 4 (EXCLUDES) on the first issue
    assert case.scores["a"]["food"] == (0.8, 0.8)
    bonus = {tuple(s.when["n"]): dict(s.bonus) for s in case.synergy}
    assert bonus == {("1", "2"): {"a": 0.2, "b": 5 / 8},  # merged across profiles
                     ("2", "3"): {"a": -0.4},              # EXCLUDES: constant minus INCLUDES
                     ("3",): {"b": 9 / 8}}
    u = [case.utilities(["soup", str(n)]) for n in range(4)]
    assert u[0] == pytest.approx({"a": 0.8, "b": 0})
    assert u[1] == pytest.approx({"a": 1.0, "b": 5 / 8})
    assert u[2] == pytest.approx({"a": 0.6, "b": 5 / 8})
    assert u[3]["b"] == 1  # 9/8, capped


def test_excludes_covering_everything_is_never_satisfied(tmp_path):
    rects = '<hyperRectangle utility="4"><EXCLUDES index="2" min="0" max="3"/></hyperRectangle>'
    case = read_genius(_folder(tmp_path, {"domain.xml": DOMAIN, "a.xml": _nonlinear(rects)}))
    assert not case.synergy
    assert case.scores["a"]["food"] == (0, 0)


def test_duplicate_value_later_wins(tmp_path):
    profile = _linear().replace('<item value="soup" evaluation="4"/>',
                                '<item value="soup" evaluation="8"/>'
                                '<item value="soup" evaluation="1"/>')
    case = read_genius(_folder(tmp_path, {"domain.xml": DOMAIN, "a.xml": profile}))
    assert case.scores["a"]["food"] == (0.375, 0.75)  # soup 1/2, salad 2/2


# ------------------------------------------------------------- hostile XML


LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<negotiation_template><utility_space><objective index="0">
<issue index="1" name="&lol9;" type="discrete"><item value="x"/></issue>
</objective></utility_space></negotiation_template>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE utility_space [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<utility_space><objective index="0"><issue index="1" name="food" type="discrete">
<item value="&xxe;" evaluation="1"/></issue></objective></utility_space>"""


def test_billion_laughs_is_refused(tmp_path):
    folder = _folder(tmp_path, {"domain.xml": LAUGHS, "a.xml": _linear()})
    message = _problems(folder)
    assert "domain.xml:2" in message
    assert "DOCTYPE" in message
    assert "lol" * 3 not in message


def test_external_entity_is_refused(tmp_path):
    folder = _folder(tmp_path, {"domain.xml": DOMAIN, "a.xml": EXTERNAL})
    message = _problems(folder)
    assert "a.xml:2" in message and "DOCTYPE" in message
    assert "root:" not in message


def test_utf16_doctype_is_refused(tmp_path):
    folder = _folder(tmp_path, {"domain.xml": DOMAIN, "a.xml": EXTERNAL.encode("utf-16")})
    assert "a.xml" in _problems(folder)


def test_entity_declaration_without_doctype_is_refused(tmp_path):
    folder = _folder(tmp_path, {"domain.xml": DOMAIN,
                                "a.xml": _linear() + '<!ENTITY x "y">'})
    assert "ENTITY" in _problems(folder)


def test_parser_refuses_doctype_on_its_own(tmp_path):
    with pytest.raises(CaseError, match="DOCTYPE"):
        _parse(tmp_path / "x.xml", LAUGHS.encode())


def test_malformed_xml_names_file_and_line(tmp_path):
    bad = "<utility_space>\n<objective index='0'>\n<issue index='1'>\n</objective>\n"
    folder = _folder(tmp_path, {"domain.xml": DOMAIN, "a.xml": bad})
    message = _problems(folder)
    assert re.search(r"a\.xml:4: is not well-formed XML", message), message


# -------------------------------------------------------------- bad inputs


def test_missing_domain_file(tmp_path):
    folder = _folder(tmp_path, {"a.xml": _linear(), "pareto.xml": "\n0.5, 1.0\n"})
    message = _problems(folder)
    assert "must hold a domain file" in message and "pareto.xml" in message


def test_two_domain_files(tmp_path):
    folder = _folder(tmp_path, {"d1.xml": DOMAIN, "d2.xml": DOMAIN, "a.xml": _linear()})
    assert "exactly one domain file" in _problems(folder)


def test_no_profile(tmp_path):
    assert "at least one utility profile" in _problems(_folder(tmp_path, {"d.xml": DOMAIN}))


def test_not_a_folder(tmp_path):
    assert "no such folder" in _problems(tmp_path / "nothing")
    assert not is_genius(tmp_path / "nothing")
    assert not is_genius(_folder(tmp_path, {"a.xml": _linear()}))


def test_unknown_party(tmp_path):
    folder = _folder(tmp_path, {"domain.xml": DOMAIN, "a.xml": _linear()})
    message = _problems(folder, parties=["a", "zed"])
    assert "parties: unknown profile (profiles: a) (got 'zed')" in message
    assert "named twice" in _problems(folder, parties=["a", "a"])
    with pytest.raises(UsageError, match="^read_genius: parties must be None or a list of names"):
        read_genius(folder, parties="a")


@pytest.mark.parametrize("profile, expected", [
    (_linear().replace('<item value="salad" evaluation="2"/>', ""),
     "must evaluate every value of issue 'food' (got no evaluation for salad)"),
    (_linear().replace('value="salad"', 'value="pizza"'), "value not in the domain's issue"),
    (_linear().replace('<issue index="1" name="food"', '<issue index="7" name="food"'),
     "issue index not in the domain"),
    (_linear().replace('name="food"', 'name="drink"'), "must be named as in the domain"),
    (_linear().replace('upperbound="3">', 'upperbound="4">'), "domain's bounds 0..3"),
    (_linear(soup="lots"), 'evaluation must be a finite number (got \'lots\')'),
    (_linear(soup="-1"), "evaluation must be non-negative"),
    (_linear(soup="nan"), "evaluation must be a finite number"),
    (_linear(weight="heavy"), "value must be a finite number (got 'heavy')"),
    (_linear().replace('<weight index="1" value="3"/>', ""), "must give a <weight index=\"1\">"),
    (_linear().replace('<weight index="2" value="1"/>', '<weight index="2" value="1"/>'
                       '<weight index="9" value="1"/>'), "weight for an unknown issue index"),
    (_linear(weight="0").replace('<weight index="2" value="1"/>', '<weight index="2" value="0"/>'),
     "positive sum"),
    (_linear(slope="steep"), "slope must be a finite number"),
    (_linear().replace('ftype="linear"', 'ftype="faratin"'), "only linear evaluators"),
    (_linear(extra='<reservation value="high"/>'), "value must be a finite number"),
])
def test_bad_linear_profile(tmp_path, profile, expected):
    message = _problems(_folder(tmp_path, {"domain.xml": DOMAIN, "a.xml": profile}))
    assert expected in message, message
    assert "a.xml" in message


@pytest.mark.parametrize("rects, top, expected", [
    ('<hyperRectangle utility="2"><INCLUDES index="5" min="1" max="2"/></hyperRectangle>', "10",
     'a.xml:1 <INCLUDES index="5">: unknown issue index'),
    ('<hyperRectangle utility="2"><INCLUDES index="1" min="1" max="2"/></hyperRectangle>', "10",
     "bounds need an integer issue"),
    ('<hyperRectangle utility="much"><INCLUDES index="2" min="1" max="2"/></hyperRectangle>',
     "10", "utility must be a finite number (got 'much')"),
    ('<hyperRectangle utility="2"><INCLUDES index="2" min="x" max="2"/></hyperRectangle>', "10",
     "min must be an integer"),
    ('<hyperRectangle utility="2"><INCLUDES index="2" min="1" max="2"/></hyperRectangle>', "0",
     "maxutility must be positive"),
    ('<hyperRectangle utility="2"><INCLUDES index="2" min="1" max="2"/></hyperRectangle>', "-3",
     "maxutility must be positive"),
    ('<hyperRectangle utility="2"><INCLUDES index="2" min="1" max="2"/>'
     '<EXCLUDES index="2" min="1" max="2"/></hyperRectangle>', "10", "not both"),
])
def test_bad_nonlinear_profile(tmp_path, rects, top, expected):
    message = _problems(_folder(tmp_path, {"domain.xml": DOMAIN,
                                           "a.xml": _nonlinear(rects, top)}))
    assert expected in message, message


def test_bad_domain(tmp_path):
    domain = DOMAIN.replace('upperbound="3"', 'upperbound="-1"').replace(
        '<item value="salad"/>', '<item value="soup"/>')
    message = _problems(_folder(tmp_path, {"domain.xml": domain, "a.xml": _linear()}))
    assert "duplicate value of this issue (got 'soup')" in message
    assert "lowerbound <= upperbound" in message


def test_every_problem_is_reported_at_once(tmp_path):
    folder = _folder(tmp_path, {"domain.xml": DOMAIN, "a.xml": _linear(soup="x"),
                                "b.xml": _linear(slope="y")})
    with pytest.raises(CaseError) as info:
        read_genius(folder)
    wheres = " ".join(p.where for p in info.value.problems)
    assert "a.xml" in wheres and "b.xml" in wheres
