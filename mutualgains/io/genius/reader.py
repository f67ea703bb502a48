"""Reading a GENIUS domain folder: which files are the domain and the profiles, and the case.

Examples
--------
>>> import tempfile
>>> is_genius(tempfile.mkdtemp())
False
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mutualgains.errors import CaseError, Problem
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
from mutualgains.util import show

__all__ = ["DOMAIN_ROOT", "PROFILE_ROOT", "SOURCE", "is_genius", "read_genius"]

SOURCE = "GENIUS negotiation environment (TU Delft) / ANAC domain XML"
"""Where GENIUS domains come from, as named in case descriptions."""

DOMAIN_ROOT = "negotiation_template"
"""Root tag of a GENIUS domain file."""

PROFILE_ROOT = "utility_space"
"""Root tag of a GENIUS utility profile."""


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
    raws: dict[Path, bytes] = {}
    try:
        files = xml_files(folder)
    except OSError as err:
        raise CaseError([Problem(str(folder), "cannot be listed", str(err))]) from None
    for path in files:
        raw = read_bytes(path, problems)
        if raw is None:
            continue
        bad = unsafe_declaration(path, raw)
        if bad is not None:
            problems.append(bad)
        else:
            raws[path] = raw
    if problems:
        raise CaseError(problems)

    roots = {path: root_tag(raw) for path, raw in raws.items()}
    domains = [p for p, tag in roots.items() if tag == DOMAIN_ROOT]
    profiles = {p.stem: p for p, tag in roots.items() if tag == PROFILE_ROOT}
    skipped = [p.name for p, tag in roots.items() if tag not in (DOMAIN_ROOT, PROFILE_ROOT)]
    note = f" (skipped, other or no root: {', '.join(skipped)})" if skipped else ""
    if not domains:
        problems.append(Problem(str(folder), f"must hold a domain file (root tag "
                                f"<{DOMAIN_ROOT}>){note}",
                                ", ".join(p.name for p in files) or "no .xml files"))
    elif len(domains) > 1:
        problems.append(Problem(str(folder), f"must hold exactly one domain file (root tag "
                                f"<{DOMAIN_ROOT}>)", ", ".join(p.name for p in domains)))
    stems = [p.stem for p, tag in roots.items() if tag == PROFILE_ROOT]
    for dup in sorted({s for s in stems if stems.count(s) > 1}):
        problems.append(Problem(str(folder), "two profiles have the same name (file stem)",
                                dup))
    if not profiles:
        problems.append(Problem(str(folder), f"must hold at least one utility profile (root "
                                f"tag <{PROFILE_ROOT}>){note}", "none"))
    if parties is None:
        chosen = sorted(profiles, key=lambda s: profiles[s].name)
    elif isinstance(parties, str) or not isinstance(parties, Iterable):
        raise CaseError([Problem("parties", "must be a list of profile names (file stems)",
                                 show(parties))])
    else:
        chosen = []
        for name in parties:
            if name not in profiles:
                if profiles:
                    problems.append(Problem("parties", f"unknown profile (profiles: "
                                            f"{', '.join(sorted(profiles))})", show(name)))
            elif name in chosen:
                problems.append(Problem("parties", "profile named twice", show(name)))
            else:
                chosen.append(name)
        if not chosen and not problems:
            problems.append(Problem("parties", "must name at least one profile", "none"))
    if problems:
        raise CaseError(problems)

    domain_doc = parse(domains[0], raws[domains[0]])
    domain = read_domain(domain_doc)
    read: dict[str, Profile] = {}
    for name in chosen:
        path = profiles[name]
        try:
            doc = parse(path, raws[path])
        except CaseError as err:
            problems.extend(err.problems)
            continue
        nonlinear = doc.root.attrib.get("type", "").strip().lower() == "nonlinear"
        read[name] = (read_nonlinear(doc, domain, problems) if nonlinear
                      else read_linear(doc, domain_doc, domain, problems))
    if problems:
        raise CaseError(problems)
    return _build(folder, domain, read)


def _build(folder: Path, domain: list[DomainIssue], read: dict[str, Profile]) -> Case:
    """The case: parties, issues, scores and the merged rectangle synergies."""
    merged: dict[tuple[tuple[int, int, int], ...], dict[str, float]] = {}
    for name, profile in read.items():
        for cond, bonus in profile.rectangles:
            per_party = merged.setdefault(cond, {})
            per_party[name] = per_party.get(name, 0.0) + bonus
    synergy = []
    for cond, bonus in merged.items():
        bonus = {p: b for p, b in bonus.items() if b != 0}
        if bonus:
            when = {domain[k].name: domain[k].options[lo:hi + 1] for k, lo, hi in cond}
            synergy.append(Synergy(when, bonus, name=f"hyperRectangle {len(synergy) + 1}"))
    label = folder.resolve().name or str(folder)
    return Case(
        [Party(name, batna=p.batna, cap=1 if p.nonlinear else None) for name, p in read.items()],
        [Issue(issue.name, issue.options) for issue in domain],
        {name: p.scores for name, p in read.items()},
        synergy=synergy,
        name=label,
        description=f"GENIUS negotiation domain {label!r} ({len(read)} utility profiles), "
                    f"read from the {SOURCE}.",
    )

