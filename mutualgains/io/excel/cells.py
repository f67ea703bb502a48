"""Cell values: blanks, numbers in number or text cells, option lists, and rows that know
their cells' addresses for messages.

Examples
--------
>>> as_number(" 12 "), as_number("ten") is BAD, split_options('a, "b, c"')
(12, True, ['a', 'b, c'])
>>> join_options(["a", "b, c"])
'a, "b, c"'
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["BAD", "Row", "as_number", "is_blank", "join_options", "split_options"]

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

BAD = object()


def is_blank(value: Any) -> bool:
    """Whether a cell holds nothing (None or only spaces).

    Examples
    --------
    >>> is_blank(None), is_blank('  '), is_blank(0)
    (True, True, False)
    """
    return value is None or (isinstance(value, str) and not value.strip())


def as_number(value: Any) -> Any:
    """A finite int or float from a number cell or a text cell holding a number, or BAD.

    Examples
    --------
    >>> as_number(3), as_number(' 2.5 '), as_number(True) is BAD, as_number(float('inf')) is BAD
    (3, 2.5, True, True)
    """
    if isinstance(value, bool):
        return BAD
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        text = value.strip()
        value = int(text) if text.lstrip("+-").isdigit() else float(text)
    else:
        return BAD
    return value if math.isfinite(value) else BAD


def split_options(text: str) -> list[str] | None:
    """Option names separated by commas; ``"a, b"`` in double quotes is one name.

    Examples
    --------
    >>> split_options('small, "large, with park"')
    ['small', 'large, with park']
    >>> split_options('"open') is None  # an unclosed quote
    True
    """
    out: list[str] = []
    k, n = 0, len(text)
    while True:
        while k < n and text[k] in " \t":
            k += 1
        if k < n and text[k] == '"':
            k += 1
            item = []
            while True:
                if k >= n:
                    return None  # unclosed quote
                if text[k] == '"':
                    if k + 1 < n and text[k + 1] == '"':
                        item.append('"')
                        k += 2
                        continue
                    k += 1
                    break
                item.append(text[k])
                k += 1
            while k < n and text[k] in " \t":
                k += 1
            if k < n and text[k] != ",":
                return None  # text after a closing quote
            out.append("".join(item))
        else:
            end = text.find(",", k)
            end = n if end < 0 else end
            out.append(text[k:end].strip())
            k = end
        if k >= n:
            return out
        k += 1  # the comma


@dataclass
class Row:
    """One data row of a sheet: its Excel row number and raw values by column.

    Examples
    --------
    >>> row = Row("scores", 7, {"score": "ten"}, {"score": "D"})
    >>> row.cell("score"), row.where, row.blank("score")
    ('scores!D7 (score)', 'scores row 7', False)
    """

    sheet: str
    number: int
    values: dict[str, Any]
    letters: dict[str, str]

    def has(self, column: str) -> bool:
        return column in self.letters

    def blank(self, column: str) -> bool:
        return is_blank(self.values.get(column))

    def cell(self, column: str, label: str | None = None) -> str:
        return f"{self.sheet}!{self.letters[column]}{self.number} ({label or column})"

    @property
    def where(self) -> str:
        return f"{self.sheet} row {self.number}"



def join_options(options: Iterable[str]) -> str:
    """Option names separated by commas, quoting those that need it.

    Examples
    --------
    >>> join_options(['small', 'large, with park'])
    'small, "large, with park"'
    """
    out = []
    for option in options:
        if any(c in option for c in ',"') or option != option.strip():
            option = '"' + option.replace('"', '""') + '"'
        out.append(option)
    return ", ".join(out)
