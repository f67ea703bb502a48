"""What the negotiation formats cannot express, how scores are mapped into them, and what a
writer reports.

GENIUS and GeniusWeb know parties, issues and utilities in [0, 1] that every party must
accept above its reservation; NegMAS scenarios know utility functions and reserved values.
A case may hold more: a decision rule other than unanimity, a margin, party weights, money
(costs, budgets, side payments), requires/excludes/precedes relations, phasing data, who
controls which issue (``controls``), and,
for GeniusWeb, synergies and utility caps. A writer refuses such a case with a
:class:`~mutualgains.errors.CaseError` naming every part it cannot express; with
``lossy=True`` it drops those parts instead and warns, once, with a
:class:`LossyConversionWarning` that lists exactly what was dropped.

Scores are mapped into the format's [0, 1] by one exact affine map per party,
``utility in the file = (utility in the case - shift) / scale`` (a :class:`UtilityMap`),
which the writer returns in its :class:`Export`; gains and BATNAs go through the same
map, so every comparison between packages and with the BATNA is kept.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> [str(loss) for loss in common_losses(load_example("harbour"), "GENIUS")]
['decision_rule: GENIUS cannot express a decision rule other than unanimity (got 4 of 5, ...)']
>>> UtilityMap(shift=10, scale=40)(30)
0.5
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Context, Decimal, localcontext
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mutualgains.errors import CaseError, Problem, UsageError
from mutualgains.model import Case, DecisionRule
from mutualgains.util import show, tidy, warn

__all__ = [
    "ROUND_TRIP_TOLERANCE",
    "Export",
    "Loss",
    "LossyConversionWarning",
    "UtilityMap",
    "common_losses",
    "decimal_weights",
    "file_name_problems",
    "issue_shifts",
    "settle",
    "strip",
    "write_files",
]

ROUND_TRIP_TOLERANCE = 1e-9
"""How far a utility read back from a written file may be from the mapped utility of the case
(on the format's [0, 1] scale): floats are printed exactly (``repr``), and the error is the
rounding of the few products and sums a reader computes."""

_EXACT = Context(prec=100)
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)


class LossyConversionWarning(UserWarning):
    """A writer called with ``lossy=True`` dropped parts of the case that the format cannot
    express; the message lists each of them."""


@dataclass(frozen=True)
class Loss:
    """A part of a case a format cannot express: its key, what the format lacks, what it holds.

    Examples
    --------
    >>> str(Loss("margin", "GENIUS cannot express a margin", "0.5"))
    'margin: GENIUS cannot express a margin (got 0.5)'
    """

    key: str
    rule: str
    got: str | None = None

    def problem(self) -> Problem:
        """The loss as a :class:`~mutualgains.errors.Problem` (for a refusal)."""
        return Problem(self.key, self.rule, self.got)

    def __str__(self) -> str:
        return str(self.problem())


@dataclass(frozen=True)
class UtilityMap:
    """The affine map from a party's utility in the case to its utility in a written file:
    ``(utility - shift) / scale``.

    Examples
    --------
    >>> m = UtilityMap(shift=-2, scale=10)
    >>> m(8), m.inverse(1.0), m.is_identity
    (1.0, 8.0, False)
    >>> UtilityMap(0, 0)
    Traceback (most recent call last):
    ...
    mutualgains.errors.UsageError: UtilityMap: scale must be a finite positive number (got 0)
    """

    shift: float = 0.0
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not (isinstance(self.scale, int | float) and math.isfinite(self.scale)
                and self.scale > 0):
            raise UsageError(f"UtilityMap: scale must be a finite positive number "
                             f"(got {show(self.scale)})")
        if not (isinstance(self.shift, int | float) and math.isfinite(self.shift)):
            raise UsageError(f"UtilityMap: shift must be a finite number (got {show(self.shift)})")

    def __call__(self, utility: float) -> float:
        return (utility - self.shift) / self.scale

    def inverse(self, utility: float) -> float:
        """The case utility of a utility in the file."""
        return utility * self.scale + self.shift

    @property
    def is_identity(self) -> bool:
        """Whether the file holds the case's utilities unchanged."""
        return self.shift == 0 and self.scale == 1

    def to_dict(self) -> dict[str, float | int]:
        """``{"shift": .., "scale": ..}``."""
        return {"shift": tidy(self.shift), "scale": tidy(self.scale)}


@dataclass(frozen=True)
class Export:
    """What a writer wrote: the format, the folder and files, each party's utility map, and
    what was dropped (``lossy=True``) or adjusted.

    Examples
    --------
    >>> export = Export("GENIUS", Path("out"), (Path("out/domain.xml"),),
    ...                 {"Port": UtilityMap(0, 20)}, dropped=("margin: 0.5",))
    >>> export
    <Export GENIUS to out: 1 files, 1 parties, 1 dropped>
    >>> export.to_dict()["maps"]
    {'Port': {'shift': 0, 'scale': 20}}
    """

    format: str
    folder: Path
    files: tuple[Path, ...]
    maps: Mapping[str, UtilityMap]
    dropped: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "maps", MappingProxyType(dict(self.maps)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: format, folder, files, maps, dropped, notes."""
        return {"format": self.format, "folder": str(self.folder),
                "files": [str(p) for p in self.files],
                "maps": {p: m.to_dict() for p, m in self.maps.items()},
                "dropped": list(self.dropped), "notes": list(self.notes)}

    def text(self) -> str:
        """A few lines for people: where, each party's map, what was dropped."""
        lines = [f"wrote {self.format} to {self.folder} ({len(self.files)} files)"]
        for party, m in self.maps.items():
            how = ("unchanged" if m.is_identity else f"utility / {m.scale!r}" if m.shift == 0
                   else f"(utility - {m.shift!r}) / {m.scale!r}")
            lines.append(f"  {party}: utility in the file = {how}")
        lines += [f"  dropped {d}" for d in self.dropped]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Export {self.format} to {self.folder}: {len(self.files)} files, "
                f"{len(self.maps)} parties, {len(self.dropped)} dropped>")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(p)}</td><td>{m.shift!r}</td><td>{m.scale!r}</td></tr>"
            for p, m in self.maps.items())
        dropped = "".join(f"<li>{html.escape(d)}</li>" for d in self.dropped)
        return (f"<p>{html.escape(self.format)} written to <code>{html.escape(str(self.folder))}"
                f"</code></p><table><tr><th>party</th><th>shift</th><th>scale</th></tr>{rows}"
                f"</table>" + (f"<p>dropped:</p><ul>{dropped}</ul>" if dropped else ""))


def common_losses(case: Case, target: str) -> list[Loss]:
    """What no negotiation format here can express: everything but parties, issues, scores,
    BATNAs, synergies and caps.

    Raises
    ------
    CaseError
        When the case has no issue (whatever ``lossy`` says).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> [loss.key for loss in common_losses(load_example("regional"), "GeniusWeb")]
    ['precedes', 'phasing']
    """
    if not case.issues:  # nothing can be dropped to make it fit
        raise CaseError([Problem("issues", f"{target} needs at least one issue", "none")])
    out = []
    rule = case.decision_rule
    if not rule.is_unanimity:
        veto = f", veto {', '.join(rule.veto)}" if rule.veto else ""
        out.append(Loss("decision_rule", f"{target} cannot express a decision rule other than "
                        "unanimity", f"{rule.min_parties} of {len(case.parties)}{veto}"))
    if case.margin != 0:
        out.append(Loss("margin", f"{target} cannot express a margin above the BATNA",
                        show(case.margin)))
    for party in case.parties:
        if party.weight != 1:
            out.append(Loss(f"parties.{party.name}.weight", f"{target} cannot express party "
                            "weights", show(party.weight)))
        if party.budget is not None:
            out.append(Loss(f"parties.{party.name}.budget", f"{target} cannot express budgets "
                            "(money)", show(party.budget)))
    for key, what in (("costs", "option costs (money)"), ("total_budget", "a total budget"),
                      ("transfers", "side payments"), ("requires", "requires relations"),
                      ("excludes", "excludes relations"), ("precedes", "precedes relations"),
                      ("phasing", "phasing data"),
                      ("controls", "who controls which issue (for the coalition games)"),
                      ("uncertainty", "uncertain scores and BATNAs")):
        value = getattr(case, key)
        if isinstance(value, tuple | Mapping):
            if value:
                out.append(Loss(key, f"{target} cannot express {what}", f"{len(value)} entries"))
        elif value is not None:
            out.append(Loss(key, f"{target} cannot express {what}",
                            show(value) if isinstance(value, int | float) else "set"))
    return out


def strip(case: Case, losses: Sequence[Loss]) -> Case:
    """``case`` without the parts ``losses`` name (losses of other keys are left to the writer).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> strip(case, common_losses(case, "GENIUS")).decision_rule.is_unanimity
    True
    """
    keys = {loss.key for loss in losses}
    parties = []
    for party in case.parties:
        changes: dict[str, Any] = {}
        if f"parties.{party.name}.weight" in keys:
            changes["weight"] = 1
        if f"parties.{party.name}.budget" in keys:
            changes["budget"] = None
        if f"parties.{party.name}.cap" in keys:
            changes["cap"] = None
        parties.append(replace(party, **changes) if changes else party)
    changes = {key: () for key in ("requires", "excludes", "precedes", "synergy") if key in keys}
    if "decision_rule" in keys:
        changes["decision_rule"] = DecisionRule()
    for key, empty in (("margin", 0), ("costs", {}), ("total_budget", None),
                       ("transfers", None), ("phasing", None), ("controls", {}),
                       ("uncertainty", None)):
        if key in keys:
            changes[key] = empty
    return replace(case, parties=tuple(parties), **changes)


def settle(losses: Sequence[Loss], *, target: str, lossy: bool) -> tuple[str, ...]:
    """Refuse for ``losses`` (a CaseError naming each), or (``lossy``) warn once with a
    :class:`LossyConversionWarning` listing them; return them as lines of text.

    Raises
    ------
    CaseError
        One problem per loss, when ``lossy`` is false and there is any.

    Examples
    --------
    >>> import warnings
    >>> from mutualgains.io.examples import load_example
    >>> losses = common_losses(load_example("harbour"), "GENIUS")
    >>> settle(losses, target="GENIUS", lossy=False)
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      decision_rule: GENIUS cannot express a decision rule other than unanimity (lossy=True ...
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     dropped = settle(losses, target="GENIUS", lossy=True)
    >>> print(caught[0].message)
    GENIUS cannot express these parts of the case; lossy=True dropped or changed them:
      decision_rule: GENIUS cannot express a decision rule other than unanimity (got 4 of 5, ...)
    """
    if not losses:
        return ()
    if not lossy:
        raise CaseError([Problem(loss.key, loss.rule if "lossy" in loss.rule
                                 else f"{loss.rule} (lossy=True drops it)", loss.got)
                         for loss in losses])
    lines = tuple(str(loss) for loss in losses)
    warn(f"{target} cannot express these parts of the case; lossy=True dropped or "
         "changed them:\n" + "\n".join(f"  {line}" for line in lines), LossyConversionWarning)
    return lines


def decimal_weights(weights: Sequence[float]) -> list[Decimal]:
    """Decimals close to ``weights`` (non-negative, summing to about 1) that sum to exactly 1.

    Each weight is the exact decimal of its float, except the largest, which takes
    ``1 - the others`` exactly; GeniusWeb checks the sum in decimal arithmetic.

    Examples
    --------
    >>> w = decimal_weights([0.1, 0.2, 0.7000000000000001])
    >>> [str(x) for x in w], sum(w) == 1
    (['0.1', '0.2', '0.7'], True)
    """
    if not weights:
        return []
    top = max(range(len(weights)), key=lambda k: (weights[k], -k))
    out = [Decimal(repr(float(w))) for w in weights]
    with localcontext(_EXACT):
        out[top] = Decimal(1) - sum((w for k, w in enumerate(out) if k != top), Decimal(0))
    if out[top] < 0:  # pragma: no cover - the weights sum to about 1 and the largest is >= 1/n
        raise UsageError(f"decimal_weights: the weights must sum to about 1 (got {weights!r})")
    return out


def issue_shifts(mins: Sequence[float], shift: float) -> list[float]:
    """Per-issue amounts ``t_i`` that sum to ``shift`` with ``t_i <= mins[i]``, so that every
    ``score - t_i`` is non-negative; ``t_i = 0`` wherever possible (scores are then written
    as they are).

    ``shift`` must be at most ``sum(mins)``.

    Examples
    --------
    >>> issue_shifts([2.0, -1.0, 3.0], 0.0)  # issue 0 lends 1 to issue 1
    [1.0, -1.0, 0.0]
    >>> issue_shifts([2.0, 1.0], -4.0)
    [-4.0, 0.0]
    """
    shifts = [min(m, 0.0) for m in mins]
    extra = shift - sum(shifts)
    if extra < 0 and shifts:
        shifts[0] += extra
    k = 0
    while extra > 0 and k < len(shifts):
        room = mins[k] - shifts[k]
        take = min(room, extra)
        shifts[k] += take
        extra -= take
        k += 1
    return shifts


def file_name_problems(stems: Mapping[str, str], suffix: str) -> list[Problem]:
    """Problems with file stems (``place -> stem``; ``suffix`` added) as the names of files in
    one folder: empty, a path separator, a control character, hidden, reserved on Windows,
    too long, or the same as another file's name when case is ignored.

    Examples
    --------
    >>> stems = {"parties.A/B": "A/B", "parties.x": "X", "parties.y": "x"}
    >>> for problem in file_name_problems(stems, ".xml"):
    ...     print(problem)
    parties.A/B: cannot be a file name (a path separator, a control character, ...) (got 'A/B')
    parties.y: would have the same file name as parties.x (names are compared ...) (got 'x.xml')
    """
    problems = []
    seen: dict[str, str] = {}
    for where, stem in stems.items():
        bad = (not stem.strip() or stem != stem.strip() or stem.startswith(".")
               or any(c in stem for c in "/\\:*?\"<>|") or any(ord(c) < 32 for c in stem)
               or _RESERVED.match(stem) or len(f"{stem}{suffix}".encode()) > 200)
        if bad:
            problems.append(Problem(where, "cannot be a file name (a path separator, a control "
                                    "character, a leading dot, a reserved or too long name)",
                                    show(stem)))
            continue
        key = f"{stem}{suffix}".casefold()
        if key in seen:
            problems.append(Problem(where, f"would have the same file name as {seen[key]} "
                                    "(names are compared ignoring case)",
                                    show(f"{stem}{suffix}")))
        seen.setdefault(key, where)
    return problems


def write_files(folder: str | Path, files: Mapping[str, bytes], *, overwrite: bool) -> tuple[
        Path, ...]:
    """Write ``files`` (name -> content) into ``folder``, created if needed.

    The folder must be new or empty; with ``overwrite`` it may also hold files of the
    names written (they are replaced), but nothing else. Nothing is written when it is
    refused.

    Raises
    ------
    UsageError
        When the folder holds other files, or is not a folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "out"
    >>> [p.name for p in write_files(folder, {"a.xml": b"<a/>"}, overwrite=False)]
    ['a.xml']
    >>> write_files(folder, {"a.xml": b"<a/>"}, overwrite=False)
    Traceback (most recent call last):
    ...
    mutualgains.errors.UsageError: ...out is not empty (a.xml): write into a new or empty ...
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    existing = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    others = [n for n in existing if n not in files]
    if others or (existing and not overwrite):
        shown = ", ".join((others or existing)[:5]) + (", ..." if len(others or existing) > 5
                                                       else "")
        hint = ("write into a new or empty folder, or pass overwrite=True to replace the files "
                "of the same names" if not others else
                "write into a new or empty folder (other files would be read as part of the "
                "domain)")
        raise UsageError(f"{folder} is not empty ({shown}): {hint}")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = folder / name
        temporary = folder / f".{name}.part"
        temporary.write_bytes(content)
        os.replace(temporary, path)
        written.append(path)
    return tuple(written)
