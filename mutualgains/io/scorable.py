"""Harborco-style scorable games, as published with LLM-Deliberation.

A game folder holds:

``config.txt``
    One line per party: display name, file stem, role, then agent settings
    (ignored). Roles ``p1`` and ``p2`` mark the two parties whose acceptance is
    required (veto parties).
``scores_files/<stem>.txt``
    One line per issue with the comma-separated points of its options (in the
    order A1, A2, ...), then a last line with the party's threshold, read as
    its BATNA.
``global_instructions.txt`` (optional)
    The story; issue titles are read from lines such as
    ``Issue A: "Infrastructure Mix"``.
``initial_deal.txt`` (optional)
    The first proposal, one option code per issue: ``A1,B1,C4,D1,E5``.

A deal passes when at least N - 1 of the N parties accept, the ``p1`` and
``p2`` parties among them. The games come from the public repository
S-Abdelnabi/LLM-Deliberation (MIT licence; Abdelnabi et al., NeurIPS 2024).

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "tiny"
>>> (folder / "scores_files").mkdir(parents=True)
>>> _ = (folder / "config.txt").write_text(
...     "Port,port,p1,cooperative,gpt-4\\nCity,city,p2,greedy,gpt-4\\nUnion,union,player,x,y")
>>> _ = (folder / "scores_files" / "port.txt").write_text("0, 10\\n5, 0, 2\\n12")
>>> _ = (folder / "scores_files" / "city.txt").write_text("10, 0\\n0, 5, 5\\n8")
>>> _ = (folder / "scores_files" / "union.txt").write_text("4, 4\\n0, 0, 9\\n6\\n")
>>> _ = (folder / "global_instructions.txt").write_text('Issue A: "Dredging"\\nIssue B: "Park"')
>>> _ = (folder / "initial_deal.txt").write_text("A1,B3")
>>> is_scorable(folder)
True
>>> case = read_scorable(folder)
>>> case
<Case 'tiny': 3 parties, 2 issues, 6 packages, 2 of 3, veto Port, City>
>>> case.issue("Park").options
('B1', 'B2', 'B3')
>>> deal = read_scorable_deal(folder)
>>> deal
{'Dredging': 'A1', 'Park': 'B3'}
>>> case.utilities(deal)
{'Port': 2, 'City': 15, 'Union': 13}
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from mutualgains.errors import CaseError, Problem
from mutualgains.io.files import NOTES, is_note, read_regular_file
from mutualgains.io.plaindata import decode
from mutualgains.model import Case, DecisionRule, Issue, Number, Party
from mutualgains.params import FilePath, validated
from mutualgains.util import listing, show

__all__ = ["KNOWN", "SOURCE", "is_scorable", "read_scorable", "read_scorable_deal"]

SOURCE = "S-Abdelnabi/LLM-Deliberation (MIT licence)"
"""Where the scorable games come from."""

VETO_ROLES = ("p1", "p2")
"""Roles in ``config.txt`` whose parties must accept every deal."""

KNOWN: tuple[str, ...] = ("config.txt", "scores_files", "global_instructions.txt",
                          "initial_deal.txt", "individual_instructions")
"""The entries of a game folder. ``individual_instructions/`` (the agents' prompts in the
published games) is not read; neither are the notes of :data:`mutualgains.io.files.NOTES`
(README*, LICENSE*, COPYING*, *.md, hidden files). Any other entry, and any file in
``scores_files/`` that ``config.txt`` does not name, is an error naming it: a party is never
lost without a word."""

_ISSUE_LINE = re.compile(r"^\s*(?:[-*]\s*)?Issue\s+([A-Z])\s*:\s*(.*?)\s*$")
_CODE = re.compile(r"^([A-Z])([0-9]+)$")


# ---------------------------------------------------------------- reading


def _read_lines(path: Path) -> list[str]:
    """The lines of ``path``; a CaseError naming the path when it is missing, not a regular
    file, too large or not UTF-8 text."""
    if not path.exists():
        raise CaseError([Problem(str(path), "no such file")])
    return decode(read_regular_file(path), str(path)).splitlines()


def _number(text: str) -> Number | None:
    """``text`` as a finite int or float, or None."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _letter(k: int) -> str:
    return chr(ord("A") + k)


def is_scorable(folder: str | Path) -> bool:
    """Whether ``folder`` looks like a scorable game (``config.txt`` and ``scores_files/``).

    Only the layout is checked; :func:`read_scorable` validates the contents.

    Examples
    --------
    >>> import tempfile
    >>> is_scorable(tempfile.mkdtemp())
    False
    """
    folder = Path(folder)
    return (folder / "config.txt").is_file() and (folder / "scores_files").is_dir()


def _config(folder: Path, problems: list[Problem]) -> list[tuple[int, str, str, str]]:
    """``(line number, display name, file stem, role)`` per party in ``config.txt``."""
    out = []
    seen: dict[str, int] = {}
    for n, line in enumerate(_read_lines(folder / "config.txt"), start=1):
        if not line.strip():
            continue
        where = f"config.txt:{n}"
        fields = [f.strip() for f in line.split(",")]
        if len(fields) < 3:
            problems.append(Problem(where, "must give name, file stem and role, "
                                    "separated by commas", show(line.strip())))
            continue
        name, stem, role = fields[:3]
        if not name or not stem:
            problems.append(Problem(where, "party name and file stem must be non-empty",
                                    show(line.strip())))
            continue
        if name in seen:
            problems.append(Problem(where, f"duplicate party name (first at line {seen[name]})",
                                    show(name)))
            continue
        seen[name] = n
        out.append((n, name, stem, role))
    if not out and not problems:
        problems.append(Problem("config.txt", "must list at least one party", "no lines"))
    return out


def _scores_file(
    folder: Path, stem: str, problems: list[Problem]
) -> tuple[str, list[tuple[int, list[Number]]], Number] | None:
    """``(file, [(line, scores)] per issue, threshold)``, or None when unusable."""
    rel = f"scores_files/{stem}.txt"
    try:
        lines = _read_lines(folder / "scores_files" / f"{stem}.txt")
    except CaseError as err:
        problems.extend(err.problems)
        return None
    numbered = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
    if len(numbered) < 2:
        problems.append(Problem(rel, "must have a line of scores per issue and a threshold line",
                                f"{len(numbered)} non-empty lines"))
        return None
    ok = True
    rows: list[tuple[int, list[Number]]] = []
    for n, text in numbered[:-1]:
        values: list[Number] = []
        for k, token in enumerate(text.split(","), start=1):
            value = _number(token.strip())
            if value is None:
                problems.append(Problem(f"{rel}:{n}", f"score {k} must be a finite number",
                                        show(token.strip())))
                ok = False
            else:
                values.append(value)
        rows.append((n, values))
    n, text = numbered[-1]
    threshold = _number(text)
    if threshold is None:
        problems.append(Problem(f"{rel}:{n}", "last line must be the threshold, "
                                "a single finite number", show(text)))
        ok = False
    return (rel, rows, threshold) if ok and threshold is not None else None


def _stray_entries(folder: Path, stems: set[str]) -> list[Problem]:
    """Entries of the game folder that are not part of the game (see :data:`KNOWN`), and
    scores files that ``config.txt`` does not name."""
    problems = []
    known = ", ".join(KNOWN)
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name not in KNOWN and not is_note(path.name):
            problems.append(Problem(str(path), f"is not part of a scorable game (a game folder "
                                    f"holds {known}; not read: {', '.join(NOTES)})"))
    scores = folder / "scores_files"
    for path in sorted(scores.iterdir(), key=lambda p: p.name) if scores.is_dir() else ():
        if is_note(path.name):
            continue
        if path.suffix != ".txt" or path.stem not in stems:
            problems.append(Problem(f"scores_files/{path.name}", "is not named in config.txt "
                                    "(each scores file is a party: add its line to config.txt, "
                                    "or move the file out of scores_files/)"))
    return problems


def _titles(folder: Path, n_issues: int) -> list[str]:
    """Issue names: titles from ``global_instructions.txt``, else the letters."""
    letters = [_letter(k) for k in range(n_issues)]
    path = folder / "global_instructions.txt"
    found: dict[str, str] = {}
    if path.exists():
        for line in _read_lines(path):
            match = _ISSUE_LINE.match(line)
            if match and match.group(1) not in found:
                title = _quoted_title(match.group(2))
                if title:
                    found[match.group(1)] = title
    names = [found.get(letter, letter) for letter in letters]
    clashes = {t for t in names if names.count(t) > 1}
    names = [letter if name in clashes else name for letter, name in zip(letters, names,
                                                                          strict=True)]
    if len(set(names)) < len(names):  # a title equal to another issue's letter
        return letters
    return names


def _quoted_title(text: str) -> str | None:
    """The title in ``"..."`` at the start of ``text``, nested quotes allowed.

    A quote after a space (or at the start) and before a word character opens;
    any other quote closes.

    Examples
    --------
    >>> _quoted_title('"Compensation to "neighbouring cities""')
    'Compensation to "neighbouring cities"'
    >>> _quoted_title('"Budget". Four possible levels of funding')
    'Budget'
    >>> _quoted_title("The location of the airport. There are 4 options:") is None
    True
    """
    if not text.startswith('"'):
        return None
    depth = 0
    for k, char in enumerate(text):
        if char != '"':
            continue
        before = text[k - 1] if k else " "
        after = text[k + 1] if k + 1 < len(text) else ""
        if (before.isspace() or before in "([") and (after.isalnum() or after in "$£€'"):
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return text[1:k].strip() or None
    return None


@validated(folder=FilePath())
def read_scorable(folder: str | Path) -> Case:
    """Read the scorable game in ``folder`` as a :class:`~mutualgains.model.case.Case`.

    Parties are named by ``config.txt`` (display names, in its order); each
    party's scores come from ``scores_files/<stem>.txt`` and its BATNA is the
    threshold on the last line. Issues are named by their titles in
    ``global_instructions.txt`` (``Issue A: "Infrastructure Mix"`` gives
    ``Infrastructure Mix``), or by their letter when no title is found or
    titles collide; options are named by their codes ``A1, A2, ...``. The
    decision rule is N - 1 of N parties, with the ``p1`` and ``p2`` parties as
    veto parties.

    Parameters
    ----------
    folder : str or Path
        The game folder; its name becomes the case name.

    Returns
    -------
    Case

    Raises
    ------
    CaseError
        With every problem found, each naming the file and line, e.g.
        ``scores_files/DoT.txt:3``; a missing ``config.txt`` or scores file is
        named by its path.

    Examples
    --------
    >>> read_scorable("no/such/game")
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      no/such/game/config.txt: no such file
    """
    folder = Path(folder)
    problems: list[Problem] = []
    config = _config(folder, problems)
    if not problems:  # a broken config line may be the one that names a file
        problems += _stray_entries(folder, {stem for _, _, stem, _ in config})
    files: dict[str, tuple[str, list[tuple[int, list[Number]]], Number]] = {}
    for _, name, stem, _ in config:
        parsed = _scores_file(folder, stem, problems)
        if parsed is not None:
            files[name] = parsed

    # every party must have the shape of the first readable file
    shape: list[int] | None = None
    reference, ref_lines = "", []
    for rel, rows, _ in files.values():
        sizes = [len(values) for _, values in rows]
        if shape is None:
            shape, reference, ref_lines = sizes, rel, [n for n, _ in rows]
            continue
        if len(sizes) != len(shape):
            problems.append(Problem(rel, f"must have {len(shape)} issue lines and a threshold "
                                    f"line, like {reference}", f"{len(sizes)} issue lines"))
            continue
        for k, ((n, _), size) in enumerate(zip(rows, shape, strict=True)):
            if sizes[k] != size:
                problems.append(Problem(f"{rel}:{n}", f"issue {_letter(k)} must have {size} "
                                        f"scores, like {reference}:{ref_lines[k]}", str(sizes[k])))
    if shape is not None and len(shape) > 26:
        problems.append(Problem(reference, "at most 26 issues (A to Z) are supported",
                                str(len(shape))))
    if problems:
        raise CaseError(problems)
    shape = shape or []

    names = _titles(folder, len(shape))
    issues = tuple(Issue(name, tuple(f"{_letter(k)}{j}" for j in range(1, size + 1)))
                   for k, (name, size) in enumerate(zip(names, shape, strict=True)))
    parties = tuple(Party(name, batna=files[name][2], veto=role in VETO_ROLES)
                    for _, name, _, role in config)
    scores = {name: {issue.name: tuple(values)
                     for issue, (_, values) in zip(issues, rows, strict=True)}
              for name, (_, rows, _) in files.items()}
    label = folder.resolve().name or str(folder)
    return Case(parties, issues, scores,
                decision_rule=DecisionRule(min_parties=max(len(parties) - 1, 1)),
                name=label,
                description=f"Scorable game {label!r} from {SOURCE}.")


@validated(folder=FilePath())
def read_scorable_deal(folder: str | Path) -> dict[str, str]:
    """The initial deal of the game in ``folder``: ``{issue name: option code}``.

    Parameters
    ----------
    folder : str or Path
        The game folder, holding ``initial_deal.txt`` (one option code per
        issue, separated by commas, e.g. ``A1,B1,C4,D1,E5``).

    Returns
    -------
    dict
        Issue name (as in :func:`read_scorable`) to option code, in issue order.

    Raises
    ------
    CaseError
        When the game or the deal file is invalid; deal problems name
        ``initial_deal.txt`` and the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "scores_files").mkdir()
    >>> _ = (folder / "config.txt").write_text("A,a,p1\\nB,b,p2")
    >>> _ = (folder / "scores_files" / "a.txt").write_text("1, 2\\n1")
    >>> _ = (folder / "scores_files" / "b.txt").write_text("2, 1\\n1")
    >>> _ = (folder / "initial_deal.txt").write_text("A3")
    >>> read_scorable_deal(folder)
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      initial_deal.txt:1: unknown option of issue A (options: A1, A2) (got 'A3')
    """
    folder = Path(folder)
    case = read_scorable(folder)
    lines = _read_lines(folder / "initial_deal.txt")
    problems: list[Problem] = []
    chosen: dict[int, str] = {}
    named: set[int] = set()  # issues named by some code, valid or not
    for n, line in enumerate(lines, start=1):
        where = f"initial_deal.txt:{n}"
        for token in (t.strip() for t in line.split(",")):
            if not token:
                continue
            match = _CODE.match(token)
            if not match:
                problems.append(Problem(where, "must be an option code such as A1", show(token)))
                continue
            k = ord(match.group(1)) - ord("A")
            named.add(k)
            if k >= len(case.issues):
                problems.append(Problem(where, f"unknown issue {match.group(1)} (the game has "
                                        f"{len(case.issues)} issues)", show(token)))
            elif token not in case.issues[k].positions:
                problems.append(Problem(where, f"unknown option of issue {match.group(1)} "
                                        f"(options: {listing(case.issues[k].options)})",
                                        show(token)))
            elif k in chosen:
                problems.append(Problem(where, f"issue {match.group(1)} is chosen twice",
                                        f"{chosen[k]} and {token}"))
            else:
                chosen[k] = token
    for k, issue in enumerate(case.issues):
        if k not in named:
            problems.append(Problem("initial_deal.txt", f"missing an option for issue "
                                    f"{_letter(k)} ({issue.name})"))
    if problems:
        raise CaseError(problems)
    return {case.issues[k].name: chosen[k] for k in sorted(chosen)}
