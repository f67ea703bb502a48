"""The workbook layout: which sheets, which columns, which keys; names compared loosely.

Examples
--------
>>> SHEETS["parties"][:2], normalise(" Needs Options "), columns_of("rates")
(('party', 'batna'), 'needs_options', 'party, rate')
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

from mutualgains.errors import UsageError

__all__ = ["EXTRA", "PER_PERIOD", "PHASING_KEYS", "REQUIRED_COLUMNS", "REQUIRED_SHEETS",
           "SETTINGS_KEYS", "SHEETS", "columns_of", "is_ignored", "normalise", "openpyxl_module"]

SHEETS: dict[str, tuple[str, ...]] = {
    "settings": ("key", "value"),
    "parties": ("party", "batna", "weight", "veto", "cap", "budget"),
    "scores": ("party", "issue", "option", "score"),
    "costs": ("issue", "option", "cost"),
    "requires": ("option_issue", "option", "needs_issue", "needs_options"),
    "excludes": ("option_issue", "option", "excludes_issue", "excludes_option"),
    "synergy": ("synergy", "name", "issue", "options", "party", "bonus"),
    "precedes": ("option_issue", "option", "precedes_issue", "precedes_option"),
    "transfers": ("payer", "payee"),
    "rates": ("party", "rate"),
    "phasing": ("key", "value"),
    "projects": ("issue", "option", "duration", "cost", "cost_<k>"),
    "uncertainty": ("target", "party", "issue", "option", "shape", "low", "mode", "high",
                    "mean", "sd", "relative", "absolute"),
    "controls": ("party", "issue"),
}
"""Sheet name -> its columns, in the order written (``cost_<k>`` stands for
``cost_1``, ``cost_2``, ...). Sheets other than ``parties`` and ``scores`` are optional."""

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "settings": ("key", "value"),
    "parties": ("party", "batna"),
    "scores": ("party", "issue", "option", "score"),
    "costs": ("issue", "option", "cost"),
    "requires": ("option_issue", "option", "needs_issue", "needs_options"),
    "excludes": ("option_issue", "option", "excludes_issue", "excludes_option"),
    "synergy": ("synergy", "issue", "options", "party", "bonus"),
    "precedes": ("option_issue", "option", "precedes_issue", "precedes_option"),
    "transfers": ("payer", "payee"),
    "rates": ("party", "rate"),
    "phasing": ("key", "value"),
    "projects": ("issue", "option"),
    "uncertainty": ("target", "shape"),
    "controls": ("party", "issue"),
}
"""Sheet name -> the columns it must have (the header of row 1)."""

REQUIRED_SHEETS = ("parties", "scores")

SETTINGS_KEYS: tuple[str, ...] = ("name", "description", "margin", "min_parties",
                                  "total_budget", "transfers", "transfer_cap")
"""Keys of the ``settings`` sheet."""

PHASING_KEYS: tuple[str, ...] = ("periods", "budget", "budget_<k>", "carry_over", "discount")
"""Keys of the ``phasing`` sheet (``budget_<k>`` stands for ``budget_1``, ``budget_2``, ...)."""

EXTRA = 'pip install "mutualgains[excel]"'
PER_PERIOD = re.compile(r"(cost|budget)_([1-9]\d*)")


def openpyxl_module() -> ModuleType:
    """The openpyxl module, or a UsageError naming the extra that installs it.

    Examples
    --------
    >>> import pytest; _ = pytest.importorskip("openpyxl")
    >>> openpyxl_module().__name__
    'openpyxl'
    """
    try:
        import openpyxl
    except ImportError:
        raise UsageError("reading and writing Excel files needs the openpyxl package: "
                         f"{EXTRA}") from None
    return openpyxl


def is_ignored(name: str) -> bool:
    """Whether a sheet is left out when reading (its name starts with ``_``).

    Examples
    --------
    >>> is_ignored("_notes"), is_ignored("scores")
    (True, False)
    """
    return name.startswith("_")


def columns_of(sheet: str) -> str:
    """The columns of ``sheet`` for messages.

    Examples
    --------
    >>> columns_of("projects")
    'issue, option, duration, cost, cost_1, cost_2, ...'
    """
    return ", ".join(SHEETS[sheet]).replace("cost_<k>", "cost_1, cost_2, ...")


def normalise(name: Any) -> str:
    """A header or sheet name as compared: trimmed, lower case, spaces as underscores.

    Examples
    --------
    >>> normalise("  Needs-Options ")
    'needs_options'
    """
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())

