"""Sweep results on disk, appended as they arrive, so that a stopped sweep resumes.

``out="results.parquet"`` is a Parquet dataset: a folder of part files, each
written to a temporary name and renamed into place (a part is there whole or
not at all), read back with ``pandas.read_parquet`` or any Parquet reader.
``out="results.csv"`` is one CSV file, appended a batch of complete lines at a
time; a line cut short by a crash is dropped when the sweep resumes, and the
header grows (the file is rewritten once) when later rows bring new columns.
Both keep the sweep's identity (task, options, seed and the case's digest)
beside the results (``_sweep.json`` in the folder, ``<file>.sweep.json`` for
CSV) and refuse to mix another sweep into them.

Rows are buffered and written every ``flush_rows`` rows (and when the store
closes, also after an interruption). Scenario ids decide what is done: a
scenario's rows are written once, whatever is retried.

Parquet needs pyarrow (``pip install "mutualgains[distributed]"``).

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
>>> store = open_store(path, {"task": "solve", "seed": 0})
>>> store.append([{"scenario": "a", "position": 0, "row": 0, "ok": True, "value": 1.5}])
>>> store.close()
>>> sorted(open_store(path, {"task": "solve", "seed": 0}).done)
['a']
>>> open_store(path, {"task": "solve", "seed": 1})
Traceback (most recent call last):
...
mutualgains.errors.UsageError: out: ... holds another sweep (seed 0, not 1): resume it ...
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mutualgains.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["META_COLUMNS", "CsvStore", "ParquetStore", "ResultStore", "open_store",
           "tidy_frame"]

META_COLUMNS: tuple[str, ...] = ("scenario", "position", "row", "ok", "error", "seed",
                                 "seconds")
"""The columns every sweep row starts with."""

EXTRA = 'pip install "mutualgains[distributed]"'


def _pyarrow() -> None:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise UsageError(f"out: writing Parquet needs pyarrow: {EXTRA} (or write .csv)"
                         ) from None


def tidy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by scenario position and row; the meta columns first, then the others in
    the order they first hold a value (so the frame is the same however rows arrived).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame([{"scenario": "b", "position": 1, "row": 0, "y": 2},
    ...                       {"scenario": "a", "position": 0, "row": 0, "x": 1}])
    >>> tidy_frame(frame).columns.tolist()
    ['scenario', 'position', 'row', 'x', 'y']
    """
    if frame.empty:
        return frame.reset_index(drop=True)
    frame = frame.sort_values(["position", "row"], kind="stable").reset_index(drop=True)
    meta = [c for c in META_COLUMNS if c in frame.columns]
    rest = [c for c in frame.columns if c not in META_COLUMNS]
    first = {c: (int(frame[c].notna().to_numpy().argmax()) if frame[c].notna().any()
                 else len(frame)) for c in rest}
    order = {c: k for k, c in enumerate(rest)}
    rest.sort(key=lambda c: (first[c], order[c]))
    return frame[meta + rest]


class ResultStore(ABC):
    """Buffered, append-only results keyed by scenario id (see the module notes).

    Attributes
    ----------
    path : Path
    done : set of str
        The scenario ids whose rows are on disk (or in the buffer).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "r.csv", {"seed": 0})
    >>> isinstance(store, ResultStore), store.done
    (True, set())
    >>> row = {"scenario": "a", "position": 0, "row": 0, "ok": True}
    >>> store.append([row]); store.append([row])   # a scenario's rows are kept once
    >>> store.close(); len(store.read())
    1
    """

    def __init__(self, path: Path, meta: Mapping[str, Any], *, flush_rows: int = 256,
                 flush_seconds: float = 10.0):
        self.path = Path(path)
        self.meta = dict(meta)
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self.buffer: list[dict[str, Any]] = []
        self.done: set[str] = set()
        self.last_flush = time.monotonic()
        self._check_meta()
        self.done = self._stored_ids()

    # ---- identity

    @property
    @abstractmethod
    def meta_path(self) -> Path:
        """The file that records what the store holds (task, options, seed, case)."""

    def _check_meta(self) -> None:
        exists = self._exists()
        if self.meta_path.exists():
            try:
                stored = json.loads(self.meta_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                stored = None
            if not isinstance(stored, dict):
                raise UsageError(f"out: {self.meta_path} is not a sweep's description")
            for key in sorted(set(stored) | set(self.meta)):
                if stored.get(key) != self.meta.get(key):
                    raise UsageError(
                        f"out: {self.path} holds another sweep ({key} {stored.get(key)}, not "
                        f"{self.meta.get(key)}): resume it with the same task, options, seed "
                        "and case, or choose another file")
        elif exists:
            raise UsageError(f"out: {self.path} exists but holds no sweep (no "
                             f"{self.meta_path.name}): choose another file")
        else:
            self._create()
            self.meta_path.write_text(json.dumps(self.meta, indent=1, sort_keys=True),
                                      encoding="utf-8")

    # ---- rows

    def append(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Buffer the rows of scenarios not written yet (all rows of one scenario at once)."""
        fresh = []
        seen = set()
        for row in rows:
            sid = row["scenario"]
            if sid in self.done and sid not in seen:
                continue
            seen.add(sid)
            fresh.append(dict(row))
        self.done |= seen
        self.buffer += fresh
        if len(self.buffer) >= self.flush_rows or (
                self.buffer and time.monotonic() - self.last_flush >= self.flush_seconds):
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows."""
        if self.buffer:
            self._write(self.buffer)
            self.buffer = []
        self.last_flush = time.monotonic()

    def close(self) -> None:
        """Flush."""
        self.flush()

    def read(self) -> pd.DataFrame:
        """Every stored row as a DataFrame (see :func:`tidy_frame`)."""
        return tidy_frame(self._read())

    # ---- per format

    @abstractmethod
    def _exists(self) -> bool:
        """Whether rows are stored already."""

    @abstractmethod
    def _create(self) -> None:
        """Make the empty store."""

    @abstractmethod
    def _write(self, rows: list[dict[str, Any]]) -> None:
        """Append ``rows`` durably."""

    @abstractmethod
    def _read(self) -> pd.DataFrame:
        """Every stored row."""

    def _stored_ids(self) -> set[str]:
        frame = self._read()
        return set() if frame.empty else set(frame["scenario"].astype(str))


class ParquetStore(ResultStore):
    """A folder of Parquet part files (see the module notes).

    Examples
    --------
    >>> import pytest; _ = pytest.importorskip("pyarrow")
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.parquet"
    >>> store = open_store(path, {"seed": 0}, flush_rows=1)
    >>> store.append([{"scenario": "a", "position": 0, "row": 0, "x": 1}])
    >>> sorted(p.name for p in path.iterdir())
    ['_sweep.json', 'part-000001.parquet']
    """

    @property
    def meta_path(self) -> Path:
        return self.path / "_sweep.json"

    def _exists(self) -> bool:
        return self.path.exists()

    def _create(self) -> None:
        _pyarrow()
        if self.path.exists() and not self.path.is_dir():  # pragma: no cover - _check_meta
            raise UsageError(f"out: {self.path} is a file, not a Parquet folder")
        self.path.mkdir(parents=True, exist_ok=True)

    def _parts(self) -> list[Path]:
        return sorted(self.path.glob("part-*.parquet"))

    def _write(self, rows: list[dict[str, Any]]) -> None:
        import pandas as pd

        parts = self._parts()
        number = int(parts[-1].stem.split("-")[1]) + 1 if parts else 1
        target = self.path / f"part-{number:06d}.parquet"
        temporary = self.path / f".part-{number:06d}.tmp"
        pd.DataFrame(rows).to_parquet(temporary, index=False)
        os.replace(temporary, target)

    def _read(self) -> pd.DataFrame:
        import pandas as pd

        _pyarrow()
        frames = [pd.read_parquet(p) for p in self._parts()]
        frames = [f for f in frames if not f.empty]
        if not frames:
            return pd.DataFrame(columns=list(META_COLUMNS))
        return pd.concat(frames, ignore_index=True)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


class CsvStore(ResultStore):
    """One CSV file appended a batch of lines at a time (see the module notes).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> store = open_store(path, {"seed": 0}, flush_rows=1)
    >>> store.append([{"scenario": "a", "position": 0, "row": 0, "x": 0.1}])
    >>> store.append([{"scenario": "b", "position": 1, "row": 0, "y": True}])
    >>> print(path.read_text(), end="")
    scenario,position,row,x,y
    a,0,0,0.1,
    b,1,0,,True
    """

    def __init__(self, path: Path, meta: Mapping[str, Any], **kwargs: Any):
        self.columns: list[str] = []
        super().__init__(path, meta, **kwargs)

    @property
    def meta_path(self) -> Path:
        return self.path.with_name(self.path.name + ".sweep.json")

    def _exists(self) -> bool:
        return self.path.exists()

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("", encoding="utf-8")

    def _repair(self) -> None:
        """Drop a last line cut short (no newline) by a crash."""
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            with open(self.path, "r+b") as f:
                f.truncate(data.rfind(b"\n") + 1)

    def _lines(self, rows: list[dict[str, Any]], columns: list[str]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        return buffer.getvalue()

    def _write(self, rows: list[dict[str, Any]]) -> None:
        new = [c for row in rows for c in row if c not in self.columns]
        new = list(dict.fromkeys(new))
        if new and self.columns:  # the header grows: rewrite the file once, whole
            old = self._raw_rows()
            self.columns += new
            text = self._lines([{c: c for c in self.columns}], self.columns) + self._lines(
                old, self.columns)
            temporary = self.path.with_name(self.path.name + ".tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, self.path)
        elif new:
            self.columns = new
            with open(self.path, "a", encoding="utf-8", newline="") as f:
                f.write(self._lines([{c: c for c in new}], new))
        with open(self.path, "a", encoding="utf-8", newline="") as f:
            f.write(self._lines(rows, self.columns))
            f.flush()
            with contextlib.suppress(OSError):
                os.fsync(f.fileno())

    def _raw_rows(self) -> list[dict[str, str]]:
        with open(self.path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            return [dict(r) for r in reader]

    def _read(self) -> pd.DataFrame:
        import pandas as pd

        if not self.path.exists() or not self.path.stat().st_size:
            return pd.DataFrame(columns=list(META_COLUMNS))
        self._repair()
        with open(self.path, encoding="utf-8", newline="") as f:
            self.columns = next(csv.reader(f), [])
        frame = pd.read_csv(self.path, dtype={"scenario": str, "error": str})
        return frame


def open_store(out: str | os.PathLike, meta: Mapping[str, Any], *, flush_rows: int = 256,
               flush_seconds: float = 10.0) -> ResultStore:
    """The store for ``out``: Parquet (``.parquet``, ``.pq``) or CSV (``.csv``).

    Raises
    ------
    UsageError
        Another suffix; a file holding another sweep; pyarrow missing for Parquet.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> type(open_store(pathlib.Path(tempfile.mkdtemp()) / "r.csv", {})).__name__
    'CsvStore'
    >>> open_store("r.xlsx", {})
    Traceback (most recent call last):
    ...
    mutualgains.errors.UsageError: out: must end in .parquet or .csv, got 'r.xlsx'
    """
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return ParquetStore(path, meta, flush_rows=flush_rows, flush_seconds=flush_seconds)
    if suffix == ".csv":
        return CsvStore(path, meta, flush_rows=flush_rows, flush_seconds=flush_seconds)
    raise UsageError(f"out: must end in .parquet or .csv, got {str(out)!r}")
