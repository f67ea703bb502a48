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
from mutualgains.io.excel.controls import controls_rows
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
            # openpyxl writes numbers with "%.16g", which loses the 17th digit some floats
            # need (0.1 + 0.2 would be stored as 0.3). Store the shortest exact text, marked
            # as a number: openpyxl writes a text value verbatim, so the sheet holds
            # <c t="n"><v>0.30000000000000004</v></c>, as Excel itself writes it.
            cell.value = repr(value)
            cell.data_type = "n"
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


Table = tuple[str, tuple[str, ...], list[list[Any]]]


def _settings(case: Case) -> list[Table]:
    rows: list[list[Any]] = [
        ["name", case.name], ["description", case.description or None],
        ["margin", case.margin], ["min_parties", case.decision_rule.min_parties],
        ["total_budget", case.total_budget],
    ]
    if case.transfers is not None:
        rows.append(["transfers", "all" if case.transfers.pairs is None else "listed"])
        rows.append(["transfer_cap", case.transfers.cap])
    return [("settings", SHEETS["settings"], rows)]


def _parties_and_scores(case: Case) -> list[Table]:
    parties = [[p.name, p.batna, p.weight, p.veto, p.cap, p.budget] for p in case.parties]
    scores = [[p, i.name, o, v] for p in case.party_names for i in case.issues
              for o, v in zip(i.options, case.scores[p][i.name], strict=True)]
    return [("parties", SHEETS["parties"], parties), ("scores", SHEETS["scores"], scores)]


def _costs(case: Case) -> list[Table]:
    if not case.costs:
        return []
    return [("costs", SHEETS["costs"],
             [[i, o, c] for i, values in case.costs.items()
              for o, c in zip(case.issue(i).options, values, strict=True)])]


def _relations(case: Case) -> list[Table]:
    out: list[Table] = []
    if case.requires:
        rows = []
        for r in case.requires:
            for k, (issue, options) in enumerate(r.needs.items()):
                rows.append([*(r.option if k == 0 else (None, None)), issue,
                             join_options(options)])
        out.append(("requires", SHEETS["requires"], rows))
    if case.excludes:
        out.append(("excludes", SHEETS["excludes"], [[*e.a, *e.b] for e in case.excludes]))
    if case.synergy:
        rows = []
        for k, s in enumerate(case.synergy, start=1):
            name = s.name or None
            for issue, options in s.when.items():
                rows.append([k, name, issue, join_options(options), None, None])
                name = None
            rows.extend([k, None, None, None, party, value] for party, value in s.bonus.items())
        out.append(("synergy", SHEETS["synergy"], rows))
    if case.precedes:
        out.append(("precedes", SHEETS["precedes"],
                    [[*p.before, *p.after] for p in case.precedes]))
    return out


def _transfers(case: Case) -> list[Table]:
    t = case.transfers
    out: list[Table] = []
    if t is not None and t.pairs is not None:
        out.append(("transfers", SHEETS["transfers"], [list(pair) for pair in t.pairs]))
    if t is not None and t.rate:
        out.append(("rates", SHEETS["rates"], [[party, rate] for party, rate in t.rate.items()]))
    return out


def _phasing(case: Case) -> list[Table]:
    plan = case.phasing
    if plan is None:
        return []
    budget = plan.budget
    assert isinstance(budget, tuple)  # Phasing stores one amount per period
    rows = [["periods", plan.periods]]
    if len(set(budget)) == 1:
        rows.append(["budget", budget[0]])
    else:
        rows.extend([f"budget_{k}", b] for k, b in enumerate(budget, start=1))
    rows += [["carry_over", plan.carry_over], ["discount", plan.discount]]
    out: list[Table] = [("phasing", SHEETS["phasing"], rows)]
    if plan.projects:
        out.append(_projects(plan.projects))
    return out


def _projects(projects: tuple) -> Table:
    """The projects sheet: a total ``cost`` where the cost is spread evenly (and that total
    splits back exactly), else ``cost_1 ... cost_N``."""
    spread = []
    for p in projects:
        each = p.cost[0]
        total = each * p.duration
        even = len(set(p.cost)) == 1 and float(total) / p.duration == each
        spread.append(None if not even else total)
    longest = max((p.duration for p, s in zip(projects, spread, strict=True) if s is None),
                  default=0)
    header = (*SHEETS["projects"][:-1], *(f"cost_{k}" for k in range(1, longest + 1)))
    rows = []
    for p, total in zip(projects, spread, strict=True):
        costs = [None] * longest
        if total is None:
            costs[:p.duration] = p.cost
        rows.append([*p.option, p.duration, total, *costs])
    return ("projects", header, rows)


def _uncertainty(case: Case) -> list[Table]:
    if case.uncertainty is None:
        return []
    return [("uncertainty", SHEETS["uncertainty"], uncertainty_sheet_rows(case))]


def _controls(case: Case) -> list[Table]:
    if not case.controls:
        return []
    return [("controls", SHEETS["controls"], controls_rows(case))]


TABLES = (_settings, _parties_and_scores, _costs, _relations, _transfers, _phasing,
          _uncertainty, _controls)
"""The sheet writers, in the order of the sheets: ``writer(case) -> [(sheet, header, rows)]``
(an empty list when the case does not use the sheet)."""


def _tables(case: Case) -> list[Table]:
    """``(sheet, header, rows)`` for every sheet ``case`` needs, in order."""
    return [table for write in TABLES for table in write(case)]


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
