"""The core sheets: ``settings`` (key, value), ``parties`` and ``scores`` (the long table that
also defines the issues and their options, in order of first appearance).

Each reader takes the :class:`~mutualgains.io.excel.workbook.Reading`, the case data being
filled (the case-file form) and the :class:`~mutualgains.io.excel.names.Names` found so far.

Examples
--------
>>> from mutualgains.io.excel.workbook import Reading
>>> reading = Reading.from_rows({"parties": [("party", "batna"), ("Port", 5)]})
>>> data, names = {}, Names()
>>> read_parties(reading, data, names)
>>> data["parties"], names.parties
({'Port': {'batna': 5}}, {'Port': 2})
"""

from __future__ import annotations

from typing import Any

from mutualgains.io.excel.cells import BAD, Row
from mutualgains.io.excel.layout import SETTINGS_KEYS, SHEETS
from mutualgains.io.excel.names import Names
from mutualgains.io.excel.workbook import Reading

__all__ = ["read_parties", "read_scores", "read_settings"]


def read_settings(reading: Reading, data: dict[str, Any], names: Names) -> None:
    """The ``settings`` sheet: name, description, margin, min_parties, total_budget (the
    transfer settings are read with the transfers).

    Examples
    --------
    >>> reading = Reading.from_rows({"settings": [("key", "value"), ("name", "harbour"),
    ...                                           ("min_parties", 2)]})
    >>> data = {}
    >>> read_settings(reading, data, Names())
    >>> data
    {'name': 'harbour', 'decision_rule': {'min_parties': 2}}
    """
    values = reading.key_values("settings", SETTINGS_KEYS)
    reading.settings = values
    for key, kind, path in (("name", "text", "name"),
                            ("description", "text", "description"),
                            ("margin", "number", "margin"),
                            ("min_parties", "integer", "decision_rule.min_parties"),
                            ("total_budget", "number", "total_budget")):
        value = reading.setting(values, key, kind, path)
        if value is not None:
            if key == "min_parties":
                data["decision_rule"] = {"min_parties": value}
            else:
                data[key] = value


def _party(reading: Reading, row: Row) -> dict[str, Any]:
    """The settings of the party on ``row`` (bad values reported and left out)."""
    spec: dict[str, Any] = {}
    batna = reading.number(row, "batna", required=True)
    if batna is not None and batna is not BAD:
        spec["batna"] = batna
    for column in ("weight", "cap", "budget"):
        value = reading.number(row, column)
        if value is not None and value is not BAD:
            spec[column] = value
    veto = reading.boolean(row, "veto")
    if veto is not None and veto is not BAD:
        spec["veto"] = veto
    return spec


def read_parties(reading: Reading, data: dict[str, Any], names: Names) -> None:
    """The ``parties`` sheet: fills ``data["parties"]`` and ``names.parties``.

    Examples
    --------
    >>> reading = Reading.from_rows({"parties": [("party", "batna", "veto"), ("Port", 5, "yes"),
    ...                                          ("City", "x", None)]})
    >>> data, names = {}, Names()
    >>> read_parties(reading, data, names)
    >>> data["parties"], names.parties, [str(p) for p in reading.problems]
    ({'Port': {'batna': 5, 'veto': True}, 'City': {}}, {'Port': 2, 'City': 3}, \
["parties!B3 (batna): must be a number (got 'x')"])
    """
    rows = reading.table("parties") or []
    parties: dict[str, dict[str, Any]] = {}
    for row in rows:
        name = reading.text(row, "party")
        spec = _party(reading, row)
        if name is None:
            continue
        if name in names.parties:
            reading.problem(row.cell("party"), f"duplicate party (first at row "
                            f"{names.parties[name]})", name)
            continue
        names.parties[name] = row.number
        parties[name] = spec
        reading.place(f"parties.{name}", row.where)
        for column in SHEETS["parties"][1:]:
            if row.has(column):
                reading.place(f"parties.{name}.{column}", row.cell(column))
    if reading.usable("parties"):
        reading.place("parties", reading.title("parties"))
        data["parties"] = parties


def read_scores(reading: Reading, data: dict[str, Any], names: Names) -> None:
    """The ``scores`` sheet: fills ``data["issues"]``, ``data["scores"]`` and ``names.issues``.

    Examples
    --------
    >>> reading = Reading.from_rows({"scores": [("party", "issue", "option", "score"),
    ...                                         ("Port", "tunnel", "out", 0),
    ...                                         ("Port", "tunnel", "in", 5)]})
    >>> data, names = {}, Names({"Port": 2})
    >>> read_scores(reading, data, names)
    >>> data["issues"], data["scores"]
    ({'tunnel': ['out', 'in']}, {'Port': {'tunnel': {'out': 0, 'in': 5}}})
    """
    rows = reading.table("scores")
    if rows is None:
        return
    issues: dict[str, dict[str, None]] = {}
    scores: dict[str, dict[str, dict[str, Any]]] = {}
    first: dict[tuple[str, str, str], int] = {}
    unknown: dict[str, list[Row]] = {}
    for row in rows:
        party = reading.text(row, "party")
        issue = reading.text(row, "issue")
        option = reading.text(row, "option")
        score = reading.number(row, "score")
        if issue is not None and option is not None:
            if issue not in issues:
                reading.place(f"issues.{issue}", row.cell("issue"))
            issues.setdefault(issue, {}).setdefault(option)
        if party is None or issue is None or option is None:
            continue
        if party not in names.parties:
            unknown.setdefault(party, []).append(row)
            continue
        key = (party, issue, option)
        if key in first:
            reading.problem(row.where, f"duplicate row for this party, issue and option "
                            f"(first at row {first[key]})", f"{party}, {issue}, {option}")
            continue
        first[key] = row.number
        if score is not None and score is not BAD:
            scores.setdefault(party, {}).setdefault(issue, {})[option] = score
            reading.place(f"scores.{party}.{issue}.{option}", row.cell("score"))
    for party, bad in unknown.items() if reading.usable("parties") else ():
        more = f"; {len(bad)} rows, the first shown" if len(bad) > 1 else ""
        reading.problem(bad[0].cell("party"),
                        f"unknown party (not on the parties sheet{more})", party)
    reading.place("issues", reading.title("scores"))
    reading.place("scores", reading.title("scores"))
    data["issues"] = {i: list(o) for i, o in issues.items()}
    data["scores"] = scores
    names.issues = {i: list(o) for i, o in issues.items()}
