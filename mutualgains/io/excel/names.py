"""Cells that name the case's parties, issues and options (checked against the core sheets).

The ``parties`` sheet defines the parties and the ``scores`` sheet the issues and
options; every other sheet refers to them by name, through the readers here.

Examples
--------
>>> from mutualgains.io.excel.cells import Row
>>> from mutualgains.io.excel.workbook import Reading
>>> reading, names = Reading(values=None), Names(issues={"park": ["out", "in"]})
>>> row = Row("costs", 2, {"issue": "park", "option": "big"}, {"issue": "A", "option": "B"})
>>> option_ref(reading, row, "issue", "option", names), str(reading.problems[0])
(None, "costs!B2 (option): unknown option of issue 'park' (options: out, in) (got 'big')")
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mutualgains.io.excel.cells import Row, split_options
from mutualgains.io.excel.workbook import Reading
from mutualgains.util import listing

__all__ = ["Names", "known_issue", "known_party", "option_list", "option_ref"]


@dataclass
class Names:
    """The names the core sheets define: party -> its row, issue -> its options.

    Examples
    --------
    >>> Names({"Port": 2}, {"park": ["out", "in"]}).issues["park"]
    ['out', 'in']
    """

    parties: dict[str, int] = field(default_factory=dict)
    issues: dict[str, list[str]] = field(default_factory=dict)
    _sets: dict[str, set[str]] = field(default_factory=dict, repr=False)

    def has_option(self, issue: str, option: str) -> bool:
        """Whether ``option`` is an option of ``issue`` (in constant time)."""
        if issue not in self._sets:
            self._sets[issue] = set(self.issues.get(issue, ()))
        return option in self._sets[issue]


def option_ref(reading: Reading, row: Row, issue_column: str, option_column: str,
               names: Names) -> tuple[str, str] | None:
    """A known ``(issue, option)`` from two cells, or None after recording problems.

    Examples
    --------
    >>> reading = Reading(values=None)
    >>> row = Row("costs", 2, {"issue": "park", "option": "in"}, {"issue": "A", "option": "B"})
    >>> option_ref(reading, row, "issue", "option", Names(issues={"park": ["out", "in"]}))
    ('park', 'in')
    """
    issue = reading.text(row, issue_column)
    option = reading.text(row, option_column)
    if issue is None or option is None:
        return None
    if issue not in names.issues:
        reading.problem(row.cell(issue_column), "unknown issue (issues come from the "
                        "scores sheet)", issue)
        return None
    if not names.has_option(issue, option):
        reading.problem(row.cell(option_column), f"unknown option of issue {issue!r} "
                        f"(options: {listing(names.issues[issue])})", option)
        return None
    return issue, option


def option_list(reading: Reading, row: Row, issue: str | None, column: str,
                names: Names) -> list[str] | None:
    """Comma-separated option names of ``issue`` from one cell.

    Examples
    --------
    >>> reading = Reading(values=None)
    >>> row = Row("requires", 2, {"needs_options": 'small, "large, green"'},
    ...           {"needs_options": "D"})
    >>> names = Names(issues={"park": ["small", "large, green"]})
    >>> option_list(reading, row, "park", "needs_options", names)
    ['small', 'large, green']
    """
    text = reading.text(row, column)
    if text is None:
        return None
    items = split_options(text)
    if items is None or not all(items):
        reading.problem(row.cell(column), 'must list option names separated by commas (a '
                        'name with a comma goes in double quotes: "a, b")', text)
        return None
    if issue is None:
        return None
    bad = [o for o in items if not names.has_option(issue, o)]
    if bad:
        reading.problem(row.cell(column), f"unknown option{'s' if len(bad) > 1 else ''} of "
                        f"issue {issue!r} (options: {listing(names.issues[issue])})",
                        ", ".join(bad))
        return None
    if len(set(items)) != len(items):
        reading.problem(row.cell(column), "lists an option twice", text)
        return None
    return items


def known_party(reading: Reading, row: Row, column: str, names: Names) -> str | None:
    """A party named on the parties sheet (unknown names are reported when it exists).

    Examples
    --------
    >>> reading = Reading(values=None)  # no parties sheet: unknown names are not reported
    >>> row = Row("rates", 2, {"party": "Port"}, {"party": "A"})
    >>> known_party(reading, row, "party", Names({"Port": 2})), reading.problems
    ('Port', [])
    """
    party = reading.text(row, column)
    if party is not None and party not in names.parties:
        if reading.usable("parties"):
            reading.problem(row.cell(column), "unknown party (not on the parties sheet)", party)
        return None
    return party


def known_issue(reading: Reading, row: Row, column: str, names: Names) -> str | None:
    """An issue named on the scores sheet (unknown names are reported).

    Examples
    --------
    >>> reading = Reading(values=None)
    >>> row = Row("synergy", 2, {"issue": "tunel"}, {"issue": "C"})
    >>> known_issue(reading, row, "issue", Names(issues={"tunnel": ["out", "in"]}))
    >>> str(reading.problems[0])
    "synergy!C2 (issue): unknown issue (issues come from the scores sheet) (got 'tunel')"
    """
    issue = reading.text(row, column)
    if issue is not None and issue not in names.issues:
        reading.problem(row.cell(column), "unknown issue (issues come from the scores sheet)",
                        issue)
        return None
    return issue
