"""A GeniusWeb domain: its name and issues, discrete value sets and number ranges, and bids.

A discrete issue is ``{"values": [...]}`` (strings). A number issue is a range
``{"range": [low, high, step]}`` or ``{"range": {"low": .., "high": .., "step": ..}}``
(numbers, or numbers written as strings): the values ``low, low + step, ...`` up to
``high``. A number value becomes the option named by its plain decimal rendering
(``12``, ``12.5``; trailing zeros dropped).

Examples
--------
>>> from mutualgains.io.geniusweb.jsontext import parse_bytes
>>> doc = parse_bytes("d.json", b'{"name": "test", "issuesValues": {'
...     b'"size": {"range": ["12", "14", "0.5"]}, "colour": {"values": ["red", "blue"]}}}')
>>> domain = read_domain(doc.data, doc.top, [])
>>> domain.name, [(i.name, i.options) for i in domain.issues]
('test', [('size', ('12', '12.5', '13', '13.5', '14')), ('colour', ('red', 'blue'))])
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from typing import Any

from mutualgains.errors import Problem
from mutualgains.io.geniusweb.jsontext import Where, mapping, number, text
from mutualgains.limits import MAX_OPTIONS

__all__ = ["EXACT", "MAX_DECIMALS", "MAX_NUMBER", "MAX_OPTIONS", "MAX_VALUES", "Domain",
           "DomainIssue",
           "plain_decimal", "read_domain", "valid_name"]

MAX_VALUES = 100_000
"""Largest number of values a number issue may have."""

# MAX_OPTIONS (from mutualgains.limits): the most values all the issues of a domain may
# have together, as for every case.

MAX_NUMBER = Decimal(10) ** 15
"""Largest magnitude of a number-range bound (and smallest step: ``1 / MAX_NUMBER``)."""

MAX_DECIMALS = 30
"""Most decimal places and significant digits a number-range bound or step may have."""

EXACT = Context(prec=100)
"""The decimal context of range arithmetic: exact for every range within the limits above."""

_SIMPLE = re.compile(r"[a-zA-Z0-9]")


def valid_name(name: str) -> bool:
    """Whether GeniusWeb accepts ``name`` for a domain or profile (it starts with a-z, A-Z, 0-9).

    Examples
    --------
    >>> valid_name("jobs1"), valid_name("(jobs)")
    (True, False)
    """
    return bool(_SIMPLE.match(name))


def plain_decimal(value: Decimal) -> str:
    """The plain rendering of a number value: no exponent, no trailing zeros, no ``-0``.

    Examples
    --------
    >>> [plain_decimal(Decimal(x)) for x in ("12.50", "1E+1", "-0", "0.001")]
    ['12.5', '10', '0', '0.001']
    """
    with localcontext(EXACT):
        text = format((value + 0).normalize(), "f")
    return "0" if text in ("-0", "0") else text


@dataclass(frozen=True)
class DomainIssue:
    """An issue of the domain: a discrete value set, or a number range (``numbers`` set).

    Examples
    --------
    >>> issue = DomainIssue("size", ("1", "1.5"), (Decimal("1"), Decimal("1.5")))
    >>> issue.is_number, issue.position(Decimal("1.50")), issue.position("1.5")
    (True, 1, None)
    """

    name: str
    options: tuple[str, ...]
    numbers: tuple[Decimal, ...] | None = None  # the values of a number issue, in order

    @property
    def is_number(self) -> bool:
        """Whether the issue is a number range."""
        return self.numbers is not None

    def position(self, value: Any) -> int | None:
        """The option position of a bid's value (a string, or a number for a number issue)."""
        if self.numbers is None:
            if isinstance(value, str):
                try:
                    return self.options.index(value)
                except ValueError:
                    return None
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            return None
        low = self.numbers[0]
        if not low <= value <= self.numbers[-1]:
            return None
        if len(self.numbers) == 1:
            return 0
        with localcontext(EXACT):
            k = (value - low) / (self.numbers[1] - low)
            return int(k) if k == k.to_integral_value() else None


@dataclass(frozen=True)
class Domain:
    """A domain: its name and issues, in file order.

    Examples
    --------
    >>> domain = Domain("d", (DomainIssue("colour", ("red", "blue")),))
    >>> domain.issue("colour").position("blue"), domain.issue("size")
    (1, None)
    """

    name: str
    issues: tuple[DomainIssue, ...]

    def issue(self, name: str) -> DomainIssue | None:
        """The issue called ``name``, if any."""
        return next((i for i in self.issues if i.name == name), None)

    def signature(self) -> tuple:
        """What two domains must share to be the same domain (the name and each issue's
        values, as sets for discrete issues)."""
        return (self.name, frozenset(
            (i.name, frozenset(i.options) if i.numbers is None else i.numbers)
            for i in self.issues))


def read_domain(data: Any, at: Where, problems: list[Problem]) -> Domain | None:
    """The domain in ``data`` (an object with ``name`` and ``issuesValues``); None on problems.

    Examples
    --------
    >>> problems = []
    >>> read_domain({"name": "d", "issuesValues": {}}, Where("d.json"), problems)
    >>> str(problems[0])
    'd.json#issuesValues: must hold at least one issue (got none)'
    """
    before = len(problems)
    found = mapping(data, at, problems, "an object with the keys name and issuesValues")
    if found is None:
        return None
    for key in found:
        if key not in ("name", "issuesValues"):
            problems.append(Problem(str(at.key(key)), "unknown key in a domain (known: name, "
                                    "issuesValues)"))
    name = text(found.get("name"), at.key("name"), problems)
    if name is not None and not valid_name(name):
        problems.append(Problem(str(at.key("name")), "a GeniusWeb name must start with a-z, "
                                "A-Z or 0-9", name[:60]))
    raw = mapping(found.get("issuesValues"), at.key("issuesValues"), problems,
                  "an object: issue name -> value set")
    if raw is None:
        return None
    if not raw:
        problems.append(Problem(str(at.key("issuesValues")), "must hold at least one issue",
                                "none"))
    issues = []
    total = 0
    for issue_name, spec in raw.items():
        here = at.key("issuesValues").key(issue_name)
        if not issue_name.strip():
            problems.append(Problem(str(here), "issue name must be non-empty", repr(issue_name)))
            continue
        issue = _issue(issue_name, spec, here, problems)
        if issue is None:
            continue
        total += len(issue.options)
        if total > MAX_OPTIONS:
            problems.append(Problem(str(at.key("issuesValues")), f"the issues may have at most "
                                    f"{MAX_OPTIONS} values in all", f"more, at {issue_name!r}"))
            return None
        issues.append(issue)
    if len(problems) > before or name is None:
        return None
    return Domain(name, tuple(issues))


def _issue(name: str, spec: Any, at: Where, problems: list[Problem]) -> DomainIssue | None:
    found = mapping(spec, at, problems, 'a value set: {"values": [...]} or {"range": ...}')
    if found is None:
        return None
    if set(found) == {"values"}:
        values = found["values"]
        if not isinstance(values, list) or not values:
            problems.append(Problem(str(at.key("values")), "must be a non-empty list of strings",
                                    "none" if values == [] else str(type(values).__name__)))
            return None
        if len(values) > MAX_VALUES:
            problems.append(Problem(str(at.key("values")), f"at most {MAX_VALUES} values",
                                    str(len(values))))
            return None
        options: list[str] = []
        seen: set[str] = set()
        for k, value in enumerate(values):
            got = text(value, at.key("values").key(k), problems,
                       "a non-empty string (discrete values are strings)")
            if got is None:
                continue
            if got in seen:
                problems.append(Problem(str(at.key("values").key(k)), "duplicate value",
                                        got[:60]))
                continue
            seen.add(got)
            options.append(got)
        return DomainIssue(name, tuple(options)) if len(options) == len(values) else None
    if set(found) == {"range"}:
        return _range(name, found["range"], at.key("range"), problems)
    problems.append(Problem(str(at), 'must be {"values": [...]} or {"range": [low, high, '
                            'step]}', ", ".join(map(str, found)) or "{}"))
    return None


def _range(name: str, raw: Any, at: Where, problems: list[Problem]) -> DomainIssue | None:
    if isinstance(raw, list) and len(raw) == 3:
        parts = dict(zip(("low", "high", "step"), raw, strict=True))
        places = {key: at.key(k) for k, key in enumerate(("low", "high", "step"))}
    elif isinstance(raw, Mapping) and set(raw) == {"low", "high", "step"}:
        parts = dict(raw)
        places = {key: at.key(key) for key in parts}
    else:
        problems.append(Problem(str(at), "must be [low, high, step] or {low, high, step}",
                                str(type(raw).__name__)))
        return None
    before = len(problems)
    low = number(parts["low"], places["low"], problems, low=-MAX_NUMBER, high=MAX_NUMBER,
                 strings=True)
    high = number(parts["high"], places["high"], problems, low=-MAX_NUMBER, high=MAX_NUMBER,
                  strings=True)
    step = number(parts["step"], places["step"], problems, low=1 / MAX_NUMBER, strings=True)
    if len(problems) > before or low is None or high is None or step is None:
        return None
    for key, value in (("low", low), ("high", high), ("step", step)):
        _, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)  # number() returns finite values only (not n, N, F)
        if len(digits) > MAX_DECIMALS or -exponent > MAX_DECIMALS:
            problems.append(Problem(str(places[key]), f"may have at most {MAX_DECIMALS} digits "
                                    "and decimal places", f"{len(digits)} digits"))
            return None
    if high < low:
        problems.append(Problem(str(at), "high must be at least low", f"{low}..{high}"))
        return None
    with localcontext(EXACT):
        if high - low > step * (MAX_VALUES - 1):
            problems.append(Problem(str(at), f"a number range may have at most {MAX_VALUES} "
                                    "values", f"{(high - low) / step + 1:.3e}"))
            return None
        numbers = tuple(low + k * step for k in range(int((high - low) // step) + 1))
    return DomainIssue(name, tuple(plain_decimal(v) for v in numbers), numbers)
