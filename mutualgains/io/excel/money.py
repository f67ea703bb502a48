"""The money sheets: ``costs`` (issue, option, cost), ``transfers`` (the pairs that may pay,
with the ``transfers`` and ``transfer_cap`` settings) and ``rates`` (points per unit of money).

Examples
--------
>>> from mutualgains.io.excel.workbook import Reading
>>> reading = Reading.from_rows({"costs": [("issue", "option", "cost"), ("tunnel", "in", 120)]})
>>> data, names = {}, Names(issues={"tunnel": ["out", "in"]})
>>> read_costs(reading, data, names)
>>> data["costs"], reading.places["costs.tunnel.in"]
({'tunnel': {'in': 120}}, 'costs!C2 (cost)')
"""

from __future__ import annotations

from typing import Any

from mutualgains.io.excel.cells import BAD, Row
from mutualgains.io.excel.names import Names, known_party, option_ref
from mutualgains.io.excel.workbook import Reading

__all__ = ["read_costs", "read_transfers"]


def read_costs(reading: Reading, data: dict[str, Any], names: Names) -> None:
    """The ``costs`` sheet: one non-negative cost per option.

    Examples
    --------
    >>> reading = Reading.from_rows({"costs": [("issue", "option", "cost"), ("tunnel", "in", -1)]})
    >>> data = {}
    >>> read_costs(reading, data, Names(issues={"tunnel": ["out", "in"]}))
    >>> data["costs"], [str(p) for p in reading.problems]
    ({}, ['costs!C2 (cost): must be non-negative (got -1)'])
    """
    rows = reading.table("costs")
    if rows is None:
        return
    costs: dict[str, dict[str, Any]] = {}
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        ref = option_ref(reading, row, "issue", "option", names)
        cost = reading.number(row, "cost", required=True)
        if ref is None:
            continue
        if ref in first:
            reading.problem(row.where, f"duplicate row for this option (first at row "
                            f"{first[ref]})", f"{ref[0]}, {ref[1]}")
            continue
        first[ref] = row.number
        if cost is BAD or cost is None:
            continue
        if cost < 0:
            reading.problem(row.cell("cost"), "must be non-negative", cost)
            continue
        reading.place(f"costs.{ref[0]}.{ref[1]}", row.cell("cost"))
        reading.place(f"costs.{ref[0]}", row.where)
        costs.setdefault(ref[0], {})[ref[1]] = cost
    reading.place("costs", reading.title("costs"))
    data["costs"] = costs


def _check_mode(reading: Reading, mode: str | None, rows: list[Row] | None) -> None:
    """The ``transfers`` setting (all or listed) must agree with the transfers sheet."""
    if mode is None:
        return
    where = reading.value_cell(reading.settings, "transfers")
    mode = mode.strip().lower()
    if mode not in ("all", "listed"):
        reading.problem(where, "must be all (any party may pay any other) or listed "
                        "(only the pairs on the transfers sheet)", mode)
    elif mode == "all" and rows is not None:
        reading.problem(where, "is all, but there is a transfers sheet listing pairs "
                        "(write listed, or delete the sheet)", mode)
    elif mode == "listed" and rows is None and "transfers" not in reading.broken:
        reading.problem(where, "is listed, but there is no transfers sheet (payer, payee)",
                        mode)


def _pairs(reading: Reading, rows: list[Row], names: Names) -> list[list[str]]:
    pairs: list[list[str]] = []
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        payer = known_party(reading, row, "payer", names)
        payee = known_party(reading, row, "payee", names)
        if payer is None or payee is None:
            continue
        if (payer, payee) in first:
            reading.problem(row.where, f"duplicate pair (first at row "
                            f"{first[(payer, payee)]})", f"{payer}, {payee}")
        else:
            first[(payer, payee)] = row.number
            reading.place(f"transfers.pairs[{len(pairs)}]", row.where)
            pairs.append([payer, payee])
    reading.place("transfers.pairs", reading.title("transfers"))
    return pairs


def _rates(reading: Reading, rows: list[Row], names: Names) -> dict[str, Any]:
    rate: dict[str, Any] = {}
    first: dict[str, int] = {}
    for row in rows:
        party = known_party(reading, row, "party", names)
        value = reading.number(row, "rate", required=True)
        if party is None:
            continue
        if party in first:
            reading.problem(row.cell("party"), f"duplicate party (first at row "
                            f"{first[party]})", party)
        else:
            first[party] = row.number
            if value is not BAD and value is not None:
                rate[party] = value
                reading.place(f"transfers.rate.{party}", row.cell("rate"))
    reading.place("transfers.rate", reading.title("rates"))
    return rate


def read_transfers(reading: Reading, data: dict[str, Any], names: Names) -> None:
    """Side payments: the ``transfers`` and ``transfer_cap`` settings, the ``transfers``
    sheet (payer, payee) and the ``rates`` sheet (party, rate).

    Examples
    --------
    >>> reading = Reading.from_rows({"transfers": [("payer", "payee"), ("Port", "City")],
    ...                              "rates": [("party", "rate"), ("City", 2)]})
    >>> data = {}
    >>> read_transfers(reading, data, Names({"Port": 2, "City": 3}))
    >>> data["transfers"]
    {'pairs': [['Port', 'City']], 'rate': {'City': 2}}
    """
    settings = reading.settings
    mode = reading.setting(settings, "transfers", "text")
    cap = reading.setting(settings, "transfer_cap", "number", "transfers.cap")
    rows = reading.table("transfers")
    rates = reading.table("rates")
    if mode is None and cap is None and rows is None and rates is None \
            and "transfer_cap" not in settings:
        return
    _check_mode(reading, mode, rows)
    spec: dict[str, Any] = {"pairs": "all" if rows is None else _pairs(reading, rows, names)}
    if cap is not None:
        spec["cap"] = cap
    if rates is not None:
        spec["rate"] = _rates(reading, rates, names)
    reading.place("transfers", "settings" if rows is None else reading.title("transfers"))
    data["transfers"] = spec
