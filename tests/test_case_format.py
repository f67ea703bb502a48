"""The case-format reference and the JSON Schema say exactly what the loader accepts.

The keys the code accepts are read from the code (the key constants, the
loader's own "unknown key (known: ...)" messages, the dataclass fields), never
written out here, so adding a key without documenting it fails these tests.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from mutualgains.errors import CaseError, Problem
from mutualgains.io import excel
from mutualgains.io.examples import EXAMPLES, load_example
from mutualgains.model import convert as casefile
from mutualgains.model import money
from mutualgains.model import phasing as phasing_data
from mutualgains.model import relations as dependencies
from mutualgains.model import uncertainty_format as uncertain
from mutualgains.model.convert import case_from_dict, case_to_dict

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "case-format.md"


def load_schema() -> dict[str, Any]:
    text = (resources.files("mutualgains") / "data" / "case.schema.json").read_text("utf-8")
    return json.loads(text)


# ------------------------------------------------------------ keys in the code


def _known_from_message(call, where: str) -> tuple[str, ...]:
    """The list in the loader's "unknown key (known: a, b)" message for ``where``."""
    problems: list[Problem] = []
    call(problems)
    for p in problems:
        if p.where == where and p.rule.startswith("unknown key (known: "):
            return tuple(p.rule[len("unknown key (known: "):-1].split(", "))
    raise AssertionError(f"the loader did not reject the unknown key {where}: {problems}")


def _fields(cls) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def code_keys() -> dict[str, tuple[str, ...]]:
    """Section -> the keys the code accepts there."""
    return {
        "case": tuple(casefile.CASE_KEYS),
        "party": tuple(casefile.PARTY_KEYS),
        "decision_rule": tuple(casefile.RULE_KEYS),
        "requires": tuple(getattr(casefile, "REQUIRES_KEYS", None)
                          or _fields(dependencies.Requires)),
        "synergy": tuple(getattr(casefile, "SYNERGY_KEYS", None)
                         or _fields(dependencies.Synergy)),
        "transfers": tuple(getattr(money, "TRANSFER_KEYS", None) or _known_from_message(
            lambda problems: money.transfers_from_dict({"zz": 1}, problems), "transfers.zz")),
        "phasing": tuple(getattr(phasing_data, "PHASING_KEYS", None) or _known_from_message(
            lambda problems: phasing_data.phasing_from_dict({"zz": 1}, problems),
            "phasing.zz")),
        "project": tuple(getattr(phasing_data, "PROJECT_KEYS", None)
                         or _fields(phasing_data.Project)),
        "uncertainty": tuple(uncertain.UNCERTAINTY_KEYS),
        "normal": tuple(uncertain.NORMAL_KEYS),
    }


# --------------------------------------------------------------- the reference


def documented_tables() -> dict[str, list[list[str]]]:
    """Marker (``<!-- keys: party -->``) -> the rows of the table after it, as cells."""
    out: dict[str, list[list[str]]] = {}
    lines = DOC.read_text(encoding="utf-8").splitlines()
    for k, line in enumerate(lines):
        marker = re.fullmatch(r"<!-- (keys|excel): ([\w-]+) -->", line.strip())
        if not marker:
            continue
        rows = []
        for row in lines[k + 1:]:
            if not row.startswith("|"):
                break
            cells = [c.strip() for c in row.strip().strip("|").split("|")]
            if not set(cells[0]) <= set("-: "):
                rows.append(cells)
        out[marker.group(2)] = rows[1:]  # without the header row
    return out


def documented_keys() -> dict[str, tuple[str, ...]]:
    out = {}
    for section, rows in documented_tables().items():
        keys = [re.fullmatch(r"`([^`]+)`", row[0]) for row in rows]
        assert all(keys), f"{section}: every row starts with a `key`"
        out[section] = tuple(m.group(1) for m in keys)
    return out


def yaml_examples() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_reference_documents_exactly_the_keys_the_loader_accepts():
    documented = documented_keys()
    for section, keys in code_keys().items():
        assert section in documented, f"docs/case-format.md has no table for {section}"
        assert documented[section] == keys, (
            f"{section}: documented {documented[section]}, the loader accepts {keys}")


def test_reference_documents_the_excel_layout():
    tables = documented_tables()
    sheets = {}
    for row in tables["sheets"]:
        columns = re.findall(r"`([^`]+)`", row[1])
        sheets[row[0].strip("`")] = tuple(
            dict.fromkeys("cost_<k>" if re.fullmatch(r"cost_\d+", c) else c for c in columns))
    assert sheets == excel.SHEETS
    documented = documented_keys()
    assert documented["excel-settings"] == excel.SETTINGS_KEYS
    assert documented["excel-phasing"] == excel.PHASING_KEYS


def test_every_yaml_example_loads_and_validates():
    examples = yaml_examples()
    assert len(examples) >= 7  # one per section
    schema = load_schema()
    for text in examples:
        data = yaml.safe_load(text)
        case_from_dict(data)
        assert not schema_errors(schema, data), (text, schema_errors(schema, data))


# ------------------------------------------------------------------ the schema


def schema_sections(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Section -> the schema object that describes it."""
    defs = schema["$defs"]
    transfers = next(b for b in defs["transfers"]["anyOf"] if b.get("type") == "object")
    return {"case": schema, "party": defs["party"], "decision_rule": defs["decision_rule"],
            "requires": defs["requires"], "synergy": defs["synergy"], "transfers": transfers,
            "phasing": defs["phasing"], "project": defs["project"],
            "uncertainty": defs["uncertainty"], "normal": defs["normal"]}


def test_schema_lists_the_same_keys_and_rejects_unknown_ones():
    sections = schema_sections(load_schema())
    for section, keys in code_keys().items():
        assert tuple(sections[section]["properties"]) == keys, section
        assert sections[section]["additionalProperties"] is False, section


def test_schema_is_valid_draft_2020_12():
    jsonschema = pytest.importorskip("jsonschema")
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


# A case that uses every key of every section; FULL_PATHS says where each section is.
FULL = {
    "name": "every key",
    "description": "all of them",
    "parties": {"Port": {"batna": 5, "weight": 2, "veto": True, "cap": 50, "budget": 100},
                "City": 3, "League": None},
    "issues": {"tunnel": ["out", "in"], "permit": ["refused", "granted"],
               "park": ["none", "small", "large"]},
    "scores": {"Port": {"tunnel": {"in": 9}}, "City": {"park": [0, 4, 6]}, "League": None},
    "decision_rule": {"min_parties": 2, "veto": ["Port"]},
    "margin": 0.5,
    "requires": [{"option": {"tunnel": "in"}, "needs": {"permit": "granted"}}],
    "excludes": [[{"tunnel": "in"}, ["park", "none"]]],
    "synergy": [{"when": {"tunnel": "in", "park": ["small", "large"]}, "bonus": {"City": 2},
                 "name": "green"}],
    "precedes": [[{"permit": "granted"}, {"tunnel": "in"}]],
    "costs": {"tunnel": {"in": 40}, "park": [0, 5, 10]},
    "total_budget": 60,
    "transfers": {"pairs": [["Port", "City"]], "cap": 10, "rate": {"City": 2}},
    "phasing": {"periods": 4, "budget": [10, 20, 20, 20], "carry_over": 0.5, "discount": 0.1,
                "projects": [{"option": {"tunnel": "in"}, "duration": 2, "cost": [15, 25]}]},
    "uncertainty": {"scores": {"Port": {"tunnel": {"in": {"interval": [7, 11]}}}},
                    "issues": {"park": {"absolute": 1, "shape": "uniform"}},
                    "parties": {"City": {"relative": 0.1, "shape": "normal", "low": 0,
                                         "high": 20}},
                    "batnas": {"Port": {"normal": {"mean": 5, "sd": 1, "low": 0, "high": 10}}}},
    "controls": {"Port": ["tunnel"], "City": ["park", "tunnel"]},
}
FULL_PATHS: dict[str, tuple] = {
    "case": (), "party": ("parties", "Port"), "decision_rule": ("decision_rule",),
    "requires": ("requires", 0), "synergy": ("synergy", 0), "transfers": ("transfers",),
    "phasing": ("phasing",), "project": ("phasing", "projects", 0),
    "uncertainty": ("uncertainty",), "normal": ("uncertainty", "batnas", "Port", "normal"),
}


def _at(data: Any, path: tuple) -> Any:
    for step in path:
        data = data[step]
    return data


def test_the_full_case_uses_every_key_and_loads():
    for section, keys in code_keys().items():
        assert tuple(_at(FULL, FULL_PATHS[section])) == keys, (
            f"{section}: FULL should use every key the loader accepts, in order")
    case_from_dict(FULL)
    assert not schema_errors(load_schema(), FULL)


@pytest.mark.parametrize("section", sorted(FULL_PATHS))
def test_an_undocumented_key_is_rejected_by_loader_and_schema(section):
    data = copy.deepcopy(FULL)
    _at(data, FULL_PATHS[section])["colour"] = "red"
    with pytest.raises(CaseError):
        case_from_dict(data)
    assert schema_errors(load_schema(), data)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_example_validates(name):
    data = json.loads(json.dumps(case_to_dict(load_example(name))))
    assert not schema_errors(load_schema(), data)


def _without(data: dict, *path) -> dict:
    data = copy.deepcopy(data)
    del _at(data, path[:-1])[path[-1]]
    return data


def _with(data: dict, value: Any, *path) -> dict:
    data = copy.deepcopy(data)
    _at(data, path[:-1])[path[-1]] = value
    return data


INVALID = {
    "no parties": _without(FULL, "parties"),
    "no issues": _without(FULL, "issues"),
    "no party at all": _with(FULL, {}, "parties"),
    "blank party name": _with(FULL, {" ": 3}, "parties"),
    "negative weight": _with(FULL, -1, "parties", "Port", "weight"),
    "veto as text": _with(FULL, "yes", "parties", "Port", "veto"),
    "issue without options": _with(FULL, [], "issues", "tunnel"),
    "duplicate option": _with(FULL, ["out", "out"], "issues", "tunnel"),
    "score as text": _with(FULL, {"in": "nine"}, "scores", "Port", "tunnel"),
    "min_parties zero": _with(FULL, 0, "decision_rule", "min_parties"),
    "requires without needs": _with(FULL, [{"option": {"tunnel": "in"}}], "requires"),
    "excludes triple": _with(FULL, [[{"tunnel": "in"}, {"park": "none"}, {"permit": "granted"}]],
                             "excludes"),
    "option with two keys": _with(FULL, [[{"tunnel": "in", "park": "none"}, {"park": "small"}]],
                                  "excludes"),
    "negative cost": _with(FULL, {"in": -4}, "costs", "tunnel"),
    "pairs as text": _with(FULL, "some", "transfers", "pairs"),
    "zero rate": _with(FULL, {"City": 0}, "transfers", "rate"),
    "phasing without budget": _without(FULL, "phasing", "budget"),
    "carry_over above 1": _with(FULL, 1.5, "phasing", "carry_over"),
    "project duration zero": _with(FULL, 0, "phasing", "projects", 0, "duration"),
    "project without option": _without(FULL, "phasing", "projects", 0, "option"),
    "interval of one number": _with(FULL, {"interval": [7]}, "uncertainty", "scores", "Port",
                                    "tunnel", "in"),
    "normal without sd": _without(FULL, "uncertainty", "batnas", "Port", "normal", "sd"),
    "negative noise": _with(FULL, {"relative": -0.1}, "uncertainty", "parties", "City"),
    "noise without a size": _with(FULL, {"shape": "uniform"}, "uncertainty", "issues", "park"),
    "unknown noise shape": _with(FULL, {"absolute": 1, "shape": "lognormal"}, "uncertainty",
                                 "issues", "park"),
    "controls as text": _with(FULL, "tunnel", "controls", "Port"),
    "controls listing an issue twice": _with(FULL, ["park", "park"], "controls", "City"),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_documents_are_rejected_by_schema_and_loader(name):
    data = INVALID[name]
    assert schema_errors(load_schema(), data), name
    with pytest.raises(CaseError):
        case_from_dict(data)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_tiny_checker_agrees_with_jsonschema(name):
    jsonschema = pytest.importorskip("jsonschema")
    schema = load_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for data in (INVALID[name], FULL):
        assert bool(list(validator.iter_errors(data))) == bool(tiny_errors(schema, data))


# ------------------------------------------------------------------ validation


def schema_errors(schema: dict[str, Any], data: Any) -> list[str]:
    """Validation errors: jsonschema's when it is installed, and the tiny checker's always."""
    errors = tiny_errors(schema, data)
    try:
        import jsonschema
    except ImportError:
        return errors
    found = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert bool(found) == bool(errors), (found, errors)
    return found


def tiny_errors(schema: dict[str, Any], data: Any) -> list[str]:
    """A small structural JSON Schema check: the keywords case.schema.json uses."""
    root = schema
    out: list[str] = []

    def is_type(value: Any, kind: str) -> bool:
        if kind == "null":
            return value is None
        if kind == "boolean":
            return isinstance(value, bool)
        if kind == "string":
            return isinstance(value, str)
        if kind == "object":
            return isinstance(value, dict)
        if kind == "array":
            return isinstance(value, list)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return kind == "number" or float(value).is_integer()

    def check(s: dict[str, Any], value: Any, where: str) -> bool:
        errors_before = len(out)
        if "$ref" in s:
            check(_at(root, tuple(s["$ref"].removeprefix("#/").split("/"))), value, where)
        kinds = s.get("type")
        if kinds is not None:
            kinds = [kinds] if isinstance(kinds, str) else kinds
            if not any(is_type(value, k) for k in kinds):
                out.append(f"{where}: not {kinds}")
                return False
        if "const" in s and value != s["const"]:
            out.append(f"{where}: not {s['const']!r}")
        if "anyOf" in s:
            trials = []
            for branch in s["anyOf"]:
                mark = len(out)
                check(branch, value, where)
                trials.append(len(out) == mark)
                del out[mark:]
            if not any(trials):
                out.append(f"{where}: matches no alternative")
        if isinstance(value, str):
            if len(value) < s.get("minLength", 0):
                out.append(f"{where}: too short")
            if "pattern" in s and not re.search(s["pattern"], value):
                out.append(f"{where}: does not match {s['pattern']}")
        if is_type(value, "number"):
            if "minimum" in s and value < s["minimum"]:
                out.append(f"{where}: below {s['minimum']}")
            if "maximum" in s and value > s["maximum"]:
                out.append(f"{where}: above {s['maximum']}")
            if "exclusiveMinimum" in s and value <= s["exclusiveMinimum"]:
                out.append(f"{where}: not above {s['exclusiveMinimum']}")
            if not math.isfinite(value):
                out.append(f"{where}: not finite")
        if isinstance(value, list):
            if not s.get("minItems", 0) <= len(value) <= s.get("maxItems", math.inf):
                out.append(f"{where}: wrong length")
            if s.get("uniqueItems") and len({json.dumps(v) for v in value}) != len(value):
                out.append(f"{where}: items not unique")
            for k, item in enumerate(value):
                if "items" in s:
                    check(s["items"], item, f"{where}[{k}]")
        if isinstance(value, dict):
            if not s.get("minProperties", 0) <= len(value) <= s.get("maxProperties", math.inf):
                out.append(f"{where}: wrong number of keys")
            for key in s.get("required", ()):
                if key not in value:
                    out.append(f"{where}: {key} is required")
            for key, item in value.items():
                if "propertyNames" in s:
                    check(s["propertyNames"], key, f"{where} key {key!r}")
                if key in s.get("properties", {}):
                    check(s["properties"][key], item, f"{where}.{key}")
                elif s.get("additionalProperties") is False:
                    out.append(f"{where}: unknown key {key!r}")
                elif isinstance(s.get("additionalProperties"), dict):
                    check(s["additionalProperties"], item, f"{where}.{key}")
        return len(out) == errors_before

    check(schema, data, "case")
    return out
