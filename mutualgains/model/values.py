"""The value types of a case: parties, issues and the decision rule.

Each is a frozen dataclass, validated on construction (every problem at once,
each naming its place).

Examples
--------
>>> from mutualgains.model.values import DecisionRule, Issue, Party
>>> Party("Port", batna=5).batna, Issue("park", ["out", "in"]).is_project
(5, True)
>>> DecisionRule(min_parties=3).is_unanimity
False
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Any

from mutualgains.errors import CaseError, Problem
from mutualgains.limits import MAX_OPTIONS, refusal
from mutualgains.util import number, set_fields, show

__all__ = ["DecisionRule", "Issue", "Number", "Package", "Party", "check_name", "raise_problems"]

Number = int | float
Package = Mapping[str, str]
"""A package: one option name per issue name."""


def check_name(value: Any, where: str, problems: list[Problem]) -> bool:
    """Whether ``value`` is a non-empty string; records a problem if not.

    Examples
    --------
    >>> problems = []
    >>> check_name(" ", "parties", problems), str(problems[0])
    (False, "parties: must be a non-empty string (got ' ')")
    """
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(where, "must be a non-empty string", show(value)))
        return False
    return True


def raise_problems(problems: list[Problem]) -> None:
    """Raise a :class:`~mutualgains.errors.CaseError` with ``problems``, if there are any.

    Examples
    --------
    >>> raise_problems([])
    """
    if problems:
        raise CaseError(problems)


# ---------------------------------------------------------------- value types


@dataclass(frozen=True)
class Party:
    """A stakeholder at the table.

    Parameters
    ----------
    name : str
        Unique name of the party.
    batna : float, default 0
        Utility of the party's best alternative to an agreement, in its own
        score units.
    weight : float, default 1
        Weight in the joint and Nash objectives; must be non-negative.
    veto : bool, default False
        Whether the party must accept every agreement (matters under a
        k-of-n decision rule; under unanimity everyone must accept anyway).
    cap : float, optional
        A ceiling on the party's utility: ``min(cap, scores + bonuses)``
        (GENIUS nonlinear profiles cap at 1). ``None``: no ceiling.
    budget : float, optional
        The most this party can contribute to the costs of the chosen options
        (see :mod:`mutualgains.model.money`). ``None``: it does not contribute.

    Examples
    --------
    >>> Party("Port", batna=12.5, veto=True)
    Party(name='Port', batna=12.5, weight=1, veto=True, cap=None, budget=None)
    """

    name: str
    batna: Number = 0
    weight: Number = 1
    veto: bool = False
    cap: Number | None = None
    budget: Number | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        where = f"parties.{self.name}" if isinstance(self.name, str) else "parties"
        check_name(self.name, f"{where}.name", problems)
        batna = number(self.batna, f"{where}.batna", problems)
        weight = number(self.weight, f"{where}.weight", problems, low=0)
        if not isinstance(self.veto, bool):
            problems.append(Problem(f"{where}.veto", "must be true or false", show(self.veto)))
        cap = None if self.cap is None else number(self.cap, f"{where}.cap", problems)
        budget = None if self.budget is None else number(self.budget, f"{where}.budget",
                                                          problems, low=0)
        raise_problems(problems)
        set_fields(self, budget=budget, batna=batna, weight=weight, cap=cap)


@dataclass(frozen=True)
class Issue:
    """Something to decide: exactly one of its ordered options is chosen.

    An issue whose options are ``out`` and ``in`` is a *project*.

    Parameters
    ----------
    name : str
        Unique name of the issue.
    options : sequence of str
        The option names, in order; at least one, no duplicates.

    Examples
    --------
    >>> Issue("park", ["out", "in"]).is_project
    True
    """

    name: str
    options: tuple[str, ...]

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        where = f"issues.{self.name}" if isinstance(self.name, str) else "issues"
        check_name(self.name, where, problems)
        options = self.options
        if isinstance(options, str) or not isinstance(options, Iterable):
            problems.append(Problem(where, "options must be a list of names", show(options)))
            options = ()
        options = tuple(options)
        if not options and not problems:
            problems.append(Problem(where, "must have at least one option", "none"))
        if len(options) > MAX_OPTIONS:
            problems.append(Problem(where, f"must have {refusal('MAX_OPTIONS', 'options')}",
                                    f"{len(options):,}"))
            options = ()
        seen: set[str] = set()
        for k, option in enumerate(options):
            if (type(option) is str and option.strip()) or check_name(option, f"{where}[{k}]",
                                                                      problems):
                if option in seen:
                    problems.append(Problem(f"{where}.{option}", "duplicate option name"))
                seen.add(option)
        raise_problems(problems)
        set_fields(self, options=options)

    @property
    def is_project(self) -> bool:
        """Whether the options are exactly ``out`` and ``in`` (a project)."""
        return set(self.options) == {"out", "in"} and len(self.options) == 2

    @cached_property
    def positions(self) -> Mapping[str, int]:
        """``option -> position`` in :attr:`options` (a read-only mapping, built once).

        Examples
        --------
        >>> Issue("park", ["out", "in"]).positions["in"]
        1
        """
        return MappingProxyType({option: k for k, option in enumerate(self.options)})

    def index(self, option: str) -> int:
        """Position of ``option`` in :attr:`options` (a ValueError when it is not one)."""
        try:
            return self.positions[option]
        except (KeyError, TypeError):
            raise ValueError(f"{option!r} is not an option of issue {self.name!r}") from None


@dataclass(frozen=True)
class DecisionRule:
    """Which parties must accept for a package to pass.

    Parameters
    ----------
    min_parties : int, optional
        At least this many parties must accept. ``None`` (the default) means
        every party must accept.
    veto : sequence of str
        Parties that must accept in any case (they count towards ``min_parties``).

    Examples
    --------
    >>> DecisionRule(min_parties=5, veto=["SportCo", "DoT"]).is_unanimity
    False
    >>> DecisionRule().is_unanimity
    True
    """

    min_parties: int | None = None
    veto: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        k = self.min_parties
        if k is not None and (isinstance(k, bool) or not isinstance(k, numbers.Integral)):
            problems.append(Problem("decision_rule.min_parties", "must be an integer", show(k)))
        elif k is not None and k < 1:
            problems.append(Problem("decision_rule.min_parties", "must be at least 1", show(k)))
        veto = self.veto
        if isinstance(veto, str) or not isinstance(veto, Iterable):
            problems.append(Problem("decision_rule.veto", "must be a list of party names",
                                    show(veto)))
            veto = ()
        veto = tuple(veto)
        for j, name in enumerate(veto):
            check_name(name, f"decision_rule.veto[{j}]", problems)
        raise_problems(problems)
        set_fields(self, min_parties=None if k is None else int(k), veto=veto)

    @property
    def is_unanimity(self) -> bool:
        """Whether every party must accept."""
        return self.min_parties is None


