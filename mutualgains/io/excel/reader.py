"""Reading a workbook into case data, every problem located at its cell (``scores!D7``).

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
import numbers
import os
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mutualgains.errors import CaseError, Problem
from mutualgains.io.excel.cells import BAD, Row, as_number, is_blank, split_options
from mutualgains.io.excel.layout import (
    PER_PERIOD,
    PHASING_KEYS,
    REQUIRED_COLUMNS,
    REQUIRED_SHEETS,
    SETTINGS_KEYS,
    SHEETS,
    columns_of,
    is_ignored,
    normalise,
    openpyxl_module,
)
from mutualgains.io.excel.uncertainty_sheet import read_uncertainty_sheet
from mutualgains.model import Case
from mutualgains.params import AnyOf, FilePath, Instance, validated
from mutualgains.util import show

__all__ = ["case_from_excel"]


@dataclass
class _Reader:
    """Reads a workbook into case-file data, recording problems with their cells."""

    book: Any
    problems: list[Problem] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)  # case-file path -> Excel place
    sheets: dict[str, Any] = field(default_factory=dict)  # known sheet name -> worksheet
    broken: set[str] = field(default_factory=set)  # sheets missing a required column
    settings: dict[str, tuple[Any, Row]] = field(default_factory=dict)

    # ------------------------------------------------------------ primitives

    def problem(self, where: str, rule: str, got: Any = BAD) -> None:
        self.problems.append(Problem(where, rule, None if got is BAD else show(got)))

    def text(self, row: Row, column: str, *, required: bool = True,
             label: str | None = None) -> str | None:
        """A name or free text; numbers become their text (``1`` -> ``"1"``)."""
        if not row.has(column):
            return None
        value = row.values.get(column)
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
        if not row.has(column) or row.blank(column):
            return None
        value = row.values[column]
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

    def place(self, path: str, where: str) -> None:
        self.places.setdefault(path, where)

    def usable(self, name: str) -> bool:
        """Whether sheet ``name`` is there with its required columns."""
        return name in self.sheets and name not in self.broken

    # --------------------------------------------------------------- sheets

    def open_sheets(self) -> None:
        known = ", ".join(SHEETS)
        for ws in self.book.worksheets:
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

    def table(self, name: str, *, patterns: Iterable[str] = ()) -> list[Row] | None:
        """The data rows of sheet ``name``; None when it is absent or lacks a required column
        (reported), so that a broken sheet adds no cascade of problems."""
        ws = self.sheets.get(name)
        if ws is None:
            return None
        from openpyxl.utils import get_column_letter

        title = ws.title
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None) or ()
        columns: dict[int, str] = {}
        letters: dict[str, str] = {}
        allowed = [c for c in SHEETS[name] if "<" not in c]
        for k, raw in enumerate(header, start=1):
            if is_blank(raw):
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
        missing = [c for c in REQUIRED_COLUMNS[name] if c not in letters]
        if missing:
            self.problem(f"{title} row 1", f"required column{'s' if len(missing) > 1 else ''} "
                         f"missing: {', '.join(missing)} (row 1 holds the headers: "
                         f"{columns_of(name)})",
                         ", ".join(map(str, (h for h in header if not is_blank(h))))
                         or "no headers")
            self.broken.add(name)
            return None
        out = []
        for number, values in enumerate(rows, start=2):
            if all(is_blank(v) for v in values):
                continue
            named: dict[str, Any] = {}
            for k, value in enumerate(values, start=1):
                if is_blank(value):
                    continue
                if k in columns:
                    named[columns[k]] = value
                elif k > len(header) or is_blank(header[k - 1]):
                    self.problem(f"{title}!{get_column_letter(k)}{number}",
                                 "value in a column without a header", value)
            if named:
                out.append(Row(title, number, named, letters))
        return out

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

    # ------------------------------------------------------------------ case

    def data(self) -> dict[str, Any]:
        """The case in the case-file form (see :mod:`mutualgains.io.casefile`)."""
        self.open_sheets()
        data: dict[str, Any] = {}
        self.read_settings(data)
        parties = self.read_parties(data)
        issues = self.read_scores(data, parties)
        self.read_costs(data, issues)
        self.read_requires(data, issues)
        self.read_pairs(data, issues, "excludes")
        self.read_synergy(data, issues, parties)
        self.read_pairs(data, issues, "precedes")
        self.read_transfers(data, parties)
        self.read_phasing(data, issues)
        read_uncertainty_sheet(self, data)
        return data

    @staticmethod
    def value_cell(values: dict[str, tuple[Any, Row]], key: str) -> str:
        """Where the value of ``key`` is on a key/value sheet."""
        return values[key][1].cell("value", key)

    def setting(self, values: dict[str, tuple[Any, Row]], key: str, kind: str,
                path: str | None = None) -> Any:
        """The value of ``key`` on a key/value sheet as text, a number or an integer."""
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

    def read_settings(self, data: dict[str, Any]) -> None:
        values = self.key_values("settings", SETTINGS_KEYS)
        self.settings = values
        for key, kind, path in (("name", "text", "name"),
                                ("description", "text", "description"),
                                ("margin", "number", "margin"),
                                ("min_parties", "integer", "decision_rule.min_parties"),
                                ("total_budget", "number", "total_budget")):
            value = self.setting(values, key, kind, path)
            if value is not None:
                if key == "min_parties":
                    data["decision_rule"] = {"min_parties": value}
                else:
                    data[key] = value

    def read_parties(self, data: dict[str, Any]) -> dict[str, int]:
        """Fill ``data["parties"]``; return party name -> row."""
        rows = self.table("parties") or []
        out: dict[str, int] = {}
        parties: dict[str, dict[str, Any]] = {}
        for row in rows:
            name = self.text(row, "party")
            spec: dict[str, Any] = {}
            batna = self.number(row, "batna", required=True)
            if batna is not None and batna is not BAD:
                spec["batna"] = batna
            for column in ("weight", "cap", "budget"):
                value = self.number(row, column)
                if value is not None and value is not BAD:
                    spec[column] = value
            veto = self.boolean(row, "veto")
            if veto is not None and veto is not BAD:
                spec["veto"] = veto
            if name is None:
                continue
            if name in out:
                self.problem(row.cell("party"), f"duplicate party (first at row {out[name]})",
                             name)
                continue
            out[name] = row.number
            parties[name] = spec
            self.place(f"parties.{name}", row.where)
            for column in SHEETS["parties"][1:]:
                if row.has(column):
                    self.place(f"parties.{name}.{column}", row.cell(column))
        if self.usable("parties"):
            self.place("parties", self.sheets["parties"].title)
            data["parties"] = parties
        return out

    def read_scores(self, data: dict[str, Any], parties: dict[str, int]) -> dict[str, list[str]]:
        """Fill ``data["issues"]`` and ``data["scores"]``; return issue -> options."""
        rows = self.table("scores")
        if rows is None:
            return {}
        issues: dict[str, dict[str, None]] = {}
        scores: dict[str, dict[str, dict[str, Any]]] = {}
        first: dict[tuple[str, str, str], int] = {}
        unknown: dict[str, list[Row]] = {}
        for row in rows:
            party = self.text(row, "party")
            issue = self.text(row, "issue")
            option = self.text(row, "option")
            score = self.number(row, "score")
            if issue is not None and option is not None:
                if issue not in issues:
                    self.place(f"issues.{issue}", row.cell("issue"))
                issues.setdefault(issue, {}).setdefault(option)
            if party is None or issue is None or option is None:
                continue
            if party not in parties:
                unknown.setdefault(party, []).append(row)
                continue
            key = (party, issue, option)
            if key in first:
                self.problem(row.where, f"duplicate row for this party, issue and option "
                             f"(first at row {first[key]})", f"{party}, {issue}, {option}")
                continue
            first[key] = row.number
            if score is not None and score is not BAD:
                scores.setdefault(party, {}).setdefault(issue, {})[option] = score
                self.place(f"scores.{party}.{issue}.{option}", row.cell("score"))
        for party, bad in unknown.items() if self.usable("parties") else ():
            more = f"; {len(bad)} rows, the first shown" if len(bad) > 1 else ""
            self.problem(bad[0].cell("party"),
                         f"unknown party (not on the parties sheet{more})", party)
        self.place("issues", self.sheets["scores"].title)
        self.place("scores", self.sheets["scores"].title)
        data["issues"] = {i: list(o) for i, o in issues.items()}
        data["scores"] = scores
        return {i: list(o) for i, o in issues.items()}

    def option_ref(self, row: Row, issue_column: str, option_column: str,
                   issues: dict[str, list[str]]) -> tuple[str, str] | None:
        """A known ``(issue, option)`` from two cells, or None after recording problems."""
        issue = self.text(row, issue_column)
        option = self.text(row, option_column)
        if issue is None or option is None:
            return None
        if issue not in issues:
            self.problem(row.cell(issue_column), "unknown issue (issues come from the "
                         "scores sheet)", issue)
            return None
        if option not in issues[issue]:
            self.problem(row.cell(option_column), f"unknown option of issue {issue!r} "
                         f"(options: {', '.join(issues[issue])})", option)
            return None
        return issue, option

    def option_list(self, row: Row, issue: str | None, column: str,
                    issues: dict[str, list[str]]) -> list[str] | None:
        """Comma-separated option names of ``issue`` from one cell."""
        text = self.text(row, column)
        if text is None:
            return None
        items = split_options(text)
        if items is None or not all(items):
            self.problem(row.cell(column), 'must list option names separated by commas (a '
                         'name with a comma goes in double quotes: "a, b")', text)
            return None
        if issue is None:
            return None
        bad = [o for o in items if o not in issues.get(issue, ())]
        if bad:
            self.problem(row.cell(column), f"unknown option{'s' if len(bad) > 1 else ''} of "
                         f"issue {issue!r} (options: {', '.join(issues[issue])})",
                         ", ".join(bad))
            return None
        if len(set(items)) != len(items):
            self.problem(row.cell(column), "lists an option twice", text)
            return None
        return items

    def known_party(self, row: Row, column: str, parties: dict[str, int]) -> str | None:
        """A party named on the parties sheet (unknown names are reported when it exists)."""
        party = self.text(row, column)
        if party is not None and party not in parties:
            if self.usable("parties"):
                self.problem(row.cell(column), "unknown party (not on the parties sheet)", party)
            return None
        return party

    def known_issue(self, row: Row, column: str, issues: dict[str, list[str]]) -> str | None:
        issue = self.text(row, column)
        if issue is not None and issue not in issues:
            self.problem(row.cell(column), "unknown issue (issues come from the scores sheet)",
                         issue)
            return None
        return issue

    def read_costs(self, data: dict[str, Any], issues: dict[str, list[str]]) -> None:
        rows = self.table("costs")
        if rows is None:
            return
        costs: dict[str, dict[str, Any]] = {}
        first: dict[tuple[str, str], int] = {}
        for row in rows:
            ref = self.option_ref(row, "issue", "option", issues)
            cost = self.number(row, "cost", required=True)
            if ref is None:
                continue
            if ref in first:
                self.problem(row.where, f"duplicate row for this option (first at row "
                             f"{first[ref]})", f"{ref[0]}, {ref[1]}")
                continue
            first[ref] = row.number
            if cost is BAD or cost is None:
                continue
            if cost < 0:
                self.problem(row.cell("cost"), "must be non-negative", cost)
                continue
            self.place(f"costs.{ref[0]}.{ref[1]}", row.cell("cost"))
            self.place(f"costs.{ref[0]}", row.where)
            costs.setdefault(ref[0], {})[ref[1]] = cost
        self.place("costs", self.sheets["costs"].title)
        data["costs"] = costs

    def read_requires(self, data: dict[str, Any], issues: dict[str, list[str]]) -> None:
        rows = self.table("requires")
        if rows is None:
            return
        items: list[dict[str, Any] | None] = []  # None: a requirement with problems
        for row in rows:
            if row.blank("option_issue") and row.blank("option"):  # continues the one above
                if not items:
                    self.problem(row.where, "names no option (a row with blank option_issue "
                                 "and option adds to the requirement above, but there is none)")
                k = len(items) - 1
            else:
                ref = self.option_ref(row, "option_issue", "option", issues)
                items.append(None if ref is None else {"option": {ref[0]: ref[1]}, "needs": {}})
                k = len(items) - 1
                self.place(f"requires[{k}]", row.where)
                self.place(f"requires[{k}].option", row.cell("option"))
            needs_issue = self.known_issue(row, "needs_issue", issues)
            options = self.option_list(row, needs_issue, "needs_options", issues)
            if k < 0:
                continue
            item = items[k]
            if needs_issue is None or options is None:
                items[k] = None
            elif item is not None and needs_issue in item["needs"]:
                self.problem(row.cell("needs_issue"), "names this issue twice in one "
                             "requirement (list its options in one cell)", needs_issue)
                items[k] = None
            elif item is not None:
                item["needs"][needs_issue] = options[0] if len(options) == 1 else options
                self.place(f"requires[{k}].needs.{needs_issue}", row.cell("needs_options"))
        self.keep_relations(data, "requires", items)

    def keep_relations(self, data: dict[str, Any], key: str, items: list) -> None:
        """Store the good items (None marks one with problems), renumbering their places."""
        good, new_index = [], {}
        for k, item in enumerate(items):
            if item is not None:
                new_index[k] = len(good)
                good.append(item)
        numbered = re.compile(rf"{re.escape(key)}\[(\d+)\]")
        old = {path: where for path, where in self.places.items()
               if path.startswith(f"{key}[")}
        for path, where in old.items():
            del self.places[path]
            match = numbered.match(path)
            k = int(match.group(1))
            if k in new_index:
                self.places[f"{key}[{new_index[k]}]{path[match.end():]}"] = where
        self.place(key, self.sheets[key].title)
        data[key] = good

    def read_pairs(self, data: dict[str, Any], issues: dict[str, list[str]], key: str) -> None:
        rows = self.table(key)
        if rows is None:
            return
        items: list[list[dict[str, str]] | None] = []
        for row in rows:
            a = self.option_ref(row, "option_issue", "option", issues)
            b = self.option_ref(row, f"{key}_issue", f"{key}_option", issues)
            self.place(f"{key}[{len(items)}]", row.where)
            items.append(None if a is None or b is None else [{a[0]: a[1]}, {b[0]: b[1]}])
        self.keep_relations(data, key, items)

    def read_synergy(self, data: dict[str, Any], issues: dict[str, list[str]],
                     parties: dict[str, int]) -> None:
        rows = self.table("synergy")
        if rows is None:
            return
        groups: dict[str, dict[str, Any]] = {}
        for row in rows:
            label = self.text(row, "synergy")
            if label is None:
                continue
            group = groups.setdefault(label, {"when": {}, "bonus": {}, "name": None,
                                              "row": row, "ok": True, "seen": {}})
            name = self.text(row, "name", required=False)
            if name is not None:
                if group["name"] is not None and name != group["name"]:
                    self.problem(row.cell("name"), f"differs from the name given above for "
                                 f"synergy {label!r}", name)
                    group["ok"] = False
                group["name"] = name
            condition = not (row.blank("issue") and row.blank("options"))
            bonus = not (row.blank("party") and row.blank("bonus"))
            if not condition and not bonus:
                self.problem(row.where, "holds neither a condition (issue, options) nor a "
                             "bonus (party, bonus)")
                group["ok"] = False
            if condition:
                issue = self.known_issue(row, "issue", issues)
                options = self.option_list(row, issue, "options", issues)
                if issue is None or options is None:
                    group["ok"] = False
                elif issue in group["when"]:
                    self.problem(row.cell("issue"), f"names this issue twice in synergy "
                                 f"{label!r} (list its options in one cell)", issue)
                    group["ok"] = False
                else:
                    group["when"][issue] = options[0] if len(options) == 1 else options
            if bonus:
                party = self.known_party(row, "party", parties)
                value = self.number(row, "bonus", required=True)
                if party is not None and party in group["bonus"]:
                    self.problem(row.cell("party"), f"duplicate bonus for this party in "
                                 f"synergy {label!r} (first at row {group['seen'][party]})",
                                 party)
                elif party is not None and value is not BAD and value is not None:
                    group["bonus"][party] = value
                    group["seen"][party] = row.number
                    continue
                group["ok"] = False
        items = []
        for label, group in groups.items():
            self.place(f"synergy[{len(items)}]", group["row"].where)
            if not group["when"] and group["ok"]:
                self.problem(group["row"].where, f"synergy {label!r} has no condition rows "
                             "(issue, options)")
                group["ok"] = False
            items.append({"when": group["when"], "bonus": group["bonus"],
                          **({"name": group["name"]} if group["name"] else {})}
                         if group["ok"] else None)
        self.keep_relations(data, "synergy", items)

    def read_transfers(self, data: dict[str, Any], parties: dict[str, int]) -> None:
        settings = self.settings
        mode = self.setting(settings, "transfers", "text")
        cap = self.setting(settings, "transfer_cap", "number", "transfers.cap")
        rows = self.table("transfers")
        rates = self.table("rates")
        if mode is None and cap is None and rows is None and rates is None \
                and "transfer_cap" not in settings:
            return
        if mode is not None:
            where = self.value_cell(settings, "transfers")
            mode = mode.strip().lower()
            if mode not in ("all", "listed"):
                self.problem(where, "must be all (any party may pay any other) or listed "
                             "(only the pairs on the transfers sheet)", mode)
            elif mode == "all" and rows is not None:
                self.problem(where, "is all, but there is a transfers sheet listing pairs "
                             "(write listed, or delete the sheet)", mode)
            elif mode == "listed" and rows is None and "transfers" not in self.broken:
                self.problem(where, "is listed, but there is no transfers sheet (payer, payee)",
                             mode)
        spec: dict[str, Any] = {}
        if rows is None:
            spec["pairs"] = "all"
        else:
            pairs: list[list[str]] = []
            first: dict[tuple[str, str], int] = {}
            for row in rows:
                payer = self.known_party(row, "payer", parties)
                payee = self.known_party(row, "payee", parties)
                ok = payer is not None and payee is not None
                if ok and (payer, payee) in first:
                    self.problem(row.where, f"duplicate pair (first at row "
                                 f"{first[(payer, payee)]})", f"{payer}, {payee}")
                elif ok:
                    first[(payer, payee)] = row.number
                    self.place(f"transfers.pairs[{len(pairs)}]", row.where)
                    pairs.append([payer, payee])
            self.place("transfers.pairs", self.sheets["transfers"].title)
            spec["pairs"] = pairs
        if cap is not None:
            spec["cap"] = cap
        if rates is not None:
            rate: dict[str, Any] = {}
            first_rate: dict[str, int] = {}
            for row in rates:
                party = self.known_party(row, "party", parties)
                value = self.number(row, "rate", required=True)
                if party is None:
                    continue
                if party in first_rate:
                    self.problem(row.cell("party"), f"duplicate party (first at row "
                                 f"{first_rate[party]})", party)
                else:
                    first_rate[party] = row.number
                    if value is not BAD and value is not None:
                        rate[party] = value
                        self.place(f"transfers.rate.{party}", row.cell("rate"))
            self.place("transfers.rate", self.sheets["rates"].title)
            spec["rate"] = rate
        self.place("transfers", "settings" if rows is None else self.sheets["transfers"].title)
        data["transfers"] = spec

    def read_phasing(self, data: dict[str, Any], issues: dict[str, list[str]]) -> None:
        values = self.key_values("phasing", [k for k in PHASING_KEYS if "<" not in k],
                                 patterns=[r"budget_[1-9]\d*"])
        projects = self.table("projects", patterns=[r"cost_[1-9]\d*"])
        if "phasing" in self.broken:
            return
        if "phasing" not in self.sheets:
            if projects is not None or "projects" in self.broken:
                self.problem(self.sheets["projects"].title, "needs a phasing sheet (periods, "
                             "budget) to go with it")
            return
        title = self.sheets["phasing"].title
        self.place("phasing", title)
        spec: dict[str, Any] = {}
        periods = self.setting(values, "periods", "integer", "phasing.periods")
        for key in ("carry_over", "discount"):
            value = self.setting(values, key, "number", f"phasing.{key}")
            if value is not None:
                spec[key] = value
        budget = self.setting(values, "budget", "number", "phasing.budget")
        per_period = sorted((int(PER_PERIOD.fullmatch(k).group(2)), k)
                            for k in values if PER_PERIOD.fullmatch(k))
        ok = True
        if per_period:
            if "budget" in values:
                self.problem(values["budget"][1].where, "give budget (every period) or "
                             "budget_1 ... budget_N (per period), not both")
                ok = False
            wanted = periods if isinstance(periods, int) and periods > 0 else per_period[-1][0]
            missing = [f"budget_{k}" for k in range(1, wanted + 1)
                       if k not in dict(per_period)]
            extra = [key for k, key in per_period if k > wanted]
            if missing or extra:
                self.problem(title, f"needs budget_1 ... budget_{wanted}, one per period "
                             f"({'missing ' + ', '.join(missing) if missing else ''}"
                             f"{'; ' if missing and extra else ''}"
                             f"{'beyond the periods: ' + ', '.join(extra) if extra else ''})")
                ok = False
            amounts = []
            for k, key in per_period:
                amount = self.setting(values, key, "number", f"phasing.budget[{k - 1}]")
                ok = ok and amount is not None
                amounts.append(amount)
            budget = amounts if ok else None
        if "periods" not in values:
            self.problem(title, "needs a value for periods (how many periods)")
        if "budget" not in values and not per_period:
            self.problem(title, "needs a value for budget (the money per period), or "
                         "budget_1 ... budget_N")
        spec["projects"] = self.read_projects(projects, issues) if projects is not None else []
        if periods is None or budget is None:
            # stand-ins, so that the projects are still checked; the problem is recorded
            spec.update(periods=1, budget=0)
        else:
            spec.update(periods=periods, budget=budget)
        data["phasing"] = spec

    def read_projects(self, rows: list[Row], issues: dict[str, list[str]]) -> list[dict]:
        self.place("phasing.projects", self.sheets["projects"].title)
        out = []
        first: dict[tuple[str, str], int] = {}
        for row in rows:
            ref = self.option_ref(row, "issue", "option", issues)
            duration = self.number(row, "duration", integer=True)
            cost = self.number(row, "cost")
            columns = sorted((int(PER_PERIOD.fullmatch(c).group(2)), c)
                             for c in row.letters if PER_PERIOD.fullmatch(c))
            filled = [(k, c) for k, c in columns if not row.blank(c)]
            per_period = [self.number(row, c) for _, c in filled]
            ok = ref is not None and duration is not BAD and cost is not BAD \
                and BAD not in per_period
            if filled:
                d = duration if isinstance(duration, int) and duration > 0 else \
                    (1 if duration is None else None)
                if cost is not None:
                    self.problem(row.where, "give cost (the total) or cost_1 ... cost_N (per "
                                 "period), not both")
                    ok = False
                elif d is not None and [k for k, _ in filled] != list(range(1, d + 1)):
                    self.problem(row.where, f"with duration {d}, fill cost_1 ... cost_{d}, one "
                                 "cost per period", ", ".join(c for _, c in filled))
                    ok = False
            if ref is not None and ref in first:
                self.problem(row.where, f"duplicate project for this option (first at row "
                             f"{first[ref]})", f"{ref[0]}, {ref[1]}")
                continue
            if ref is not None:
                first[ref] = row.number
            if not ok:
                continue
            label = f"phasing.projects[{ref[0]}={ref[1]}]"
            self.place(label, row.where)
            item: dict[str, Any] = {"option": {ref[0]: ref[1]}}
            if duration is not None:
                item["duration"] = duration
                self.place(f"{label}.duration", row.cell("duration"))
            if filled:
                item["cost"] = per_period
                for k, c in filled:
                    self.place(f"{label}.cost[{k - 1}]", row.cell(c))
                self.place(f"{label}.cost", row.where)
            elif cost is not None:
                item["cost"] = cost
                self.place(f"{label}.cost", row.cell("cost"))
            out.append(item)
        return out

    # ------------------------------------------------------------- problems

    def locate(self, problem: Problem) -> Problem:
        """``problem`` with its case-file path replaced by the Excel place it comes from."""
        where = problem.where
        best = None
        for path in self.places:
            if (where == path or where.startswith((path + ".", path + "["))) and (
                    best is None or len(path) > len(best)):
                best = path
        if best is None:
            return problem
        return Problem(self.places[best], problem.rule, problem.got)


def _open(path: Any):
    """Load the workbook at ``path`` (values, not formulas), or raise CaseError."""
    openpyxl = openpyxl_module()
    from openpyxl.utils.exceptions import InvalidFileException

    name = str(path) if isinstance(path, str | os.PathLike) else "workbook"
    if isinstance(path, str | os.PathLike) and not Path(path).exists():
        raise CaseError([Problem(name, "no such file")])
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError,
            TypeError, EOFError, SyntaxError) as err:  # SyntaxError: malformed XML inside
        raise CaseError([Problem(name, "cannot be read as an Excel workbook (.xlsx)",
                                 f"{type(err).__name__}: {str(err)[:100]}")]) from None


@validated(path=AnyOf((FilePath(), Instance(io.IOBase, label="a binary file object"))))
def case_from_excel(path: str | os.PathLike | Any) -> Case:
    """Read a case from an Excel workbook in the layout of :data:`SHEETS`.

    Parameters
    ----------
    path : str, path-like or binary file object
        An ``.xlsx`` workbook. Formulas count with the value Excel last
        computed for them.

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

    book = _open(path)
    try:
        reader = _Reader(book)
        data = reader.data()
    finally:
        book.close()
    problems = list(reader.problems)
    hidden = set()  # already reported as a missing sheet or column
    if not reader.usable("parties"):
        hidden.add("parties")
    if not reader.usable("scores"):
        hidden.add("issues")
    try:
        case = case_from_dict(data)
    except CaseError as err:
        for problem in err.problems:
            if problem.where in hidden:
                continue
            located = reader.locate(problem)
            if located not in problems:
                problems.append(located)
        raise CaseError(problems) from None
    if problems:
        raise CaseError(problems)
    return case
