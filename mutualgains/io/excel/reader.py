"""Reading a workbook into a case: the sheet readers in order, every problem located at its
cell (``scores!D7``).

The reading is layered: :mod:`~mutualgains.io.excel.workbook` opens the workbook safely and
reads sheets as tables of rows and cells; one reader per sheet (or group of sheets) turns
rows into case data, in the order of :data:`READERS`; the model's own problems are then
located back at the cells they come from. A new sheet is one reader added to
:data:`READERS` (and its columns to :data:`~mutualgains.io.excel.layout.SHEETS`).

Examples
--------
>>> import pytest; _ = pytest.importorskip("openpyxl")
>>> import tempfile, pathlib
>>> from mutualgains.io.excel.writer import copy_template
>>> case_from_excel(copy_template(pathlib.Path(tempfile.mkdtemp()) / "t.xlsx")).name
'Harbour tunnel (template)'
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import Any

from mutualgains.errors import CaseError
from mutualgains.io.excel.controls import read_controls
from mutualgains.io.excel.core import read_parties, read_scores, read_settings
from mutualgains.io.excel.money import read_costs, read_transfers
from mutualgains.io.excel.names import Names
from mutualgains.io.excel.phasing import read_phasing
from mutualgains.io.excel.relations import (
    read_excludes,
    read_precedes,
    read_requires,
    read_synergy,
)
from mutualgains.io.excel.uncertainty_sheet import read_uncertainty_sheet
from mutualgains.io.excel.workbook import Reading, open_workbook
from mutualgains.model import Case
from mutualgains.params import AnyOf, FilePath, Instance, validated

__all__ = ["READERS", "case_from_excel"]

READERS: tuple[Callable[[Reading, dict[str, Any], Names], None], ...] = (
    read_settings, read_parties, read_scores, read_costs, read_requires, read_excludes,
    read_synergy, read_precedes, read_transfers, read_phasing, read_uncertainty_sheet,
    read_controls,
)
"""The sheet readers, in order: ``reader(reading, data, names)`` reads its sheets into
``data`` (the case-file form) and records problems; ``parties`` and ``scores`` fill
``names`` for the readers after them."""


def case_data(reading: Reading) -> dict[str, Any]:
    """The case in the case-file form, from every known sheet of ``reading``.

    Examples
    --------
    >>> reading = Reading(values=None)  # no sheet at all
    >>> case_data(reading), [p.where for p in reading.problems]
    ({}, ['parties', 'scores'])
    """
    reading.open_sheets()
    data: dict[str, Any] = {}
    names = Names()
    for read in READERS:
        read(reading, data, names)
    return data


@validated(path=AnyOf((FilePath(), Instance(io.IOBase, label="a binary file object"))))
def case_from_excel(path: str | os.PathLike | Any) -> Case:
    """Read a case from an Excel workbook in the layout of :data:`SHEETS`.

    Parameters
    ----------
    path : str, path-like or binary file object
        An ``.xlsx`` workbook. Formulas count with the value Excel last
        computed for them; a formula without a computed value (a workbook
        written by a script, or never recalculated) is a problem naming its
        cell, never read as blank.

    Returns
    -------
    Case

    Raises
    ------
    CaseError
        With every problem found, each naming its place as Excel shows it:
        ``scores!D7 (score)`` for a cell, ``scores row 7`` for a row,
        ``scores`` for a sheet.
    UsageError
        When openpyxl is not installed (``pip install "mutualgains[excel]"``).

    Examples
    --------
    >>> import pytest; openpyxl = pytest.importorskip("openpyxl")  # the "excel" extra
    >>> import tempfile, pathlib
    >>> book = openpyxl.Workbook()
    >>> parties = book.active
    >>> parties.title = "parties"
    >>> for row in [("party", "batna"), ("Port", 5), ("City", 3)]:
    ...     parties.append(row)
    >>> scores = book.create_sheet("scores")
    >>> for row in [("party", "issue", "option", "score"),
    ...             ("Port", "dredging", "none", 0), ("Port", "dredging", "deep", 8),
    ...             ("City", "dredging", "none", 4), ("City", "dredging", "deep", "ten")]:
    ...     scores.append(row)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "case.xlsx"
    >>> book.save(path)
    >>> case_from_excel(path)
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      scores!D5 (score): must be a number (got 'ten')
    >>> scores["D5"] = 10
    >>> book.save(path)
    >>> case_from_excel(path).utilities({"dredging": "deep"})
    {'Port': 8, 'City': 10}
    """
    from mutualgains.model.convert import case_from_dict

    reader = open_workbook(path)
    try:
        data = case_data(reader)
    finally:
        reader.close()
    problems = list(reader.problems)
    hidden = set()  # already reported as a missing sheet or column
    if not reader.usable("parties"):
        hidden.add("parties")
    if not reader.usable("scores"):
        hidden.add("issues")
    try:
        case = case_from_dict(data)
    except CaseError as err:
        seen = set(problems)
        for problem in err.problems:
            if problem.where in hidden:
                continue
            located = reader.locate(problem)
            if located not in seen:
                seen.add(located)
                problems.append(located)
        raise CaseError(problems) from None
    if problems:
        raise CaseError(problems)
    return case
