"""Cases as Excel workbooks (``.xlsx``): one sheet per part of the case, long tables.

Reading and writing need the optional ``openpyxl`` package
(``pip install "mutualgains[excel]"``); the rest of mutualgains works without it.

The layout (``docs/case-format.md`` has the full reference; :data:`SHEETS` lists
every sheet and column). The header is row 1 of every sheet; blank rows are
skipped; a column headed ``note`` is ignored, and so is a sheet called
``readme`` and any sheet or column whose name starts with ``_``.

============  ==================================================================
sheet         columns
============  ==================================================================
settings      key, value: ``name``, ``description``, ``margin``, ``min_parties``,
              ``total_budget``, ``transfers`` (``all`` or ``listed``), ``transfer_cap``
parties       party, batna, weight, veto, cap, budget
scores        party, issue, option, score: one row per party and option; issues
              and options in order of first appearance
costs         issue, option, cost
requires      option_issue, option, needs_issue, needs_options (comma-separated);
              a row with blank option_issue and option adds an issue to the
              requirement above
excludes      option_issue, option, excludes_issue, excludes_option
synergy       synergy (groups rows), name, issue, options | party, bonus
precedes      option_issue, option, precedes_issue, precedes_option
transfers     payer, payee: the pairs that may pay (when not ``all``)
rates         party, rate: points per unit of money
phasing       key, value: ``periods``, ``budget`` (or ``budget_1`` ... ``budget_N``),
              ``carry_over``, ``discount``
projects      issue, option, duration, cost (total) or cost_1 ... cost_N (per period)
uncertainty   target (score, issue, party, batna), party, issue, option, shape, low,
              mode, high, mean, sd, relative, absolute: one row per spread
controls      party, issue: one row per issue a party controls (coalition games)
============  ==================================================================

Every problem is reported at once in a :class:`~mutualgains.errors.CaseError`;
each names its place the way Excel shows it: a cell as ``sheet!D7 (column)``, a
whole row as ``sheet row 7``, a sheet by its name.

Examples
--------
>>> import pytest; _ = pytest.importorskip("openpyxl")  # needs the "excel" extra
>>> import tempfile, pathlib
>>> from mutualgains.io.examples import load_example
>>> from mutualgains.io.excel import case_from_excel, case_to_excel
>>> case = load_example("harbour")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "harbour.xlsx"
>>> case_to_excel(case, path)
>>> case_from_excel(path) == case
True
"""
from mutualgains.io.excel.layout import PHASING_KEYS, REQUIRED_COLUMNS, SETTINGS_KEYS, SHEETS
from mutualgains.io.excel.reader import case_from_excel
from mutualgains.io.excel.writer import case_to_excel, copy_template

__all__ = ["PHASING_KEYS", "REQUIRED_COLUMNS", "SETTINGS_KEYS", "SHEETS", "case_from_excel",
           "case_to_excel", "copy_template"]
