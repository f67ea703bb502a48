"""The dependency sheets: ``requires`` (with continuation rows), ``excludes`` and ``precedes``
(pairs of options) and ``synergy`` (rows grouped by the synergy column).

Examples
--------
>>> from mutualgains.io.excel.workbook import Reading
>>> reading = Reading.from_rows({"excludes": [
...     ("option_issue", "option", "excludes_issue", "excludes_option"),
...     ("tunnel", "in", "ferry", "in")]})
>>> data, names = {}, Names(issues={"tunnel": ["out", "in"], "ferry": ["out", "in"]})
>>> read_excludes(reading, data, names)
>>> data["excludes"], reading.places["excludes[0]"]
([[{'tunnel': 'in'}, {'ferry': 'in'}]], 'excludes row 2')
"""

from __future__ import annotations

import re
from typing import Any

from mutualgains.io.excel.cells import BAD, Row
from mutualgains.io.excel.names import Names, known_issue, known_party, option_list, option_ref
from mutualgains.io.excel.workbook import Reading

__all__ = ["read_excludes", "read_precedes", "read_requires", "read_synergy"]


def _keep(reading: Reading, data: dict[str, Any], key: str, items: list) -> None:
    """Store the good items (None marks one with problems), renumbering their places."""
    good: list[Any] = []
    new_index: dict[int, int] = {}
    for k, item in enumerate(items):
        if item is not None:
            new_index[k] = len(good)
            good.append(item)
    numbered = re.compile(rf"{re.escape(key)}\[(\d+)\]")
    old = {path: where for path, where in reading.places.items()
           if path.startswith(f"{key}[")}
    for path, where in old.items():
        del reading.places[path]
        match = numbered.match(path)
        assert match is not None  # every path in ``old`` starts with ``key[``, then a number
        k = int(match.group(1))
        if k in new_index:
            reading.places[f"{key}[{new_index[k]}]{path[match.end():]}"] = where
    reading.place(key, reading.title(key))
    data[key] = good


def read_requires(reading: Reading, data: dict[str, Any], names: Names) -> None:
    """The ``requires`` sheet; a row with blank option_issue and option adds an issue to the
    requirement above.

    Examples
    --------
    >>> reading = Reading.from_rows({"requires": [
    ...     ("option_issue", "option", "needs_issue", "needs_options"),
    ...     ("tunnel", "in", "permit", "granted"), (None, None, "budget", "high, medium")]})
    >>> names = Names(issues={"tunnel": ["out", "in"], "permit": ["refused", "granted"],
    ...                       "budget": ["low", "medium", "high"]})
    >>> data = {}
    >>> read_requires(reading, data, names)
    >>> data["requires"]
    [{'option': {'tunnel': 'in'}, 'needs': {'permit': 'granted', 'budget': ['high', 'medium']}}]
    """
    rows = reading.table("requires")
    if rows is None:
        return
    items: list[dict[str, Any] | None] = []  # None: a requirement with problems
    for row in rows:
        if row.blank("option_issue") and row.blank("option"):  # continues the one above
            if not items:
                reading.problem(row.where, "names no option (a row with blank option_issue "
                                "and option adds to the requirement above, but there is none)")
            k = len(items) - 1
        else:
            ref = option_ref(reading, row, "option_issue", "option", names)
            items.append(None if ref is None else {"option": {ref[0]: ref[1]}, "needs": {}})
            k = len(items) - 1
            reading.place(f"requires[{k}]", row.where)
            reading.place(f"requires[{k}].option", row.cell("option"))
        needs_issue = known_issue(reading, row, "needs_issue", names)
        options = option_list(reading, row, needs_issue, "needs_options", names)
        if k < 0:
            continue
        item = items[k]
        if needs_issue is None or options is None:
            items[k] = None
        elif item is not None and needs_issue in item["needs"]:
            reading.problem(row.cell("needs_issue"), "names this issue twice in one "
                            "requirement (list its options in one cell)", needs_issue)
            items[k] = None
        elif item is not None:
            item["needs"][needs_issue] = options[0] if len(options) == 1 else options
            reading.place(f"requires[{k}].needs.{needs_issue}", row.cell("needs_options"))
    _keep(reading, data, "requires", items)


def _read_pairs(reading: Reading, data: dict[str, Any], names: Names, key: str) -> None:
    rows = reading.table(key)
    if rows is None:
        return
    items: list[list[dict[str, str]] | None] = []
    for row in rows:
        a = option_ref(reading, row, "option_issue", "option", names)
        b = option_ref(reading, row, f"{key}_issue", f"{key}_option", names)
        reading.place(f"{key}[{len(items)}]", row.where)
        items.append(None if a is None or b is None else [{a[0]: a[1]}, {b[0]: b[1]}])
    _keep(reading, data, key, items)


def read_excludes(reading: Reading, data: dict[str, Any], names: Names) -> None:
    """The ``excludes`` sheet: one pair of options per row.

    Examples
    --------
    >>> reading = Reading.from_rows({"excludes": [
    ...     ("option_issue", "option", "excludes_issue", "excludes_option"),
    ...     ("tunnel", "in", "ferry", "in")]})
    >>> data = {}
    >>> names = Names(issues={"tunnel": ["out", "in"], "ferry": ["out", "in"]})
    >>> read_excludes(reading, data, names)
    >>> data["excludes"]
    [[{'tunnel': 'in'}, {'ferry': 'in'}]]
    """
    _read_pairs(reading, data, names, "excludes")


def read_precedes(reading: Reading, data: dict[str, Any], names: Names) -> None:
    """The ``precedes`` sheet: one pair of options per row (the first before the second).

    Examples
    --------
    >>> reading = Reading.from_rows({"precedes": [
    ...     ("option_issue", "option", "precedes_issue", "precedes_option"),
    ...     ("permit", "granted", "tunnel", "in")]})
    >>> data = {}
    >>> names = Names(issues={"tunnel": ["out", "in"], "permit": ["refused", "granted"]})
    >>> read_precedes(reading, data, names)
    >>> data["precedes"]
    [[{'permit': 'granted'}, {'tunnel': 'in'}]]
    """
    _read_pairs(reading, data, names, "precedes")


def _synergy_row(reading: Reading, row: Row, label: str, group: dict[str, Any],
                 names: Names) -> None:
    """Add the condition or the bonus on ``row`` to the synergy ``group``."""
    name = reading.text(row, "name", required=False)
    if name is not None:
        if group["name"] is not None and name != group["name"]:
            reading.problem(row.cell("name"), f"differs from the name given above for "
                            f"synergy {label!r}", name)
            group["ok"] = False
        group["name"] = name
    condition = not (row.blank("issue") and row.blank("options"))
    bonus = not (row.blank("party") and row.blank("bonus"))
    if not condition and not bonus:
        reading.problem(row.where, "holds neither a condition (issue, options) nor a "
                        "bonus (party, bonus)")
        group["ok"] = False
    if condition:
        issue = known_issue(reading, row, "issue", names)
        options = option_list(reading, row, issue, "options", names)
        if issue is None or options is None:
            group["ok"] = False
        elif issue in group["when"]:
            reading.problem(row.cell("issue"), f"names this issue twice in synergy "
                            f"{label!r} (list its options in one cell)", issue)
            group["ok"] = False
        else:
            group["when"][issue] = options[0] if len(options) == 1 else options
    if bonus:
        party = known_party(reading, row, "party", names)
        value = reading.number(row, "bonus", required=True)
        if party is not None and party in group["bonus"]:
            reading.problem(row.cell("party"), f"duplicate bonus for this party in "
                            f"synergy {label!r} (first at row {group['seen'][party]})", party)
        elif party is not None and value is not BAD and value is not None:
            group["bonus"][party] = value
            group["seen"][party] = row.number
            return
        group["ok"] = False


def read_synergy(reading: Reading, data: dict[str, Any], names: Names) -> None:
    """The ``synergy`` sheet: rows with the same synergy label form one synergy (condition
    rows: issue, options; bonus rows: party, bonus).

    Examples
    --------
    >>> reading = Reading.from_rows({"synergy": [
    ...     ("synergy", "name", "issue", "options", "party", "bonus"),
    ...     (1, "green", "park", "large", None, None), (1, None, None, None, "City", 4)]})
    >>> data = {}
    >>> read_synergy(reading, data, Names({"City": 2}, {"park": ["none", "large"]}))
    >>> data["synergy"]
    [{'when': {'park': 'large'}, 'bonus': {'City': 4}, 'name': 'green'}]
    """
    rows = reading.table("synergy")
    if rows is None:
        return
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        label = reading.text(row, "synergy")
        if label is None:
            continue
        group = groups.setdefault(label, {"when": {}, "bonus": {}, "name": None,
                                          "row": row, "ok": True, "seen": {}})
        _synergy_row(reading, row, label, group, names)
    items: list[dict[str, Any] | None] = []
    for label, group in groups.items():
        reading.place(f"synergy[{len(items)}]", group["row"].where)
        if not group["when"] and group["ok"]:
            reading.problem(group["row"].where, f"synergy {label!r} has no condition rows "
                            "(issue, options)")
            group["ok"] = False
        items.append({"when": group["when"], "bonus": group["bonus"],
                      **({"name": group["name"]} if group["name"] else {})}
                     if group["ok"] else None)
    _keep(reading, data, "synergy", items)
