"""Exceptions raised by mutualgains.

Every error derives from :class:`MutualGainsError` and also from the built-in
exception it refines, so ``except ValueError`` keeps working for callers that
do not know this library.

Examples
--------
>>> from mutualgains.errors import CaseError, Problem
>>> err = CaseError([Problem("parties.Port.batna", "must be a finite number", "nan")])
>>> print(err)
1 problem in the case:
  parties.Port.batna: must be a finite number (got nan)
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CaseError", "MutualGainsError", "Problem", "SolverError", "UsageError"]


class MutualGainsError(Exception):
    """Base class of every error raised by mutualgains."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a case: where it is, the rule it breaks, what was found.

    Parameters
    ----------
    where : str
        Dotted path to the place, e.g. ``"scores.SportCo.ecology"``.
    rule : str
        The rule that is broken, e.g. ``"must be a finite number"``.
    got : str, optional
        A short rendering of what was found.
    """

    where: str
    rule: str
    got: str | None = None

    def __str__(self) -> str:
        text = f"{self.where}: {self.rule}"
        return text if self.got is None else f"{text} (got {self.got})"


class CaseError(MutualGainsError, ValueError):
    """A case (or a package for a case) is invalid; carries every problem found.

    Parameters
    ----------
    problems : iterable of Problem
        All problems found, in the order they were found.
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("CaseError needs at least one problem")
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the case:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])

    def __str__(self) -> str:
        return self._message()


class SolverError(MutualGainsError, RuntimeError):
    """A solver is missing, unknown, or failed in a way that yields no answer."""


class UsageError(MutualGainsError, ValueError):
    """A function was called with an invalid argument (unknown objective, bad option...)."""
