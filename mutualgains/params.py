"""Declarative checks of the arguments of public functions.

Every public entry point states what each argument accepts, once, in a
:func:`validated` decorator; a call with anything else raises
:class:`~mutualgains.errors.UsageError` naming the function, the argument, what
it accepts and what it got, before any work is done. Checks that need the case
(a party name that must exist) stay in the function body.

Constraints: :class:`Choice`, :class:`Real`, :class:`Integer`, :class:`Flag`,
:class:`Instance`, :class:`Names`, :class:`ListOf`, :class:`Text`,
:class:`FilePath`, :class:`Function`, :class:`Maybe` (the constraint or ``None``)
and :class:`AnyOf`. The arguments that many functions share are declared once
here (:data:`SOLVER`, :data:`TIME_LIMIT`, :data:`GAP`, :data:`METHOD`); those
that need the model (a case, a package) in :mod:`mutualgains.model.arguments`.

Every decorated function carries its constraints as ``__wrapped_constraints__``
(tests/test_api_arguments.py feeds each public function the values they refuse).

Examples
--------
>>> from mutualgains.params import Choice, Maybe, Real, validated
>>> @validated(colour=Choice(("red", "blue")), limit=Maybe(Real(low=0, strict=True)))
... def paint(colour, *, limit=None):
...     return colour
>>> paint("red")
'red'
>>> paint("green")
Traceback (most recent call last):
...
mutualgains.errors.UsageError: paint: colour must be one of 'red', 'blue' (got 'green')
>>> paint("red", limit=0)
Traceback (most recent call last):
...
mutualgains.errors.UsageError: paint: limit must be None or a number above 0 (got 0)
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from mutualgains.errors import UsageError
from mutualgains.util import show

__all__ = ["GAP", "METHOD", "PROGRESS", "SOLVER", "TIME_LIMIT", "AnyOf", "Choice", "Constraint",
           "FilePath", "Flag", "Function", "Instance", "Integer", "ListOf", "Maybe", "Names",
           "Progress", "Real", "Stream", "Text", "validated"]

F = TypeVar("F", bound=Callable[..., Any])


class Constraint(ABC):
    """What one argument accepts: :meth:`accepts` decides, :meth:`describe` says it.

    Examples
    --------
    >>> Real(low=0).accepts(-1), Real(low=0).describe()
    (False, 'a number of at least 0')
    """

    @abstractmethod
    def accepts(self, value: Any) -> bool:
        """Whether ``value`` is acceptable."""

    @abstractmethod
    def describe(self) -> str:
        """What is acceptable, in words that follow "must be"."""


@dataclass(frozen=True)
class Choice(Constraint):
    """One of the given strings.

    Examples
    --------
    >>> Choice(("auto", "mip")).accepts("mip"), Choice(("auto", "mip")).accepts(["mip"])
    (True, False)
    """

    values: tuple[str, ...]

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and value in self.values

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)


@dataclass(frozen=True)
class Real(Constraint):
    """A finite real number (not a bool), at least ``low`` (above it when ``strict``) and at
    most ``high``.

    Examples
    --------
    >>> Real(low=0, high=1).accepts(0.5), Real().accepts(float("nan")), Real().accepts(True)
    (True, False, False)
    """

    low: float | None = None
    high: float | None = None
    strict: bool = False

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return False
        try:
            value = float(value)
        except (OverflowError, ValueError):
            return False
        if not math.isfinite(value):
            return False
        if self.low is not None and (value <= self.low if self.strict else value < self.low):
            return False
        return self.high is None or value <= self.high

    def _kind(self) -> str:
        return "a number"

    def describe(self) -> str:
        text = self._kind()
        if self.low is not None:
            text += f" {'above' if self.strict else 'of at least'} {self.low:g}"
        if self.high is not None:
            text += f"{' and' if self.low is not None else ''} at most {self.high:g}"
        return text


@dataclass(frozen=True)
class Integer(Real):
    """A whole number (an ``int``, not a bool) within the bounds.

    Examples
    --------
    >>> Integer(low=1).accepts(3), Integer(low=1).accepts(3.0), Integer(low=1).accepts(0)
    (True, False, False)
    """

    def accepts(self, value: Any) -> bool:
        return isinstance(value, numbers.Integral) and super().accepts(value)

    def _kind(self) -> str:
        return "a whole number"


@dataclass(frozen=True)
class Flag(Constraint):
    """``True`` or ``False`` (not 0, 1 or a string).

    Examples
    --------
    >>> Flag().accepts(True), Flag().accepts(1)
    (True, False)
    """

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool)

    def describe(self) -> str:
        return "True or False"


@dataclass(frozen=True)
class Instance(Constraint):
    """An instance of one of the given types.

    Examples
    --------
    >>> Instance(dict, label="a mapping").accepts({}), Instance(dict).describe()
    (True, 'a dict')
    """

    types: type | tuple[type, ...]
    label: str | None = None

    def accepts(self, value: Any) -> bool:
        return isinstance(value, self.types)

    def describe(self) -> str:
        if self.label:
            return self.label
        types = self.types if isinstance(self.types, tuple) else (self.types,)
        return " or ".join(f"a {t.__name__}" for t in types)


@dataclass(frozen=True)
class Text(Constraint):
    """A non-empty string.

    Examples
    --------
    >>> Text().accepts("Port"), Text().accepts(""), Text().accepts(3)
    (True, False, False)
    """

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and bool(value.strip())

    def describe(self) -> str:
        return "a non-empty string"


@dataclass(frozen=True)
class Names(Constraint):
    """A list (or tuple, set...) of non-empty strings; a single string is refused, so that
    ``"AB"`` is never read as the names ``A`` and ``B``.

    Examples
    --------
    >>> Names().accepts(["A", "B"]), Names().accepts("AB"), Names(min_length=1).accepts([])
    (True, False, False)
    """

    min_length: int = 0

    def accepts(self, value: Any) -> bool:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            return False
        items = list(value)
        return len(items) >= self.min_length and all(Text().accepts(v) for v in items)

    def describe(self) -> str:
        least = f" (at least {self.min_length})" if self.min_length else ""
        return f"a list of names{least}, not a single string"


@dataclass(frozen=True)
class ListOf(Constraint):
    """A list (or tuple...) of at least ``min_length`` items that ``inner`` accepts; a
    string or a mapping is refused.

    Examples
    --------
    >>> c = ListOf(Real(low=0), min_length=1)
    >>> c.accepts([1, 2.5]), c.accepts([]), c.accepts([-1]), c.describe()
    (True, False, False, 'a list (at least 1) of a number of at least 0')
    """

    inner: Constraint
    min_length: int = 0

    def accepts(self, value: Any) -> bool:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            return False
        items = list(value)
        return len(items) >= self.min_length and all(self.inner.accepts(v) for v in items)

    def describe(self) -> str:
        least = f" (at least {self.min_length})" if self.min_length else ""
        return f"a list{least} of {self.inner.describe()}"


@dataclass(frozen=True)
class FilePath(Constraint):
    """A path: a non-empty string or an :class:`os.PathLike` (such as :class:`pathlib.Path`).

    Examples
    --------
    >>> from pathlib import Path
    >>> FilePath().accepts("case.yaml"), FilePath().accepts(Path("x")), FilePath().accepts("")
    (True, True, False)
    """

    def accepts(self, value: Any) -> bool:
        if isinstance(value, os.PathLike):
            return True
        return isinstance(value, str) and bool(value.strip()) and "\0" not in value

    def describe(self) -> str:
        return "a path (a non-empty str or a pathlib.Path)"


@dataclass(frozen=True)
class Stream(Constraint):
    """Items to go through once: a list, a tuple, a generator... (not a string or a mapping;
    nothing is consumed to check it).

    Examples
    --------
    >>> Stream().accepts([{}, {}]), Stream().accepts(x for x in ()), Stream().accepts("ab")
    (True, True, False)
    """

    def accepts(self, value: Any) -> bool:
        return isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping)

    def describe(self) -> str:
        return "a list or another iterable of items, not a string or a mapping"


@dataclass(frozen=True)
class Function(Constraint):
    """Something callable.

    Examples
    --------
    >>> Function().accepts(print), Function().accepts("print")
    (True, False)
    """

    def accepts(self, value: Any) -> bool:
        return callable(value)

    def describe(self) -> str:
        return "a function"


@dataclass(frozen=True)
class Maybe(Constraint):
    """``None`` or what ``inner`` accepts.

    Examples
    --------
    >>> Maybe(Real()).accepts(None), Maybe(Real()).describe()
    (True, 'None or a number')
    """

    inner: Constraint

    def accepts(self, value: Any) -> bool:
        return value is None or self.inner.accepts(value)

    def describe(self) -> str:
        return f"None or {self.inner.describe()}"


@dataclass(frozen=True)
class AnyOf(Constraint):
    """What any of the given constraints accepts.

    Examples
    --------
    >>> c = AnyOf((Flag(), Function()))
    >>> c.accepts(True), c.accepts(print), c.describe()
    (True, True, 'True or False, or a function')
    """

    options: tuple[Constraint, ...]

    def accepts(self, value: Any) -> bool:
        return any(c.accepts(value) for c in self.options)

    def describe(self) -> str:
        return ", or ".join(c.describe() for c in self.options)


SOLVER = Text()
"""``solver=``: a solver name (whether it exists here is checked when it is created)."""

TIME_LIMIT = Maybe(Real(low=0, strict=True))
"""``time_limit=``: None (no limit) or seconds above 0."""

GAP = Real(low=0, high=1)
"""``gap=``: the relative MIP gap at which a solve may stop, from 0 (exact) to 1."""

METHOD = Choice(("auto", "dp", "enumerate", "mip"))
"""``method=``: ``auto`` decides the exact path from the case (structure and counts, never
the clock); ``dp`` (the tree dynamic program), ``enumerate`` and ``mip`` force one
(:data:`mutualgains.engine.paths.METHODS`)."""


@dataclass(frozen=True)
class Progress(Constraint):
    """``progress=``: ``True`` (a bar), ``False``/``None`` (quiet) or a callable
    ``progress(done, total)`` (see :mod:`mutualgains.progress`).

    Examples
    --------
    >>> Progress().accepts(print), Progress().accepts(None), Progress().accepts("yes")
    (True, True, False)
    """

    def accepts(self, value: Any) -> bool:
        return value is None or isinstance(value, bool) or callable(value)

    def describe(self) -> str:
        return "True, False, None or a callable progress(done, total)"


PROGRESS = Progress()
"""``progress=``: the one convention of every long call."""


def validated(**constraints: Constraint) -> Callable[[F], F]:
    """Check the named arguments of the decorated function before it runs.

    Parameters
    ----------
    **constraints : Constraint
        One per argument to check, by the argument's name. Arguments not named
        here are passed through; defaults are checked too (so a wrong default
        is found by the first call).

    Raises
    ------
    UsageError
        From the decorated function, ``"<function>: <argument> must be <what it
        accepts> (got <what it got>)"``.
    TypeError
        At decoration, when a constraint names no argument of the function.

    Examples
    --------
    >>> @validated(k=Integer(low=1))
    ... def best(k=1):
    ...     return k
    >>> best(k="2")
    Traceback (most recent call last):
    ...
    mutualgains.errors.UsageError: best: k must be a whole number of at least 1 (got '2')
    """

    def decorate(func: F) -> F:
        signature = inspect.signature(func)
        unknown = set(constraints) - set(signature.parameters)
        if unknown:
            raise TypeError(f"{func.__qualname__}: no argument named {', '.join(sorted(unknown))}")

        @functools.wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as err:
                raise UsageError(f"{func.__name__}: {err}") from None
            bound.apply_defaults()
            for name, constraint in constraints.items():
                value = bound.arguments[name]
                if not constraint.accepts(value):
                    raise UsageError(f"{func.__name__}: {name} must be {constraint.describe()} "
                                     f"(got {_got(value)})")
            return func(*args, **kwargs)

        checked.__wrapped_constraints__ = dict(constraints)  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate


def _got(value: Any) -> str:
    """What was passed, briefly: the value for plain data, the type for anything else."""
    if value is None or isinstance(value, str | bool | int | float | list | tuple | dict):
        return show(value)
    return f"a {type(value).__name__}"
