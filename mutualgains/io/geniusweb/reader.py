"""Reading a GeniusWeb folder or profile file: which files are the domain and the profiles,
and the case.

Examples
--------
>>> import tempfile
>>> is_geniusweb(tempfile.mkdtemp())
False
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from mutualgains.errors import CaseError, Problem, UsageError
from mutualgains.io.geniusweb.domain import Domain, read_domain
from mutualgains.io.geniusweb.jsontext import MAX_BYTES, Document, load
from mutualgains.io.geniusweb.profiles import Profile, profile_type, read_profile
from mutualgains.model import Case, Issue, Party
from mutualgains.params import Instance, Maybe, Names, validated

__all__ = ["MAX_FOLDER_BYTES", "MAX_SCORES", "SOURCE", "file_kind", "is_geniusweb",
           "read_geniusweb"]

SOURCE = "GeniusWeb negotiation platform (TU Delft) / ANL domain JSON"
"""Where GeniusWeb domains come from, as named in case descriptions."""

MAX_FOLDER_BYTES = 64 * 1024 * 1024
"""The ``.json`` files of one folder may hold at most this many bytes together."""

MAX_SCORES = 10_000_000
"""Largest number of scores (profiles x values of all issues) a case read here may have."""

_SNIFF = 65536
_PROFILE = re.compile(rb'\s*\{\s*"([A-Za-z]*(?:UtilitySpace|Ordering|Profile))"\s*:')
_DOMAIN = re.compile(rb'\s*\{\s*"(?:issuesValues"|name"\s*:\s*"(?:[^"\\]|\\.)*"\s*,\s*'
                     rb'"issuesValues")')


@validated(path=Instance((str, os.PathLike), label="a path"))
def file_kind(path: str | Path) -> str | None:
    """``"profile"`` or ``"domain"`` when ``path`` looks like a GeniusWeb file, else None.

    Only the start of the file is looked at (its first key); :func:`read_geniusweb`
    validates the contents.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> _ = path.write_text('{"LinearAdditiveUtilitySpace": {}}')
    >>> file_kind(path), file_kind(path.parent / "missing.json")
    ('profile', None)
    """
    path = Path(path)
    try:
        if not path.is_file():
            return None
        with path.open("rb") as fh:
            head = fh.read(_SNIFF)
    except OSError:
        return None
    head = head.removeprefix(b"\xef\xbb\xbf")
    if _PROFILE.match(head):
        return "profile"
    if _DOMAIN.match(head):
        return "domain"
    return None


@validated(folder=Instance((str, os.PathLike), label="a path"))
def is_geniusweb(folder: str | Path) -> bool:
    """Whether ``folder`` holds a GeniusWeb profile or domain file (by its first key).

    Examples
    --------
    >>> import tempfile
    >>> is_geniusweb(tempfile.mkdtemp())
    False
    """
    folder = Path(folder)
    try:
        return folder.is_dir() and any(file_kind(p) is not None for p in _json_files(folder))
    except OSError:
        return False


def _json_files(folder: Path) -> list[Path]:
    """The ``.json`` entries of ``folder`` that are not folders (so a FIFO is read, and refused)."""
    return sorted((p for p in folder.iterdir() if p.suffix.lower() == ".json" and not p.is_dir()),
                  key=lambda p: p.name)


@validated(source=Instance((str, os.PathLike, list, tuple),
                           label="a folder, a file or a list of files"),
           parties=Maybe(Names()))
def read_geniusweb(source: str | Path | Sequence[str | Path], *,
                   parties: Iterable[str] | None = None) -> Case:
    """Read a GeniusWeb domain and its profiles as a :class:`~mutualgains.model.case.Case`.

    See :mod:`mutualgains.io.geniusweb` for the semantics (utilities, number issues,
    reservation bids, weights) and what is refused.

    Parameters
    ----------
    source : str, Path or a list or tuple of them
        A folder (its ``.json`` files are read: one domain file at most, one or more
        profiles; every other ``.json`` file is an error; files with other suffixes and
        subfolders are ignored), a single profile file (which embeds its domain), or a
        list of such files.
    parties : iterable of str, optional
        Profiles to use, by file stem, in this order. Default: every profile, sorted by
        file name.

    Returns
    -------
    Case
        Named after the domain; one party per profile, named by the file stem, whose
        BATNA is the utility of its reservation bid (0 without one).

    Raises
    ------
    CaseError
        With every problem found, each naming the file and the JSON key path, e.g.
        ``profileA.json#LinearAdditiveUtilitySpace.issueWeights: the weights must sum to
        exactly 1, as GeniusWeb requires (they are not normalised) (got 0.9)``.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> domain = {"name": "lunch", "issuesValues": {"food": {"values": ["soup", "salad"]}}}
    >>> _ = (folder / "lunch.json").write_text(json.dumps(domain))
    >>> for name, soup, bid in [("ann", 1, {"food": "salad"}), ("bob", 0.25, None)]:
    ...     profile = {"domain": domain, "name": name, "issueWeights": {"food": 1},
    ...                "issueUtilities": {"food": {"discreteutils": {"valueUtilities":
    ...                    {"soup": soup, "salad": 1 - soup}}}}}
    ...     if bid:
    ...         profile["reservationBid"] = {"issuevalues": bid}
    ...     _ = (folder / f"{name}.json").write_text(
    ...         json.dumps({"LinearAdditiveUtilitySpace": profile}))
    >>> case = read_geniusweb(folder)
    >>> case, [p.batna for p in case.parties]
    (<Case 'lunch': 2 parties, 1 issues, 2 packages, unanimity>, [0.0, 0.0])
    >>> case.utilities({"food": "soup"})
    {'ann': 1.0, 'bob': 0.25}
    >>> read_geniusweb(folder / "bob.json").party_names
    ('bob',)
    """
    files = _files(source)
    docs: list[Document] = []
    problems: list[Problem] = []
    total = 0
    for path in files:  # every size first: nothing is read when they are too large together
        with contextlib.suppress(OSError):  # an unreadable file is reported when it is read
            total += min(path.stat().st_size if path.is_file() else 0, MAX_BYTES + 1)
    if total > MAX_FOLDER_BYTES:
        raise CaseError([Problem(str(files[0].parent), f"its .json files hold more than "
                                 f"{MAX_FOLDER_BYTES} bytes together", f"{total} bytes")])
    for path in files:
        try:
            docs.append(load(path))
        except CaseError as err:
            problems.extend(err.problems)
    if problems:
        raise CaseError(problems)

    domains, profiles = _sort(docs, problems)
    domain = None
    if len(domains) == 1:
        domain = read_domain(domains[0].data, domains[0].top, problems)
    chosen = _choose(profiles, parties, problems)
    if problems:
        raise CaseError(problems)
    read: dict[str, Profile] = {}
    for stem in chosen:
        profile = read_profile(profiles[stem], domain, problems)
        if profile is not None:
            domain = domain or profile.domain
            read[stem] = profile
    if problems:
        raise CaseError(problems)
    if domain is None:  # pragma: no cover - a profile was read, so there is a domain
        raise CaseError([Problem("source", "holds no GeniusWeb domain")])
    return _build(domain, read)


def _files(source: str | Path | Sequence[str | Path]) -> list[Path]:
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():
            try:
                return _json_files(path)
            except OSError as err:
                raise CaseError([Problem(str(path), "cannot be listed", str(err))]) from None
        if not path.exists():
            raise CaseError([Problem(str(path), "no such file or folder")])
        return [path]
    files = [Path(item) for item in source if isinstance(item, str | os.PathLike)]
    if len(files) != len(source) or not files:
        raise UsageError("read_geniusweb: source must be a folder, a file or a non-empty list "
                         "of file paths")
    return files


def _sort(docs: list[Document], problems: list[Problem]
          ) -> tuple[list[Document], dict[str, Document]]:
    """The domain files and the profiles (by file stem); every other file is a problem."""
    domains, profiles = [], {}
    for doc in docs:
        stem = Path(doc.path).stem
        if profile_type(doc.data) is not None:
            if stem in profiles:
                problems.append(Problem(doc.path, "two profiles have the same name (file stem)",
                                        stem))
            profiles[stem] = doc
        elif isinstance(doc.data, dict) and "issuesValues" in doc.data:
            domains.append(doc)
        else:
            keys = ", ".join(doc.data) if isinstance(doc.data, dict) else type(doc.data).__name__
            problems.append(Problem(doc.path, "is neither a GeniusWeb domain (keys name, "
                                    "issuesValues) nor a profile (key LinearAdditiveUtilitySpace)",
                                    keys[:100] or "{}"))
    if len(domains) > 1:
        problems.append(Problem(str(Path(domains[0].path).parent), "must hold at most one "
                                "domain file", ", ".join(Path(d.path).name for d in domains)))
    if not profiles and not problems:
        where = str(Path(domains[0].path)) if domains else "source"
        problems.append(Problem(where, "holds no GeniusWeb profile (a file whose key is "
                                "LinearAdditiveUtilitySpace); a domain file alone has no "
                                "parties", "no profile"))
    return domains, profiles


def _choose(profiles: dict[str, Document], parties: Iterable[str] | None,
            problems: list[Problem]) -> list[str]:
    if parties is None:
        return sorted(profiles, key=lambda s: Path(profiles[s].path).name)
    chosen: list[str] = []
    for name in parties:
        if name not in profiles:
            problems.append(Problem("parties", f"unknown profile (profiles: "
                                    f"{', '.join(sorted(profiles))})", repr(name)[:60]))
        elif name in chosen:
            problems.append(Problem("parties", "profile named twice", repr(name)[:60]))
        else:
            chosen.append(name)
    if not chosen and not problems:
        problems.append(Problem("parties", "must name at least one profile", "none"))
    return chosen


def _build(domain: Domain, read: dict[str, Profile]) -> Case:
    cells = len(read) * sum(len(i.options) for i in domain.issues)
    if cells > MAX_SCORES:
        raise CaseError([Problem(domain.name, f"at most {MAX_SCORES} scores (profiles x "
                                 "values)", str(cells))])
    return Case(
        tuple(Party(stem, batna=p.batna) for stem, p in read.items()),
        tuple(Issue(i.name, i.options) for i in domain.issues),
        {stem: {i: tuple(v) for i, v in p.scores.items()} for stem, p in read.items()},
        name=domain.name,
        description=f"GeniusWeb domain {domain.name!r} ({len(read)} profiles), read from the "
                    f"{SOURCE}.",
    )
