"""Small helpers shared by the modules: renderings, number checks, read-only views.

Examples
--------
>>> from mutualgains.util import number, show, tidy
>>> tidy(3.0), tidy(2.5), show("x" * 70)[-3:]
(3, 2.5, '...')
>>> problems = []
>>> number(float("nan"), "parties.A.batna", problems), str(problems[0])
(None, 'parties.A.batna: must be a finite number (got nan)')
"""

from __future__ import annotations

import copyreg
import math
import numbers
import os
import reprlib
import sys
import warnings
from collections.abc import Callable, Mapping
from types import FrameType, MappingProxyType
from typing import Any, TypeVar

from mutualgains.errors import Problem
from mutualgains.limits import MAX_MAGNITUDE, refusal

_K = TypeVar("_K")
_V = TypeVar("_V")

__all__ = ["caller_stacklevel", "listing", "number", "readonly", "set_fields", "show", "tidy",
           "warn"]


def show(value: Any) -> str:
    """A short ``repr`` for messages (at most 60 characters).

    Bounded in time and memory whatever ``value`` is: nested or shared
    containers are shown only to a few levels and items (a YAML alias bomb
    expands to billions of items, never rendered), huge integers by their
    number of digits.

    Examples
    --------
    >>> show("Port"), show(list(range(100)))
    ("'Port'", '[0, 1, 2, 3, 4, 5, ...]')
    >>> show(10 ** 5000)
    'an integer of 5001 digits'
    """
    try:
        text = _SHORT.repr(value)
    except Exception:  # a __repr__ that fails must not hide the real problem
        text = f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def listing(names: Any, most: int = 20) -> str:
    """Names for a message, separated by commas: all of them, or the first ``most`` and a count.

    Bounded like :func:`show`: an issue with a million options is not listed in full in
    each of its problems.

    Examples
    --------
    >>> listing(["x", "y"]), listing([str(k) for k in range(1000)], most=3)
    ('x, y', '0, 1, 2, ... (1,000 in all)')
    """
    names = list(names) if not isinstance(names, list | tuple) else names
    if len(names) <= most:
        return ", ".join(map(str, names))
    return ", ".join(map(str, names[:most])) + f", ... ({len(names):,} in all)"


class _ShortRepr(reprlib.Repr):
    """``reprlib`` with small limits, and integers too long for ``repr`` measured instead."""

    def repr_int(self, x: int, level: int) -> str:
        digits = _digits(x)
        if digits > 50:
            return f"an integer of {digits} digits"
        return repr(x)


def _digits(x: int) -> int:
    """Decimal digits of ``abs(x)``, without converting it to a string."""
    x = abs(x)
    if x < 10**50:
        return len(str(x))
    digits = int(x.bit_length() * math.log10(2)) + 1  # within one of the truth
    return digits if x >= 10 ** (digits - 1) else digits - 1


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def caller_stacklevel() -> int:
    """The ``stacklevel`` for :func:`warnings.warn` that names the first caller outside
    mutualgains (the user's line), however deep inside the package the warning is raised.

    Call it from the function that warns: ``warnings.warn(text, Kind,
    stacklevel=caller_stacklevel())``.

    Examples
    --------
    >>> caller_stacklevel()  # called from outside the package: the line itself
    1
    """
    frame: FrameType | None = sys._getframe(1)  # the function that warns: stacklevel 1
    level = 1
    while frame is not None and _in_package(frame):
        frame = frame.f_back
        level += 1
    return level


def _in_package(frame: FrameType) -> bool:
    """A frame of the package's code, including code it generates (dataclass ``__init__``)."""
    filename = frame.f_code.co_filename
    if filename.startswith(_PACKAGE_DIR):
        return True
    module = frame.f_globals.get("__name__", "")
    return filename == "<string>" and (module == "mutualgains" or
                                       module.startswith("mutualgains."))


_SHORT = _ShortRepr()
_SHORT.maxlevel = 3
_SHORT.maxstring = 120  # then cut to 60 with a trailing ...
_SHORT.maxother = 120
for _attr in ("maxtuple", "maxlist", "maxarray", "maxdict", "maxset", "maxfrozenset",
              "maxdeque"):
    setattr(_SHORT, _attr, 6)


def tidy(value: float) -> float | int:
    """A plain Python number: integral values as ``int``, others as ``float``.

    Examples
    --------
    >>> tidy(4.0), tidy(0.5)
    (4, 0.5)
    """
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def readonly(mapping: Mapping[_K, _V]) -> Mapping[_K, _V]:
    """A read-only copy of ``mapping``.

    Examples
    --------
    >>> view = readonly({"a": 1})
    >>> view["a"], type(view).__name__
    (1, 'mappingproxy')
    """
    return MappingProxyType(dict(mapping))


def _readonly_from(data: dict[_K, _V]) -> MappingProxyType[_K, _V]:
    """Unpickle a read-only view (see the registration below)."""
    return MappingProxyType(data)


def _reduce_readonly(view: MappingProxyType[Any, Any]) -> tuple[
        Callable[[dict[Any, Any]], MappingProxyType[Any, Any]], tuple[dict[Any, Any]]]:
    """Reduce a read-only view to its plain data (see the registration below)."""
    return _readonly_from, (dict(view),)


# Cases and results hold read-only views (mappingproxy), which pickle cannot copy by
# itself: copied as their plain data, cases and results cross process boundaries
# (multiprocessing pools send them to workers and back).
copyreg.pickle(MappingProxyType, _reduce_readonly)


def number(value: Any, where: str, problems: list[Problem], *, low: float | None = None,
           high: float | None = None, strict: bool = False) -> int | float | None:
    """``value`` as a finite int or float within bounds, or record a problem and return None.

    ``low`` is inclusive unless ``strict``; ``low=0`` reads "must be non-negative"
    (or "must be positive" when strict). Whatever the bounds, the absolute value
    is at most :data:`mutualgains.limits.MAX_MAGNITUDE` (1e9), so that the one
    tolerance keeps its meaning and the solver can handle the value exactly.

    Examples
    --------
    >>> problems = []
    >>> number(3, "x", problems), number(-1, "y", problems, low=0), [str(p) for p in problems]
    (3, None, ['y: must be non-negative (got -1)'])
    >>> number(10 ** 400, "z", problems), problems[-1].rule
    (None, 'must be at most 1e+09 in absolute value (limits.MAX_MAGNITUDE)')
    """
    kind = type(value)
    if kind is int or kind is float:  # the common case, without the slower ABC checks
        if kind is float and not math.isfinite(value):
            problems.append(Problem(where, "must be a finite number", show(value)))
            return None
    elif isinstance(value, bool) or not isinstance(value, numbers.Real):
        problems.append(Problem(where, "must be a number", show(value)))
        return None
    elif isinstance(value, numbers.Integral):
        value = int(value)  # compared with the limit exactly: never converted to float
    else:
        try:
            value = float(value)
        except OverflowError:  # a Fraction or Decimal beyond the doubles
            value = math.inf
        if not math.isfinite(value):
            problems.append(Problem(where, "must be a finite number", show(value)))
            return None
    if abs(value) > MAX_MAGNITUDE:
        limit = refusal("MAX_MAGNITUDE", "in absolute value")
        problems.append(Problem(where, f"must be {limit}", show(value)))
        return None
    if low is not None and (value <= low if strict else value < low):
        rule = (("must be positive" if strict else "must be non-negative") if low == 0
                else f"must be {'above' if strict else 'at least'} {low:g}")
        problems.append(Problem(where, rule, show(value)))
        return None
    if high is not None and value > high:
        problems.append(Problem(where, f"must be at most {high:g}", show(value)))
        return None
    return value


def set_fields(instance: Any, **values: Any) -> None:
    """Store normalised field ``values`` on a frozen dataclass ``instance``.

    The one place where a frozen value object is written to: a ``__post_init__``
    that has checked and normalised its fields (lists to tuples, numbers to
    int or float) stores them with it, as attrs' converters do.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Pair:
    ...     items: tuple
    ...     def __post_init__(self):
    ...         set_fields(self, items=tuple(self.items))
    >>> Pair([1, 2]).items
    (1, 2)
    """
    for name, value in values.items():
        object.__setattr__(instance, name, value)


def warn(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` attributed to the first caller outside mutualgains.

    The warning then names the user's line that led to it (``Case(...)``,
    ``load_case(...)``), however deep in the package it was raised.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("careful", UserWarning)
    >>> caught[0].category.__name__, str(caught[0].message)
    ('UserWarning', 'careful')
    """
    warnings.warn(message, category, stacklevel=caller_stacklevel())
