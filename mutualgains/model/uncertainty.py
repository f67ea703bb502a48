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

This module holds the values and their exact moments (``expected``,
``variance``, ``support``); :mod:`mutualgains.model.uncertainty_format` reads and
writes them as plain data and checks them against a case;
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

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Union

from mutualgains.errors import CaseError, Problem
from mutualgains.util import number, set_fields, show

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = ["SHAPES", "Distribution", "Interval", "Noise", "Normal", "Spread", "Triangular",
           "Uncertainty", "Uniform", "named_mapping"]

SHAPES: tuple[str, ...] = ("normal", "uniform", "triangular", "interval")
"""The shapes of a :class:`Noise`."""

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
        set_fields(self, low=low, high=high)

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
        if (low is not None and mode is not None and high is not None
                and not low <= mode <= high):
            problems.append(Problem("triangular", "must have low <= mode <= high",
                                    f"[{low}, {mode}, {high}]"))
        elif low is not None and high is not None and low == high:
            problems.append(Problem("triangular", "low must be below high", f"[{low}, {high}]"))
        _fail(problems)
        set_fields(self, low=low, mode=mode, high=high)

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
        set_fields(self, mean=mu, sd=sigma, low=lo, high=hi)

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
        set_fields(self, size=size, low=low, high=high)

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


def named_mapping(raw: Any, where: str, problems: list[Problem]) -> Mapping:
    """``raw`` as a mapping of non-empty names (``None``: empty), recording problems.

    Examples
    --------
    >>> problems = []
    >>> named_mapping({"A": 1, "": 2}, "uncertainty.parties", problems), len(problems)
    ({'A': 1}, 1)
    """
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

    Notes
    -----
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
        scores: dict[str, Mapping[str, Mapping[str, Spread]]] = {}
        for party, row in named_mapping(self.scores, f"{root}.scores", problems).items():
            cells_of: dict[str, Mapping[str, Spread]] = {}
            for issue, cells in named_mapping(row, f"{root}.scores.{party}", problems).items():
                here = f"{root}.scores.{party}.{issue}"
                cells_of[issue] = MappingProxyType({
                    o: v for o, v in named_mapping(cells, here, problems).items()
                    if _spread(v, f"{here}.{o}", problems, noise_only=False)})
            scores[party] = MappingProxyType(cells_of)
        issues = {i: v for i, v in named_mapping(self.issues, f"{root}.issues", problems).items()
                  if _spread(v, f"{root}.issues.{i}", problems, noise_only=True)}
        parties = {p: v for p, v in named_mapping(self.parties, f"{root}.parties", problems).items()
                   if _spread(v, f"{root}.parties.{p}", problems, noise_only=True)}
        batnas = {p: v for p, v in named_mapping(self.batnas, f"{root}.batnas", problems).items()
                  if _spread(v, f"{root}.batnas.{p}", problems, noise_only=False)}
        _fail(problems)
        set_fields(self, scores=MappingProxyType(scores), issues=MappingProxyType(issues),
                   parties=MappingProxyType(parties), batnas=MappingProxyType(batnas))

    def __repr__(self) -> str:
        parts = []
        for key in ("scores", "issues", "parties", "batnas"):
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
