"""Writing a case to a workbook (every value exact), and the template.

Examples
--------
>>> import tempfile, pathlib
>>> target = copy_template(pathlib.Path(tempfile.mkdtemp()) / "case.xlsx")
>>> target.suffix
'.xlsx'
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from mutualgains.errors import UsageError
from mutualgains.io.excel.cells import join_options
from mutualgains.io.excel.layout import SHEETS, openpyxl_module
from mutualgains.io.excel.uncertainty_sheet import uncertainty_sheet_rows
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.params import AnyOf, FilePath, Instance, validated

__all__ = ["case_to_excel", "copy_template"]


class _Writer:
    """Writes tables into a new workbook, keeping every value exact."""

    def __init__(self, openpyxl: Any):
        self.openpyxl = openpyxl
        self.book = openpyxl.Workbook()
        self.book.remove(self.book.active)

    def sheet(self, name: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        ws = self.book.create_sheet(name)
        header = list(header)
        widths = [len(h) for h in header]
        for k, title in enumerate(header, start=1):
            ws.cell(row=1, column=k, value=title).font = Font(bold=True)
        for r, row in enumerate(rows, start=2):
            for k, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                self.put(ws.cell(row=r, column=k), value)
                widths[k - 1] = max(widths[k - 1], min(len(str(value)), 60))
        for k, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(k)].width = width + 2
        ws.freeze_panes = "A2"

    @staticmethod
    def put(cell: Any, value: Any) -> None:
        if isinstance(value, str):
            from openpyxl.utils.exceptions import IllegalCharacterError

            try:
                cell.value = value
            except IllegalCharacterError as err:
                raise UsageError(f"case_to_excel: {value!r} holds a character that Excel "
                                 f"cells cannot store ({err})") from None
            cell.data_type = "s"  # text that starts with "=" stays text, not a formula
        elif isinstance(value, float) and float(f"{value:.16g}") != value:
            # openpyxl writes 16 significant digits; keep the 17 this float needs
            cell.value = value
            cell._value = repr(value)
        else:
            cell.value = value

    def save(self, path: Any) -> None:
        self.book.save(path)


@validated(case=CASE,
           path=AnyOf((FilePath(), Instance(io.IOBase, label="a binary file object"))))
def case_to_excel(case: Case, path: str | os.PathLike | Any) -> None:
    """Write ``case`` to an Excel workbook; :func:`case_from_excel` reads it back equal.

    The sheets ``settings``, ``parties`` and ``scores`` are always written (every
    party and option, zero scores included, so options keep their order); the
    others only when the case uses them. Numbers are stored exactly.

    Parameters
    ----------
    case : Case
    path : str, path-like or binary file object
        Where to write the ``.xlsx`` workbook (an existing file is replaced).

    Raises
    ------
    UsageError
        When ``case`` is not a Case, or openpyxl is not installed
        (``pip install "mutualgains[excel]"``).

    Examples
    --------
    >>> import pytest; openpyxl = pytest.importorskip("openpyxl")  # the "excel" extra
    >>> import tempfile, pathlib
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.io.excel import case_from_excel
    >>> case = load_example("regional")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "regional.xlsx"
    >>> case_to_excel(case, path)
    >>> openpyxl.load_workbook(path).sheetnames
    ['settings', 'parties', 'scores', 'precedes', 'phasing', 'projects']
    >>> case_from_excel(path) == case
    True
    """
    writer = _Writer(openpyxl_module())
    for name, header, rows in _tables(case):
        writer.sheet(name, header, rows)
    writer.save(path)


def _tables(case: Case) -> list[tuple[str, tuple[str, ...], list[list[Any]]]]:
    """``(sheet, header, rows)`` for every sheet ``case`` needs, in order."""
    out: list[tuple[str, tuple[str, ...], list[list[Any]]]] = []

    def add(name: str, rows: list[list[Any]], header: tuple[str, ...] | None = None) -> None:
        out.append((name, header or SHEETS[name], rows))

    settings: list[list[Any]] = [
        ["name", case.name], ["description", case.description or None],
        ["margin", case.margin], ["min_parties", case.decision_rule.min_parties],
        ["total_budget", case.total_budget],
    ]
    t = case.transfers
    if t is not None:
        settings.append(["transfers", "all" if t.pairs is None else "listed"])
        settings.append(["transfer_cap", t.cap])
    add("settings", settings)
    add("parties", [[p.name, p.batna, p.weight, p.veto, p.cap, p.budget] for p in case.parties])
    add("scores", [[p, i.name, o, v] for p in case.party_names for i in case.issues
                   for o, v in zip(i.options, case.scores[p][i.name], strict=True)])
    if case.costs:
        add("costs", [[i, o, c] for i, values in case.costs.items()
                      for o, c in zip(case.issue(i).options, values, strict=True)])
    if case.requires:
        rows = []
        for r in case.requires:
            for k, (issue, options) in enumerate(r.needs.items()):
                rows.append([*(r.option if k == 0 else (None, None)), issue,
                             join_options(options)])
        add("requires", rows)
    if case.excludes:
        add("excludes", [[*e.a, *e.b] for e in case.excludes])
    if case.synergy:
        rows = []
        for k, s in enumerate(case.synergy, start=1):
            name = s.name or None
            for issue, options in s.when.items():
                rows.append([k, name, issue, join_options(options), None, None])
                name = None
            rows.extend([k, None, None, None, party, value] for party, value in s.bonus.items())
        add("synergy", rows)
    if case.precedes:
        add("precedes", [[*p.before, *p.after] for p in case.precedes])
    if t is not None:
        if t.pairs is not None:
            add("transfers", [list(pair) for pair in t.pairs])
        if t.rate:
            add("rates", [[party, rate] for party, rate in t.rate.items()])
    if case.phasing is not None:
        plan = case.phasing
        rows = [["periods", plan.periods]]
        if len(set(plan.budget)) == 1:
            rows.append(["budget", plan.budget[0]])
        else:
            rows.extend([f"budget_{k}", b] for k, b in enumerate(plan.budget, start=1))
        rows += [["carry_over", plan.carry_over], ["discount", plan.discount]]
        add("phasing", rows)
        if plan.projects:
            spread = []
            for p in plan.projects:
                each = p.cost[0]
                total = each * p.duration
                even = len(set(p.cost)) == 1 and float(total) / p.duration == each
                spread.append(None if not even else total)
            longest = max((p.duration for p, s in zip(plan.projects, spread, strict=True)
                           if s is None), default=0)
            header = (*SHEETS["projects"][:-1], *(f"cost_{k}" for k in range(1, longest + 1)))
            rows = []
            for p, total in zip(plan.projects, spread, strict=True):
                costs = [None] * longest
                if total is None:
                    costs[:p.duration] = p.cost
                rows.append([*p.option, p.duration, total, *costs])
            add("projects", rows, header)
    if case.uncertainty is not None:
        add("uncertainty", uncertainty_sheet_rows(case))
    return out


@validated(path=FilePath())
def copy_template(path: str | os.PathLike) -> Path:
    """Copy the Excel template (every sheet, with a tiny filled example) to ``path``.

    The template is a valid case: :func:`case_from_excel` reads it. Its
    ``readme`` sheet explains the sheets and is ignored when reading. Copying
    needs no openpyxl; filling it in is done in Excel or LibreOffice.

    Parameters
    ----------
    path : str or path-like
        Where to write the ``.xlsx`` file.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = copy_template(pathlib.Path(tempfile.mkdtemp()) / "my case.xlsx")
    >>> target.stat().st_size > 0
    True
    >>> import pytest; _ = pytest.importorskip("openpyxl")
    >>> from mutualgains.io.excel import case_from_excel
    >>> case_from_excel(target)
    <Case 'Harbour tunnel (template)': 3 parties, 3 issues, 12 packages, 2 of 3, veto Port>
    """
    target = Path(path)
    data = (resources.files("mutualgains") / "data" / "template.xlsx").read_bytes()
    target.write_bytes(data)
    return target
