"""Rank acceptability of the k best packages: how often each is 1st, 2nd, ... when the
scores and BATNAs are drawn from the case's uncertainty.

Stochastic multicriteria acceptability analysis (SMAA; Lahdelma, Hokkanen &
Salminen 1998) asks how often each alternative ranks first, second, ... when
the uncertain numbers are drawn; SMAA speaks to one decision maker, and here the
ranking is by a bargaining objective over many parties. The candidates are the
``k`` best packages at the case's values (:func:`mutualgains.alternatives`), or
any packages given. In each draw, the candidates that pass the decision rule
are ranked by the objective (the weighted joint gain, the smallest gain, or the
weighted Nash product; ties go to the candidate listed first) and those that do
not pass count as ``fails``. Each share comes from ``samples`` seeded draws; the
first rank's share has its Wilson interval.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> from mutualgains.model.noise import with_noise
>>> ranks = rank_acceptability(with_noise(load_example("harbour"), 0.1), 3, samples=2000)
>>> ranks.to_frame()[["candidate", "nominal", "rank 1", "rank 2", "rank 3", "fails"]]
   candidate  nominal  rank 1  rank 2  rank 3   fails
0          1      114  0.6035  0.2005  0.0380  0.1580
1          2      112  0.1995  0.2415  0.0585  0.5005
2          3      105  0.1345  0.3965  0.4030  0.0660
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.analysis.alternatives import alternatives
from mutualgains.analysis.robustness_accept import wilson_interval
from mutualgains.analysis.robustness_sampling import (
    package_choice,
    synergy_bonus,
    uncertain_case,
)
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.params import (
    SOLVER,
    TIME_LIMIT,
    Choice,
    Integer,
    ListOf,
    Maybe,
    Real,
    validated,
)
from mutualgains.results import PACKAGE_OR_RESULT
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import readonly, tidy

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["RANK_OBJECTIVES", "RankAcceptability", "objective_values", "rank_acceptability"]

RANK_OBJECTIVES = ("joint", "egalitarian", "nash")
"""Objectives a fixed package can be scored by in every draw."""


def objective_values(objective: str, gains: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The objective of gains ``(..., parties)``: weighted joint gain, smallest gain, or the
    log of the weighted Nash product (``-inf`` when a weighted party does not gain).

    Examples
    --------
    >>> g = np.array([[2.0, 3.0], [4.0, 0.0]])
    >>> objective_values("joint", g, np.ones(2)).tolist()
    [5.0, 4.0]
    >>> objective_values("nash", g, np.ones(2)).round(4).tolist()
    [1.7918, -inf]
    """
    if objective == "joint":
        return gains @ weights
    if objective == "egalitarian":
        return gains.min(axis=-1)
    keep = weights > 0
    g = gains[..., keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(g > 0, np.log(np.where(g > 0, g, 1.0)), -np.inf)
    return logs @ weights[keep]


@dataclass(frozen=True)
class RankAcceptability:
    """The result of :func:`rank_acceptability`.

    Attributes
    ----------
    packages : tuple of mapping
        The candidates, in their order at the case's values.
    nominal : tuple of float
        Their objective values at the case's values.
    shares : ndarray, shape (k, k + 1)
        ``shares[c, r]``: how often candidate ``c`` ranks ``r + 1``; the last
        column is how often it does not pass.
    samples, seed : int
    confidence : float
        Of the first rank's Wilson interval.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> ranks = rank_acceptability(with_noise(load_example("harbour"), 0.1), 2, samples=500)
    >>> ranks
    <RankAcceptability 2 candidates by joint, 500 samples: first 0.622, 0.22>
    >>> bool(np.allclose(ranks.shares.sum(axis=1), 1))
    True
    """

    status: Status
    objective: str
    packages: tuple[Mapping[str, str], ...]
    nominal: tuple[float, ...]
    shares: np.ndarray
    samples: int
    seed: int
    confidence: float = 0.95
    issue_names: tuple[str, ...] = ()
    case_name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "packages", tuple(readonly(p) for p in self.packages))
        shares = np.array(self.shares, dtype=float)
        shares.flags.writeable = False
        object.__setattr__(self, "shares", shares)

    @property
    def first(self) -> np.ndarray:
        """How often each candidate ranks first."""
        return self.shares[:, 0]

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate: candidate, nominal, rank 1 ... rank k, fails, the first
        rank's interval (first low, first high), then the options (one column per issue).

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> case = with_noise(load_example("harbour"), 0.1)
        >>> rank_acceptability(case, 2, samples=200).to_frame().columns.tolist()[:6]
        ['candidate', 'nominal', 'rank 1', 'rank 2', 'fails', 'first low']
        """
        import pandas as pd

        k = len(self.packages)
        ranks = [f"rank {r}" for r in range(1, k + 1)]
        rows = []
        for c, package in enumerate(self.packages):
            low, high = wilson_interval(round(self.shares[c, 0] * self.samples), self.samples,
                                        self.confidence)
            row = {"candidate": c + 1, "nominal": self.nominal[c],
                   **dict(zip([*ranks, "fails"], self.shares[c].tolist(), strict=True)),
                   "first low": low, "first high": high, **package}
            rows.append(row)
        columns = ["candidate", "nominal", *ranks, "fails", "first low", "first high",
                   *self.issue_names]
        return pd.DataFrame(rows, columns=columns)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> case = with_noise(load_example("harbour"), 0.1)
        >>> sorted(rank_acceptability(case, 2, samples=100).to_dict())
        ['candidates', 'objective', 'samples', 'seed', 'status']
        """
        k = len(self.packages)
        return {"status": self.status.value, "objective": self.objective,
                "samples": self.samples, "seed": self.seed,
                "candidates": [{"package": dict(p), "nominal": n,
                                "ranks": self.shares[c, :k].tolist(),
                                "fails": float(self.shares[c, k])}
                               for c, (p, n) in enumerate(zip(self.packages, self.nominal,
                                                              strict=True))]}

    def __repr__(self) -> str:
        first = ", ".join(f"{v:.3g}" for v in self.first[:5])
        more = ", ..." if len(self.packages) > 5 else ""
        return (f"<RankAcceptability {len(self.packages)} candidates by {self.objective}, "
                f"{self.samples} samples: first {first}{more}>")

    def _repr_html_(self) -> str:
        from mutualgains.display import html_table

        frame = self.to_frame()
        columns = [c for c in frame.columns if c not in self.issue_names]
        return (f"<div><p><b>{html.escape(repr(self)[1:-1])}</b></p>"
                + html_table(columns, frame[columns].values.tolist()) + "</div>")


@validated(case=CASE, k=Integer(low=1), samples=Integer(low=1),
           seed=Integer(low=0), objective=Choice(RANK_OBJECTIVES),
           candidates=Maybe(ListOf(PACKAGE_OR_RESULT, min_length=1)),
           confidence=Real(low=0, high=1, strict=True), solver=SOLVER, time_limit=TIME_LIMIT)
def rank_acceptability(case: Case, k: int = 5, *, samples: int = 10_000, seed: int = 0,
                       objective: str = "joint", candidates: Sequence[Any] | None = None,
                       confidence: float = 0.95, solver: str = "highs",
                       time_limit: float | None = None) -> RankAcceptability:
    """How often each of the ``k`` best packages ranks 1st, 2nd, ... under the case's
    uncertainty (see the module notes).

    Parameters
    ----------
    case : Case
    k : int, default 5
        How many of the best packages (by ``objective`` at the case's values).
    samples, seed : int
        Draws of the uncertain numbers (``numpy.random.default_rng(seed)``).
    objective : {"joint", "egalitarian", "nash"}
    candidates : sequence of packages, optional
        Rank these instead of the ``k`` best (``k`` is then ignored).
    confidence : float, default 0.95
    solver, time_limit
        For finding the ``k`` best packages.

    Returns
    -------
    RankAcceptability
        Status ``complete``; ``no_agreement`` when no package passes at the
        case's values (and no candidates are given).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> case = with_noise(load_example("harbour"), 0.1)
    >>> mine = [{"infrastructure": "land", "ecology": "improve", "employment": "2:1 quota",
    ...          "loan": "2 billion", "compensation": "300 million"}]
    >>> rank_acceptability(case, candidates=mine, samples=500).shares.round(2).tolist()
    [[0.0, 1.0]]
    """
    if not 0 < confidence < 1:
        raise UsageError(f"rank_acceptability: confidence must be between 0 and 1, "
                         f"got {confidence!r}")
    case.require_no_contributions("rank_acceptability")
    if candidates is None:
        found = alternatives(case, k, objective=objective, solver=solver,
                             time_limit=time_limit)
        choices = []
        for r in found:
            assert r.package is not None  # every alternative is a package
            choices.append(case.package_indices(r.package))
    else:
        if isinstance(candidates, str | Mapping) or not isinstance(candidates, Sequence):
            raise UsageError("rank_acceptability: candidates must be a list of packages")
        choices = [package_choice(case, c) for c in candidates]
        if not choices:
            raise UsageError("rank_acceptability: candidates is empty")
    if not choices:
        return RankAcceptability(Status.NO_AGREEMENT, objective, (), (), np.zeros((0, 1)),
                                 samples, seed, confidence, case.issue_names, case.name)
    uc = uncertain_case(case)
    offs = case.option_offsets
    columns = [[offs[i] + c for i, c in enumerate(choice)] for choice in choices]
    used = sorted({j for cols in columns for j in cols})
    where = {j: k for k, j in enumerate(used)}
    scores, batnas = uc.draw(np.random.default_rng(seed), samples, options=used)
    weights = np.array([float(p.weight) for p in case.parties])
    threshold = batnas + float(case.margin)
    values = np.empty((samples, len(choices)))
    nominal = []
    for c, (choice, cols) in enumerate(zip(choices, columns, strict=True)):
        bonus = synergy_bonus(case, choice)
        utility = np.minimum(case.caps, scores[:, :, [where[j] for j in cols]].sum(axis=2)
                             + bonus)
        passes = case.rule_holds(utility >= threshold - TOLERANCE)
        if case.violations(case.package_from_indices(choice)):
            passes[:] = False
        values[:, c] = np.where(passes, objective_values(objective, utility - batnas, weights),
                                np.nan)
        gains = case.utility_vector(choice) - case.batnas
        value = float(objective_values(objective, gains[None, :], weights)[0])
        nominal.append(tidy(np.exp(value)) if objective == "nash" else tidy(value))
    shares = _rank_shares(values)
    packages = tuple(case.package_from_indices(c) for c in choices)
    return RankAcceptability(Status.COMPLETE, objective, packages, tuple(nominal), shares,
                             samples, seed, confidence, case.issue_names, case.name)


def _rank_shares(values: np.ndarray) -> np.ndarray:
    """Shares of each rank per candidate; NaN values do not pass; ties go to the earlier."""
    samples, k = values.shape
    passing = ~np.isnan(values)
    # -inf (a Nash product of 0) as a finite floor, so that such candidates tie
    key = np.where(passing, np.maximum(np.nan_to_num(values, nan=0.0), -1e300), -np.inf)
    # candidates ahead of c in a draw: passing, and better, or as good and listed earlier
    ahead = np.zeros((samples, k), dtype=int)
    for c in range(k):
        for d in range(k):
            if d == c:
                continue
            own = np.where(passing[:, c], key[:, c], 0.0)
            slack = TOLERANCE * np.maximum(1, np.abs(own))
            better = key[:, d] > own + slack
            tie = np.abs(key[:, d] - own) <= slack
            ahead[:, c] += passing[:, d] & (better | (tie & (d < c)))
    shares = np.zeros((k, k + 1))
    for c in range(k):
        rank = np.where(passing[:, c], ahead[:, c], k)
        shares[c] = np.bincount(rank, minlength=k + 1) / samples
    return shares
