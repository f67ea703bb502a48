"""Uncertainty as plain data: the case-file form both ways, and its checks against a case.

The ``uncertainty`` key of a case file (``docs/case-format.md``) holds ``scores``
(party -> issue -> option -> spread), ``issues`` and ``parties`` (name -> noise)
and ``batnas`` (party -> spread). A spread is a mapping with exactly one of
:data:`DISTRIBUTION_KEYS`: ``{interval: [low, high]}``, ``{uniform: [low, high]}``,
``{triangular: [low, mode, high]}``, ``{normal: {mean, sd, low, high}}``, or a
noise ``{relative: share}`` / ``{absolute: points}`` with ``shape``, ``low``, ``high``.
The values are in :mod:`mutualgains.model.uncertainty`.

Examples
--------
>>> problems = []
>>> u = uncertainty_from_dict({"issues": {"loan": {"relative": 0.2}}}, problems)
>>> uncertainty_to_dict(u), problems
({'issues': {'loan': {'relative': 0.2}}}, [])
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mutualgains.errors import CaseError, Problem
from mutualgains.model.uncertainty import (
    Interval,
    Noise,
    Normal,
    Spread,
    Triangular,
    Uncertainty,
    Uniform,
    named_mapping,
)
from mutualgains.util import show

if TYPE_CHECKING:  # pragma: no cover
    from mutualgains.model.values import Issue

__all__ = ["DISTRIBUTION_KEYS", "NOISE_KEYS", "NORMAL_KEYS", "UNCERTAINTY_KEYS",
           "spread_from_dict", "spread_to_dict", "uncertainty_from_dict", "uncertainty_problems",
           "uncertainty_to_dict"]

UNCERTAINTY_KEYS: tuple[str, ...] = ("scores", "issues", "parties", "batnas")
"""Keys of the ``uncertainty`` mapping of a case file."""

DISTRIBUTION_KEYS: tuple[str, ...] = ("interval", "uniform", "triangular", "normal",
                                      "relative", "absolute")
"""The key that says what a spread is (exactly one per spread)."""

NOISE_KEYS: tuple[str, ...] = ("relative", "absolute", "shape", "low", "high")
"""Keys of a noise (``relative`` or ``absolute``, then the optional ones)."""

NORMAL_KEYS: tuple[str, ...] = ("mean", "sd", "low", "high")
"""Keys of a ``normal`` distribution."""


# ------------------------------------------------------------------ the case


def uncertainty_problems(uncertainty: Any, parties: Sequence[str], issues: Sequence[Issue],
                         scores: Mapping[str, Mapping[str, Sequence[float]]],
                         batnas: Mapping[str, float]) -> list[Problem]:
    """Problems of ``uncertainty`` in a case: unknown names, and nominal values outside
    the range their distribution allows, each naming its place.

    Examples
    --------
    >>> from mutualgains.model.values import Issue
    >>> u = Uncertainty(scores={"A": {"i": {"z": Noise(1)}}}, batnas={"A": Interval(6, 9)})
    >>> for p in uncertainty_problems(u, ["A"], [Issue("i", ["x"])], {"A": {"i": (0,)}},
    ...                               {"A": 5}):
    ...     print(p)
    uncertainty.scores.A.i.z: unknown option (options: x) (got 'z')
    uncertainty.batnas.A: the BATNA (5) lies outside the range of its distribution [6, 9]
    """
    if uncertainty is None:
        return []
    if not isinstance(uncertainty, Uncertainty):
        return [Problem("uncertainty", "must be an Uncertainty", show(uncertainty))]
    problems: list[Problem] = []
    by_issue = {i.name: i for i in issues}
    for party, row in uncertainty.scores.items():
        here = f"uncertainty.scores.{party}"
        if party not in parties:
            problems.append(Problem(here, "unknown party", show(party)))
            continue
        for issue, cells in row.items():
            if issue not in by_issue:
                problems.append(Problem(f"{here}.{issue}", "unknown issue", show(issue)))
                continue
            options = by_issue[issue].options
            for option, spread in cells.items():
                where = f"{here}.{issue}.{option}"
                if option not in options:
                    problems.append(Problem(where, f"unknown option (options: "
                                            f"{', '.join(options)})", show(option)))
                    continue
                value = scores[party][issue][options.index(option)]
                _inside(spread, value, where, "score", problems)
    for issue in uncertainty.issues:
        if issue not in by_issue:
            problems.append(Problem(f"uncertainty.issues.{issue}", "unknown issue", show(issue)))
    for party in uncertainty.parties:
        if party not in parties:
            problems.append(Problem(f"uncertainty.parties.{party}", "unknown party",
                                    show(party)))
    for party, spread in uncertainty.batnas.items():
        where = f"uncertainty.batnas.{party}"
        if party not in parties:
            problems.append(Problem(where, "unknown party", show(party)))
        elif party in batnas:
            _inside(spread, batnas[party], where, "BATNA", problems)
    # a noise with bounds must contain every value it spreads: one problem per noise
    for name, noise, values in _bounded_noises(uncertainty, parties, issues, scores):
        outside = []
        for label, value in values:
            found: list[Problem] = []
            _inside(noise, value, name, "score", found)
            if found:
                outside.append((label, value, found[0]))
        if outside:
            label, value, first = outside[0]
            more = f" ({len(outside)} scores; the first: {label})" if len(outside) > 1 else \
                f" ({label})"
            problems.append(Problem(f"{name}{more}", first.rule, first.got))
    return problems


def _bounded_noises(uncertainty: Uncertainty, parties: Sequence[str], issues: Sequence[Issue],
                    scores: Mapping[str, Mapping[str, Sequence[float]]]
                    ) -> Iterator[tuple[str, Noise, list[tuple[str, float]]]]:
    """``(place, noise, [(label, value)])`` for issue and party noises with bounds, over the
    scores each one decides."""
    for key, items in (("issues", uncertainty.issues), ("parties", uncertainty.parties)):
        for name, noise in items.items():
            if noise.low is None and noise.high is None:
                continue
            values = []
            for party in parties:
                for issue in issues:
                    for k, option in enumerate(issue.options):
                        if (key == "issues" and issue.name != name) or (
                                key == "parties" and party != name):
                            continue
                        if uncertainty.score_spread(party, issue.name, option) is noise:
                            values.append((f"{party}, {issue.name}={option}",
                                           scores[party][issue.name][k]))
            yield f"uncertainty.{key}.{name}", noise, values


def _inside(spread: Spread, value: float, where: str, what: str,
            problems: list[Problem]) -> None:
    if isinstance(spread, Noise):
        low = -math.inf if spread.low is None else spread.low
        high = math.inf if spread.high is None else spread.high
    else:
        low, high = spread.support
    if not low - 1e-12 * max(1.0, abs(low)) <= value <= high + 1e-12 * max(1.0, abs(high)):
        problems.append(Problem(where, f"the {what} ({value}) lies outside the range of its "
                                f"distribution [{low}, {high}]"))
        return
    if isinstance(spread, Noise) and spread.shape == "normal" and spread.spread(value) > 0:
        try:
            spread.around(value)
        except CaseError as err:
            problems.extend(Problem(where, p.rule, p.got) for p in err.problems)


# ------------------------------------------------------------- the file format


def spread_from_dict(raw: Any, where: str, problems: list[Problem]) -> Spread | None:
    """A spread from its case-file form (see :data:`DISTRIBUTION_KEYS`), recording problems.

    Examples
    --------
    >>> problems = []
    >>> spread_from_dict({"triangular": [0, 2, 10]}, "x", problems)
    Triangular(low=0, mode=2, high=10)
    >>> spread_from_dict({"relative": 0.1, "shape": "uniform"}, "x", problems)
    Noise(size=0.1, relative=True, shape='uniform', low=None, high=None)
    >>> spread_from_dict({"normal": {"mean": 1, "sd": -1}}, "x", problems), problems
    (None, [Problem(where='x.normal.sd', rule='must be positive', got='-1')])
    """
    if not isinstance(raw, Mapping):
        problems.append(Problem(where, "must be a mapping such as {interval: [low, high]}, "
                                "{normal: {mean, sd}} or {relative: share}", show(raw)))
        return None
    kinds = [k for k in raw if k in DISTRIBUTION_KEYS]
    if len(kinds) != 1:
        problems.append(Problem(where, f"must have exactly one of {', '.join(DISTRIBUTION_KEYS)}",
                                ", ".join(map(str, raw)) or "none"))
        return None
    kind = kinds[0]
    allowed = (kind, "shape", "low", "high") if kind in ("relative", "absolute") else (kind,)
    extra = [k for k in raw if k not in allowed]
    for key in extra:
        problems.append(Problem(f"{where}.{key}",
                                f"unknown key with {kind} (known: {', '.join(allowed)})"))
    if extra:
        return None
    value = raw[kind]
    try:
        if kind in ("relative", "absolute"):
            return Noise(value, relative=kind == "relative", shape=raw.get("shape", "normal"),
                         low=raw.get("low"), high=raw.get("high"))
        if kind == "normal":
            if not isinstance(value, Mapping):
                problems.append(Problem(f"{where}.normal", "must be {mean, sd} (low and high "
                                        "optional)", show(value)))
                return None
            unknown = [k for k in value if k not in NORMAL_KEYS]
            for key in unknown:
                problems.append(Problem(f"{where}.normal.{key}",
                                        f"unknown key (known: {', '.join(NORMAL_KEYS)})"))
            missing = [k for k in ("mean", "sd") if k not in value]
            if missing:
                problems.append(Problem(f"{where}.normal", f"needs {' and '.join(missing)}"))
            if unknown or missing:
                return None
            return Normal(value["mean"], value["sd"], value.get("low"), value.get("high"))
        size = 3 if kind == "triangular" else 2
        if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != size:
            shape = "[low, mode, high]" if size == 3 else "[low, high]"
            problems.append(Problem(f"{where}.{kind}", f"must be a list {shape}", show(value)))
            return None
        return {"interval": Interval, "uniform": Uniform, "triangular": Triangular}[kind](*value)
    except CaseError as err:
        for p in err.problems:  # places such as "normal.sd", or a noise's "size", "shape"
            inner = kind if p.where == "size" else p.where
            problems.append(Problem(f"{where}.{inner}", p.rule, p.got))
        return None


def spread_to_dict(spread: Spread) -> dict[str, Any]:
    """The case-file form of a spread; :func:`spread_from_dict` reads it back equal.

    Examples
    --------
    >>> spread_to_dict(Normal(5, 1, low=0)), spread_to_dict(Noise(2, shape="interval"))
    ({'normal': {'mean': 5, 'sd': 1, 'low': 0}}, {'absolute': 2, 'shape': 'interval'})
    """
    if isinstance(spread, Noise):
        out: dict[str, Any] = {"relative" if spread.relative else "absolute": spread.size}
        if spread.shape != "normal":
            out["shape"] = spread.shape
        for key in ("low", "high"):
            if getattr(spread, key) is not None:
                out[key] = getattr(spread, key)
        return out
    if isinstance(spread, Normal):
        inner: dict[str, Any] = {"mean": spread.mean, "sd": spread.sd}
        for key in ("low", "high"):
            if getattr(spread, key) is not None:
                inner[key] = getattr(spread, key)
        return {"normal": inner}
    if isinstance(spread, Triangular):
        return {"triangular": [spread.low, spread.mode, spread.high]}
    return {spread.kind: [spread.low, spread.high]}


def uncertainty_from_dict(raw: Any, problems: list[Problem]) -> Uncertainty | None:
    """An :class:`Uncertainty` from the case-file form, recording problems.

    Examples
    --------
    >>> problems = []
    >>> u = uncertainty_from_dict({"parties": {"A": {"relative": 0.1}},
    ...                            "batnas": {"A": {"interval": [1, 3]}}}, problems)
    >>> u.batnas["A"], problems
    (Interval(low=1, high=3), [])
    """
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        problems.append(Problem("uncertainty", "must be a mapping with "
                                + ", ".join(UNCERTAINTY_KEYS), show(raw)))
        return None
    for key in raw:
        if key not in UNCERTAINTY_KEYS:
            problems.append(Problem(f"uncertainty.{key}",
                                    f"unknown key (known: {', '.join(UNCERTAINTY_KEYS)})"))
    scores: dict[str, dict[str, dict[str, Spread]]] = {}
    for party, row in named_mapping(raw.get("scores"), "uncertainty.scores", problems).items():
        scores[party] = {}
        for issue, cells in named_mapping(row, f"uncertainty.scores.{party}", problems).items():
            here = f"uncertainty.scores.{party}.{issue}"
            scores[party][issue] = {}
            for option, value in named_mapping(cells, here, problems).items():
                spread = spread_from_dict(value, f"{here}.{option}", problems)
                if spread is not None:
                    scores[party][issue][option] = spread
    noises: dict[str, dict[str, Noise]] = {"issues": {}, "parties": {}}
    batnas: dict[str, Spread] = {}
    for key in ("issues", "parties", "batnas"):
        for name, value in named_mapping(raw.get(key), f"uncertainty.{key}", problems).items():
            spread = spread_from_dict(value, f"uncertainty.{key}.{name}", problems)
            if spread is None:
                continue
            if key == "batnas":
                batnas[name] = spread
            elif isinstance(spread, Noise):
                noises[key][name] = spread
            else:
                problems.append(Problem(f"uncertainty.{key}.{name}", "must be a noise "
                                        "({relative: share} or {absolute: points}): it applies "
                                        "to many scores", show(value)))
    try:  # what could be read, so that its names are still checked against the case
        return Uncertainty(scores=scores, issues=noises["issues"], parties=noises["parties"],
                           batnas=batnas)
    except CaseError as err:  # pragma: no cover - every shape was checked above
        problems.extend(err.problems)
        return None


def uncertainty_to_dict(uncertainty: Uncertainty) -> dict[str, Any]:
    """The case-file form of ``uncertainty`` (empty sections left out).

    Examples
    --------
    >>> uncertainty_to_dict(Uncertainty(issues={"loan": Noise(0.2, relative=True)}))
    {'issues': {'loan': {'relative': 0.2}}}
    """
    out: dict[str, Any] = {}
    scores = {party: {issue: {o: spread_to_dict(s) for o, s in cells.items()}
                      for issue, cells in row.items() if cells}
              for party, row in uncertainty.scores.items()}
    scores = {p: row for p, row in scores.items() if row}
    if scores:
        out["scores"] = scores
    for key in ("issues", "parties", "batnas"):
        items = getattr(uncertainty, key)
        if items:
            out[key] = {name: spread_to_dict(s) for name, s in items.items()}
    return out
