"""The ``uncertainty`` sheet: one row per uncertain score, issue, party or BATNA.

Columns (see :data:`~mutualgains.io.excel.layout.SHEETS`): ``target`` says what the
row is about (``score``: one score, with ``party``, ``issue`` and ``option``;
``issue``: every score on ``issue``; ``party``: every score of ``party``;
``batna``: the BATNA of ``party``). A noise fills ``relative`` or ``absolute``
(and optionally ``shape``, and ``low``/``high`` to truncate a normal); a
distribution fills ``shape`` and its parameters: ``low, high`` (interval,
uniform), ``low, mode, high`` (triangular), ``mean, sd`` and optionally
``low, high`` (normal). The rows become the case file's ``uncertainty`` mapping
(:mod:`mutualgains.model.uncertainty`), so every problem is named at its row or cell.

Examples
--------
>>> from mutualgains.model.uncertainty import Interval, Noise, Uncertainty
>>> from mutualgains.io.examples import load_example
>>> import dataclasses
>>> case = dataclasses.replace(load_example("harbour"), uncertainty=Uncertainty(
...     parties={"City": Noise(0.1, relative=True)}, batnas={"Port": Interval(50, 60)}))
>>> for row in uncertainty_sheet_rows(case):
...     print([v for v in row if v is not None])
['party', 'City', 'normal', 0.1]
['batna', 'Port', 'interval', 50, 60]
"""

from __future__ import annotations

from typing import Any, Protocol

from mutualgains.io.excel.cells import BAD, Row
from mutualgains.model import Case
from mutualgains.model.uncertainty import Interval, Noise, Normal, Spread, Triangular

__all__ = ["TARGETS", "read_uncertainty_sheet", "uncertainty_sheet_rows"]

TARGETS: tuple[str, ...] = ("score", "issue", "party", "batna")
"""Values of the ``target`` column."""

_NAMES = {"score": ("party", "issue", "option"), "issue": ("issue",), "party": ("party",),
          "batna": ("party",)}
_PARAMETERS = {"interval": ("low", "high"), "uniform": ("low", "high"),
               "triangular": ("low", "mode", "high"), "normal": ("mean", "sd", "low", "high")}
_NUMBERS = ("low", "mode", "high", "mean", "sd", "relative", "absolute")


class SheetReader(Protocol):  # pragma: no cover - the workbook reader provides these
    """What this sheet needs of the workbook reader."""

    def table(self, name: str) -> list[Row] | None: ...
    def text(self, row: Row, column: str, *, required: bool = True) -> str | None: ...
    def number(self, row: Row, column: str) -> Any: ...
    def problem(self, where: str, rule: str, got: Any = ...) -> None: ...
    def place(self, path: str, where: str) -> None: ...


def read_uncertainty_sheet(reader: SheetReader, data: dict[str, Any],
                           names: object = None) -> None:
    """Read the ``uncertainty`` sheet (when there is one) into ``data["uncertainty"]``.

    A reader of :data:`~mutualgains.io.excel.reader.READERS` (``names``, the names read
    so far, is not needed: the names are checked with the whole case).

    Names are checked later, with the whole case (each problem then points at the
    row); what is checked here is the shape of every row.

    Examples
    --------
    >>> import pytest; openpyxl = pytest.importorskip("openpyxl")
    >>> import tempfile, pathlib
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.io.excel import case_from_excel, case_to_excel
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "case.xlsx"
    >>> case_to_excel(load_example("harbour"), path)
    >>> book = openpyxl.load_workbook(path)
    >>> sheet = book.create_sheet("uncertainty")
    >>> for row in [("target", "party", "shape", "relative"), ("party", "City", None, 0.1)]:
    ...     sheet.append(row)
    >>> book.save(path)
    >>> case_from_excel(path).uncertainty.parties["City"].size
    0.1
    """
    rows = reader.table("uncertainty")
    if rows is None:
        return
    out: dict[str, Any] = {}
    first: dict[tuple, int] = {}
    for row in rows:
        target = reader.text(row, "target")
        if target is None:
            continue
        target = target.strip().lower()
        if target not in TARGETS:
            reader.problem(row.cell("target"), f"must be one of {', '.join(TARGETS)}", target)
            continue
        given = [reader.text(row, c) if row.has(c) else None for c in _NAMES[target]]
        unused = [c for c in ("party", "issue", "option") if c not in _NAMES[target]
                  and row.has(c) and not row.blank(c)]
        for column in unused:
            reader.problem(row.cell(column), f"must be empty for target {target}")
        missing = [c for c, n in zip(_NAMES[target], given, strict=True) if n is None]
        for column in missing:
            if not row.has(column):
                reader.problem(row.where, f"target {target} needs a {column} column")
        spread = _spread(reader, row)
        if missing or unused or spread is None:
            continue
        names = [n for n in given if n is not None]  # all of them: none is missing
        key = (target, *names)
        if key in first:
            reader.problem(row.where, f"duplicate row for this {target} (first at row "
                           f"{first[key]})", ", ".join(names))
            continue
        first[key] = row.number
        section = {"score": "scores", "issue": "issues", "party": "parties",
                   "batna": "batnas"}[target]
        path = f"uncertainty.{section}"
        reader.place(path, row.where)
        if target == "score":
            party, issue, option = names
            reader.place(f"{path}.{party}", row.cell("party"))
            reader.place(f"{path}.{party}.{issue}", row.cell("issue"))
            path = f"{path}.{party}.{issue}.{option}"
            out.setdefault("scores", {}).setdefault(party, {}).setdefault(issue, {})[
                option] = spread
        else:
            path = f"{path}.{names[0]}"
            out.setdefault(section, {})[names[0]] = spread
        reader.place(path, row.where)
        for column in _NUMBERS:
            if row.has(column) and not row.blank(column):
                inner = column if column in ("relative", "absolute") or "normal" not in spread \
                    else f"normal.{column}"
                reader.place(f"{path}.{inner}", row.cell(column))
    reader.place("uncertainty", rows[0].sheet if rows else "uncertainty")
    data["uncertainty"] = out


def _spread(reader: SheetReader, row: Row) -> dict[str, Any] | None:
    """The case-file form of the row's spread, or None after recording problems."""
    values = {c: reader.number(row, c) for c in _NUMBERS if row.has(c)}
    if any(v is BAD for v in values.values()):
        return None
    filled = {c: v for c, v in values.items() if v is not None}
    shape = reader.text(row, "shape", required=False) if row.has("shape") else None
    shape = None if shape is None else shape.strip().lower()
    if shape is not None and shape not in _PARAMETERS:
        reader.problem(row.cell("shape"), f"must be one of {', '.join(_PARAMETERS)}", shape)
        return None
    noise = [c for c in ("relative", "absolute") if c in filled]
    if len(noise) == 2:
        reader.problem(row.where, "fill relative or absolute, not both")
        return None
    if noise:
        allowed = {noise[0], "low", "high"}
        out: dict[str, Any] = {noise[0]: filled[noise[0]]}
        if shape is not None:
            out["shape"] = shape
    elif shape is None:
        reader.problem(row.where, "needs relative or absolute (a noise), or a shape "
                       f"({', '.join(_PARAMETERS)}) with its parameters")
        return None
    else:
        allowed = set(_PARAMETERS[shape])
        needed = [c for c in _PARAMETERS[shape][:3 if shape == "triangular" else 2]
                  if c not in filled]
        if needed:
            reader.problem(row.where, f"shape {shape} needs {', '.join(needed)}")
            return None
        if shape == "normal":
            out = {"normal": {c: filled[c] for c in _PARAMETERS["normal"] if c in filled}}
        else:
            out = {shape: [filled[c] for c in _PARAMETERS[shape]]}
    extra = [c for c in filled if c not in allowed]
    for column in extra:
        reader.problem(row.cell(column), "is not used here (a noise takes relative or "
                       "absolute, shape, low, high; a distribution the parameters of its "
                       "shape)")
    if extra:
        return None
    if noise:
        out.update({c: filled[c] for c in ("low", "high") if c in filled})
    return out


def _row(target: str, names: tuple[str, ...], spread: Spread) -> list[Any]:
    party, issue, option = {"score": names, "issue": (None, names[0], None),
                            "party": (names[0], None, None),
                            "batna": (names[0], None, None)}[target]
    cells: dict[str, Any] = {}
    if isinstance(spread, Noise):
        cells = {"shape": spread.shape, "relative" if spread.relative else "absolute":
                 spread.size, "low": spread.low, "high": spread.high}
    elif isinstance(spread, Normal):
        cells = {"shape": "normal", "mean": spread.mean, "sd": spread.sd, "low": spread.low,
                 "high": spread.high}
    elif isinstance(spread, Triangular):
        cells = {"shape": "triangular", "low": spread.low, "mode": spread.mode,
                 "high": spread.high}
    elif isinstance(spread, Interval):
        cells = {"shape": spread.kind, "low": spread.low, "high": spread.high}
    return [target, party, issue, option,
            *(cells.get(c) for c in ("shape", "low", "mode", "high", "mean", "sd", "relative",
                                     "absolute"))]


def uncertainty_sheet_rows(case: Case) -> list[list[Any]]:
    """The rows of the ``uncertainty`` sheet for ``case`` (none without uncertainty).

    The columns are those of ``SHEETS["uncertainty"]``.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> uncertainty_sheet_rows(with_noise(load_example("harbour"), 0.1))[0][:5]
    ['party', 'Port', None, None, 'normal']
    """
    u = case.uncertainty
    if u is None:
        return []
    rows = [_row("score", (p, i, o), s) for p, row in u.scores.items()
            for i, cells in row.items() for o, s in cells.items()]
    rows += [_row("issue", (i,), s) for i, s in u.issues.items()]
    rows += [_row("party", (p,), s) for p, s in u.parties.items()]
    rows += [_row("batna", (p,), s) for p, s in u.batnas.items()]
    return rows
