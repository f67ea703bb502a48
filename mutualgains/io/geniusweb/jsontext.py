"""The safe JSON layer of the GeniusWeb reader: bounded reads, bounded nesting, exact numbers,
and values checked with the file and JSON key path they come from.

A file is refused before it is parsed when it is larger than :data:`MAX_BYTES` or nests
deeper than :data:`MAX_DEPTH`. Numbers are parsed as :class:`decimal.Decimal` (GeniusWeb
computes in decimal arithmetic: its weights must sum to exactly 1), so huge or long
numbers never overflow and are compared exactly; ``NaN`` and ``Infinity`` (which Python's
``json`` accepts) are refused, as are duplicate keys. A UTF-8 byte-order mark is skipped.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "p.json"
>>> _ = path.write_bytes(b'\\xef\\xbb\\xbf{"w": {"price": 0.25}}')
>>> doc = load(path)
>>> at = Where(doc.path, ("w", "price"))
>>> number(doc.data["w"]["price"], at, [], low=0, high=1), str(at)
(Decimal('0.25'), '...p.json#w.price')
>>> str(Where("p.json", ("issueUtilities", "departure date")))
'p.json#issueUtilities["departure date"]'
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from mutualgains.errors import CaseError, Problem
from mutualgains.io.files import read_regular_file
from mutualgains.limits import MAX_DEPTH
from mutualgains.util import show

__all__ = ["MAX_BYTES", "MAX_DEPTH", "Document", "Where", "dumps", "load", "mapping", "number",
           "parse_bytes", "shown", "text"]

MAX_BYTES = 8 * 1024 * 1024
"""Larger files are refused before they are read (GeniusWeb files are a few kilobytes)."""

# MAX_DEPTH (from mutualgains.limits): deeper nesting of ``[`` and ``{`` is refused before
# parsing (GeniusWeb files nest 7 deep), as for every JSON and YAML input.

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Where:
    """A place in a JSON file: the file and the key path, shown as ``file#a.b["c d"]``.

    Examples
    --------
    >>> Where("d.json").key("issuesValues").key("price")
    Where(path='d.json', keys=('issuesValues', 'price'))
    >>> str(Where("d.json", ("values", 2)))
    'd.json#values[2]'
    """

    path: str
    keys: tuple[str | int, ...] = ()

    def key(self, key: str | int) -> Where:
        """The place one level down, at ``key`` (a name or a list position)."""
        return Where(self.path, (*self.keys, key))

    def __str__(self) -> str:
        parts = []
        for k, key in enumerate(self.keys):
            if isinstance(key, int):
                parts.append(f"[{key}]")
            elif _NAME.fullmatch(key):
                parts.append(f".{key}" if k else key)
            else:
                parts.append(f"[{json.dumps(key, ensure_ascii=False)}]")
        return f"{self.path}#{''.join(parts)}" if parts else self.path


@dataclass(frozen=True)
class Document:
    """A parsed file: its path (as shown in messages) and its data.

    Examples
    --------
    >>> doc = parse_bytes("d.json", b'{"name": "d"}')
    >>> doc.data, str(doc.top.key("name"))
    ({'name': 'd'}, 'd.json#name')
    """

    path: str
    data: Any

    @property
    def top(self) -> Where:
        """The place of the whole document."""
        return Where(self.path)


class _Refused(ValueError):
    """Something JSON allows Python to parse but GeniusWeb files must not hold."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"duplicate key {show(key)}")
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


def _depth(raw: bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings (linear time, numpy)."""
    bare = np.frombuffer(_STRING.sub(b'""', raw), dtype=np.uint8)
    step = ((bare == ord("[")) | (bare == ord("{"))).astype(np.int32) - (
        (bare == ord("]")) | (bare == ord("}"))).astype(np.int32)
    return int(np.cumsum(step).max(initial=0))


def parse_bytes(path: str, raw: bytes) -> Document:
    """Parse ``raw`` (UTF-8, optional BOM) within the limits; a CaseError naming the file.

    Examples
    --------
    >>> parse_bytes("x.json", b'{"a": [1.5, "b"]}').data
    {'a': [Decimal('1.5'), 'b']}
    >>> parse_bytes("x.json", b'{"a": NaN}')
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      x.json: malformed JSON (got NaN is not a JSON number)
    """
    if len(raw) > MAX_BYTES:
        raise CaseError([Problem(path, f"is too large for a GeniusWeb file (at most "
                                 f"{MAX_BYTES} bytes)", f"{len(raw)} bytes")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    depth = _depth(raw)
    if depth > MAX_DEPTH:
        raise CaseError([Problem(path, f"nests deeper than {MAX_DEPTH} levels (refused before "
                                 "parsing)", f"{depth} levels")])
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CaseError([Problem(path, "is not UTF-8 text", f"byte {err.start}: "
                                 f"{raw[err.start:err.start + 1]!r}")]) from None
    try:
        data = json.loads(content, object_pairs_hook=_pairs, parse_float=Decimal,
                          parse_int=Decimal, parse_constant=_constant)
    except json.JSONDecodeError as err:
        raise CaseError([Problem(f"{path}:{err.lineno}:{err.colno}", "malformed JSON",
                                 err.msg)]) from None
    except (_Refused, RecursionError) as err:
        raise CaseError([Problem(path, "malformed JSON", str(err) or "too deep")]) from None
    return Document(path, data)


def load(path: Path) -> Document:
    """Read and parse ``path``, refusing it unread when it is too large or not a file.

    Examples
    --------
    >>> load(Path("no/such.json"))
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      no/such.json: ...
    """
    return parse_bytes(str(path), read_regular_file(path))


def mapping(value: Any, at: Where, problems: list[Problem], what: str = "an object"
            ) -> Mapping[str, Any] | None:
    """``value`` if it is a JSON object; else a problem and None.

    Examples
    --------
    >>> problems = []
    >>> mapping([1], Where("x.json", ("domain",)), problems), str(problems[0])
    (None, 'x.json#domain: must be an object (got [1])')
    """
    if isinstance(value, Mapping):
        return value
    problems.append(Problem(str(at), f"must be {what}", shown(value)))
    return None


def text(value: Any, at: Where, problems: list[Problem], what: str = "a non-empty string"
         ) -> str | None:
    """``value`` if it is a non-blank string; else a problem and None.

    Examples
    --------
    >>> problems = []
    >>> text(3, Where("x.json", ("name",)), problems), str(problems[0])
    (None, 'x.json#name: must be a non-empty string (got 3)')
    """
    if isinstance(value, str) and value.strip():
        return value
    problems.append(Problem(str(at), f"must be {what}", shown(value)))
    return None


def number(value: Any, at: Where, problems: list[Problem], *, low: Decimal | int | None = None,
           high: Decimal | int | None = None, strings: bool = False) -> Decimal | None:
    """``value`` as a Decimal within ``[low, high]``; else a problem and None.

    With ``strings`` a number written as a JSON string (``"12"``) is accepted too, as
    GeniusWeb's number ranges allow.

    Examples
    --------
    >>> problems = []
    >>> number(Decimal("1.5"), Where("x.json", ("w",)), problems, low=0, high=1)
    >>> str(problems[0])
    'x.json#w: must be a number from 0 to 1 (got 1.5)'
    >>> number("12", Where("x.json"), [], strings=True)
    Decimal('12')
    """
    if strings and isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except ArithmeticError:
            parsed = None
        if parsed is not None and parsed.is_finite() and len(value) <= 100:
            value = parsed
    if not isinstance(value, Decimal) or not value.is_finite():
        problems.append(Problem(str(at), "must be a number", shown(value)))
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        span = (f"from {low} to {high}" if low is not None and high is not None
                else f"at least {low}" if low is not None else f"at most {high}")
        problems.append(Problem(str(at), f"must be a number {span}", shown(value)))
        return None
    return value


def shown(value: Any) -> str:
    """A short rendering of a parsed JSON value for messages (Decimals as numbers, bounded).

    Examples
    --------
    >>> shown(Decimal("0.5")), shown(Decimal("1" * 40)), shown("x")
    ('0.5', 'a number of 40 digits', "'x'")
    """
    if isinstance(value, Decimal):
        digits = len(value.as_tuple().digits)
        return str(value) if digits <= 30 else f"a number of {digits} digits"
    return show(value)


def dumps(value: Any, *, indent: str = "\t", _level: int = 0) -> str:
    """JSON text of plain data whose numbers may be Decimals (written exactly) or floats
    (written with ``repr``, so that they read back exactly), indented as GeniusWeb's files.

    Examples
    --------
    >>> print(dumps({"w": {"a": Decimal("0.1"), "b": 0.9}, "values": ["x", "y"], "bid": None}))
    {
    \t"w": {
    \t\t"a": 0.1,
    \t\t"b": 0.9
    \t},
    \t"values": [
    \t\t"x",
    \t\t"y"
    \t],
    \t"bid": null
    }
    """
    inner = indent * (_level + 1)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: "
                 f"{dumps(v, indent=indent, _level=_level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent * _level + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [f"{inner}{dumps(v, indent=indent, _level=_level + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + indent * _level + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    raise ValueError(f"dumps: cannot write {shown(value)} as JSON")
