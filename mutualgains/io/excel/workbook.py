"""The workbook layer of the Excel reader: opening a workbook safely, its sheets as tables of
rows, cell values as text, numbers and booleans, and problems located at their cells.

Opening is bounded before openpyxl parses anything: a regular file of at most
:data:`~mutualgains.limits.MAX_FILE_BYTES`, a zip whose parts hold at most
:data:`~mutualgains.limits.MAX_WORKBOOK_BYTES` uncompressed and no DOCTYPE or ENTITY
declaration; sheets are streamed (openpyxl's read-only mode), at most
:data:`~mutualgains.limits.MAX_WORKBOOK_CELLS` cells in all.

Formulas count with the value Excel last computed for them. A formula cell without a
computed value (a workbook written by a script, or never recalculated) is a problem
naming the cell, never a blank: when a sheet holds formulas the workbook is read a second
time with its formulas, to tell such a cell from an empty one.

Examples
--------
>>> import pytest; openpyxl = pytest.importorskip("openpyxl")
>>> import tempfile, pathlib
>>> book = openpyxl.Workbook()
>>> book.active.title = "parties"
>>> for row in [("party", "batna"), ("Port", "=2+3")]:
...     book.active.append(row)
>>> path = pathlib.Path(tempfile.mkdtemp()) / "f.xlsx"
>>> book.save(path)  # openpyxl stores formulas without computing them
>>> reading = open_workbook(path)
>>> reading.open_sheets()  # finds the parties sheet (and reports the missing scores sheet)
>>> rows = reading.table("parties")
>>> reading.number(rows[0], "batna") is BAD, str(reading.problems[-1])
(True, 'parties!B2 (batna): the formula =2+3 has no computed value (the workbook was saved \
without calculating it, e.g. by a script: open and save it in Excel or LibreOffice, or write \
the value itself)')
>>> reading.close()
"""

from __future__ import annotations

import io
import itertools
import numbers
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mutualgains.errors import CaseError, Problem
from mutualgains.io.excel.cells import BAD, Row, as_number, is_blank
from mutualgains.io.excel.layout import (
    REQUIRED_COLUMNS,
    REQUIRED_SHEETS,
    SHEETS,
    columns_of,
    is_ignored,
    normalise,
    openpyxl_module,
)
from mutualgains.limits import MAX_FILE_BYTES, MAX_WORKBOOK_BYTES, MAX_WORKBOOK_CELLS, refusal
from mutualgains.util import show

__all__ = ["Reading", "Uncomputed", "open_workbook"]

_UNSAFE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d{1,12})\"")
_COLUMN = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,7})\d")
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # the last row and column of an Excel sheet
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Uncomputed:
    """A formula cell without a computed value (what it holds instead of a value).

    Examples
    --------
    >>> Uncomputed("=10+4").formula
    '=10+4'
    """

    formula: str


@dataclass
class Reading:
    """A workbook being read: its known sheets, the problems found and where case data
    comes from (case-file path -> Excel place), for locating the model's problems.

    Examples
    --------
    >>> reading = Reading(values=None)
    >>> reading.problem("scores!D7 (score)", "must be a number", "ten")
    >>> [str(p) for p in reading.problems]
    ["scores!D7 (score): must be a number (got 'ten')"]
    """

    values: Any  # the workbook with computed values (openpyxl, read-only)
    formulas: Any = None  # the same workbook with its formulas, when a sheet has some
    problems: list[Problem] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)  # case-file path -> Excel place
    sheets: dict[str, Any] = field(default_factory=dict)  # known sheet name -> worksheet
    broken: set[str] = field(default_factory=set)  # sheets missing a required column
    settings: dict[str, tuple[Any, Row]] = field(default_factory=dict)  # the settings sheet
    cells: int = 0  # cells read so far, every sheet together

    @classmethod
    def from_rows(cls, sheets: dict[str, list[tuple]]) -> Reading:
        """A reading of in-memory sheets (name -> rows, the header first), already opened.

        Examples
        --------
        >>> reading = Reading.from_rows({"parties": [("party", "batna"), ("Port", 5)]})
        >>> [row.values for row in reading.table("parties")]
        [{'party': 'Port', 'batna': 5}]
        """
        reading = cls(values=_Book(sheets))
        reading.open_sheets()
        reading.problems.clear()  # a missing required sheet is not the point here
        return reading

    # ------------------------------------------------------------ problems

    def problem(self, where: str, rule: str, got: Any = BAD) -> None:
        """Record a problem at ``where`` (``got`` shown briefly, unless left out)."""
        self.problems.append(Problem(where, rule, None if got is BAD else show(got)))

    def place(self, path: str, where: str) -> None:
        """Remember that case-file ``path`` comes from ``where`` (the first place wins)."""
        self.places.setdefault(path, where)

    def locate(self, problem: Problem) -> Problem:
        """``problem`` with its case-file path replaced by the Excel place it comes from."""
        where = problem.where
        # the longest known path that is ``where`` or a prefix of it ending before . or [
        ends = [len(where)] + [k for k in range(len(where) - 1, 0, -1) if where[k] in ".["]
        for end in ends:
            place = self.places.get(where[:end])
            if place is not None:
                return Problem(place, problem.rule, problem.got)
        return problem

    def close(self) -> None:
        """Release the workbook files."""
        for book in (self.values, self.formulas):
            if book is not None:
                book.close()

    # --------------------------------------------------------------- sheets

    def usable(self, name: str) -> bool:
        """Whether sheet ``name`` is there with its required columns."""
        return name in self.sheets and name not in self.broken

    def title(self, name: str) -> str:
        """The title of known sheet ``name`` as written in the workbook."""
        return self.sheets[name].title

    def open_sheets(self) -> None:
        """Find the known sheets; report unknown ones and missing required ones."""
        known = ", ".join(SHEETS)
        for ws in self.values.worksheets if self.values is not None else ():
            name = normalise(ws.title)
            if name == "readme" or is_ignored(ws.title.strip()):
                continue
            if name not in SHEETS:
                self.problem(ws.title, f"unknown sheet (known: {known}; a sheet named readme "
                             "or starting with _ is ignored)")
            else:
                self.sheets[name] = ws
        for name in REQUIRED_SHEETS:
            if name not in self.sheets:
                self.problem(name, f"required sheet is missing (need {', '.join(REQUIRED_SHEETS)})")

    def _rows(self, ws: Any) -> Iterator[tuple[int, tuple]]:
        """``(row number, values)`` of the rows of ``ws`` that hold something, formula cells
        without a value as :class:`Uncomputed`; every row counts towards the cell limit."""
        ws.reset_dimensions()  # scripts write wrong ones: read what is there
        formulas = self._formula_cells(ws.title)
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            self.cells += len(values) or 1
            if self.cells > MAX_WORKBOOK_CELLS:
                raise CaseError([Problem(f"{ws.title} row {number}", "the workbook must "
                                         f"have {refusal('MAX_WORKBOOK_CELLS', 'cells')} "
                                         "(empty ones within rows count)")])
            missing = formulas.get(number)
            if missing:
                values = tuple(Uncomputed(missing[k]) if k in missing and is_blank(v) else v
                               for k, v in enumerate(values, start=1))
            elif values.count(None) == len(values):  # empty (fast: most rows of a big sheet)
                continue
            yield number, values

    def _formula_cells(self, title: str) -> dict[int, dict[int, str]]:
        """``row -> column -> formula`` of the formula cells of sheet ``title``."""
        if self.formulas is None or title not in self.formulas.sheetnames:
            return {}
        ws = self.formulas[title]
        ws.reset_dimensions()
        out: dict[int, dict[int, str]] = {}
        for number, row in enumerate(ws.iter_rows(), start=1):
            for k, cell in enumerate(row, start=1):
                if getattr(cell, "data_type", None) == "f":
                    text = getattr(cell.value, "text", cell.value)  # array formulas
                    out.setdefault(number, {})[k] = str(text)
        return out

    def table(self, name: str, *, patterns: Iterable[str] = ()) -> list[Row] | None:
        """The data rows of sheet ``name``; None when it is absent or lacks a required column
        (reported), so that a broken sheet adds no cascade of problems."""
        ws = self.sheets.get(name)
        if ws is None:
            return None
        rows = self._rows(ws)
        first = next(rows, None)
        header: tuple = ()
        if first is not None and first[0] == 1:
            header = first[1]
        elif first is not None:  # no header row: the first data row is kept
            rows = itertools.chain([first], rows)
        columns, letters = self._header(ws.title, name, header, tuple(patterns))
        missing = [c for c in REQUIRED_COLUMNS[name] if c not in letters]
        if missing:
            self.problem(f"{ws.title} row 1", f"required column{'s' if len(missing) > 1 else ''} "
                         f"missing: {', '.join(missing)} (row 1 holds the headers: "
                         f"{columns_of(name)})",
                         ", ".join(map(str, (h for h in header if not is_blank(h))))
                         or "no headers")
            self.broken.add(name)
            return None
        out = []
        for number, values in rows:
            row = self._row(ws.title, number, values, header, columns, letters)
            if row is not None:
                out.append(row)
        return out

    def _header(self, title: str, name: str, header: tuple,
                patterns: tuple[str, ...]) -> tuple[dict[int, str], dict[str, str]]:
        """``column number -> name`` and ``name -> letter`` of the known columns of row 1."""
        from openpyxl.utils import get_column_letter

        columns: dict[int, str] = {}
        letters: dict[str, str] = {}
        allowed = [c for c in SHEETS[name] if "<" not in c]
        for k, raw in enumerate(header, start=1):
            if is_blank(raw) or isinstance(raw, Uncomputed):
                continue
            column, letter = normalise(raw), get_column_letter(k)
            if column == "note" or is_ignored(str(raw).strip()):
                continue
            if column in letters:
                self.problem(f"{title}!{letter}1 ({column})",
                             f"duplicate column (first at {letters[column]}1)")
            elif column not in allowed and not any(re.fullmatch(p, column) for p in patterns):
                self.problem(f"{title}!{letter}1 ({column})",
                             f"unknown column (known: {columns_of(name)})", raw)
            else:
                columns[k] = column
                letters[column] = letter
        return columns, letters

    def _row(self, title: str, number: int, values: tuple, header: tuple,
             columns: dict[int, str], letters: dict[str, str]) -> Row | None:
        """One data row, None when blank; values outside a known column are reported."""
        from openpyxl.utils import get_column_letter

        if all(is_blank(v) for v in values):
            return None
        named: dict[str, Any] = {}
        for k, value in enumerate(values, start=1):
            if is_blank(value):
                continue
            if k in columns:
                named[columns[k]] = value
            elif k > len(header) or is_blank(header[k - 1]):
                self.problem(f"{title}!{get_column_letter(k)}{number}",
                             "value in a column without a header",
                             value.formula if isinstance(value, Uncomputed) else value)
        return Row(title, number, named, letters) if named else None

    def key_values(self, name: str, known: Iterable[str], *,
                   patterns: Iterable[str] = ()) -> dict[str, tuple[Any, Row]]:
        """``key -> (value, row)`` of a key/value sheet, blank values left out."""
        rows = self.table(name)
        if not rows:
            return {}
        known = tuple(known)
        shown = ", ".join(k for k in known)
        out: dict[str, tuple[Any, Row]] = {}
        first: dict[str, int] = {}
        for row in rows:
            key = self.text(row, "key")
            if key is None:
                continue
            key = normalise(key)
            if key in first:
                self.problem(row.cell("key"), f"duplicate key (first at row {first[key]})", key)
                continue
            first[key] = row.number
            if key not in known and not any(re.fullmatch(p, key) for p in patterns):
                self.problem(row.cell("key"), f"unknown key (known: {shown})", key)
                continue
            if not row.blank("value"):
                out[key] = (row.values["value"], row)
        return out

    @staticmethod
    def value_cell(values: dict[str, tuple[Any, Row]], key: str) -> str:
        """Where the value of ``key`` is on a key/value sheet."""
        return values[key][1].cell("value", key)

    def setting(self, values: dict[str, tuple[Any, Row]], key: str, kind: str,
                path: str | None = None) -> Any:
        """The value of ``key`` on a key/value sheet as ``"text"``, a ``"number"`` or an
        ``"integer"`` (None when absent or bad); ``path``: the case-file path it fills."""
        if key not in values:
            return None
        raw, row = values[key]
        probe = Row(row.sheet, row.number, {"value": raw}, row.letters)
        if path is not None:
            self.place(path, probe.cell("value", key))
        if kind == "text":
            return self.text(probe, "value", label=key)
        value = self.number(probe, "value", label=key, integer=kind == "integer")
        return None if value is BAD else value

    # ---------------------------------------------------------- cell values

    def _uncomputed(self, row: Row, column: str, label: str | None, value: Any) -> bool:
        """Whether ``value`` is a formula without a computed value (then reported)."""
        if not isinstance(value, Uncomputed):
            return False
        self.problem(row.cell(column, label), f"the formula {value.formula} has no computed "
                     "value (the workbook was saved without calculating it, e.g. by a script: "
                     "open and save it in Excel or LibreOffice, or write the value itself)")
        return True

    def text(self, row: Row, column: str, *, required: bool = True,
             label: str | None = None) -> str | None:
        """A name or free text; numbers become their text (``1`` -> ``"1"``)."""
        if not row.has(column):
            return None
        value = row.values.get(column)
        if self._uncomputed(row, column, label, value):
            return None
        if is_blank(value):
            if required:
                self.problem(row.cell(column, label), "must not be empty")
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)
        self.problem(row.cell(column, label), "must be text", value)
        return None

    def number(self, row: Row, column: str, *, label: str | None = None,
               integer: bool = False, required: bool = False) -> Any:
        """A finite number, None when blank (or BAD after recording a problem)."""
        if not row.has(column):
            return None
        value = row.values.get(column)
        if self._uncomputed(row, column, label, value):
            return BAD
        if is_blank(value):
            if required:
                self.problem(row.cell(column, label), "must be a number", "an empty cell")
                return BAD
            return None
        number = as_number(value)
        if number is BAD:
            self.problem(row.cell(column, label), "must be a number", value)
            return BAD
        if integer:
            if isinstance(number, float) and number.is_integer():
                number = int(number)
            if not isinstance(number, int):
                self.problem(row.cell(column, label), "must be a whole number", value)
                return BAD
        return number

    def boolean(self, row: Row, column: str) -> Any:
        """TRUE/FALSE (or yes/no, 1/0), None when blank, BAD after recording a problem."""
        if not row.has(column) or row.blank(column):
            return None
        value = row.values[column]
        if self._uncomputed(row, column, None, value):
            return BAD
        if isinstance(value, bool):
            return value
        if isinstance(value, numbers.Real) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            word = value.strip().lower()
            if word in ("true", "yes", "y", "x"):
                return True
            if word in ("false", "no", "n"):
                return False
        self.problem(row.cell(column), "must be TRUE or FALSE (or yes/no, 1/0)", value)
        return BAD


class _Sheet:
    """An in-memory worksheet, as :class:`Reading` reads one (see :meth:`Reading.from_rows`)."""

    def __init__(self, title: str, rows: list[tuple]):
        self.title, self.rows = title, rows

    def reset_dimensions(self) -> None:
        pass

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple]:
        return iter(self.rows)


class _Book:
    """In-memory worksheets, as openpyxl's read-only workbook shows them."""

    def __init__(self, sheets: dict[str, list[tuple]]):
        self.worksheets = [_Sheet(title, rows) for title, rows in sheets.items()]
        self.sheetnames = list(sheets)

    def close(self) -> None:
        pass


# -------------------------------------------------------------------- opening


def open_workbook(path: str | os.PathLike | Any) -> Reading:
    """Open the workbook at ``path`` (a path or a binary file object) for reading.

    Examples
    --------
    >>> import pytest; _ = pytest.importorskip("openpyxl")
    >>> import tempfile, pathlib
    >>> from mutualgains.io.excel.writer import copy_template
    >>> reading = open_workbook(copy_template(pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"))
    >>> reading.open_sheets()
    >>> sorted(reading.sheets)[:3], reading.problems
    (['controls', 'costs', 'excludes'], [])
    >>> reading.close()

    Raises
    ------
    CaseError
        When there is no such file, it is not a regular file, too large, not an
        ``.xlsx`` workbook, or holds a DOCTYPE or ENTITY declaration.
    UsageError
        When openpyxl is not installed.
    """
    openpyxl = openpyxl_module()
    name = str(path) if isinstance(path, str | os.PathLike) else "workbook"
    raw = _read_bounded(path, name)
    formulas = _check_parts(raw, name)
    try:
        values = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        book = None
        if formulas:
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as err:  # openpyxl raises many kinds on a damaged workbook
        raise CaseError([_unreadable(name, err)]) from None
    return Reading(values, book)


def _unreadable(name: str, err: BaseException) -> Problem:
    return Problem(name, "cannot be read as an Excel workbook (.xlsx)",
                   f"{type(err).__name__}: {str(err)[:100]}")


def _read_bounded(path: Any, name: str) -> bytes:
    """The bytes of the workbook, refusing what is not a regular file or is too large."""
    if not isinstance(path, str | os.PathLike):
        try:
            raw = path.read(MAX_FILE_BYTES + 1)
        except (AttributeError, OSError, ValueError) as err:
            raise CaseError([Problem(name, "cannot be read", str(err))]) from None
        if not isinstance(raw, bytes):
            raise CaseError([Problem(name, "must be a path or a binary file object",
                                     type(path).__name__)])
        if len(raw) > MAX_FILE_BYTES:
            raise CaseError([Problem(name, f"must be {refusal('MAX_FILE_BYTES', 'bytes')}",
                                     "more")])
        return raw
    from mutualgains.io.files import read_regular_file

    try:
        return read_regular_file(Path(path))
    except CaseError as err:
        if err.problems[0].rule == "no such file or folder":
            raise CaseError([Problem(name, "no such file")]) from None
        raise


def _check_parts(raw: bytes, name: str) -> bool:
    """Refuse a zip bomb or a DTD before openpyxl parses; whether a sheet has formulas."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as err:
        raise CaseError([_unreadable(name, err)]) from None
    total = sum(part.file_size for part in parts)
    if total > MAX_WORKBOOK_BYTES:
        raise CaseError([Problem(name, f"must hold {refusal('MAX_WORKBOOK_BYTES', 'bytes')} "
                                 "uncompressed", f"{total:,} bytes")])
    formulas = False
    with archive:
        for part in parts:
            if not part.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                unsafe, has_formula, rows, columns = _scan(archive, part)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError,
                    NotImplementedError) as err:
                raise CaseError([_unreadable(name, err)]) from None
            if unsafe:
                raise CaseError([Problem(f"{name} ({part.filename})", "must not contain a "
                                         "DOCTYPE or ENTITY declaration (refused before "
                                         "parsing; nothing was expanded)")])
            if rows > EXCEL_ROWS or columns > EXCEL_COLUMNS:
                raise CaseError([Problem(f"{name} ({part.filename})", f"names a cell beyond "
                                         f"the last of an Excel sheet (row {EXCEL_ROWS:,}, "
                                         f"column {EXCEL_COLUMNS:,}, XFD)",
                                         f"row {rows:,}, column {columns:,}")])
            formulas = formulas or (has_formula and "worksheets/" in part.filename)
    return formulas


def _scan(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> tuple[bool, bool, int, int]:
    """Whether ``part`` holds a DOCTYPE or ENTITY declaration and a formula element, and the
    largest row and column numbers its cells name."""
    unsafe = formula = False
    rows = columns = 0
    tail = b""
    with archive.open(part) as fh:
        while chunk := fh.read(_CHUNK):
            text = tail + chunk.replace(b"\x00", b"")
            unsafe = unsafe or _UNSAFE.search(text) is not None
            formula = formula or _FORMULA.search(text) is not None
            if unsafe:
                break
            rows = max([rows, *map(int, _ROW.findall(text))])
            columns = max([columns, *map(_column_number, set(_COLUMN.findall(text)))])
            tail = text[-256:]
    return unsafe, formula, rows, columns


def _column_number(letters: bytes) -> int:
    """``b"A"`` -> 1, ``b"XFD"`` -> 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number

