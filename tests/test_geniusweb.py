"""GeniusWeb domains: the shared folders against an independent evaluator of their JSON, the
two spellings, number issues, reservation bids, single profiles, and how folders are read."""

from __future__ import annotations

import json
import random
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import pytest

from mutualgains import CaseError, load_case
from mutualgains.cli import main
from mutualgains.io.geniusweb import file_kind, is_geniusweb, read_geniusweb

GENIUSWEB = Path(__file__).resolve().parents[2] / "shared" / "cases" / "geniusweb"
FOLDERS = sorted(p.name for p in GENIUSWEB.iterdir() if p.is_dir()) if GENIUSWEB.is_dir() else []
needs_data = pytest.mark.skipif(not (GENIUSWEB / "SOURCES.md").is_file(),
                                reason=f"shared GeniusWeb domains not found at {GENIUSWEB}")


# ------------------------------------------------------- an independent evaluator


def _json(path: Path):
    return json.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal,
                      parse_int=Decimal)


def _plain(x: Decimal) -> str:
    """The documented option name of a number value: plain decimal, no trailing zeros."""
    text = f"{x:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _values(spec) -> list:
    """The domain's values of one issue: strings, or Decimals for a number range."""
    if "values" in spec:
        return list(spec["values"])
    low, high, step = (spec["range"][k] for k in ("low", "high", "step")) if isinstance(
        spec["range"], dict) else spec["range"]
    low, high, step = Decimal(low), Decimal(high), Decimal(step)
    out, x = [], low
    while x <= high:
        out.append(x)
        x += step
    return out


def _value_utility(utils: dict, value) -> Decimal:
    (tag, body), = utils.items()
    if tag in ("discreteutils", "DiscreteValueSetUtilities"):
        return body["valueUtilities"].get(value, Decimal(0))
    assert tag in ("numberutils", "NumberValueSetUtilities")
    low, high = body["lowValue"], body["highValue"]
    if not isinstance(value, Decimal) or not low <= value <= high:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 28
        u = body["lowUtility"] + (body["highUtility"] - body["lowUtility"]) * (value - low) / (
            high - low)
        return u.quantize(Decimal("1.00000000"), rounding=ROUND_HALF_UP)


def geniusweb_utility(profile: dict, bid: dict) -> Decimal:
    """GeniusWeb's LinearAdditiveUtilitySpace.getUtility, in decimal arithmetic."""
    space = profile["LinearAdditiveUtilitySpace"]
    total = Decimal(0)
    for issue, weight in space["issueWeights"].items():
        if issue in bid:
            total += weight * _value_utility(space["issueUtilities"][issue], bid[issue])
    return total


def _domain_of(folder: Path) -> dict:
    for path in sorted(folder.glob("*.json")):
        data = _json(path)
        if "issuesValues" in data:
            return data
    profile = _json(next(iter(sorted(folder.glob("*.json")))))
    return profile["LinearAdditiveUtilitySpace"]["domain"]


def check_against_json(case, folder: Path, samples: int, seed: int) -> None:
    """The case's utilities and BATNAs equal GeniusWeb's on the JSON in ``folder``."""
    domain = _domain_of(folder)
    values = {issue: _values(spec) for issue, spec in domain["issuesValues"].items()}
    profiles = {p.stem: _json(p) for p in sorted(folder.glob("*.json"))
                if "LinearAdditiveUtilitySpace" in _json(p)}
    assert set(case.party_names) == set(profiles)
    assert list(case.issue_names) == list(values)
    rng = random.Random(seed)
    for _ in range(samples):
        bid = {issue: rng.choice(vals) for issue, vals in values.items()}
        package = {issue: v if isinstance(v, str) else _plain(v) for issue, v in bid.items()}
        ours = case.utilities(package)
        for name, profile in profiles.items():
            assert ours[name] == pytest.approx(float(geniusweb_utility(profile, bid)),
                                               abs=1e-12), (name, package)
    for name, profile in profiles.items():
        reservation = profile["LinearAdditiveUtilitySpace"].get("reservationBid")
        expected = 0.0 if reservation is None else float(
            geniusweb_utility(profile, reservation["issuevalues"]))
        assert case.party(name).batna == pytest.approx(expected, abs=1e-12)


# ------------------------------------------------------------ the shared folders


@needs_data
@pytest.mark.parametrize("name", FOLDERS)
def test_every_shared_folder_loads_and_matches_its_json(name):
    folder = GENIUSWEB / name
    assert is_geniusweb(folder)
    case = load_case(folder)
    assert case.n_packages >= 14
    check_against_json(case, folder, samples=500, seed=len(name))


def _sources_table() -> dict[str, tuple[int, list[float] | None]]:
    """folder -> (outcomes, reservation utilities or None) from SOURCES.md."""
    rows = {}
    for line in (GENIUSWEB / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        outcomes = int(cells[5].replace(",", ""))
        found = re.search(r"\(U\(res\) ([^)]*)\)|\(([\d.]+), ([\d.]+)\)|U\(res\) ([\d.]+)",
                          cells[8])
        reservations = None
        if found:
            numbers = re.findall(r"\d+\.\d+", found.group(0))
            reservations = [float(x) for x in numbers]
        rows[cells[0].strip("`")] = (outcomes, reservations)
    return rows


@needs_data
def test_the_folders_agree_with_sources_md():
    table = _sources_table()
    assert set(table) == set(FOLDERS)
    for name, (outcomes, reservations) in table.items():
        case = read_geniusweb(GENIUSWEB / name)
        assert case.n_packages == outcomes, name
        if reservations is None:
            assert list(case.batnas) == [0.0] * len(case.parties), name
        else:
            assert list(case.batnas) == pytest.approx(reservations, abs=1e-9), name


@needs_data
def test_a_profile_file_alone_is_a_case():
    path = GENIUSWEB / "testprofile" / "testprofile.json"
    assert file_kind(path) == "profile"
    case = load_case(path)
    assert case.name == "test" and case.party_names == ("testprofile",)
    assert case.issue("issue2").options == tuple(str(v) for v in range(12, 19))
    # 0.4 * 0.3 (issue2 = 12) + 0.6 * 0.2 (issue1value1), as SOURCES.md says
    assert case.party("testprofile").batna == pytest.approx(0.24)
    assert case.utilities({"issue2": "15", "issue1": "issue1value2"})["testprofile"] == \
        pytest.approx(0.4 * 0.6 + 0.6 * 0.8)


@needs_data
def test_a_domain_file_alone_is_refused_with_a_clear_message(capsys):
    path = GENIUSWEB / "Party" / "party.json"
    assert file_kind(path) == "domain"
    with pytest.raises(CaseError, match="party.json: holds no GeniusWeb profile"):
        load_case(path)
    assert main(["solve", str(path)]) == 2
    assert "a domain file alone has no parties" in capsys.readouterr().err


@needs_data
def test_the_cli_solves_a_folder_and_a_profile(capsys):
    assert main(["solve", str(GENIUSWEB / "FlightBooking"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "optimal" and set(out["package"]) == {
        "price", "departure airport", "departure date"}
    profile = GENIUSWEB / "testprofile" / "testprofile.json"
    assert main(["alternatives", str(profile), "-k", "2"]) == 0


@needs_data
def test_parties_are_chosen_by_file_stem():
    case = read_geniusweb(GENIUSWEB / "CSE3210-jobs", parties=["jobsprofileB"])
    assert case.party_names == ("jobsprofileB",)
    with pytest.raises(CaseError, match="unknown profile"):
        read_geniusweb(GENIUSWEB / "CSE3210-jobs", parties=["jobs1"])
    files = [GENIUSWEB / "Fitness" / f for f in ("fitness.json", "fitness2.json")]
    assert read_geniusweb(files).party_names == ("fitness2",)


# --------------------------------------------------------- built by hand


DOMAIN = {"name": "car", "issuesValues": {
    "price": {"range": ["10", "30", "5"]},
    "colour": {"values": ["red", "grey", "blue"]}}}


def _profile(name="dealer", *, tags=("numberutils", "discreteutils"), weights=(0.75, 0.25),
             reservation=None, domain=DOMAIN, **extra) -> dict:
    body = {
        "issueUtilities": {
            "price": {tags[0]: {"lowValue": 10, "lowUtility": 0.2, "highValue": 30,
                                "highUtility": 0.9}},
            "colour": {tags[1]: {"valueUtilities": {"red": 1, "grey": 0.5, "blue": 0}}}},
        "issueWeights": {"price": weights[0], "colour": weights[1]},
        "domain": domain, "name": name, **extra}
    if reservation is not ...:
        body["reservationBid"] = reservation
    return {"LinearAdditiveUtilitySpace": body}


def _write(folder: Path, name: str, data) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


@pytest.mark.parametrize("tags", [("numberutils", "discreteutils"),
                                  ("NumberValueSetUtilities", "DiscreteValueSetUtilities")])
@pytest.mark.parametrize("range_", [["10", "30", "5"], [10, 30, 5],
                                    {"low": 10, "high": 30, "step": 5}])
def test_both_spellings_and_both_range_forms(tmp_path, tags, range_):
    domain = {"name": "car", "issuesValues": {"price": {"range": range_},
                                             "colour": DOMAIN["issuesValues"]["colour"]}}
    _write(tmp_path, "car.json", domain)
    _write(tmp_path, "dealer.json", _profile(tags=tags, domain=domain, reservation={
        "issuevalues": {"price": 20, "colour": "grey"}}))
    case = read_geniusweb(tmp_path)
    assert case.issue("price").options == ("10", "15", "20", "25", "30")
    check_against_json(case, tmp_path, samples=30, seed=1)
    # the line from (10, 0.2) to (30, 0.9): 0.55 at 20, times 0.75; grey 0.5 times 0.25
    assert case.party("dealer").batna == pytest.approx(0.75 * 0.55 + 0.25 * 0.5)


def test_number_utilities_are_rounded_half_up_to_8_decimals(tmp_path):
    domain = {"name": "d", "issuesValues": {"x": {"range": [0, 3, 1]}}}
    profile = {"LinearAdditiveUtilitySpace": {
        "issueUtilities": {"x": {"numberutils": {"lowValue": 0, "lowUtility": 0,
                                                 "highValue": 3, "highUtility": 1}}},
        "issueWeights": {"x": 1}, "domain": domain, "name": "p"}}
    _write(tmp_path, "p.json", profile)
    case = read_geniusweb(tmp_path)
    assert case.scores["p"]["x"] == (0.0, 0.33333333, 0.66666667, 1.0)


def test_a_null_or_absent_reservation_bid_is_batna_zero(tmp_path):
    _write(tmp_path, "a.json", _profile("a", reservation=None))
    _write(tmp_path, "b.json", _profile("b", reservation=...))
    case = read_geniusweb(tmp_path)
    assert list(case.batnas) == [0.0, 0.0]
    assert "reservationBid" not in json.loads((tmp_path / "b.json").read_text())[
        "LinearAdditiveUtilitySpace"]


def test_a_partial_reservation_bid_counts_its_issues_only(tmp_path):
    _write(tmp_path, "a.json", _profile("a", reservation={"issuevalues": {"colour": "red"}}))
    assert read_geniusweb(tmp_path).party("a").batna == pytest.approx(0.25)


def test_the_utilities_are_not_rescaled(tmp_path):
    _write(tmp_path, "a.json", _profile("a"))
    case = read_geniusweb(tmp_path)
    # the best package scores 0.75 * 0.9 + 0.25 * 1, not 1 (GeniusWeb does not normalise)
    assert max(case.utilities({"price": "30", "colour": c})["a"] for c in ("red", "grey")) == \
        pytest.approx(0.925)


def test_files_of_other_suffixes_and_subfolders_are_ignored(tmp_path):
    _write(tmp_path, "car.json", DOMAIN)
    _write(tmp_path, "a.json", _profile("a"))
    (tmp_path / "README.md").write_text("notes")
    (tmp_path / "results").mkdir()
    _write(tmp_path / "results", "x.json", {"anything": 1})
    assert read_geniusweb(tmp_path).party_names == ("a",)


def test_a_json_file_that_is_neither_domain_nor_profile_is_an_error(tmp_path):
    _write(tmp_path, "car.json", DOMAIN)
    _write(tmp_path, "a.json", _profile("a"))
    _write(tmp_path, "specials.json", {"pareto": []})
    with pytest.raises(CaseError, match=r"specials.json: is neither a GeniusWeb domain"):
        read_geniusweb(tmp_path)


def test_the_embedded_domain_must_be_the_folders(tmp_path):
    _write(tmp_path, "car.json", DOMAIN)
    other = {"name": "car", "issuesValues": {"price": {"range": ["10", "30", "5"]},
                                             "colour": {"values": ["red", "grey"]}}}
    _write(tmp_path, "a.json", _profile("a", domain=other))
    with pytest.raises(CaseError, match=r"a.json#LinearAdditiveUtilitySpace.domain: must be "
                                        r"the folder's domain 'car'"):
        read_geniusweb(tmp_path)


def test_two_domain_files_are_an_error(tmp_path):
    _write(tmp_path, "car.json", DOMAIN)
    _write(tmp_path, "car2.json", DOMAIN)
    _write(tmp_path, "a.json", _profile("a"))
    with pytest.raises(CaseError, match="must hold at most one domain file"):
        read_geniusweb(tmp_path)


def test_a_folder_without_a_known_format_still_says_so(tmp_path):
    (tmp_path / "notes.json").write_text("{}")
    with pytest.raises(CaseError, match="GeniusWeb domain"):
        load_case(tmp_path)


def test_other_profile_types_are_named(tmp_path):
    _write(tmp_path, "a.json", {"SumOfGroupsUtilitySpace": {}})
    with pytest.raises(CaseError, match=r"a.json: profile type not supported \(only "
                                        r"LinearAdditiveUtilitySpace\)"):
        load_case(tmp_path / "a.json")
