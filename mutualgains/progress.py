"""One convention for the progress of long calls: ``progress=`` takes a callback or ``True``.

Every long call (:func:`mutualgains.pareto_frontier`, :func:`mutualgains.alternatives`,
:func:`mutualgains.explain`, :func:`mutualgains.phase`, the sweeps) takes
``progress=False`` and reports through :func:`track`:

- ``False`` (or ``None``): nothing;
- a callable: called as ``progress(done, total)`` after every step, where ``done``
  is the number of steps finished and ``total`` the number of steps when it is
  known in advance, else ``None`` (a search whose size is found as it goes);
- ``True``: a tqdm bar on stderr (``pip install "mutualgains[progress]"``; in a
  notebook, tqdm's widget when ipywidgets is there). The bar is off when stderr
  is not a terminal (tqdm's ``disable=None``), so logs and CI output stay clean;
  without tqdm, a one-line counter on stderr, also only on a terminal.

What a step is, each function says (a solve, a package found, a stage).

Adopting it in a long call::

    from mutualgains.progress import ProgressArg, track

    def sweep(case, values, *, progress: ProgressArg = False):
        with track(progress, "sweep", total=len(values)) as step:
            for value in values:
                ...            # one solve
                step.advance()

Examples
--------
>>> seen = []
>>> with track(lambda done, total: seen.append((done, total)), "demo", total=3) as step:
...     for _ in range(3):
...         step.advance()
>>> seen
[(1, 3), (2, 3), (3, 3)]
>>> with track(False, "quiet") as step:   # nothing is reported
...     step.advance()
>>> step.done
1
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeAlias

from mutualgains.errors import UsageError
from mutualgains.params import PROGRESS
from mutualgains.util import show

__all__ = ["ProgressArg", "ProgressCallback", "Tracker", "check_progress", "track"]

ProgressCallback: TypeAlias = Callable[[int, "int | None"], None]
"""``progress(done, total)``: steps finished, and the number of steps (``None`` if unknown)."""

ProgressArg: TypeAlias = "bool | ProgressCallback | None"
"""What ``progress=`` accepts: ``False``/``None`` (off), ``True`` (a bar), or a callback."""


def check_progress(progress: Any, where: str = "progress") -> None:
    """Raise :class:`~mutualgains.errors.UsageError` unless ``progress`` is a flag or callable
    (what :data:`mutualgains.params.PROGRESS` accepts; decorated entry points check it
    themselves).

    Examples
    --------
    >>> check_progress(True), check_progress(print)
    (None, None)
    >>> check_progress("yes")
    Traceback (most recent call last):
    ...
    mutualgains.errors.UsageError: progress must be True, False, None or a callable \
progress(done, total) (got 'yes')
    """
    if not PROGRESS.accepts(progress):
        raise UsageError(f"{where} must be {PROGRESS.describe()} (got {show(progress)})")


class _Line:
    """A one-line counter on stderr, for ``progress=True`` without tqdm."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.shown = False

    def show(self, done: int, total: int | None) -> None:
        of = f"/{total}" if total is not None else ""
        sys.stderr.write(f"\r{self.desc}: {done}{of} ")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _bar(desc: str, total: int | None, unit: str) -> Any:
    """A tqdm bar (the notebook widget where it can be), or a plain line without tqdm."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _Line(desc) if sys.stderr.isatty() else None
    return tqdm(total=total, desc=desc, unit=unit, disable=None, leave=False)


class Tracker:
    """The progress of one long call: count steps with :meth:`advance` or :meth:`update`.

    Made by :func:`track`; use it as a context manager so that a bar is closed
    however the call ends.

    Attributes
    ----------
    done : int
        Steps finished so far.
    total : int or None
        Steps in all, when known.

    Examples
    --------
    >>> seen = []
    >>> with track(lambda d, t: seen.append((d, t)), "frontier") as step:
    ...     step.update(5)          # a count found as it goes
    ...     step.update(7, total=9)  # the total became known
    >>> seen
    [(5, None), (7, 9)]
    """

    def __init__(self, progress: ProgressArg, desc: str, total: int | None = None,
                 unit: str = "step") -> None:
        check_progress(progress)
        self.done = 0
        self.total = total
        self.desc = desc
        self._callback: ProgressCallback | None = None
        self._bar: Any = None
        if callable(progress) and not isinstance(progress, bool):
            self._callback = progress
        elif progress:
            self._bar = _bar(desc, total, unit)

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps are finished."""
        self.update(self.done + steps)

    def update(self, done: int, total: int | None = None) -> None:
        """``done`` steps are finished in all (and ``total`` is now known, when given)."""
        if total is not None:
            self.total = total
        step, self.done = done - self.done, done
        if self._callback is not None:
            self._callback(self.done, self.total)
        elif isinstance(self._bar, _Line):
            self._bar.show(self.done, self.total)
        elif self._bar is not None:
            if total is not None and self._bar.total != total:
                self._bar.total = total
            self._bar.update(step)

    def close(self) -> None:
        """Close the bar (a callback is not called again)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def track(progress: ProgressArg, desc: str, *, total: int | None = None,
          unit: str = "step") -> Tracker:
    """The :class:`Tracker` for a call's ``progress=`` argument.

    Parameters
    ----------
    progress : bool, callable or None
        As the calling function received it (see the module notes).
    desc : str
        What is running (the bar's label), e.g. ``"frontier"``.
    total : int, optional
        The number of steps, when known in advance.
    unit : str, default "step"
        The bar's unit ("solve", "package", "point").

    Raises
    ------
    UsageError
        ``progress`` is neither a flag nor callable.

    Examples
    --------
    >>> calls = []
    >>> with track(lambda done, total: calls.append(done), "alternatives", total=2) as step:
    ...     step.advance(); step.advance()
    >>> calls
    [1, 2]
    """
    return Tracker(progress, desc, total=total, unit=unit)
