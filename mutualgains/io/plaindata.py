"""YAML and JSON text as plain data, strictly and within bounds.

Strict: a duplicate key is refused (instead of keeping the last), so is a list or a
mapping used as a key; a UTF-8 byte order mark is accepted (Windows editors write one).

Bounded before anything is built, so that no input can take unbounded time or memory:

- YAML is read twice. A first pass over the parser's events (libyaml when available)
  counts the values the document holds *with its aliases expanded* and its nesting
  depth, and stops at :data:`~mutualgains.limits.MAX_YAML_NODES` values or
  :data:`~mutualgains.limits.MAX_DEPTH` levels: a 349-byte "billion laughs" alias bomb
  is refused after reading a few hundred events. Only then is the document composed
  and constructed. Integers of more than :data:`~mutualgains.limits.MAX_INT_DIGITS`
  digits are refused where they stand.
- JSON is parsed by the standard library (nesting beyond the interpreter's recursion
  limit is refused), then walked once, without recursion, for the same two limits.

Every refusal is a :class:`~mutualgains.errors.CaseError` naming the file, and where the
parser knows it, the line and column.

Examples
--------
>>> yaml_data("a: [1, 2]", "x.yaml")
{'a': [1, 2]}
>>> bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\\n" + "".join(
...     f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\\n"
...     for p, c in zip("abcdefgh", "bcdefghi"))
>>> yaml_data(bomb, "bomb.yaml")
Traceback (most recent call last):
...
mutualgains.errors.CaseError: 1 problem in the case:
  bomb.yaml:...: must hold at most 1,000,000 values (limits.MAX_YAML_NODES) (aliases \
expanded) (got more)
>>> json_data('{"a": 1, "a": 2}', "x.json")
Traceback (most recent call last):
...
mutualgains.errors.CaseError: 1 problem in the case:
  x.json: malformed JSON (got duplicate key 'a')
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable
from typing import Any

import yaml

from mutualgains.errors import CaseError, Problem
from mutualgains.limits import MAX_DEPTH, MAX_INT_DIGITS, MAX_NODES, MAX_YAML_NODES, refusal

__all__ = ["decode", "json_data", "yaml_data"]

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when it is installed
_DEEP = f"must nest lists and mappings {refusal('MAX_DEPTH', 'levels')} deep"
_MANY = f"must hold {refusal('MAX_NODES', 'values')}"
_MANY_YAML = f"must hold {refusal('MAX_YAML_NODES', 'values')} (aliases expanded)"


# ------------------------------------------------------------------------ text


def decode(raw: bytes, where: str) -> str:
    """``raw`` as UTF-8 text (a byte order mark is dropped); a CaseError naming the byte.

    Examples
    --------
    >>> decode(b"\\xef\\xbb\\xbfa: 1", "x.yaml")
    'a: 1'
    >>> decode(b"a: \\xff", "x.yaml")
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      x.yaml: must be UTF-8 text (got byte 0xff at offset 3)
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        bad = raw[err.start:err.start + 1].hex()
        raise CaseError([Problem(where, "must be UTF-8 text",
                                 f"byte 0x{bad} at offset {err.start}")]) from None


# ------------------------------------------------------------------------ YAML


class _StrictLoader(_BASE):  # type: ignore[misc, valid-type]
    """Safe YAML loader that refuses duplicate keys, unhashable keys and huge integers."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode,
                       deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, f"a {'list' if isinstance(key, list) else 'mapping'} cannot be a "
                "key (keys are names or numbers)", key_node.start_mark)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


def _construct_int(loader: _StrictLoader, node: yaml.ScalarNode) -> int:
    digits = sum(c.isdigit() for c in node.value)
    if digits > MAX_INT_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"an integer of {digits:,} digits is too long "
            f"({refusal('MAX_INT_DIGITS', 'digits')})", node.start_mark)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


class _Refused(Exception):
    def __init__(self, mark: Any, rule: str, got: str):
        super().__init__(rule)
        self.mark, self.rule, self.got = mark, rule, got


def _check_events(text: str) -> None:
    """Count the values of every document, aliases expanded, and the depth; raise _Refused
    at the first event beyond :data:`MAX_YAML_NODES` or :data:`MAX_DEPTH`."""
    sizes: dict[str | None, int] = {}  # anchor -> values it stands for (never None)
    stack: list[list] = []  # per open collection: [values so far, anchor]
    total = 0
    for event in yaml.parse(text, Loader=_BASE):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _Refused(event.start_mark, _DEEP, "more")
            stack.append([1, event.anchor])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            size, anchor = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            size, anchor = 1, event.anchor
        elif isinstance(event, yaml.AliasEvent):
            size, anchor = sizes.get(event.anchor, 1), None
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if stack:
            stack[-1][0] += size
        else:
            total += size
        if total + sum(s for s, _ in stack) > MAX_YAML_NODES:
            raise _Refused(event.start_mark, _MANY_YAML, "more")


def yaml_data(text: str, where: str) -> Any:
    """The plain data of the YAML document ``text`` (``where`` names it in problems).

    Examples
    --------
    >>> yaml_data("parties: {A: 1}\\nparties: {B: 2}", "x.yaml")
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      x.yaml:2:1: malformed YAML (got duplicate key 'parties')

    Raises
    ------
    CaseError
        Malformed YAML (with line and column), a duplicate or unhashable key, a
        document beyond the limits.
    """
    try:
        _check_events(text)
        return yaml.load(text, Loader=_StrictLoader)
    except _Refused as err:
        raise CaseError([Problem(_at(where, err.mark), err.rule, err.got)]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        what = getattr(err, "problem", None) or str(err)
        raise CaseError([Problem(_at(where, mark), "malformed YAML", what)]) from None
    except (ValueError, OverflowError, RecursionError) as err:  # a constructor beyond its means
        raise CaseError([Problem(where, "malformed YAML", f"{type(err).__name__}: "
                                 f"{str(err)[:100]}")]) from None


def _at(where: str, mark: Any) -> str:
    return f"{where}:{mark.line + 1}:{mark.column + 1}" if mark is not None else where


# ------------------------------------------------------------------------ JSON


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def json_data(text: str, where: str) -> Any:
    """The plain data of the JSON document ``text`` (``where`` names it in problems).

    Examples
    --------
    >>> json_data('{"a": [1, 2.5, null]}', "x.json")
    {'a': [1, 2.5, None]}

    Raises
    ------
    CaseError
        Malformed JSON (with line and column), a duplicate key, a document beyond the
        limits.
    """
    try:  # integers are parsed by the C scanner; Python refuses more than 4,300 digits
        data = json.loads(text, object_pairs_hook=_json_pairs)
    except json.JSONDecodeError as err:
        raise CaseError([Problem(f"{where}:{err.lineno}:{err.colno}", "malformed JSON",
                                 err.msg)]) from None
    except RecursionError:
        raise CaseError([Problem(where, _DEEP, "more")]) from None
    except ValueError as err:
        digits = re.search(r"integer string conversion: value has (\d+) digits", str(err))
        what = str(err) if digits is None else (
            f"an integer of {int(digits.group(1)):,} digits is too long "
            f"({refusal('MAX_INT_DIGITS', 'digits')})")
        raise CaseError([Problem(where, "malformed JSON", what)]) from None
    _check_tree(data, where)
    return data


def _check_tree(data: Any, where: str) -> None:
    """Walk ``data`` without recursion: at most MAX_NODES values and MAX_DEPTH levels
    (only containers are visited; their items are counted and typed at C speed)."""
    if not isinstance(data, dict | list):
        return
    stack: list[tuple[Any, int]] = [(data, 0)]
    count = 1
    while stack:
        value, depth = stack.pop()
        if depth >= MAX_DEPTH:
            raise CaseError([Problem(where, _DEEP, "more")])
        items = list(value.values()) if isinstance(value, dict) else value
        count += len(items)
        if count > MAX_NODES:
            raise CaseError([Problem(where, _MANY, "more")])
        if _CONTAINERS & set(map(type, items)):
            stack.extend((item, depth + 1) for item in items if type(item) in _CONTAINERS)


_CONTAINERS = {dict, list}
