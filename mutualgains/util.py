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
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from mutualgains.errors import Problem

__all__ = ["caller_stacklevel", "number", "readonly", "show", "tidy"]


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
    frame = sys._getframe(1)  # the function that warns: stacklevel 1
    level = 1
    while frame is not None and _in_package(frame):
        frame = frame.f_back
        level += 1
    return level


def _in_package(frame: Any) -> bool:
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


def readonly(mapping: Mapping) -> Mapping:
    """A read-only copy of ``mapping``.

    Examples
    --------
    >>> view = readonly({"a": 1})
    >>> view["a"], type(view).__name__
    (1, 'mappingproxy')
    """
    return MappingProxyType(dict(mapping))


def _readonly_from(data: dict) -> Mapping:
    """Unpickle a read-only view (see the registration below)."""
    return MappingProxyType(data)


# Cases and results hold read-only views (mappingproxy), which pickle cannot copy by
# itself: copied as their plain data, cases and results cross process boundaries
# (multiprocessing pools send them to workers and back).
copyreg.pickle(MappingProxyType, lambda view: (_readonly_from, (dict(view),)))


def number(value: Any, where: str, problems: list[Problem], *, low: float | None = None,
           high: float | None = None, strict: bool = False) -> int | float | None:
    """``value`` as a finite int or float within bounds, or record a problem and return None.

    ``low`` is inclusive unless ``strict``; ``low=0`` reads "must be non-negative"
    (or "must be positive" when strict).

    Examples
    --------
    >>> problems = []
    >>> number(3, "x", problems), number(-1, "y", problems, low=0), [str(p) for p in problems]
    (3, None, ['y: must be non-negative (got -1)'])
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        problems.append(Problem(where, "must be a number", show(value)))
        return None
    value = int(value) if isinstance(value, numbers.Integral) else float(value)
    if not math.isfinite(value):
        problems.append(Problem(where, "must be a finite number", show(value)))
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
