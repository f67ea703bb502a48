"""Writing a case as a GeniusWeb folder: a domain file and one ``LinearAdditiveUtilitySpace``
profile per party.

What is written
    The domain file ``<case name>.json`` (``name``, ``issuesValues``: every issue as a
    discrete value set of its option names) and ``<party>.json`` per party, each
    embedding the domain, with per-issue ``valueUtilities`` (tagged ``discreteutils``, or
    ``DiscreteValueSetUtilities`` with ``tags="class"``), ``issueWeights`` that sum to
    exactly 1 as decimals, and a ``reservationBid`` when the BATNA needs one. Floats are
    printed with ``repr`` (they read back exactly). A number issue read from GeniusWeb is
    written back as a discrete issue with the same option names and utilities (its value
    utilities then need not lie on one straight line rounded to 8 decimals).

Scores: the map into GeniusWeb's [0, 1], per party (:class:`~mutualgains.io.export.UtilityMap`)
    A GeniusWeb utility is ``sum_i w_i v_i`` with weights summing to 1 and value utilities
    in [0, 1]: any additive utility with ``0 <= u <= 1`` is written *unchanged* (the
    identity map; so is every case read from GeniusWeb). Otherwise the map is
    ``(u - shift) / scale`` with ``scale = best - shift`` (the best package gets 1) and
    ``shift = min(0, sum of the issues' negative minima)``, or ``shift = BATNA`` when the
    BATNA is at most the worst package (then the BATNA maps to 0, written as no
    reservation bid).

The BATNA
    GeniusWeb's BATNA is the utility of a reservation bid, or 0 without one. A BATNA
    that maps to 0 is written as no reservation bid; otherwise the writer looks for a
    package whose utility equals the BATNA (:func:`~mutualgains.io.geniusweb.bids.least_at_least`,
    exact meet in the middle, ties by package order) and writes it as the reservation bid.
    When there is none the case is refused; with ``lossy=True`` the reservation bid is the
    least package at least as good as the BATNA (the same packages stay acceptable; the
    BATNA read back is that package's utility), or the best package when none is.

Refused (:class:`~mutualgains.errors.CaseError` naming each; ``lossy=True`` drops them
and warns once with a :class:`~mutualgains.io.export.LossyConversionWarning`)
    A decision rule other than unanimity, a margin, party weights, budgets, costs, a total
    budget, transfers, requires/excludes/precedes relations, phasing data, controls, synergies
    (GeniusWeb's linear additive profiles have none), a utility cap that can bind, and a
    BATNA no package reaches exactly. Names GeniusWeb or a file system cannot take are
    refused whatever ``lossy`` says (rename them).

Round trip: ``read_geniusweb(write_geniusweb(case, folder).folder)`` has the same issues
and options, the parties in file-name order, and for every party and package a utility
within :data:`~mutualgains.io.export.ROUND_TRIP_TOLERANCE` of the mapped utility of the
case, and likewise the BATNA (the case's description is not written).

Examples
--------
>>> import tempfile, pathlib
>>> from mutualgains import Case, Issue, Party
>>> from mutualgains.io.geniusweb import read_geniusweb
>>> case = Case([Party("buyer", batna=4), Party("seller", batna=0)],
...             [Issue("price", ["low", "high"]), Issue("days", ["7", "30"])],
...             {"buyer": {"price": [6, 0], "days": [0, 4]},
...              "seller": {"price": [0, 0.5], "days": [0.5, 0]}})
>>> export = write_geniusweb(case, pathlib.Path(tempfile.mkdtemp()) / "deal")
>>> export.maps["buyer"], export.maps["seller"].is_identity
(UtilityMap(shift=0.0, scale=10.0), True)
>>> back = read_geniusweb(export.folder)
>>> back.party("buyer").batna, back.utilities({"price": "low", "days": "30"})
(0.4, {'buyer': 1.0, 'seller': 0.0})
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

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
from mutualgains.io.geniusweb.bids import least_at_least
from mutualgains.io.geniusweb.domain import valid_name
from mutualgains.io.geniusweb.jsontext import dumps
from mutualgains.io.geniusweb.profiles import DISCRETE_TAGS, PROFILE_TYPE
from mutualgains.model import Case
from mutualgains.params import Choice, Flag, Instance, validated
from mutualgains.util import show

__all__ = ["write_geniusweb"]

_FORMAT = "GeniusWeb"


@validated(case=Instance(Case, label="a Case"), folder=Instance((str, Path), label="a path"),
           lossy=Flag(), overwrite=Flag(), tags=Choice(("short", "class")))
def write_geniusweb(case: Case, folder: str | Path, *, lossy: bool = False,
                    overwrite: bool = False, tags: Literal["short", "class"] = "short") -> Export:
    """Write ``case`` as a GeniusWeb folder (see the module documentation).

    Parameters
    ----------
    case : Case
    folder : str or Path
        A new or empty folder (created if needed).
    lossy : bool, default False
        Drop (and list, in one LossyConversionWarning) what GeniusWeb cannot express
        instead of refusing the case.
    overwrite : bool, default False
        Allow a folder that holds files of the names written, and replace them.
    tags : {"short", "class"}
        ``discreteutils`` (GeniusWeb's wiki and Java releases, the ANL 2021 files, NegMAS'
        reader) or ``DiscreteValueSetUtilities`` (GeniusWeb Python 1.2, the ANL 2022 and
        2023 templates).

    Returns
    -------
    Export
        The folder and files, each party's :class:`~mutualgains.io.export.UtilityMap`, and
        what was dropped or changed.

    Raises
    ------
    CaseError
        Naming every part of the case GeniusWeb cannot express (unless ``lossy``) and every
        name that cannot be written.
    UsageError
        For a folder that holds other files.

    Examples
    --------
    >>> import tempfile, warnings
    >>> from mutualgains.io.examples import load_example
    >>> folder = tempfile.mkdtemp()
    >>> write_geniusweb(load_example("harbour"), folder)
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 2 problems in the case:
      decision_rule: GeniusWeb cannot express a decision rule other than unanimity (lossy=True ...
      parties.Environmental League.batna: GeniusWeb's BATNA is the utility of a reservation bid, ...
    >>> with warnings.catch_warnings(record=True):
    ...     warnings.simplefilter("always")
    ...     export = write_geniusweb(load_example("harbour"), folder, lossy=True)
    >>> export.maps["Port"]
    UtilityMap(shift=0.0, scale=100.0)
    """
    losses = common_losses(case, _FORMAT)
    if case.synergy:
        losses.append(Loss("synergy", f"{_FORMAT}'s linear additive profiles cannot express "
                           "synergies", f"{len(case.synergy)} entries"))
    scores = {p: [np.asarray(case.scores[p][i], dtype=float) for i in case.issue_names]
              for p in case.party_names}
    for party in case.parties:
        best = sum(float(a.max()) for a in scores[party.name])
        if party.cap is not None and party.cap < best:
            losses.append(Loss(f"parties.{party.name}.cap", f"{_FORMAT} cannot express a "
                               f"utility cap (this one binds: the best package scores {best!r})",
                               show(party.cap)))
    _check_names(case)
    case = strip(case, losses)
    plans = {p.name: _plan(p.name, scores[p.name], float(p.batna), lossy) for p in case.parties}
    losses += [plan.loss for plan in plans.values() if plan.loss is not None]
    dropped = settle(losses, target=_FORMAT, lossy=lossy)

    domain = {"name": case.name,
              "issuesValues": {i.name: {"values": list(i.options)} for i in case.issues}}
    tag = DISCRETE_TAGS[0] if tags == "short" else DISCRETE_TAGS[1]
    files = {f"{case.name}.json": domain}
    for party in case.parties:
        files[f"{party.name}.json"] = {PROFILE_TYPE: _profile(case, party.name, plans[party.name],
                                                              domain, tag)}
    try:
        contents = {name: (dumps(data) + "\n").encode("utf-8") for name, data in files.items()}
    except UnicodeEncodeError as err:
        raise CaseError([Problem("names", "must be valid Unicode text (a lone surrogate cannot "
                                 "be written as UTF-8)", show(err.object[err.start:err.end]))]
                        ) from None
    written = write_files(folder, contents, overwrite=overwrite)
    return Export(_FORMAT, Path(folder), written, {p: plan.map for p, plan in plans.items()},
                  dropped=dropped, notes=tuple(n for plan in plans.values() for n in plan.notes))


def _check_names(case: Case) -> None:
    problems = []
    if not valid_name(case.name):
        problems.append(Problem("name", f"a {_FORMAT} domain name must start with a-z, A-Z or "
                                "0-9 (rename the case)", show(case.name)))
    for party in case.parties:
        if not valid_name(party.name):
            problems.append(Problem(f"parties.{party.name}", f"a {_FORMAT} profile name must "
                                    "start with a-z, A-Z or 0-9 (rename the party)",
                                    show(party.name)))
    stems = {"name": case.name, **{f"parties.{p.name}": p.name for p in case.parties}}
    problems += file_name_problems(stems, ".json")
    if problems:
        raise CaseError(problems)


class _Plan:
    """One party's map, per-issue shifts and reservation bid (option positions)."""

    def __init__(self, map_: UtilityMap, shifts: list[float], bid: tuple[int, ...] | None,
                 loss: Loss | None = None, notes: tuple[str, ...] = ()):
        self.map, self.shifts, self.bid, self.loss, self.notes = map_, shifts, bid, loss, notes


def _plan(party: str, scores: Sequence[np.ndarray], batna: float, lossy: bool) -> _Plan:
    mins = [float(a.min()) for a in scores]
    maxs = [float(a.max()) for a in scores]
    low, best = sum(mins), sum(maxs)
    size = max(1.0, abs(low), abs(best), abs(batna))
    eps = 1e-12 * size
    negative = sum(min(m, 0.0) for m in mins)
    identity_ok = low >= -eps and best <= 1 + eps

    def normalised(shift: float) -> UtilityMap:
        span = best - shift
        return UtilityMap(shift, span if span > eps else 1.0)

    if identity_ok and abs(batna) <= eps:
        return _Plan(UtilityMap(), issue_shifts(mins, 0.0), None)
    found = (least_at_least([a.tolist() for a in scores], batna, eps) if batna >= low - eps
             else None)
    if identity_ok and found is not None and found.exact:
        return _Plan(UtilityMap(), issue_shifts(mins, 0.0), found.choice)
    if batna <= low + eps:
        shift = min(batna, low)
        return _Plan(normalised(shift), issue_shifts(mins, shift), None)
    map_ = UtilityMap() if identity_ok else normalised(min(0.0, negative))
    shifts = issue_shifts(mins, map_.shift)
    if found is not None and found.exact:
        return _Plan(map_, shifts, found.choice)
    where = f"parties.{party}.batna"
    rule = (f"{_FORMAT}'s BATNA is the utility of a reservation bid, and no package has utility "
            f"exactly {batna!r}")
    if found is None:
        choice = tuple(int(np.argmax(a)) for a in scores)
        utility = sum(float(a[k]) for a, k in zip(scores, choice, strict=True))
        change = (f"the reservation bid is the best package (utility {utility!r}), so it "
                  "becomes acceptable")
    else:
        choice = found.choice
        change = (f"the reservation bid is the least package at least as good (utility "
                  f"{found.utility!r}{'' if found.proven else ', the least found'}): the same "
                  "packages stay acceptable")
    loss = Loss(where, rule + (f"; {change}" if lossy else " (lossy=True picks the least "
                               "package at least as good)"), show(batna))
    return _Plan(map_, shifts, choice, loss)


def _profile(case: Case, party: str, plan: _Plan, domain: dict, tag: str) -> dict[str, Any]:
    scale = plan.map.scale
    columns = [np.asarray(case.scores[party][i.name], dtype=float) for i in case.issues]
    spans = [float(c.max()) - t for c, t in zip(columns, plan.shifts, strict=True)]
    total = sum(spans)
    raw = ([s / total for s in spans] if total > 0 else [1 / len(spans)] * len(spans))
    weights = decimal_weights(raw)
    utilities = {}
    for issue, column, shift, weight in zip(case.issues, columns, plan.shifts, weights,
                                            strict=True):
        w = float(weight)
        values = {}
        for option, score in zip(issue.options, column, strict=True):
            v = ((float(score) - shift) / scale) / w if w > 0 else 0.0
            values[option] = min(1.0, max(0.0, v))
        utilities[issue.name] = {tag: {"valueUtilities": values}}
    body: dict[str, Any] = {
        "issueUtilities": utilities,
        "issueWeights": {i.name: _weight(w) for i, w in zip(case.issues, weights, strict=True)},
        "domain": domain,
        "name": party,
    }
    if plan.bid is not None:
        body["reservationBid"] = {"issuevalues": {
            i.name: i.options[k] for i, k in zip(case.issues, plan.bid, strict=True)}}
    return body


def _weight(value: Decimal) -> Decimal:
    """A weight as written: a short float rendering when it is exact, else the decimal."""
    text = repr(float(value))
    return Decimal(text) if Decimal(text) == value else value

