"""The ``controls`` sheet: which party controls which issue (``party``, ``issue``; one row per
controlled issue), for the coalition games.

Examples
--------
>>> from mutualgains.io.excel.workbook import Reading
>>> reading = Reading.from_rows({"controls": [("party", "issue"), ("Port", "dredging")]})
>>> data, names = {}, Names({"Port": 5}, issues={"dredging": ["none", "deep"]})
>>> read_controls(reading, data, names)
>>> data["controls"], reading.places["controls.Port"]
({'Port': ['dredging']}, 'controls row 2')
"""

from __future__ import annotations

from typing import Any

from mutualgains.io.excel.names import Names, known_issue, known_party
from mutualgains.io.excel.workbook import Reading
from mutualgains.model import Case

__all__ = ["controls_rows", "read_controls"]


def read_controls(reading: Reading, data: dict[str, Any], names: Names) -> None:
    """The ``controls`` sheet into ``data["controls"]`` (party -> issues, in row order).

    Unknown parties and issues, and a pair listed twice, are problems at their cells.

    Examples
    --------
    >>> reading = Reading.from_rows({"controls": [
    ...     ("party", "issue"), ("Port", "dredging"), ("Port", "dredging"), ("City", "park")]})
    >>> data = {}
    >>> read_controls(reading, data, Names({"Port": 5, "City": 3}, issues={"dredging": ["a"]}))
    >>> data["controls"], [str(p) for p in reading.problems]  # doctest: +NORMALIZE_WHITESPACE
    ({'Port': ['dredging']},
     ["controls row 3: duplicate row for this party and issue (first at row 2) (got 'Port,
       dredging')", "controls!B4 (issue): unknown issue (issues come from the scores sheet)
       (got 'park')"])
    """
    rows = reading.table("controls")
    if rows is None:
        return
    controls: dict[str, list[str]] = {}
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        party = known_party(reading, row, "party", names)
        issue = known_issue(reading, row, "issue", names)
        if party is None or issue is None:
            continue
        if (party, issue) in first:
            reading.problem(row.where, f"duplicate row for this party and issue (first at "
                            f"row {first[(party, issue)]})", f"{party}, {issue}")
            continue
        first[(party, issue)] = row.number
        reading.place(f"controls.{party}", row.where)
        controls.setdefault(party, []).append(issue)
    reading.place("controls", reading.title("controls"))
    data["controls"] = controls


def controls_rows(case: Case) -> list[list[str]]:
    """The rows of the ``controls`` sheet of ``case``: ``[party, issue]`` per controlled issue.

    Examples
    --------
    >>> from mutualgains import Case
    >>> case = Case.from_dict({"parties": {"Port": 5, "City": 3},
    ...                        "issues": {"dredging": ["none", "deep"], "park": ["out", "in"]},
    ...                        "controls": {"Port": ["dredging"], "City": ["park", "dredging"]}})
    >>> controls_rows(case)
    [['Port', 'dredging'], ['City', 'park'], ['City', 'dredging']]
    """
    return [[party, issue] for party, issues in case.controls.items() for issue in issues]
