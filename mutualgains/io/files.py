"""Reading input files safely: only regular files and folders, at most so many bytes, and
the short list of what a case folder may hold besides its data.

A FIFO, a device (``/dev/zero``), a socket or anything else that is not a regular file or a
folder is refused at once, without opening it for reading (opening a FIFO blocks until a
writer comes; reading ``/dev/zero`` never ends). A regular file is read through a
descriptor whose type is checked again after opening, and at most
:data:`~mutualgains.limits.MAX_FILE_BYTES` are read: a larger file is refused.

Examples
--------
>>> import os, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "case.yaml").write_text("parties: {A: 0}")
>>> entry_kind(folder), entry_kind(folder / "case.yaml")
('folder', 'file')
>>> os.mkfifo(folder / "pipe.yaml")
>>> read_regular_file(folder / "pipe.yaml")
Traceback (most recent call last):
...
mutualgains.errors.CaseError: 1 problem in the case:
  .../pipe.yaml: must be a regular file or a folder (it is a FIFO (named pipe); nothing was read)
"""

from __future__ import annotations

import fnmatch
import os
import stat
from pathlib import Path

from mutualgains.errors import CaseError, Problem
from mutualgains.limits import MAX_FILE_BYTES, refusal

__all__ = ["NOTES", "entry_kind", "is_note", "read_regular_file"]

NOTES: tuple[str, ...] = ("README*", "LICENSE*", "COPYING*", "*.md", ".*")
"""Names of the files a case folder may hold besides its data, ignored when reading:
documentation (``README``, ``LICENSE``, ``COPYING``, any ``.md`` file) and hidden
entries (``.DS_Store``, ``.gitkeep``...). Every other entry must be part of the format,
or it is an error naming it: nothing in a folder is skipped without a word."""

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISLNK, "a broken link"))


def is_note(name: str) -> bool:
    """Whether an entry called ``name`` is documentation or hidden (see :data:`NOTES`).

    Examples
    --------
    >>> is_note("README.txt"), is_note("SOURCES.md"), is_note(".DS_Store"), is_note("a.xml")
    (True, True, True, False)
    """
    return any(fnmatch.fnmatchcase(name.upper() if p[0].isupper() else name, p) for p in NOTES)


def _kind(mode: int) -> str:
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "neither a file nor a folder"


def entry_kind(path: Path) -> str:
    """``"file"`` or ``"folder"``; a CaseError for a missing path or any other kind of entry.

    Examples
    --------
    >>> entry_kind(Path("/dev/zero"))
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      /dev/zero: must be a regular file or a folder (it is a character device; nothing was read)
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise CaseError([Problem(str(path), "no such file or folder")]) from None
    except OSError as err:
        raise CaseError([Problem(str(path), "cannot be read", err.strerror or str(err))]) from None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    raise CaseError([Problem(str(path), f"must be a regular file or a folder (it is "
                             f"{_kind(mode)}; nothing was read)")])


def read_regular_file(path: Path) -> bytes:
    """The bytes of the regular file ``path``, refusing any other kind of entry and files
    larger than :data:`~mutualgains.limits.MAX_FILE_BYTES` (before reading them).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.json"
    >>> _ = path.write_text("{}")
    >>> read_regular_file(path)
    b'{}'
    >>> read_regular_file(path.parent)
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      ...: must be a file, not a folder
    """
    if entry_kind(path) != "file":
        raise CaseError([Problem(str(path), "must be a file, not a folder")])
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise CaseError([Problem(str(path), "cannot be read", err.strerror or str(err))]) from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):  # replaced since it was looked at
            raise CaseError([Problem(str(path), f"must be a regular file or a folder (it is "
                                     f"{_kind(info.st_mode)}; nothing was read)")])
        too_large = f"must be {refusal('MAX_FILE_BYTES', 'bytes')}"
        if info.st_size > MAX_FILE_BYTES:
            raise CaseError([Problem(str(path), too_large, f"{info.st_size:,} bytes")])
        try:
            raw = fh.read(MAX_FILE_BYTES + 1)
        except OSError as err:
            raise CaseError([Problem(str(path), "cannot be read",
                                     err.strerror or str(err))]) from None
    if len(raw) > MAX_FILE_BYTES:  # it grew, or its size was not known (/proc)
        raise CaseError([Problem(str(path), too_large, "more")])
    return raw
