"""How sure the numbers are: intervals and distributions for scores and BATNAs.

Scores come out of workshops and BATNAs are guesses. A case may say how
uncertain each number is, in its ``uncertainty`` key:

.. code-block:: yaml

    uncertainty:
      scores:                     # one score: party -> issue -> option -> spread
        Port: {loan: {3 billion: {interval: [30, 40]}}}
      issues:                     # every party's scores on an issue
        loan: {relative: 0.2}     # normal, sd 20 % of each score
      parties:                    # every score of a party
        City: {absolute: 3, shape: uniform}   # each score +- 3, uniformly
      batnas:
        Port: {normal: {mean: 55, sd: 4}}

A *distribution* states where the true value lies: :class:`Interval` (only the
range: sampled uniformly where a probability is asked for), :class:`Uniform`,
:class:`Triangular` and :class:`Normal` (truncated to ``[low, high]`` when
either is given). A :class:`Noise` is a spread around the case's own value:
``absolute`` points or a ``relative`` share of the value's magnitude, with a
shape (normal: the spread is the standard deviation; uniform, triangular and
interval: the half-width). Where several apply to one score, the most specific
wins: the score's own, then its issue's, then its party's. Every uncertain
number is independent of the others.

This module holds the data and the exact moments (``expected``, ``variance``,
``support``);
sampling and the questions asked of it are in :mod:`mutualgains.analysis`
(``robustness_*`` modules).

Examples
--------
>>> from mutualgains.model.uncertainty import Interval, Noise, Normal, Uncertainty
>>> Noise(0.1, relative=True).around(20)
Normal(mean=20, sd=2.0, low=None, high=None)
>>> Normal(0, 1, low=0).expected
0.797884...
>>> u = Uncertainty(parties={"City": Noise(2, shape="interval")},
...                 batnas={"Port": Interval(50, 60)})
>>> u.score("City", "loan", "none", 5), u.batna("Port", 55)
(Interval(low=3, high=7), Interval(low=50, high=60))
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Union

from mutualgains.errors import CaseError, Problem, UsageError
from mutualgains.params import Choice, Flag, Real, validated
from mutualgains.util import number, show

if TYPE_CHECKING:  # pragma: no cover
    from mutualgains.model.case import Case
    from mutualgains.model.values import Issue

__all__ = ["DISTRIBUTION_KEYS", "NOISE_KEYS", "NORMAL_KEYS", "SHAPES", "UNCERTAINTY_KEYS",
           "Distribution", "Interval", "Noise", "Normal", "Spread", "Triangular",
           "Uncertainty", "Uniform", "spread_from_dict", "spread_to_dict",
           "uncertainty_from_dict", "uncertainty_problems", "uncertainty_to_dict", "with_noise"]

SHAPES: tuple[str, ...] = ("normal", "uniform", "triangular", "interval")
"""The shapes of a :class:`Noise`."""

UNCERTAINTY_KEYS: tuple[str, ...] = ("scores", "issues", "parties", "batnas")
"""Keys of the ``uncertainty`` mapping of a case file."""

DISTRIBUTION_KEYS: tuple[str, ...] = ("interval", "uniform", "triangular", "normal",
                                      "relative", "absolute")
"""The key that says what a spread is (exactly one per spread)."""

NOISE_KEYS: tuple[str, ...] = ("relative", "absolute", "shape", "low", "high")
"""Keys of a noise (``relative`` or ``absolute``, then the optional ones)."""

NORMAL_KEYS: tuple[str, ...] = ("mean", "sd", "low", "high")
"""Keys of a ``normal`` distribution."""

_STANDARD = NormalDist()
_MIN_MASS = 1e-9  # a truncated normal must keep at least this share of its probability


def _fail(problems: list[Problem]) -> None:
    if problems:
        raise CaseError(problems)


# --------------------------------------------------------------- distributions


@dataclass(frozen=True)
class Interval:
    """The value lies in ``[low, high]``; nothing is said about how likely each value is.

    Worst and best cases use the bounds; a question about probabilities draws
    the value uniformly (the assumption is stated in every such result).

    Examples
    --------
    >>> Interval(3, 7).support, Interval(3, 7).expected
    ((3, 7), 5.0)
    """

    low: float
    high: float

    kind = "interval"

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        low = number(self.low, f"{self.kind}.low", problems)
        high = number(self.high, f"{self.kind}.high", problems)
        if low is not None and high is not None and low > high:
            problems.append(Problem(self.kind, "low must be at most high", f"[{low}, {high}]"))
        _fail(problems)
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    @property
    def support(self) -> tuple[float, float]:
        """The smallest and largest possible value."""
        return self.low, self.high

    @property
    def expected(self) -> float:
        """The midpoint (the mean of the uniform draw)."""
        return (self.low + self.high) / 2

    @property
    def variance(self) -> float:
        """The variance of the uniform draw."""
        return (self.high - self.low) ** 2 / 12


@dataclass(frozen=True)
class Uniform(Interval):
    """Every value in ``[low, high]`` equally likely.

    Examples
    --------
    >>> Uniform(0, 6).variance
    3.0
    """

    kind = "uniform"

    def __post_init__(self) -> None:
        super().__post_init__()


@dataclass(frozen=True)
class Triangular:
    """The triangular distribution on ``[low, high]`` with its peak at ``mode``.

    Examples
    --------
    >>> t = Triangular(0, 3, 6)
    >>> t.expected, t.variance
    (3.0, 1.5)
    """

    low: float
    mode: float
    high: float

    kind = "triangular"

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        low = number(self.low, "triangular.low", problems)
        mode = number(self.mode, "triangular.mode", problems)
        high = number(self.high, "triangular.high", problems)
        if None not in (low, mode, high) and not low <= mode <= high:
            problems.append(Problem("triangular", "must have low <= mode <= high",
                                    f"[{low}, {mode}, {high}]"))
        elif None not in (low, high) and low == high:
            problems.append(Problem("triangular", "low must be below high", f"[{low}, {high}]"))
        _fail(problems)
        for name, value in (("low", low), ("mode", mode), ("high", high)):
            object.__setattr__(self, name, value)

    @property
    def support(self) -> tuple[float, float]:
        """The smallest and largest possible value."""
        return self.low, self.high

    @property
    def expected(self) -> float:
        """The mean: ``(low + mode + high) / 3``."""
        return (self.low + self.mode + self.high) / 3

    @property
    def variance(self) -> float:
        """``(a² + b² + c² - ab - ac - bc) / 18``."""
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18


@dataclass(frozen=True)
class Normal:
    """The normal distribution, truncated to ``[low, high]`` when either bound is given.

    Parameters
    ----------
    mean, sd : float
        Of the normal before truncation; ``sd`` is positive.
    low, high : float, optional
        Truncation bounds (``None``: unbounded on that side). The interval must
        hold at least 1e-9 of the normal's probability.

    Examples
    --------
    >>> Normal(10, 2).support, Normal(10, 2).variance
    ((-inf, inf), 4)
    >>> round(Normal(0, 1, low=-1, high=1).variance, 6)
    0.291125
    """

    mean: float
    sd: float
    low: float | None = None
    high: float | None = None

    kind = "normal"

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        mu = number(self.mean, "normal.mean", problems)
        sigma = number(self.sd, "normal.sd", problems, low=0, strict=True)
        lo = None if self.low is None else number(self.low, "normal.low", problems)
        hi = None if self.high is None else number(self.high, "normal.high", problems)
        if lo is not None and hi is not None and lo >= hi:
            problems.append(Problem("normal", "low must be below high", f"[{lo}, {hi}]"))
        elif (mu is not None and sigma is not None and (lo is not None or hi is not None)
              and _mass(mu, sigma, lo, hi) < _MIN_MASS):
            problems.append(Problem("normal", "the truncation interval holds almost none of "
                                    "the normal's probability (below 1e-9)",
                                    f"[{lo}, {hi}] for mean {mu}, sd {sigma}"))
        _fail(problems)
        object.__setattr__(self, "mean", mu)
        object.__setattr__(self, "sd", sigma)
        object.__setattr__(self, "low", lo)
        object.__setattr__(self, "high", hi)

    @property
    def truncated(self) -> bool:
        """Whether a bound is given."""
        return self.low is not None or self.high is not None

    @property
    def support(self) -> tuple[float, float]:
        """The truncation bounds (infinite where none is given)."""
        return (-math.inf if self.low is None else self.low,
                math.inf if self.high is None else self.high)

    def _standard(self) -> tuple[float, float, float]:
        a, b = self.support
        alpha = (a - self.mean) / self.sd
        beta = (b - self.mean) / self.sd
        return alpha, beta, _mass(self.mean, self.sd, self.low, self.high)

    @property
    def expected(self) -> float:
        """The mean after truncation (``mean`` itself without bounds)."""
        if not self.truncated:
            return self.mean
        alpha, beta, z = self._standard()
        return self.mean + self.sd * (_pdf(alpha) - _pdf(beta)) / z

    @property
    def variance(self) -> float:
        """The variance after truncation (``sd ** 2`` without bounds)."""
        if not self.truncated:
            return self.sd ** 2
        alpha, beta, z = self._standard()
        shift = (_pdf(alpha) - _pdf(beta)) / z
        spread = (_xpdf(alpha) - _xpdf(beta)) / z
        return self.sd ** 2 * max(0.0, 1 + spread - shift * shift)


def _pdf(x: float) -> float:
    return 0.0 if math.isinf(x) else _STANDARD.pdf(x)


def _xpdf(x: float) -> float:
    return 0.0 if math.isinf(x) else x * _STANDARD.pdf(x)


def _mass(mu: float, sigma: float, low: float | None, high: float | None) -> float:
    """Probability of ``[low, high]`` under ``N(mu, sigma)``, accurate in both tails."""
    a = -math.inf if low is None else (low - mu) / sigma
    b = math.inf if high is None else (high - mu) / sigma
    if a > 0:  # both in the upper tail: mirror, where the cdf keeps its digits
        a, b = -b, -a
    cdf = _STANDARD.cdf
    return (1.0 if b == math.inf else cdf(b)) - (0.0 if a == -math.inf else cdf(a))


Distribution = Union[Interval, Uniform, Triangular, Normal]  # noqa: UP007 - a runtime alias
"""Where a value lies: an interval or a distribution."""


# ---------------------------------------------------------------------- noise


@dataclass(frozen=True)
class Noise:
    """A spread around a value: ``absolute`` points, or ``relative`` to its magnitude.

    Parameters
    ----------
    size : float
        Non-negative. Normal: the standard deviation; uniform, triangular and
        interval: the half-width. With ``relative=True`` it is a share of
        ``abs(value)`` (0.1: 10 %), so a zero score stays certain.
    relative : bool, default False
    shape : {"normal", "uniform", "triangular", "interval"}, default "normal"
    low, high : float, optional
        Bounds on the value (a normal is truncated to them; normal only).

    Examples
    --------
    >>> Noise(0.1, relative=True, shape="uniform").around(-30)
    Uniform(low=-33.0, high=-27.0)
    >>> Noise(2, low=0).around(1)
    Normal(mean=1, sd=2, low=0, high=None)
    >>> Noise(0.5, relative=True).around(0) is None
    True
    """

    size: float
    relative: bool = False
    shape: str = "normal"
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        size = number(self.size, "size", problems, low=0)
        if not isinstance(self.relative, bool):
            problems.append(Problem("relative", "must be true or false", show(self.relative)))
        if self.shape not in SHAPES:
            problems.append(Problem("shape", f"must be one of {', '.join(SHAPES)}",
                                    show(self.shape)))
        low = None if self.low is None else number(self.low, "low", problems)
        high = None if self.high is None else number(self.high, "high", problems)
        if (low is not None or high is not None) and self.shape != "normal":
            problems.append(Problem("low", "bounds truncate a normal noise only "
                                    f"(shape is {self.shape})"))
        if low is not None and high is not None and low >= high:
            problems.append(Problem("low", "must be below high", f"[{low}, {high}]"))
        _fail(problems)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    def spread(self, value: float) -> float:
        """The standard deviation or half-width around ``value``.

        Examples
        --------
        >>> Noise(0.25, relative=True).spread(-8)
        2.0
        """
        return self.size * abs(value) if self.relative else self.size

    def around(self, value: float) -> Distribution | None:
        """The distribution of a value whose nominal is ``value`` (None: no spread).

        Raises
        ------
        CaseError
            When a truncated normal's bounds hold (almost) none of its probability.
        """
        d = self.spread(value)
        if d == 0:
            return None
        if self.shape == "normal":
            return Normal(value, d, self.low, self.high)
        if self.shape == "triangular":
            return Triangular(value - d, value, value + d)
        kind = Uniform if self.shape == "uniform" else Interval
        return kind(value - d, value + d)


Spread = Union[Interval, Uniform, Triangular, Normal, Noise]  # noqa: UP007 - a runtime alias
"""What may be said of one number: a distribution, or a noise around its nominal value."""

_DISTRIBUTIONS = (Interval, Triangular, Normal)  # Uniform is an Interval


# ----------------------------------------------------------------- uncertainty


def _spread(value: Any, where: str, problems: list[Problem], *, noise_only: bool) -> bool:
    if isinstance(value, Noise) or (not noise_only and isinstance(value, _DISTRIBUTIONS)):
        return True
    wanted = "a Noise" if noise_only else "a Noise or a distribution (Interval, Uniform, " \
        "Triangular, Normal)"
    problems.append(Problem(where, f"must be {wanted}", show(value)))
    return False


def _named(raw: Any, where: str, problems: list[Problem]) -> Mapping:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(Problem(where, "must be a mapping of names", show(raw)))
        return {}
    out = {}
    for name, value in raw.items():
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(where, "names must be non-empty strings", show(name)))
        else:
            out[name] = value
    return out


@dataclass(frozen=True)
class Uncertainty:
    """What is uncertain in a case: per score, per issue, per party, and the BATNAs.

    Parameters
    ----------
    scores : mapping party -> issue -> option -> Spread, optional
        The spread of single scores (a distribution of the score's value, or a
        :class:`Noise` around the case's score).
    issues : mapping issue -> Noise, optional
        A noise on every party's scores on the issue.
    parties : mapping party -> Noise, optional
        A noise on every score of the party.
    batnas : mapping party -> Spread, optional
        The spread of BATNAs.

    The most specific statement wins: a score's own, then its issue's, then its
    party's. Names are checked against the case when the case is built.

    Examples
    --------
    >>> u = Uncertainty(scores={"Port": {"loan": {"none": Interval(-2, 1)}}},
    ...                 issues={"loan": Noise(3)}, parties={"Port": Noise(1)})
    >>> u.score("Port", "loan", "none", 0), u.score("Port", "loan", "1 billion", 12)
    (Interval(low=-2, high=1), Normal(mean=12, sd=3, low=None, high=None))
    >>> u.score("Port", "ecology", "improve", 7)
    Normal(mean=7, sd=1, low=None, high=None)
    """

    scores: Mapping[str, Mapping[str, Mapping[str, Spread]]] = field(default_factory=dict)
    issues: Mapping[str, Noise] = field(default_factory=dict)
    parties: Mapping[str, Noise] = field(default_factory=dict)
    batnas: Mapping[str, Spread] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        root = "uncertainty"
        scores = {}
        for party, row in _named(self.scores, f"{root}.scores", problems).items():
            scores[party] = {}
            for issue, cells in _named(row, f"{root}.scores.{party}", problems).items():
                here = f"{root}.scores.{party}.{issue}"
                scores[party][issue] = MappingProxyType({
                    o: v for o, v in _named(cells, here, problems).items()
                    if _spread(v, f"{here}.{o}", problems, noise_only=False)})
            scores[party] = MappingProxyType(scores[party])
        issues = {i: v for i, v in _named(self.issues, f"{root}.issues", problems).items()
                  if _spread(v, f"{root}.issues.{i}", problems, noise_only=True)}
        parties = {p: v for p, v in _named(self.parties, f"{root}.parties", problems).items()
                   if _spread(v, f"{root}.parties.{p}", problems, noise_only=True)}
        batnas = {p: v for p, v in _named(self.batnas, f"{root}.batnas", problems).items()
                  if _spread(v, f"{root}.batnas.{p}", problems, noise_only=False)}
        _fail(problems)
        object.__setattr__(self, "scores", MappingProxyType(scores))
        object.__setattr__(self, "issues", MappingProxyType(issues))
        object.__setattr__(self, "parties", MappingProxyType(parties))
        object.__setattr__(self, "batnas", MappingProxyType(batnas))

    def __repr__(self) -> str:
        parts = []
        for key in UNCERTAINTY_KEYS:
            items = getattr(self, key)
            if key == "scores":
                items = {p: {i: dict(c) for i, c in row.items()} for p, row in items.items()}
            if items:
                parts.append(f"{key}={dict(items)!r}")
        return f"Uncertainty({', '.join(parts)})"

    @property
    def is_empty(self) -> bool:
        """Whether nothing is said to be uncertain."""
        return not (any(c for row in self.scores.values() for c in row.values())
                    or self.issues or self.parties or self.batnas)

    def score_spread(self, party: str, issue: str, option: str) -> Spread | None:
        """The statement that applies to one score (score, then issue, then party).

        Examples
        --------
        >>> Uncertainty(parties={"A": Noise(1)}).score_spread("A", "i", "x")
        Noise(size=1, relative=False, shape='normal', low=None, high=None)
        """
        own = self.scores.get(party, {}).get(issue, {}).get(option)
        if own is not None:
            return own
        return self.issues.get(issue, self.parties.get(party))

    def score(self, party: str, issue: str, option: str, nominal: float) -> Distribution | None:
        """The distribution of a score whose case value is ``nominal`` (None: certain).

        Examples
        --------
        >>> Uncertainty(issues={"i": Noise(0.5, relative=True)}).score("A", "i", "x", 4)
        Normal(mean=4, sd=2.0, low=None, high=None)
        """
        return _resolve(self.score_spread(party, issue, option), nominal)

    def batna(self, party: str, nominal: float) -> Distribution | None:
        """The distribution of a BATNA whose case value is ``nominal`` (None: certain).

        Examples
        --------
        >>> Uncertainty(batnas={"A": Noise(2, shape="interval")}).batna("A", 10)
        Interval(low=8, high=12)
        """
        return _resolve(self.batnas.get(party), nominal)


def _resolve(spread: Spread | None, nominal: float) -> Distribution | None:
    if spread is None:
        return None
    if isinstance(spread, Noise):
        return spread.around(nominal)
    return spread


@validated(size=Real(low=0), relative=Flag(), shape=Choice(SHAPES), batnas=Flag())
def with_noise(case: Case, size: float, *, relative: bool = True, shape: str = "normal",
               batnas: bool = False) -> Case:
    """``case`` with every score (and, with ``batnas``, every BATNA) uncertain by ``size``.

    Any uncertainty the case states already is replaced.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = with_noise(load_example("harbour"), 0.1)
    >>> case.uncertainty.score("Port", "loan", "none", 0) is None  # 10 % of 0
    True
    >>> case.uncertainty.parties["City"]
    Noise(size=0.1, relative=True, shape='normal', low=None, high=None)
    """
    if not hasattr(case, "party_names") or not dataclasses.is_dataclass(case):
        raise UsageError(f"with_noise: case must be a Case, got {type(case).__name__}")
    noise = Noise(size, relative=relative, shape=shape)
    spread = Uncertainty(parties=dict.fromkeys(case.party_names, noise),
                         batnas=dict.fromkeys(case.party_names, noise) if batnas else {})
    return dataclasses.replace(case, uncertainty=spread)


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
                    scores: Mapping[str, Mapping[str, Sequence[float]]]):
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
    for party, row in _named(raw.get("scores"), "uncertainty.scores", problems).items():
        scores[party] = {}
        for issue, cells in _named(row, f"uncertainty.scores.{party}", problems).items():
            here = f"uncertainty.scores.{party}.{issue}"
            scores[party][issue] = {}
            for option, value in _named(cells, here, problems).items():
                spread = spread_from_dict(value, f"{here}.{option}", problems)
                if spread is not None:
                    scores[party][issue][option] = spread
    sections: dict[str, dict[str, Spread]] = {}
    for key in ("issues", "parties", "batnas"):
        sections[key] = {}
        for name, value in _named(raw.get(key), f"uncertainty.{key}", problems).items():
            spread = spread_from_dict(value, f"uncertainty.{key}.{name}", problems)
            if spread is None:
                continue
            if key != "batnas" and not isinstance(spread, Noise):
                problems.append(Problem(f"uncertainty.{key}.{name}", "must be a noise "
                                        "({relative: share} or {absolute: points}): it applies "
                                        "to many scores", show(value)))
                continue
            sections[key][name] = spread
    try:  # what could be read, so that its names are still checked against the case
        return Uncertainty(scores=scores, **sections)
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
