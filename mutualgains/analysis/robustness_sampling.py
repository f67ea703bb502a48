"""A case's uncertainty as arrays, and seeded draws of scores and BATNAs.

:func:`uncertain_case` resolves the case's :class:`~mutualgains.model.uncertainty.Uncertainty`
(score, then issue, then party) into one distribution per party and option and
per BATNA, with the exact support, mean and variance of each as arrays in the
case's order (``parties x options``, options flattened as in
:attr:`~mutualgains.model.case.Case.score_matrix`).

:meth:`UncertainCase.draw` samples with a :class:`numpy.random.Generator`. Each
kind is drawn in one block, in a fixed order (intervals and uniforms, then
triangular, normal, truncated normal; within a block, parties then options,
then the BATNAs), so the same seed and the same question give the same draws.
A truncated normal is drawn by the inverse of its distribution function
(``statistics.NormalDist.inv_cdf``, exact to double precision), from the tail
that keeps the digits. An :class:`~mutualgains.model.uncertainty.Interval`
is drawn uniformly: every probability that depends on it says so.

Examples
--------
>>> import numpy as np
>>> from mutualgains.io.examples import load_example
>>> from mutualgains.model.noise import with_noise
>>> uc = uncertain_case(with_noise(load_example("harbour"), 0.1))
>>> uc.n_uncertain, uc.sd[0, :3].round(6).tolist()  # the nonzero scores: 10 % of each
(45, [2.0, 1.2, 0.0])
>>> scores, batnas = uc.draw(np.random.default_rng(0), 1000)
>>> scores.shape, batnas.shape
((1000, 5, 17), (1000, 5))
>>> round(float(scores[:, 0, 0].std()), 1)  # Port's "water": 20 +- 10 %
2.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, TypeVar

import numpy as np

from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.uncertainty import Distribution, Interval, Normal, Triangular

__all__ = ["UncertainCase", "package_choice", "synergy_bonus", "uncertain_case"]

_ORDER = ("uniform", "triangular", "normal", "truncated")
_inv_cdf = np.frompyfunc(NormalDist().inv_cdf, 1, 1)
_D = TypeVar("_D", bound="Distribution")


def _kind(dist: Distribution) -> str:
    if isinstance(dist, Interval):  # Uniform too
        return "uniform"
    if isinstance(dist, Triangular):
        return "triangular"
    return "truncated" if dist.truncated else "normal"


@dataclass(frozen=True, eq=False)
class UncertainCase:
    """A case with one distribution (or none: certain) per score and per BATNA.

    Attributes
    ----------
    case : Case
    scores : tuple of tuple
        ``scores[p][j]``: the distribution of party ``p``'s score for flat option
        ``j``, or ``None`` when it is certain.
    batnas : tuple
        The distribution of each party's BATNA, or ``None``.
    low, high, mean, variance : ndarray, shape (parties, options)
        Exact support and moments of each score (the case's score where certain).
    batna_low, batna_high, batna_mean, batna_variance : ndarray, shape (parties,)

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> uc = uncertain_case(with_noise(load_example("harbour"), 0.1, shape="interval"))
    >>> float(uc.low[0, 0]), float(uc.high[0, 0]), uc.assumes_uniform
    (18.0, 22.0, True)
    """

    case: Case
    scores: tuple[tuple[Distribution | None, ...], ...]
    batnas: tuple[Distribution | None, ...]
    low: np.ndarray
    high: np.ndarray
    mean: np.ndarray
    variance: np.ndarray
    batna_low: np.ndarray
    batna_high: np.ndarray
    batna_mean: np.ndarray
    batna_variance: np.ndarray

    @property
    def sd(self) -> np.ndarray:
        """Standard deviations of the scores."""
        return np.sqrt(self.variance)

    @property
    def n_uncertain(self) -> int:
        """How many scores and BATNAs are uncertain."""
        return sum(d is not None for row in self.scores for d in row) + sum(
            d is not None for d in self.batnas)

    @property
    def assumes_uniform(self) -> bool:
        """Whether some number is only an interval (drawn uniformly for probabilities)."""
        return any(type(d) is Interval for row in self.scores for d in row) or any(
            type(d) is Interval for d in self.batnas)

    def draw(self, rng: np.random.Generator, n: int, options: Sequence[int] | None = None,
             ) -> tuple[np.ndarray, np.ndarray]:
        """``n`` joint draws of the scores and BATNAs.

        Parameters
        ----------
        rng : numpy.random.Generator
        n : int
        options : sequence of int, optional
            Flat option indices to draw (default: all); the scores come out in
            this order.

        Returns
        -------
        scores : ndarray, shape (n, parties, len(options))
        batnas : ndarray, shape (n, parties)

        Examples
        --------
        >>> import numpy as np
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> uc = uncertain_case(with_noise(load_example("harbour"), 0.1, batnas=True))
        >>> s, b = uc.draw(np.random.default_rng(1), 3, options=[0, 5])
        >>> s.shape, bool((b != uc.case.batnas).all())
        ((3, 5, 2), True)
        """
        cols = np.arange(self.low.shape[1]) if options is None else np.asarray(options, int)
        n_parties = len(self.scores)
        scores = np.broadcast_to(self.case.score_matrix[:, cols], (n, n_parties, len(cols))
                                 ).copy()
        batnas = np.broadcast_to(self.case.batnas, (n, n_parties)).copy()
        entries: dict[str, list[tuple[Distribution, int, int]]] = {k: [] for k in _ORDER}
        for p in range(n_parties):
            for k, j in enumerate(cols):
                dist = self.scores[p][j]
                if dist is not None:
                    entries[_kind(dist)].append((dist, p, k))
        for p, dist in enumerate(self.batnas):
            if dist is not None:
                entries[_kind(dist)].append((dist, p, -1))
        for kind in _ORDER:
            items = entries[kind]
            if not items:
                continue
            values = _sample(kind, [d for d, _, _ in items], rng, n)
            for column, (_, p, k) in enumerate(items):
                if k < 0:
                    batnas[:, p] = values[:, column]
                else:
                    scores[:, p, k] = values[:, column]
        return scores, batnas


def _sample(kind: str, dists: list[Distribution], rng: np.random.Generator,
            n: int) -> np.ndarray:
    """An ``(n, len(dists))`` block of draws of distributions of one kind."""
    m = len(dists)
    if kind == "uniform":
        low = np.array([d.low for d in dists], dtype=float)
        high = np.array([d.high for d in dists], dtype=float)
        return low + (high - low) * rng.random((n, m))
    if kind == "triangular":
        triangles = _all_of(Triangular, dists)
        return rng.triangular(np.array([d.low for d in triangles], dtype=float),
                              np.array([d.mode for d in triangles], dtype=float),
                              np.array([d.high for d in triangles], dtype=float), size=(n, m))
    normals = _all_of(Normal, dists)
    mean = np.array([d.mean for d in normals], dtype=float)
    sd = np.array([d.sd for d in normals], dtype=float)
    if kind == "normal":
        return mean + sd * rng.standard_normal((n, m))
    return _truncated(normals, rng.random((n, m)))


def _all_of(cls: type[_D], dists: list[Distribution]) -> list[_D]:
    """``dists``, grouped by :func:`_kind`, as the distribution class of their kind."""
    out: list[_D] = [d for d in dists if isinstance(d, cls)]
    assert len(out) == len(dists)  # one kind, one class
    return out


def _truncated(dists: list[Normal], uniform: np.ndarray) -> np.ndarray:
    """Truncated normals by the inverse cdf of ``uniform`` draws (one column per dist)."""
    cdf = NormalDist().cdf
    out = np.empty_like(uniform)
    tiny = np.nextafter(0.0, 1.0)
    for c, d in enumerate(dists):
        a, b = d.support
        alpha, beta = (a - d.mean) / d.sd, (b - d.mean) / d.sd
        flip = alpha > 0  # the upper tail: draw its mirror image from the lower tail
        if flip:
            alpha, beta = -beta, -alpha
        fa = 0.0 if alpha == -math.inf else cdf(alpha)
        fb = 1.0 if beta == math.inf else cdf(beta)
        u = np.clip(fa + (fb - fa) * uniform[:, c], tiny, 1.0 - 2.0 ** -53)
        z = np.asarray(_inv_cdf(u), dtype=float)
        out[:, c] = np.clip(d.mean + d.sd * (-z if flip else z), a, b)
    return out


def _moments(dist: Distribution | None, nominal: float) -> tuple[float, float, float, float]:
    if dist is None:
        return nominal, nominal, nominal, 0.0
    low, high = dist.support
    return low, high, dist.expected, dist.variance


def uncertain_case(case: Case) -> UncertainCase:
    """Resolve the case's uncertainty into one distribution per score and BATNA.

    A case without uncertainty gives an :class:`UncertainCase` in which everything
    is certain.

    Raises
    ------
    UsageError
        When ``case`` is not a Case.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> uncertain_case(load_example("harbour")).n_uncertain
    0
    """
    if not isinstance(case, Case):
        raise UsageError(f"case: must be a Case, got {type(case).__name__}")
    spread = case.uncertainty
    n_parties, n_options = case.score_matrix.shape
    arrays = {k: np.zeros((n_parties, n_options)) for k in ("low", "high", "mean", "variance")}
    rows = []
    for p, party in enumerate(case.party_names):
        row = []
        j = 0
        for issue in case.issues:
            for option, value in zip(issue.options, case.scores[party][issue.name],
                                     strict=True):
                dist = None if spread is None else spread.score(party, issue.name, option,
                                                                value)
                row.append(dist)
                for key, v in zip(arrays, _moments(dist, float(value)), strict=True):
                    arrays[key][p, j] = v
                j += 1
        rows.append(tuple(row))
    batnas = tuple(None if spread is None else spread.batna(p.name, p.batna)
                   for p in case.parties)
    b = np.array([_moments(d, float(p.batna)) for d, p in zip(batnas, case.parties,
                                                                strict=True)]).reshape(-1, 4)
    for array in (*arrays.values(), b):
        array.flags.writeable = False
    return UncertainCase(case, tuple(rows), batnas, **arrays,
                         batna_low=b[:, 0], batna_high=b[:, 1], batna_mean=b[:, 2],
                         batna_variance=b[:, 3])


# ---------------------------------------------------------------- packages


def package_choice(case: Case, package: Any) -> tuple[int, ...]:
    """Option positions of ``package``: a mapping, option names in issue order, or a
    result with a ``package``.

    Raises
    ------
    UsageError
        For a result without a package (no agreement).
    CaseError
        For a package that does not fit the case.

    Examples
    --------
    >>> from mutualgains import solve
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> package_choice(case, solve(case))
    (1, 2, 2, 0, 1)
    """
    if hasattr(package, "package") and not isinstance(package, Mapping | str):
        if package.package is None:
            raise UsageError("package: the result holds no package (status "
                             f"{getattr(package, 'status', '?')})")
        package = package.package
    return case.package_indices(package)


def synergy_bonus(case: Case, choice: Sequence[int]) -> np.ndarray:
    """Each party's synergy bonus in the package ``choice`` (option positions).

    Examples
    --------
    >>> from mutualgains import Case, Issue, Party, Synergy
    >>> case = Case([Party("A"), Party("B")], [Issue("i", ["x", "y"])], {},
    ...             synergy=[Synergy({"i": "y"}, {"B": 2})])
    >>> synergy_bonus(case, [1]).tolist(), synergy_bonus(case, [0]).tolist()
    ([0.0, 2.0], [0.0, 0.0])
    """
    out = np.zeros(len(case.parties))
    position = {i.name: k for k, i in enumerate(case.issues)}
    for s in case.synergy:
        if all(case.issues[position[i]].options[choice[position[i]]] in options
               for i, options in s.when.items()):
            for party, bonus in s.bonus.items():
                out[case.party_names.index(party)] += float(bonus)
    return out
