"""How likely each party is to accept a package, and the package to pass, when the
scores and BATNAs are uncertain (the case's ``uncertainty``).

A party accepts when ``min(cap, sum of its scores in the package + bonuses) >=
BATNA + margin`` (less :data:`~mutualgains.tolerance.TOLERANCE`). Every uncertain
number is independent, and each belongs to one party, so parties accept
independently of each other. Per party, the probability is

``certain``
    exactly 0 or 1: nothing the party's acceptance depends on is uncertain;
``bounds``
    exactly 1 when the worst case (every score at the bottom of its range, the
    BATNA at the top) accepts, exactly 0 when the best case rejects;
``normal``
    exact: when every uncertain number it depends on is an (untruncated) normal,
    the gain is normal with the summed means and variances, and the probability
    is ``Phi(mean / sd)`` (no cap below the threshold, or a certain BATNA);
``monte carlo``
    otherwise estimated from ``samples`` seeded draws, with a Wilson score
    interval (Wilson 1927) at the given ``confidence``.

The decision rule's probability is exact (the veto parties all accept, and
enough of the others: a Poisson-binomial sum) when every party's is;
otherwise it is estimated from the same draws, with its Wilson interval. A
result is ``optimal`` when every number in it is exact and ``feasible`` when
one is an estimate (its interval says how far it may be). Intervals are
drawn uniformly where a probability is estimated (``assumes_uniform`` says so).

Examples
--------
>>> from mutualgains import solve
>>> from mutualgains.io.examples import load_example
>>> from mutualgains.model.noise import with_noise
>>> case = with_noise(load_example("harbour"), 0.1)    # every score normal, sd 10 %
>>> acc = acceptance(case, solve(case))
>>> acc.status.value, acc.party("City").method, round(acc.party("City").probability, 4)
('optimal', 'normal', 1.0)
>>> round(acc.party("Neighbour Towns").probability, 4)  # exactly at its BATNA
0.5
>>> round(acc.party("Port").probability, 4)  # gain 4, sd 3.89
0.8481
>>> round(acc.rule_probability, 4)  # 4 of 5 with Port's veto: Neighbour Towns not needed
0.8481
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.analysis.robustness_sampling import (
    UncertainCase,
    package_choice,
    synergy_bonus,
    uncertain_case,
)
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.model.uncertainty import Normal
from mutualgains.params import (
    Choice,
    Integer,
    Real,
    validated,
)
from mutualgains.results import PACKAGE_OR_RESULT
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import readonly

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["METHODS", "Acceptance", "Importance", "PartyAcceptance", "acceptance",
           "importance", "rule_probability", "wilson_interval"]

METHODS = ("auto", "monte_carlo")
"""``method=`` of :func:`acceptance`: exact where possible, or sampling throughout."""


def wilson_interval(successes: int, n: int, confidence: float) -> tuple[float, float]:
    """The Wilson score interval of a proportion (Wilson, 1927).

    Unlike the normal approximation it stays within [0, 1] and is not empty when
    every draw succeeds or fails.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(0, 100, 0.95)]
    [0.0, 0.037]
    >>> [round(x, 4) for x in wilson_interval(50, 100, 0.95)]
    [0.4038, 0.5962]
    """
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def rule_probability(probabilities: np.ndarray, veto: np.ndarray, k: int) -> float:
    """Probability that every veto party and at least ``k`` parties in all accept, for
    independent parties accepting with ``probabilities``.

    Examples
    --------
    >>> rule_probability(np.array([0.5, 0.5, 0.5]), np.array([True, False, False]), 2)
    0.375
    """
    probabilities = np.asarray(probabilities, dtype=float)
    veto = np.asarray(veto, dtype=bool)
    base = float(np.prod(probabilities[veto]))
    need = k - int(veto.sum())
    # the number of other parties that accept: a Poisson-binomial distribution
    counts = np.zeros(1)
    counts[0] = 1.0
    for p in probabilities[~veto]:
        counts = np.append(counts * (1 - p), 0.0) + np.append(0.0, counts * p)
    return base * float(counts[max(need, 0):].sum())


@dataclass(frozen=True)
class PartyAcceptance:
    """One party's acceptance of the package.

    Attributes
    ----------
    party : str
    probability : float
    low, high : float
        The confidence interval of an estimate; both equal ``probability`` when
        it is exact.
    method : str
        ``certain``, ``bounds``, ``normal`` or ``monte carlo`` (see the module notes).
    nominal, worst, best : float
        The party's utility at the case's scores, at the bottom and at the top of
        every range (``-inf``/``inf`` when a range is unbounded).
    threshold : float
        BATNA plus margin at the case's values.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> case = with_noise(load_example("harbour"), 0.1, shape="interval")
    >>> acc = acceptance(case, [
    ...     "water and land", "improve", "union only", "3 billion", "150 million"])
    >>> row = acc.party("Union")
    >>> row.probability, row.method, (row.worst, row.nominal, row.best), row.threshold
    (1.0, 'bounds', (76.5, 85.0, 93.5), 40.0)
    """

    party: str
    probability: float
    low: float
    high: float
    method: str
    nominal: float
    worst: float
    best: float
    threshold: float


def _rounded(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else value


@dataclass(frozen=True)
class Acceptance:
    """The result of :func:`acceptance`: every party's probability of accepting a
    package, and the decision rule's probability of passing.

    Attributes
    ----------
    status : Status
        ``optimal`` when every probability is exact, ``feasible`` when one is
        estimated by sampling (its interval says how far it may be).
    package : mapping
    parties : tuple of PartyAcceptance
    rule_probability, rule_low, rule_high : float
        The probability that the package passes, and its confidence interval.
    rule_method : str
        ``certain``, ``exact`` (from the parties' exact probabilities) or
        ``monte carlo``.
    samples, seed : int
        The draws used (0 samples when nothing was sampled).
    confidence : float
    assumes_uniform : bool
        Whether an interval was drawn uniformly for an estimate.

    Examples
    --------
    >>> from mutualgains import solve
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> case = with_noise(load_example("harbour"), 0.2, shape="triangular")
    >>> acc = acceptance(case, solve(case), samples=2000, seed=1)
    >>> acc
    <Acceptance feasible: passes with probability 0.889 [0.8745, 0.902], 2000 samples>
    >>> acc.to_frame().columns.tolist()[:5]
    ['party', 'probability', 'low', 'high', 'method']
    """

    status: Status
    package: Mapping[str, str]
    parties: tuple[PartyAcceptance, ...]
    rule_probability: float
    rule_low: float
    rule_high: float
    rule_method: str
    samples: int
    seed: int
    confidence: float
    assumes_uniform: bool = False
    message: str = ""
    seconds: float = 0.0
    case_name: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "package", readonly(self.package))

    def party(self, name: str) -> PartyAcceptance:
        """The row of party ``name``."""
        for row in self.parties:
            if row.party == name:
                return row
        raise UsageError(f"party: unknown party {name!r}")

    @property
    def probabilities(self) -> dict[str, float]:
        """Party -> probability of accepting.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> case = with_noise(load_example("harbour"), 0.1)
        >>> list(acceptance(case, {i.name: i.options[0] for i in case.issues}).probabilities)
        ['Port', 'City', 'Environmental League', 'Union', 'Neighbour Towns']
        """
        return {row.party: row.probability for row in self.parties}

    def to_frame(self) -> pd.DataFrame:
        """One row per party: probability, low, high, method, nominal, worst, best, threshold.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> case = with_noise(load_example("harbour"), 0.1)
        >>> acceptance(case, {i.name: i.options[0] for i in case.issues}).to_frame().shape
        (5, 9)
        """
        import pandas as pd

        columns = ["party", "probability", "low", "high", "method", "nominal", "worst", "best",
                   "threshold"]
        return pd.DataFrame([[getattr(r, c) for c in columns] for r in self.parties],
                            columns=columns)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (non-finite numbers become ``None``).

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> case = with_noise(load_example("harbour"), 0.1)
        >>> sorted(acceptance(case, {i.name: i.options[0] for i in case.issues}).to_dict())[:3]
        ['assumes_uniform', 'confidence', 'message']
        """
        return {
            "status": self.status.value,
            "package": dict(self.package),
            "parties": [{k: (_rounded(v) if isinstance(v, float) else v)
                         for k, v in vars(r).items()} for r in self.parties],
            "rule": {"probability": self.rule_probability, "low": self.rule_low,
                     "high": self.rule_high, "method": self.rule_method},
            "samples": self.samples, "seed": self.seed, "confidence": self.confidence,
            "assumes_uniform": self.assumes_uniform, "message": self.message,
            "seconds": self.seconds,
        }

    def __repr__(self) -> str:
        interval = "" if self.rule_method != "monte carlo" else \
            f" [{self.rule_low:.4g}, {self.rule_high:.4g}]"
        return (f"<Acceptance {self.status.value}: passes with probability "
                f"{self.rule_probability:.4g}{interval}, {self.samples} samples>")

    def _repr_html_(self) -> str:
        import html

        from mutualgains.display import html_table

        rows = [[r.party, r.probability, r.low, r.high, r.method] for r in self.parties]
        rows.append(["(decision rule)", self.rule_probability, self.rule_low, self.rule_high,
                     self.rule_method])
        return (f"<div><p><b>{html.escape(repr(self)[1:-1])}</b></p>"
                + html_table(["party", "probability", "low", "high", "method"], rows)
                + "</div>")


# -------------------------------------------------------------- computation


class PackageDraws:
    """The acceptance questions about one package of an uncertain case.

    Holds the per-party exact answers where they exist and, when sampling is
    needed, the acceptance matrix of the draws (``samples x parties``).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> uc = uncertain_case(with_noise(load_example("harbour"), 0.1, shape="uniform"))
    >>> ev = PackageDraws(uc, (1, 2, 2, 0, 1), samples=500, seed=0, monte_carlo=False)
    >>> ev.accepts.shape, ev.methods[0]
    ((500, 5), 'monte carlo')
    """

    def __init__(self, uc: UncertainCase, choice: tuple[int, ...], *, samples: int, seed: int,
                 monte_carlo: bool):
        case = uc.case
        self.uc, self.choice = uc, choice
        offs = case.option_offsets
        self.columns = [offs[k] + c for k, c in enumerate(choice)]
        cols = self.columns
        bonus = synergy_bonus(case, choice)
        caps = case.caps
        margin = float(case.margin)
        self.nominal = np.minimum(caps, case.score_matrix[:, cols].sum(axis=1) + bonus)
        self.worst = np.minimum(caps, uc.low[:, cols].sum(axis=1) + bonus)
        self.best = np.minimum(caps, uc.high[:, cols].sum(axis=1) + bonus)
        self.threshold = case.batnas + margin
        n = len(case.parties)
        self.exact = np.full(n, np.nan)
        self.methods = ["monte carlo"] * n
        for p in range(n):
            if monte_carlo:
                continue
            dists = [uc.scores[p][j] for j in cols] + [uc.batnas[p]]
            uncertain = [d for d in dists if d is not None]
            if not uncertain:
                self.exact[p] = float(self.nominal[p] >= self.threshold[p] - TOLERANCE)
                self.methods[p] = "certain"
            elif self.worst[p] >= uc.batna_high[p] + margin - TOLERANCE:
                self.exact[p], self.methods[p] = 1.0, "bounds"
            elif self.best[p] < uc.batna_low[p] + margin - TOLERANCE:
                self.exact[p], self.methods[p] = 0.0, "bounds"
            elif all(type(d) is Normal and not d.truncated for d in uncertain) and (
                    not np.isfinite(caps[p]) or uc.batnas[p] is None):
                if caps[p] < self.threshold[p] - TOLERANCE:
                    self.exact[p] = 0.0
                else:
                    mean = float(uc.mean[p, cols].sum() + bonus[p] - uc.batna_mean[p] - margin)
                    sd = math.sqrt(float(uc.variance[p, cols].sum() + uc.batna_variance[p]))
                    self.exact[p] = NormalDist().cdf((mean + TOLERANCE) / sd)
                self.methods[p] = "normal"
        self.samples = 0
        self.accepts: np.ndarray | None = None
        if monte_carlo or np.isnan(self.exact).any():
            self.samples = samples
            scores, batnas = uc.draw(np.random.default_rng(seed), samples, options=cols)
            utility = np.minimum(caps, scores.sum(axis=2) + bonus)
            self.accepts = utility >= batnas + margin - TOLERANCE
        self.feasible = not case.violations(case.package_from_indices(choice))

    def probabilities(self) -> np.ndarray:
        """Per party: the exact probability, or the share of draws that accept."""
        out = self.exact.copy()
        todo = np.isnan(out)
        if todo.any():
            assert self.accepts is not None  # drawn whenever an exact value is missing
            out[todo] = self.accepts[:, todo].mean(axis=0)
        return out

    def rule(self, nominal_for: int | None = None) -> tuple[float, str]:
        """The rule's probability and how it was found; with ``nominal_for=p``, as if party
        ``p``'s uncertainty were removed (its acceptance at the case's values)."""
        case = self.uc.case
        veto = np.array([p in case.veto_parties for p in case.party_names])
        if not self.feasible:
            return 0.0, "certain"
        nominal = None if nominal_for is None else float(
            self.nominal[nominal_for] >= self.threshold[nominal_for] - TOLERANCE)
        if self.accepts is None:
            probs = self.exact.copy()
            if nominal_for is not None:
                probs[nominal_for] = nominal
            exact = all(m == "certain" for m in self.methods)
            return rule_probability(probs, veto, case.min_parties), \
                "certain" if exact else "exact"
        accepts = self.accepts
        if nominal_for is not None:
            accepts = accepts.copy()
            accepts[:, nominal_for] = bool(nominal)
        return float(case.rule_holds(accepts).mean()), "monte carlo"


def _checked_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise UsageError(f"acceptance: confidence must be between 0 and 1, got {confidence!r}")


@validated(case=CASE, package=PACKAGE_OR_RESULT, samples=Integer(low=1), seed=Integer(low=0),
           confidence=Real(low=0, high=1, strict=True), method=Choice(METHODS))
def acceptance(case: Case, package: Any, *, samples: int = 10_000, seed: int = 0,
               confidence: float = 0.95, method: str = "auto") -> Acceptance:
    """Each party's probability of accepting ``package``, and the decision rule's of passing.

    Parameters
    ----------
    case : Case
        Its ``uncertainty`` says what is uncertain (nothing: every probability is
        0 or 1); see :func:`mutualgains.model.noise.with_noise`.
    package : mapping, sequence or SolveResult
        ``issue -> option``, option names in issue order, or a result with a package.
    samples : int, default 10_000
        Draws for the probabilities that have no exact form.
    seed : int, default 0
        Seed of the draws (``numpy.random.default_rng(seed)``).
    confidence : float, default 0.95
        Of the Wilson intervals of estimates.
    method : {"auto", "monte_carlo"}
        ``auto``: exact where the module notes say so; ``monte_carlo``: sample
        every probability (to check the exact forms, say).

    Returns
    -------
    Acceptance

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.uncertainty import Interval, Uncertainty
    >>> import dataclasses
    >>> case = load_example("harbour")
    >>> unsure = dataclasses.replace(case, uncertainty=Uncertainty(
    ...     batnas={"Neighbour Towns": Interval(20, 30)}))
    >>> acc = acceptance(unsure, ["water and land", "improve", "union only",
    ...                           "3 billion", "150 million"], seed=3)
    >>> row = acc.party("Neighbour Towns")   # utility 25: half the interval accepts
    >>> row.method, round(row.probability, 2), acc.assumes_uniform
    ('monte carlo', 0.5, True)
    """
    _checked_confidence(confidence)
    started = time.perf_counter()
    case.require_no_contributions("acceptance")
    choice = package_choice(case, package)
    uc = uncertain_case(case)
    ev = PackageDraws(uc, choice, samples=samples, seed=seed, monte_carlo=method != "auto")
    probs = ev.probabilities()
    rows = []
    for p, name in enumerate(case.party_names):
        if ev.methods[p] == "monte carlo":
            assert ev.accepts is not None  # drawn for every party without an exact value
            low, high = wilson_interval(int(ev.accepts[:, p].sum()), ev.samples, confidence)
        else:
            low = high = float(probs[p])
        rows.append(PartyAcceptance(name, float(probs[p]), low, high, ev.methods[p],
                                    float(ev.nominal[p]), float(ev.worst[p]),
                                    float(ev.best[p]), float(ev.threshold[p])))
    rule, rule_method = ev.rule()
    if rule_method == "monte carlo":
        rule_low, rule_high = wilson_interval(round(rule * ev.samples), ev.samples, confidence)
    else:
        rule_low = rule_high = rule
    estimated = rule_method == "monte carlo" or any(r.method == "monte carlo" for r in rows)
    uniform = estimated and uc.assumes_uniform
    notes = []
    if not ev.feasible:
        notes.append("the package breaks a requires or excludes relation: it never passes")
    if uniform:
        notes.append("intervals were drawn uniformly for the estimates")
    return Acceptance(status=Status.FEASIBLE if estimated else Status.OPTIMAL,
                      package=case.package_from_indices(choice), parties=tuple(rows),
                      rule_probability=rule, rule_low=rule_low, rule_high=rule_high,
                      rule_method=rule_method, samples=ev.samples, seed=seed,
                      confidence=confidence, assumes_uniform=uniform, message="; ".join(notes),
                      seconds=time.perf_counter() - started, case_name=case.name)


# --------------------------------------------------------------- importance


@dataclass(frozen=True)
class Importance:
    """The result of :func:`importance`: which party's uncertainty matters most.

    Attributes
    ----------
    frame_rows : tuple of dict
        Per party: ``variance`` of its gain in the package (exact: the sum of the
        variances of its uncertain scores there and of its BATNA), ``share`` of
        the summed variances, ``pass_probability`` and ``without`` (the rule's
        probability with and without this party's uncertainty, its numbers at
        the case's values) and ``change = without - pass_probability``, sorted by
        ``abs(change)`` then ``variance``, largest first.
    method : str
        ``exact`` or ``monte carlo`` (common draws for every "without").

    Examples
    --------
    >>> from mutualgains import solve
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> case = with_noise(load_example("harbour"), 0.1)
    >>> imp = importance(case, solve(case))
    >>> imp.most   # its veto and a gain of 4 of 59 points
    'Port'
    >>> imp.to_frame().columns.tolist()
    ['party', 'variance', 'share', 'pass_probability', 'without', 'change']
    """

    rows: tuple[Mapping[str, Any], ...]
    method: str
    samples: int
    seed: int
    package: Mapping[str, str]

    @property
    def most(self) -> str | None:
        """The party whose uncertainty matters most (first row), if any party's does."""
        return self.rows[0]["party"] if self.rows else None

    def to_frame(self) -> pd.DataFrame:
        """One row per party, most important first.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> case = with_noise(load_example("harbour"), 0.1)
        >>> len(importance(case, {i.name: i.options[1] for i in case.issues}).to_frame())
        5
        """
        import pandas as pd

        columns = ["party", "variance", "share", "pass_probability", "without", "change"]
        return pd.DataFrame([dict(r) for r in self.rows], columns=columns)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> case = with_noise(load_example("harbour"), 0.1)
        >>> importance(case, {i.name: i.options[1] for i in case.issues}).to_dict()["method"]
        'exact'
        """
        return {"method": self.method, "samples": self.samples, "seed": self.seed,
                "parties": [dict(r) for r in self.rows]}

    def __repr__(self) -> str:
        return f"<Importance {self.method}: most {self.most!r}>"

    def _repr_html_(self) -> str:
        import html

        from mutualgains.display import html_table

        columns = ["party", "variance", "share", "pass_probability", "without", "change"]
        return (f"<div><p><b>{html.escape(repr(self)[1:-1])}</b></p>"
                + html_table(columns, [[r[c] for c in columns] for r in self.rows]) + "</div>")


@validated(case=CASE, package=PACKAGE_OR_RESULT, samples=Integer(low=1), seed=Integer(low=0),
           method=Choice(METHODS))
def importance(case: Case, package: Any, *, samples: int = 10_000, seed: int = 0,
               method: str = "auto") -> Importance:
    """Which party's uncertainty matters most for whether ``package`` passes.

    Two measures per party (see :class:`Importance`): its share of the variance
    of the gains, and how much the rule's probability of passing would change if
    its uncertainty were removed (its scores and BATNA known, at the case's
    values). Exact when every party's probability is (see :func:`acceptance`),
    else from common draws.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> case = with_noise(load_example("harbour"), 0.1)
    >>> imp = importance(case, ["water and land", "improve", "union only", "3 billion",
    ...                         "150 million"])
    >>> [(r["party"], round(r["change"], 4)) for r in imp.rows[:2]]
    [('Port', 0.1519), ('Environmental League', 0.0)]
    """
    case.require_no_contributions("importance")
    choice = package_choice(case, package)
    uc = uncertain_case(case)
    ev = PackageDraws(uc, choice, samples=samples, seed=seed, monte_carlo=method != "auto")
    cols = ev.columns
    variance = uc.variance[:, cols].sum(axis=1) + uc.batna_variance
    total = float(variance.sum())
    base, how = ev.rule()
    rows: list[dict[str, Any]] = []
    for p, name in enumerate(case.party_names):
        without, _ = ev.rule(nominal_for=p)
        rows.append({"party": name, "variance": float(variance[p]),
                     "share": float(variance[p] / total) if total > 0 else 0.0,
                     "pass_probability": base, "without": without, "change": without - base})
    rows.sort(key=lambda r: (-abs(r["change"]), -r["variance"]))
    return Importance(rows=tuple(readonly(r) for r in rows),
                      method="exact" if how in ("exact", "certain") else "monte carlo",
                      samples=ev.samples, seed=seed,
                      package=readonly(case.package_from_indices(choice)))
