"""Hostile and broken GeniusWeb input: each is refused with a CaseError that names the file and
the JSON key path, quickly (before anything large is read or parsed), and the CLI says it in
one line per problem with exit status 2."""

from __future__ import annotations

import copy
import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mutualgains import CaseError, UsageError, load_case
from mutualgains.cli import main
from mutualgains.io.geniusweb import read_geniusweb

LAS = "LinearAdditiveUtilitySpace"
DOMAIN = {"name": "car", "issuesValues": {
    "price": {"range": [10, 30, 5]},
    "colour": {"values": ["red", "grey", "blue"]}}}


def profile(name: str) -> dict:
    return {LAS: {
        "issueUtilities": {
            "price": {"numberutils": {"lowValue": 10, "lowUtility": 0.2, "highValue": 30,
                                      "highUtility": 0.9}},
            "colour": {"discreteutils": {"valueUtilities": {"red": 1, "grey": 0.5, "blue": 0}}}},
        "issueWeights": {"price": 0.75, "colour": 0.25},
        "domain": copy.deepcopy(DOMAIN), "name": name,
        "reservationBid": {"issuevalues": {"price": 20, "colour": "grey"}}}}


def folder_with(tmp: Path, *, domain=None, a=None, raw_a: bytes | None = None) -> Path:
    """A valid two-profile folder, with the domain or profile ``a`` replaced."""
    (tmp / "car.json").write_text(json.dumps(DOMAIN if domain is None else domain))
    (tmp / "b.json").write_text(json.dumps(profile("b")))
    if raw_a is not None:
        (tmp / "a.json").write_bytes(raw_a)
    else:
        (tmp / "a.json").write_text(json.dumps(profile("a") if a is None else a))
    return tmp


def edit(change: Callable[[dict], None]) -> dict:
    data = profile("a")
    change(data[LAS])
    return data


def edit_domain(change: Callable[[dict], None]) -> dict:
    data = copy.deepcopy(DOMAIN)
    change(data)
    return data


def text_of(data: dict) -> str:
    return json.dumps(data)


def nested(depth: int) -> bytes:
    return ('{"' + LAS + '": ' + "[" * depth + "]" * depth + "}").encode()


def _set(path: list, value):
    def change(body):
        target = body
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _delete(path: list):
    def change(body):
        target = body
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


W = f"a.json#{LAS}.issueWeights"
U = f"a.json#{LAS}.issueUtilities"
R = f"a.json#{LAS}.reservationBid.issuevalues"
VU = f"{U}.colour.discreteutils.valueUtilities"
NU = f"{U}.price.numberutils"
D = "car.json#issuesValues"

# id -> (how to build the profile a.json (or the domain), what the message must contain)
PROFILE_CASES: dict[str, tuple[Callable[[], dict | bytes], str]] = {
    "truncated": (lambda: text_of(profile("a"))[:200].encode(), "a.json:1:"),
    "empty file": (lambda: b"", "a.json:1:1: malformed JSON"),
    "only whitespace": (lambda: b"  \n ", "malformed JSON"),
    "not utf-8": (lambda: text_of(profile("a")).replace("grey", "gr\xe9y").encode("latin-1"),
                  "a.json: is not UTF-8 text"),
    "utf-16": (lambda: text_of(profile("a")).encode("utf-16"), "a.json: is not UTF-8 text"),
    "NaN weight": (lambda: text_of(profile("a")).replace('"price": 0.75', '"price": NaN').encode(),
                   "a.json: malformed JSON (got NaN is not a JSON number)"),
    "Infinity weight": (lambda: text_of(profile("a")).replace('"price": 0.75',
                                                              '"price": Infinity').encode(),
                        "Infinity is not a JSON number"),
    "-Infinity utility": (lambda: text_of(profile("a")).replace('"red": 1',
                                                                '"red": -Infinity').encode(),
                          "-Infinity is not a JSON number"),
    "huge exponent weight": (lambda: text_of(profile("a")).replace(
        '"price": 0.75', '"price": 1e999999999').encode(),
        f"{W}.price: must be a number from 0 to 1 (got 1E+999999999)"),
    "5000-digit weight": (lambda: text_of(profile("a")).replace(
        '"price": 0.75', '"price": ' + "9" * 5000).encode(),
        f"{W}.price: must be a number from 0 to 1 (got a number of 5000 digits)"),
    "tiny weight": (lambda: text_of(profile("a")).replace('"price": 0.75',
                                                          '"price": 1e-999999999').encode(),
                    f"{W}: the weights must sum to exactly 1"),
    "weight as string": (lambda: edit(_set(["issueWeights", "price"], "0.75")),
                         f"{W}.price: must be a number (got '0.75')"),
    "weight negative": (lambda: edit(_set(["issueWeights", "price"], -0.75)),
                        f"{W}.price: must be a number from 0 to 1"),
    "weight null": (lambda: edit(_set(["issueWeights", "price"], None)),
                    f"{W}.price: must be a number (got None)"),
    "weights sum below 1": (lambda: edit(_set(["issueWeights", "price"], 0.74)),
                            f"{W}: the weights must sum to exactly 1, as GeniusWeb requires "
                            "(they are not normalised) (got 0.99)"),
    "weights sum above 1 by 1e-12": (lambda: edit(_set(["issueWeights", "price"],
                                                       0.750000000001)),
                                     f"{W}: the weights must sum to exactly 1"),
    "weights not an object": (lambda: edit(_set(["issueWeights"], [0.75, 0.25])),
                              f"{W}: must be an object: issue -> weight"),
    "weight for an unknown issue": (lambda: edit(_set(["issueWeights", "size"], 0)),
                                    f"{W}.size: unknown issue"),
    "weight missing": (lambda: edit(_delete(["issueWeights", "colour"])),
                       f"{W}: must give every issue of the domain"),
    "utilities of an unknown issue": (lambda: edit(_set(["issueUtilities", "size"], {})),
                                      f"{U}.size: unknown issue"),
    "utilities missing": (lambda: edit(_delete(["issueUtilities", "price"])),
                          f"{U}: must give every issue of the domain"),
    "unknown value": (lambda: edit(_set(["issueUtilities", "colour", "discreteutils",
                                         "valueUtilities", "green"], 0.5)),
                      f"{VU}.green: unknown value of issue 'colour'"),
    "value missing": (lambda: edit(_delete(["issueUtilities", "colour", "discreteutils",
                                            "valueUtilities", "blue"])),
                      f"{VU}: must give a utility to every value of issue 'colour'"),
    "value utility above 1": (lambda: edit(_set(["issueUtilities", "colour", "discreteutils",
                                                 "valueUtilities", "red"], 1.5)),
                              f"{VU}.red: must be a number from 0 to 1 (got 1.5)"),
    "value utility null": (lambda: edit(_set(["issueUtilities", "colour", "discreteutils",
                                              "valueUtilities", "red"], None)),
                           f"{VU}.red: must be a number"),
    "value utilities a list": (lambda: edit(_set(["issueUtilities", "colour", "discreteutils",
                                                  "valueUtilities"], [1, 0.5, 0])),
                               f"{VU}: must be an object: value -> utility"),
    "discrete tag on a number issue": (
        lambda: edit(_set(["issueUtilities", "price"], {"discreteutils": {
            "valueUtilities": {}}})),
        f"{U}.price.discreteutils: the domain's issue 'price' is a number range"),
    "unknown tag": (lambda: edit(_set(["issueUtilities", "colour"], {"tableutils": {}})),
                    f"{U}.colour: must have exactly one key, discreteutils or "
                    "DiscreteValueSetUtilities (got tableutils)"),
    "two tags": (lambda: edit(_set(["issueUtilities", "colour", "numberutils"], {})),
                 f"{U}.colour: must have exactly one key"),
    "number bounds off the range": (lambda: edit(_set(["issueUtilities", "price", "numberutils",
                                                       "lowValue"], 5)),
                                    f"{NU}.lowValue: must equal the low of the issue's range "
                                    "(10)"),
    "number key missing": (lambda: edit(_delete(["issueUtilities", "price", "numberutils",
                                                 "highUtility"])),
                           f"{NU}: must have exactly the keys lowValue, lowUtility, highValue, "
                           "highUtility"),
    "number utility above 1": (lambda: edit(_set(["issueUtilities", "price", "numberutils",
                                                  "highUtility"], 2)),
                               f"{NU}.highUtility: must be a number from 0 to 1"),
    "reservation of an unknown issue": (lambda: edit(_set(["reservationBid", "issuevalues",
                                                           "size"], "big")),
                                        f"{R}.size: unknown issue"),
    "reservation value not in the domain": (
        lambda: edit(_set(["reservationBid", "issuevalues", "colour"], "green")),
        f"{R}.colour: must be one of the issue's values (a string) (got 'green')"),
    "reservation number off the grid": (
        lambda: edit(_set(["reservationBid", "issuevalues", "price"], 12.5)),
        f"{R}.price: must be a number of the issue's range (got 12.5)"),
    "reservation number as a string": (
        lambda: edit(_set(["reservationBid", "issuevalues", "price"], "20")),
        f"{R}.price: must be a number of the issue's range (got '20')"),
    "reservation a list": (lambda: edit(_set(["reservationBid"], ["red"])),
                           f"a.json#{LAS}.reservationBid: must be a bid"),
    "reservation with another key": (lambda: edit(_set(["reservationBid", "utility"], 0.5)),
                                     f"a.json#{LAS}.reservationBid: a bid must have exactly one "
                                     "key, issuevalues"),
    "no embedded domain": (lambda: edit(_delete(["domain"])),
                           f"a.json#{LAS}: must embed its domain"),
    "profile name not simple": (lambda: edit(_set(["name"], "(a)")),
                                f"a.json#{LAS}.name: a GeniusWeb name must start with a-z"),
    "profile name missing": (lambda: edit(_delete(["name"])),
                             f"a.json#{LAS}.name: must be a non-empty string"),
    "profile name a number": (lambda: edit(_set(["name"], 7)),
                              f"a.json#{LAS}.name: must be a non-empty string (got 7)"),
    "unknown profile key": (lambda: edit(_set(["discountFactor"], 0.9)),
                            f"a.json#{LAS}.discountFactor: unknown key in a profile"),
    "profile body a string": (lambda: {LAS: "yes"}, f"a.json#{LAS}: must be an object"),
    "profile a list": (lambda: b"[1, 2, 3]", "a.json: is neither a GeniusWeb domain"),
    "profile a number": (lambda: b"42", "a.json: is neither a GeniusWeb domain"),
    "another profile type": (lambda: {"DefaultPartialOrdering": {}},
                             "a.json: profile type not supported (only "
                             "LinearAdditiveUtilitySpace) (got DefaultPartialOrdering)"),
    "duplicate key": (lambda: text_of(profile("a")).replace(
        '"name": "a"', '"name": "a", "name": "b"').encode(),
        "a.json: malformed JSON (got duplicate key 'name')"),
    "deep nesting": (lambda: nested(100_000), "a.json: nests deeper than 32 levels"),
    "deep nesting in strings is fine but not in values": (
        lambda: ('{"' + LAS + '": {"name": "' + "[" * 1000 + '", "x": ' + "[" * 40
                 + "]" * 40 + "}}").encode(), "a.json: nests deeper than 32 levels (refused "
        "before parsing) (got 42 levels)"),
    "embedded domain broken": (lambda: edit(_set(["domain", "issuesValues", "price", "range"],
                                                 "10-30")),
                               f"a.json#{LAS}.domain.issuesValues.price.range: must be "
                               "[low, high, step]"),
}

DOMAIN_CASES: dict[str, tuple[Callable[[], dict], str]] = {
    "range step 0": (lambda: edit_domain(_set(["issuesValues", "price", "range"], [10, 30, 0])),
                     f"{D}.price.range[2]: must be a number at least 1E-15"),
    "range of a billion values": (
        lambda: edit_domain(_set(["issuesValues", "price", "range"], [0, 1e9, 1])),
        f"{D}.price.range: a number range may have at most 100000 values"),
    "range bound too large": (
        lambda: edit_domain(_set(["issuesValues", "price", "range"], [0, 1e300, 1])),
        f"{D}.price.range[1]: must be a number from -1000000000000000 to "
        "1000000000000000 (got 1E+300)"),
    "range too precise": (
        lambda: edit_domain(_set(["issuesValues", "price", "range"],
                                 ["0", "1", "0." + "0" * 40 + "1"])),
        f"{D}.price.range[2]: must be a number at least 1E-15"),
    "range high below low": (
        lambda: edit_domain(_set(["issuesValues", "price", "range"], [30, 10, 5])),
        f"{D}.price.range: high must be at least low"),
    "range as text": (lambda: edit_domain(_set(["issuesValues", "price", "range"], "10..30")),
                      f"{D}.price.range: must be [low, high, step] or {{low, high, step}}"),
    "range mapping without step": (
        lambda: edit_domain(_set(["issuesValues", "price", "range"], {"low": 1, "high": 2})),
        f"{D}.price.range: must be [low, high, step]"),
    "range bound not a number": (
        lambda: edit_domain(_set(["issuesValues", "price", "range"], ["ten", 30, 5])),
        f"{D}.price.range[0]: must be a number (got 'ten')"),
    "values not strings": (
        lambda: edit_domain(_set(["issuesValues", "colour", "values"], [1, 2])),
        f"{D}.colour.values[0]: must be a non-empty string (discrete values are strings)"),
    "duplicate value": (
        lambda: edit_domain(_set(["issuesValues", "colour", "values"], ["red", "red"])),
        f"{D}.colour.values[1]: duplicate value"),
    "empty values": (lambda: edit_domain(_set(["issuesValues", "colour", "values"], [])),
                     f"{D}.colour.values: must be a non-empty list of strings"),
    "too many values": (
        lambda: edit_domain(_set(["issuesValues", "colour", "values"],
                                 [f"v{k}" for k in range(100_001)])),
        f"{D}.colour.values: at most 100000 values"),
    "value set of another kind": (
        lambda: edit_domain(_set(["issuesValues", "colour"], {"options": ["red"]})),
        f"{D}.colour: must be {{\"values\": [...]}} or {{\"range\": [low, high, step]}}"),
    "no issues": (lambda: edit_domain(_set(["issuesValues"], {})),
                  f"{D}: must hold at least one issue"),
    "issues a list": (lambda: edit_domain(_set(["issuesValues"], ["price"])),
                      f"{D}: must be an object: issue name -> value set"),
    "blank issue name": (lambda: edit_domain(_set(["issuesValues", " "], {"values": ["x"]})),
                         f"{D}[\" \"]: issue name must be non-empty"),
    "domain name not simple": (lambda: edit_domain(_set(["name"], "-car")),
                               "car.json#name: a GeniusWeb name must start with a-z"),
    "unknown domain key": (lambda: edit_domain(_set(["version"], 2)),
                           "car.json#version: unknown key in a domain"),
}


def _build_profile_case(tmp: Path, name: str) -> Path:
    build, _ = PROFILE_CASES[name]
    made = build()
    if isinstance(made, bytes):
        return folder_with(tmp, raw_a=made)
    return folder_with(tmp, a=made)


def _build_domain_case(tmp: Path, name: str) -> Path:
    build, _ = DOMAIN_CASES[name]
    return folder_with(tmp, domain=build())


def _refused(folder: Path, expected: str) -> CaseError:
    start = time.perf_counter()
    with pytest.raises(CaseError) as info:
        read_geniusweb(folder)
    elapsed = time.perf_counter() - start
    assert elapsed < 10, f"took {elapsed:.1f} s"  # a guard against hangs, not a speed claim
    message = str(info.value)
    assert expected in message, message
    return info.value


@pytest.mark.parametrize("name", sorted(PROFILE_CASES))
def test_a_hostile_profile_is_refused_naming_file_and_key(tmp_path, name):
    _refused(_build_profile_case(tmp_path, name), PROFILE_CASES[name][1])


@pytest.mark.parametrize("name", sorted(DOMAIN_CASES))
def test_a_hostile_domain_is_refused_naming_file_and_key(tmp_path, name):
    _refused(_build_domain_case(tmp_path, name), DOMAIN_CASES[name][1])


@pytest.mark.parametrize("name", sorted(PROFILE_CASES)[::3] + sorted(DOMAIN_CASES)[::3])
def test_the_cli_says_it_in_one_line_per_problem(tmp_path, capsys, name):
    folder = (_build_profile_case(tmp_path, name) if name in PROFILE_CASES
              else _build_domain_case(tmp_path, name))
    assert main(["solve", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert all(line.startswith("error: ") for line in err.splitlines())
    expected = (PROFILE_CASES.get(name) or DOMAIN_CASES[name])[1]
    assert expected.split("#")[0].split(":")[0] in err


def test_a_utf8_bom_is_accepted(tmp_path):
    folder = folder_with(tmp_path, raw_a=b"\xef\xbb\xbf" + text_of(profile("a")).encode())
    (tmp_path / "car.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(DOMAIN).encode())
    case = load_case(folder)
    assert case.party_names == ("a", "b")
    assert load_case(folder / "a.json").party_names == ("a",)


def test_a_50_mb_file_is_refused_unread(tmp_path):
    folder = folder_with(tmp_path)
    with (folder / "a.json").open("r+b") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: nothing is written
    error = _refused(folder, "a.json: must be at most 33,554,432 bytes (limits.MAX_FILE_BYTES) "
                             "(got 52,428,800 bytes)")
    assert len(error.problems) == 1


def test_a_folder_of_many_large_files_is_refused(tmp_path):
    folder = folder_with(tmp_path)
    for k in range(9):
        with (folder / f"big{k}.json").open("wb") as fh:
            fh.truncate(8 * 1024 * 1024)
    _refused(folder, "its .json files hold more than 67108864 bytes together")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_a_folder_is_refused_not_read(tmp_path):
    folder = folder_with(tmp_path)
    os.mkfifo(folder / "pipe.json")
    _refused(folder, "pipe.json: must be a regular file or a folder (it is a FIFO")


def test_every_problem_of_a_profile_is_reported_at_once(tmp_path):
    def change(body):
        body["issueWeights"]["price"] = "x"
        body["issueUtilities"]["colour"]["discreteutils"]["valueUtilities"]["red"] = 2
        body["reservationBid"]["issuevalues"]["colour"] = "green"
    error = _refused(folder_with(tmp_path, a=edit(change)), f"{W}.price: must be a number")
    assert len(error.problems) == 3


def test_problems_in_several_files_are_reported_together(tmp_path):
    folder = folder_with(tmp_path, raw_a=b"{")
    (folder / "b.json").write_bytes(b"[")
    error = _refused(folder, "a.json:1:2: malformed JSON")
    assert [Path(p.where.split(":")[0]).name for p in error.problems] == ["a.json", "b.json"]


@pytest.mark.parametrize(("source", "expected"), [
    (3, "read_geniusweb: source must be a folder, a file or a list of files (got 3)"),
    ([], "read_geniusweb: source must be a folder, a file or a non-empty list of file paths"),
    ([3], "read_geniusweb: source must be a folder, a file or a non-empty list of file paths"),
])
def test_wrong_sources(source, expected):
    with pytest.raises(UsageError, match=re.escape(expected)):
        read_geniusweb(source)


def test_a_missing_source():
    with pytest.raises(CaseError, match="no/such/folder: no such file or folder"):
        read_geniusweb("no/such/folder")


def test_wrong_parties(tmp_path):
    folder = folder_with(tmp_path)
    with pytest.raises(UsageError, match="parties must be None or a list of names"):
        read_geniusweb(folder, parties="a")
    with pytest.raises(CaseError, match="parties: profile named twice"):
        read_geniusweb(folder, parties=["a", "a"])
    with pytest.raises(CaseError, match="parties: must name at least one profile"):
        read_geniusweb(folder, parties=[])
    with pytest.raises(CaseError, match=r"parties: unknown profile \(profiles: a, b\)"):
        read_geniusweb(folder, parties=["c"])
