"""Writing a case as a GENIUS domain folder: ``domain.xml`` and one ``<party>.xml`` profile per
party, read back by :func:`~mutualgains.io.genius.read_genius` (and by GENIUS and NegMAS).

Linear additive profiles
    A party whose utility is a sum of scores (no synergy, no cap that can bind) gets an
    ``AdditiveUtilitySpace`` profile: every issue is written as a discrete issue (its
    option names as values), each value's ``evaluation`` in [0, 1] with the largest 1, and
    weights that sum to exactly 1 as decimals, so that GENIUS (which divides evaluations
    by the issue's largest and caps the sum at 1), NegMAS (which uses evaluations and
    weights as written) and this library's reader (which normalises both) all read the
    same utilities.
Nonlinear profiles
    When some party has a synergy bonus or a cap that can bind, every party gets a
    ``type="nonlinear"`` profile of ``INCLUDES`` hyper-rectangles (ANAC 2014): a
    rectangle per run of equal scores on one issue, one per synergy box (a synergy whose
    condition lists several runs of options is split into the boxes of their product),
    one without bounds for the constant part, and ``maxutility`` such that the cap (or,
    without one, the best possible total) maps to 1. Rectangle bounds are integer values,
    so every issue a rectangle bounds must have the options ``"lb"``, ..., ``"ub"``
    (consecutive integers, as GENIUS integer issues); other issues are written discrete.

Scores: the map into GENIUS' [0, 1], per party (:class:`~mutualgains.io.export.UtilityMap`)
    ``utility in the file = (utility in the case - shift) / scale``. GENIUS' linear
    utilities reach exactly 1 at the best package, so ``scale = best - shift`` with
    ``shift = min(0, BATNA, sum of the issues' negative minima)``; nonlinear profiles use
    the cap (or the best possible total) instead of the best package, and the least
    possible total (the sum of the minima and the negative bonuses) instead of the minima.
    A scale within 1e-12 of 1 with shift 0 is taken as the identity, so a case read from
    GENIUS is written with its utilities unchanged. The BATNA goes through the same map
    into ``<reservation value=..>``. Each profile states its map in an XML comment.

Refused (:class:`~mutualgains.errors.CaseError` naming each; ``lossy=True`` drops them
and warns once with a :class:`~mutualgains.io.export.LossyConversionWarning`)
    A decision rule other than unanimity, a margin, party weights, budgets, costs, a
    total budget, transfers, requires/excludes/precedes relations, phasing data, controls;
    synergies and binding caps when an issue they need bounds on is not an integer issue
    (``lossy`` drops the synergies and caps); a reservation value above 1 (a BATNA above
    every package: ``lossy`` writes 1, which makes the best package acceptable). Names
    XML or a file system cannot take are refused whatever ``lossy`` says.

Round trip: ``read_genius(write_genius(case, folder).folder)`` has the same issues and
options (the case is named after the folder, the parties come in file-name order), and
for every party and package a utility within :data:`~mutualgains.io.export.ROUND_TRIP_TOLERANCE`
of the mapped utility of the case, and likewise the BATNA. Nonlinear parties come back
with ``cap=1`` and their rectangles as synergies.

Examples
--------
>>> import tempfile, pathlib
>>> from mutualgains import Case, Issue, Party
>>> from mutualgains.io.genius import read_genius
>>> case = Case([Party("buyer", batna=4), Party("seller", batna=1)],
...             [Issue("price", ["low", "high"]), Issue("days", ["7", "30"])],
...             {"buyer": {"price": [6, 0], "days": [0, 4]},
...              "seller": {"price": [0, 3], "days": [1, 0]}})
>>> export = write_genius(case, pathlib.Path(tempfile.mkdtemp()) / "deal")
>>> export.maps["buyer"], export.maps["seller"]
(UtilityMap(shift=0.0, scale=10.0), UtilityMap(shift=0.0, scale=4.0))
>>> back = read_genius(export.folder)
>>> back.party("seller").batna, back.utilities({"price": "high", "days": "7"})
(0.25, {'buyer': 0.0, 'seller': 1.0})
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mutualgains.errors import CaseError, Problem
from mutualgains.io.export import (
    Export,
    Loss,
    UtilityMap,
    common_losses,
    decimal_weights,
    file_name_problems,
    issue_shifts,
    settle,
    strip,
    write_files,
)
from mutualgains.model import Case
from mutualgains.params import Flag, Instance, validated
from mutualgains.util import show

__all__ = ["DOMAIN_FILE", "MAX_RECTANGLES", "integer_range", "write_genius"]

DOMAIN_FILE = "domain.xml"
"""The name of the domain file written (a party called ``domain`` is refused)."""

MAX_RECTANGLES = 100_000
"""Most hyper-rectangles one nonlinear profile may need."""

_FORMAT = "GENIUS"
_INTEGER = re.compile(r"-?(?:0|[1-9]\d{0,17})")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def integer_range(options: Sequence[str]) -> tuple[int, int] | None:
    """``(lowerbound, upperbound)`` when ``options`` are ``"lb"``, ..., ``"ub"``, else None.

    Examples
    --------
    >>> integer_range(["0", "1", "2"]), integer_range(["1", "3"]), integer_range(["01", "02"])
    ((0, 2), None, None)
    """
    if not options or not all(_INTEGER.fullmatch(o) for o in options):
        return None
    low = int(options[0])
    if any(int(o) != low + k for k, o in enumerate(options)):
        return None
    return low, low + len(options) - 1


@validated(case=Instance(Case, label="a Case"), folder=Instance((str, Path), label="a path"),
           lossy=Flag(), overwrite=Flag())
def write_genius(case: Case, folder: str | Path, *, lossy: bool = False,
                 overwrite: bool = False) -> Export:
    """Write ``case`` as a GENIUS domain folder (see the module documentation).

    Parameters
    ----------
    case : Case
    folder : str or Path
        A new or empty folder (created if needed); its name is the case name GENIUS and
        :func:`~mutualgains.io.genius.read_genius` see.
    lossy : bool, default False
        Drop (and list, in one LossyConversionWarning) what GENIUS cannot express instead
        of refusing the case.
    overwrite : bool, default False
        Allow a folder that holds files of the names written, and replace them.

    Returns
    -------
    Export
        The folder and files, each party's :class:`~mutualgains.io.export.UtilityMap`, and
        what was dropped or changed.

    Raises
    ------
    CaseError
        Naming every part of the case GENIUS cannot express (unless ``lossy``) and every
        name that cannot be written.
    UsageError
        For a folder that holds other files.

    Examples
    --------
    >>> import tempfile
    >>> from mutualgains import Case, Issue, Party, Synergy
    >>> from mutualgains.io.genius import read_genius
    >>> case = Case([Party("A", cap=10), Party("B")], [Issue("x", ["0", "1", "2"])],
    ...             {"A": {"x": [0, 4, 8]}, "B": {"x": [2, 1, 0]}},
    ...             synergy=[Synergy({"x": ["1", "2"]}, {"A": 5})])
    >>> export = write_genius(case, tempfile.mkdtemp())
    >>> export.maps["A"]  # the cap maps to 1
    UtilityMap(shift=0.0, scale=10.0)
    >>> read_genius(export.folder).utilities(["2"])  # A: min(10, 8 + 5) / 10
    {'A': 1, 'B': 0.0}
    """
    losses = common_losses(case, _FORMAT)
    scores = {p: [np.asarray(case.scores[p][i], dtype=float) for i in case.issue_names]
              for p in case.party_names}
    nonlinear = any(_needs_nonlinear(case, p.name, scores[p.name]) for p in case.parties)
    bounded = _bounded_issues(case, scores) if nonlinear else set()
    if nonlinear:
        bad = [i.name for i in case.issues if i.name in bounded
               and integer_range(i.options) is None]
        if bad:
            rule = (f"{_FORMAT} writes synergies and caps as nonlinear hyper-rectangles, whose "
                    f"bounds need integer issues (options lb, ..., ub); not so: "
                    f"{', '.join(bad)}"[:300])
            if case.synergy:
                losses.append(Loss("synergy", rule, f"{len(case.synergy)} entries"))
            losses += [Loss(f"parties.{p.name}.cap", rule, show(p.cap)) for p in case.parties
                       if p.cap is not None]
            nonlinear, bounded = False, set()
    _check_names(case)
    case = strip(case, losses)
    plans = {}
    for party in case.parties:
        plan = (_nonlinear_plan if nonlinear else _linear_plan)(case, party.name,
                                                               scores[party.name], lossy)
        losses += plan.losses
        plans[party.name] = plan
    dropped = settle(losses, target=_FORMAT, lossy=lossy)

    kinds = {i.name: integer_range(i.options) if i.name in bounded else None
             for i in case.issues}
    files = {DOMAIN_FILE: _domain_xml(case, kinds)}
    for party in case.parties:
        files[f"{party.name}.xml"] = (_nonlinear_xml if nonlinear else _linear_xml)(
            case, party.name, scores[party.name], plans[party.name], kinds)
    written = write_files(folder, {n: t.encode("utf-8") for n, t in files.items()},
                          overwrite=overwrite)
    return Export(_FORMAT, Path(folder), written, {p: plan.map for p, plan in plans.items()},
                  dropped=dropped)


# ------------------------------------------------------------------ what is needed


def _bonuses(case: Case, party: str) -> list[tuple[dict[str, tuple[str, ...]], float]]:
    return [(dict(s.when), float(s.bonus[party])) for s in case.synergy
            if s.bonus.get(party, 0) != 0]


def _upper(case: Case, party: str, scores: Sequence[np.ndarray]) -> float:
    return (sum(float(a.max()) for a in scores)
            + sum(b for _, b in _bonuses(case, party) if b > 0))


def _needs_nonlinear(case: Case, party: str, scores: Sequence[np.ndarray]) -> bool:
    cap = case.party(party).cap
    return bool(_bonuses(case, party)) or (cap is not None and cap < _upper(case, party, scores))


def _bounded_issues(case: Case, scores: dict[str, list[np.ndarray]]) -> set[str]:
    """The issues a nonlinear profile needs bounds on: some party's scores vary on them, or a
    synergy condition restricts them."""
    out = {i.name for k, i in enumerate(case.issues)
           if any(float(s[k].max()) != float(s[k].min()) for s in scores.values())}
    for s in case.synergy:
        out |= {i for i, options in s.when.items()
                if len(set(options)) < len(case.issue(i).options)}
    return out


def _check_names(case: Case) -> None:
    problems = []
    places = [("name", case.name)]
    places += [(f"parties.{p.name}", p.name) for p in case.parties]
    places += [(f"issues.{i.name}", i.name) for i in case.issues]
    places += [(f"issues.{i.name}.{o}", o) for i in case.issues for o in i.options]
    for where, name in places:
        bad = _NOT_XML.search(name)
        if bad:
            problems.append(Problem(where, "holds a character XML cannot hold",
                                    repr(bad.group(0))))
    stems = {"domain file": DOMAIN_FILE[:-4], **{f"parties.{p.name}": p.name
                                                 for p in case.parties}}
    problems += file_name_problems(stems, ".xml")
    if problems:
        raise CaseError(problems)


# ------------------------------------------------------------------------- plans


@dataclass
class _Plan:
    map: UtilityMap
    reservation: float
    losses: list[Loss] = field(default_factory=list)
    shifts: list[float] = field(default_factory=list)  # linear: per-issue shifts
    top: float = 1.0  # nonlinear: maxutility
    constant: bool = False  # every package has the same utility: written as utility 0


def _snap(shift: float, scale: float, eps: float) -> UtilityMap:
    if abs(shift) <= eps:
        shift = 0.0
    if shift == 0 and abs(scale - 1) <= 1e-12:
        scale = 1.0
    return UtilityMap(shift, scale if scale > eps else 1.0)


def _reservation(party: str, batna: float, map_: UtilityMap, lossy: bool,
                 eps: float) -> tuple[float, list[Loss]]:
    value = map_(batna)
    if value > 1 + eps:
        change = ("; the reservation value is 1, so the best package becomes acceptable"
                  if lossy else " (lossy=True writes 1)")
        return 1.0, [Loss(f"parties.{party}.batna", f"{_FORMAT} reservation values lie in "
                          f"[0, 1], and this BATNA is above every package{change}",
                          show(batna))]
    return min(max(value, 0.0), 1.0), []


def _linear_plan(case: Case, party: str, scores: Sequence[np.ndarray], lossy: bool) -> _Plan:
    mins = [float(a.min()) for a in scores]
    best = sum(float(a.max()) for a in scores)
    batna = float(case.party(party).batna)
    eps = 1e-12 * max(1.0, abs(best), abs(sum(mins)), abs(batna))
    constant = best - sum(mins) <= eps
    if constant:  # every package maps to 0
        map_ = UtilityMap(best, 1.0)
    else:
        shift = min(0.0, batna, sum(min(m, 0.0) for m in mins))
        map_ = _snap(shift, best - shift, eps)
    value, losses = _reservation(party, batna, map_, lossy, eps)
    if map_(batna) < -eps:
        losses.append(Loss(f"parties.{party}.batna", f"{_FORMAT} reservation values lie in "
                           "[0, 1], and this BATNA is below the party's constant utility"
                           + ("; the reservation value is 0" if lossy else ""), show(batna)))
    return _Plan(map_, value, losses, shifts=issue_shifts(mins, map_.shift), constant=constant)


def _nonlinear_plan(case: Case, party: str, scores: Sequence[np.ndarray], lossy: bool) -> _Plan:
    bonuses = _bonuses(case, party)
    low = sum(float(a.min()) for a in scores) + sum(b for _, b in bonuses if b < 0)
    upper = _upper(case, party, scores)
    cap = case.party(party).cap
    top = upper if cap is None or cap >= upper else float(cap)
    batna = float(case.party(party).batna)
    eps = 1e-12 * max(1.0, abs(low), abs(top), abs(batna))
    shift = min(0.0, low, batna)
    constant = top - shift <= eps
    # the cap at or below every total: every package maps to 0
    map_ = UtilityMap(top, 1.0) if constant else _snap(shift, top - shift, eps)
    value, losses = _reservation(party, batna, map_, lossy, eps)
    if map_(batna) < -eps:
        losses.append(Loss(f"parties.{party}.batna", f"{_FORMAT} reservation values lie in "
                           "[0, 1], and this BATNA is below the party's constant utility"
                           + ("; the reservation value is 0" if lossy else ""), show(batna)))
    return _Plan(map_, value, losses, top=map_.scale, constant=constant)


# ----------------------------------------------------------------------- the XML


def _attr(value: str) -> str:
    return '"' + (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                  .replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
                  .replace("\t", "&#9;")) + '"'


def _comment(text: str) -> str:
    return "<!-- " + _NOT_XML.sub("?", text).replace("--", "- -").rstrip("-") + " -->"


def _issue_xml(index: int, name: str, options: Sequence[str], bounds: tuple[int, int] | None,
               evaluations: Sequence[float] | None = None) -> list[str]:
    if bounds is not None:
        return [f'  <issue index="{index}" name={_attr(name)} type="integer" etype="integer" '
                f'vtype="integer" lowerbound="{bounds[0]}" upperbound="{bounds[1]}"/>']
    lines = [f'  <issue index="{index}" name={_attr(name)} type="discrete" etype="discrete" '
             'vtype="discrete">']
    for k, option in enumerate(options):
        score = "" if evaluations is None else f' evaluation="{evaluations[k]!r}"'
        lines.append(f'    <item index="{k + 1}" value={_attr(option)}{score}/>')
    return [*lines, "  </issue>"]


def _head(case: Case, note: str) -> list[str]:
    return ['<?xml version="1.0" encoding="UTF-8"?>', _comment(note)]


def _domain_xml(case: Case, kinds: dict[str, tuple[int, int] | None]) -> str:
    note = f"GENIUS domain written by mutualgains from the case {case.name!r}"
    if case.description:
        note += f": {case.description}"
    lines = [*_head(case, note), "<negotiation_template>",
             f'<utility_space number_of_issues="{len(case.issues)}">',
             f'<objective index="0" name={_attr(case.name)} type="objective" etype="objective">']
    for k, issue in enumerate(case.issues):
        lines += _issue_xml(k + 1, issue.name, issue.options, kinds[issue.name])
    lines += ["</objective>", "</utility_space>", "</negotiation_template>"]
    return "\n".join(lines) + "\n"


def _map_note(party: str, plan: _Plan) -> str:
    m = plan.map
    how = ("the case's utility" if m.is_identity else f"the case's utility / {m.scale!r}"
           if m.shift == 0 else f"(the case's utility - {m.shift!r}) / {m.scale!r}")
    return f"profile of {party!r} written by mutualgains: utility in this file = {how}"


def _linear_xml(case: Case, party: str, scores: Sequence[np.ndarray], plan: _Plan,
                kinds: dict[str, tuple[int, int] | None]) -> str:
    spans = [0.0 if plan.constant else float(a.max()) - t
             for a, t in zip(scores, plan.shifts, strict=True)]
    total = sum(spans)
    weights = decimal_weights([s / total for s in spans] if total > 0
                              else [1 / len(spans)] * len(spans))
    lines = [*_head(case, _map_note(party, plan)), "<utility_space>",
             f'<objective index="0" name={_attr(case.name)} type="objective" etype="objective">']
    for k, (issue, a, t, span) in enumerate(zip(case.issues, scores, plan.shifts, spans,
                                                strict=True)):
        evaluations = [min(1.0, max(0.0, (float(x) - t) / span)) if span > 0 else 0.0
                       for x in a]
        lines += _issue_xml(k + 1, issue.name, issue.options, None, evaluations)
    lines += [f'  <weight index="{k + 1}" value="{w}"/>' for k, w in enumerate(weights)]
    lines += ["</objective>", f'<reservation value="{plan.reservation!r}"/>', "</utility_space>"]
    return "\n".join(lines) + "\n"


def _runs(positions: Sequence[int]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive positions, as (first, last)."""
    out: list[tuple[int, int]] = []
    for k in sorted(set(positions)):
        if out and out[-1][1] == k - 1:
            out[-1] = (out[-1][0], k)
        else:
            out.append((k, k))
    return out


def _rectangles(case: Case, party: str, scores: Sequence[np.ndarray], shift: float
                ) -> list[tuple[float, list[tuple[int, int, int]]]]:
    """(utility, [(issue index, min value, max value), ...]) in case units."""
    out: list[tuple[float, list[tuple[int, int, int]]]] = []
    constant = sum(float(a.min()) for a in scores) - shift
    if constant:
        out.append((constant, []))
    for k, (issue, a) in enumerate(zip(case.issues, scores, strict=True)):
        base = float(a.min())
        bounds = integer_range(issue.options)
        start = 0
        for j in range(1, len(a) + 1):
            if j == len(a) or float(a[j]) != float(a[start]):
                extra = float(a[start]) - base
                if extra and bounds is not None:
                    out.append((extra, [(k + 1, bounds[0] + start, bounds[0] + j - 1)]))
                start = j
    for when, bonus in _bonuses(case, party):
        axes = []
        for issue_name, options in when.items():
            issue = case.issue(issue_name)
            if len(set(options)) == len(issue.options):
                continue
            k = case.issue_names.index(issue_name)
            low = integer_range(issue.options)[0]  # type: ignore[index]
            axes.append([(k + 1, low + a, low + b)
                         for a, b in _runs([issue.options.index(o) for o in options])])
        count = 1
        for axis in axes:
            count *= len(axis)
        if len(out) + count > MAX_RECTANGLES:
            raise CaseError([Problem(f"parties.{party}", f"its synergies would need more than "
                                     f"{MAX_RECTANGLES} hyper-rectangles in GENIUS",
                                     f"at least {len(out) + count}")])
        out += [(bonus, list(box)) for box in itertools.product(*axes)]
    return out


def _nonlinear_xml(case: Case, party: str, scores: Sequence[np.ndarray], plan: _Plan,
                   kinds: dict[str, tuple[int, int] | None]) -> str:
    lines = [*_head(case, _map_note(party, plan)), '<utility_space type="nonlinear">',
             f'<objective index="0" name={_attr(case.name)} type="objective" etype="objective">']
    for k, issue in enumerate(case.issues):
        lines += _issue_xml(k + 1, issue.name, issue.options, kinds[issue.name])
    lines += [f'  <utility maxutility="{plan.top!r}">',
              '    <ufun type="PlainUfun" weight="1" aggregation="sum">']
    rectangles = [] if plan.constant else _rectangles(case, party, scores, plan.map.shift)
    for utility, bounds in rectangles:
        if not bounds:
            lines.append(f'      <hyperRectangle utility="{utility!r}"/>')
            continue
        lines.append(f'      <hyperRectangle utility="{utility!r}">')
        lines += [f'        <INCLUDES index="{k}" min="{lo}" max="{hi}"/>' for k, lo, hi in bounds]
        lines.append("      </hyperRectangle>")
    lines += ["    </ufun>", "  </utility>", "</objective>",
              f'<reservation value="{plan.reservation!r}"/>', "</utility_space>"]
    return "\n".join(lines) + "\n"
