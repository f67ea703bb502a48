"""Reading a GENIUS domain folder: which files are the domain and the profiles, and the case.

Examples
--------
>>> import tempfile
>>> is_genius(tempfile.mkdtemp())
False
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from pathlib import Path

from mutualgains.errors import CaseError, Problem
from mutualgains.io.files import NOTES, is_note
from mutualgains.io.genius.profiles import (
    DomainIssue,
    Profile,
    read_domain,
    read_linear,
    read_nonlinear,
)
from mutualgains.io.genius.xml import parse, read_bytes, root_tag, unsafe_declaration, xml_files
from mutualgains.model import Case, Issue, Party
from mutualgains.model.relations import Synergy
from mutualgains.params import FilePath, Maybe, Names, validated
from mutualgains.util import listing, show

__all__ = ["DOMAIN_ROOT", "IGNORED", "PROFILE_ROOT", "SOURCE", "is_genius", "read_genius"]

SOURCE = "GENIUS negotiation environment (TU Delft) / ANAC domain XML"
"""Where GENIUS domains come from, as named in case descriptions."""

DOMAIN_ROOT = "negotiation_template"
"""Root tag of a GENIUS domain file."""

PROFILE_ROOT = "utility_space"
"""Root tag of a GENIUS utility profile."""

IGNORED: tuple[str, ...] = ("pareto.xml", "*.txt")
"""Files of a GENIUS folder that are not read, besides the notes of
:data:`mutualgains.io.files.NOTES` (README*, LICENSE*, COPYING*, *.md, hidden files):
GENIUS' own ``pareto.xml`` (the Pareto frontier, often not XML at all) and text notes.
An ``.xml`` file whose root tag is ``<pareto>`` is skipped too. Every other entry of the
folder that is neither the domain file nor a profile is an error naming it: a profile that
cannot be read never silently loses its party."""

_STRAY = ("is not part of a GENIUS domain folder (it holds the domain file, one utility "
          "profile per party and, not read, " + ", ".join((*IGNORED, *NOTES)) + ")")


def is_genius(folder: str | Path) -> bool:
    """Whether ``folder`` holds a GENIUS domain file (root tag ``negotiation_template``).

    Only the root tags of the ``.xml`` files are looked at (nothing is parsed);
    :func:`read_genius` validates the contents.

    Examples
    --------
    >>> import tempfile
    >>> is_genius(tempfile.mkdtemp())
    False
    """
    folder = Path(folder)
    if not folder.is_dir():
        return False
    try:
        for path in xml_files(folder):
            with path.open("rb") as fh:
                if root_tag(fh.read(65536)) == DOMAIN_ROOT:
                    return True
    except OSError:
        return False
    return False


@validated(folder=FilePath(), parties=Maybe(Names(min_length=1)))
def read_genius(folder: str | Path, *, parties: Iterable[str] | None = None) -> Case:
    """Read the GENIUS domain in ``folder`` as a :class:`~mutualgains.model.case.Case`.

    See the module documentation for how domain files and profiles are read
    (linear and nonlinear profiles, reservation values, what is ignored).

    Parameters
    ----------
    folder : str or Path
        The domain folder: one ``<negotiation_template>`` file and one
        ``<utility_space>`` profile per party. Its name becomes the case name.
    parties : iterable of str, optional
        Profiles to use, by file stem, in this order. Default: every profile,
        sorted by file name.

    Returns
    -------
    Case
        One party per profile, named by the file stem, with the profile's
        reservation value as BATNA; nonlinear parties have ``cap=1``.

    Raises
    ------
    CaseError
        With every problem found, each naming the file, the line and the
        element, e.g. ``profile-1.xml:23 <INCLUDES index="11">``: a missing or
        second domain file, no profile, a DOCTYPE or ENTITY declaration (refused
        before parsing), malformed XML, a profile whose issues or values do not
        match the domain, a non-numeric evaluation, weight or utility, an
        unknown issue index in a rectangle, ``maxutility <= 0``, an unknown
        name in ``parties``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "domain.xml").write_text(
    ...     '<negotiation_template><utility_space><objective index="0">'
    ...     '<issue index="1" name="price" type="integer" lowerbound="1" upperbound="4"/>'
    ...     '</objective></utility_space></negotiation_template>')
    >>> for name, slope, offset in [("buyer", "-0.5", "1.25"), ("seller", "0.25", "0.25")]:
    ...     _ = (folder / f"{name}.xml").write_text(
    ...         '<utility_space><objective index="0">'
    ...         '<issue index="1" name="price" type="integer" lowerbound="1" upperbound="4">'
    ...         f'<evaluator ftype="linear" slope="{slope}" offset="{offset}"/></issue>'
    ...         '<weight index="1" value="1"/></objective></utility_space>')
    >>> case = read_genius(folder, parties=["seller", "buyer"])
    >>> case.party_names
    ('seller', 'buyer')
    >>> [case.utilities([p]) for p in ("1", "2", "4")]  # buyer clipped to [0, 1]
    [{'seller': 0.25, 'buyer': 1.0}, {'seller': 0.5, 'buyer': 0.75}, {'seller': 1.0, 'buyer': 0.0}]
    >>> read_genius(folder, parties=["broker"])
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      parties: unknown profile (profiles: buyer, seller) (got 'broker')
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CaseError([Problem(str(folder), "no such folder")])
    problems: list[Problem] = []
    files = _classify(folder, problems)
    domains, profiles = files[DOMAIN_ROOT], files[PROFILE_ROOT]
    if not domains:
        problems.append(Problem(str(folder), f"must hold a domain file (root tag "
                                f"<{DOMAIN_ROOT}>)", ", ".join(files["listed"])
                                or "no .xml files"))
    elif len(domains) > 1:
        problems.append(Problem(str(folder), f"must hold exactly one domain file (root tag "
                                f"<{DOMAIN_ROOT}>)", ", ".join(p.name for p, _ in domains)))
    by_stem: dict[str, tuple[Path, bytes]] = {}
    for path, raw in profiles:
        if path.stem in by_stem:
            problems.append(Problem(str(folder), "two profiles have the same name (file stem)",
                                    path.stem))
        by_stem[path.stem] = (path, raw)
    if not profiles:
        problems.append(Problem(str(folder), f"must hold at least one utility profile (root "
                                f"tag <{PROFILE_ROOT}>)", "none"))
    chosen = _chosen(parties, by_stem, problems)
    if problems:
        raise CaseError(problems)

    domain_doc = parse(*domains[0])
    domain = read_domain(domain_doc)
    read: dict[str, Profile] = {}
    for name in chosen:
        try:
            doc = parse(*by_stem[name])
        except CaseError as err:
            problems.extend(err.problems)
            continue
        nonlinear = doc.root.attrib.get("type", "").strip().lower() == "nonlinear"
        read[name] = (read_nonlinear(doc, domain, problems) if nonlinear
                      else read_linear(doc, domain_doc, domain, problems))
    if problems:
        raise CaseError(problems)
    return _build(folder, domain, read)


def _classify(folder: Path, problems: list[Problem]) -> dict[str, list]:
    """The folder's files by role: ``(path, bytes)`` of the domain files and the profiles,
    and the names of every ``.xml`` file; every other entry is an error naming it, unless
    it is one of :data:`IGNORED`."""
    out: dict[str, list] = {DOMAIN_ROOT: [], PROFILE_ROOT: [], "listed": []}
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as err:
        raise CaseError([Problem(str(folder), "cannot be listed", str(err))]) from None
    for path in entries:
        xml = path.suffix.lower() == ".xml"
        if xml:
            out["listed"].append(path.name)
        if is_note(path.name) or any(fnmatch.fnmatchcase(path.name.lower(), pattern)
                                     for pattern in IGNORED):
            continue
        if not xml:
            problems.append(Problem(str(path), _STRAY, "a folder" if path.is_dir()
                                    else "not an .xml file"))
            continue
        raw = read_bytes(path, problems)
        if raw is None:
            continue
        bad = unsafe_declaration(path, raw)
        if bad is not None:
            problems.append(bad)
            continue
        tag = root_tag(raw)
        if tag in (DOMAIN_ROOT, PROFILE_ROOT):
            out[tag].append((path, raw))
        elif tag != "pareto":  # a Pareto frontier in XML: an extra, not read
            problems.append(Problem(str(path), f"is neither the domain (root tag "
                                    f"<{DOMAIN_ROOT}>) nor a utility profile (root tag "
                                    f"<{PROFILE_ROOT}>), so it cannot be read as a party",
                                    f"root tag <{tag}>" if tag else "no XML root element"))
    return out


def _chosen(parties: Iterable[str] | None, profiles: dict[str, tuple[Path, bytes]],
            problems: list[Problem]) -> list[str]:
    """The profiles to read, in order: ``parties`` (checked), or all by file name."""
    if parties is None:
        return sorted(profiles, key=lambda s: profiles[s][0].name)
    if isinstance(parties, str) or not isinstance(parties, Iterable):
        raise CaseError([Problem("parties", "must be a list of profile names (file stems)",
                                 show(parties))])
    chosen: list[str] = []
    for name in parties:
        if name not in profiles:
            if profiles:
                problems.append(Problem("parties", f"unknown profile (profiles: "
                                        f"{listing(sorted(profiles))})", show(name)))
        elif name in chosen:
            problems.append(Problem("parties", "profile named twice", show(name)))
        else:
            chosen.append(name)
    if not chosen and not problems:
        problems.append(Problem("parties", "must name at least one profile", "none"))
    return chosen


def _build(folder: Path, domain: list[DomainIssue], read: dict[str, Profile]) -> Case:
    """The case: parties, issues, scores and the merged rectangle synergies."""
    merged: dict[tuple[tuple[int, int, int], ...], dict[str, float]] = {}
    for name, profile in read.items():
        for cond, bonus in profile.rectangles:
            per_party = merged.setdefault(cond, {})
            per_party[name] = per_party.get(name, 0.0) + bonus
    synergy: list[Synergy] = []
    for cond, summed in merged.items():
        nonzero = {p: b for p, b in summed.items() if b != 0}
        if nonzero:
            when = {domain[k].name: domain[k].options[lo:hi + 1] for k, lo, hi in cond}
            synergy.append(Synergy(when, nonzero, name=f"hyperRectangle {len(synergy) + 1}"))
    label = folder.resolve().name or str(folder)
    return Case(
        tuple(Party(name, batna=p.batna, cap=1 if p.nonlinear else None)
              for name, p in read.items()),
        tuple(Issue(issue.name, issue.options) for issue in domain),
        {name: {i: tuple(v) for i, v in p.scores.items()} for name, p in read.items()},
        synergy=tuple(synergy),
        name=label,
        description=f"GENIUS negotiation domain {label!r} ({len(read)} utility profiles), "
                    f"read from the {SOURCE}.",
    )

