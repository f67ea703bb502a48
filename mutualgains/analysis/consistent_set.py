"""The parameter space of a learned score table and the linear programs over it.

Used by :mod:`mutualgains.analysis.learning` (which documents the model): a
:class:`ParameterSpace` maps the parameters (issue weights or option scores, then
the BATNA) to utilities; :func:`reaction_rows` turns reactions into rows
``a · θ + c >= (δ if strict else 0)``; :class:`ReactionLP` solves the linear
programs over them (the largest margin, extremes, the Chebyshev centre);
:func:`deletion_filter` finds an irreducible conflicting subset.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> case = load_example("harbour")
>>> space = ParameterSpace(case, 0, "weights", None, None, None)
>>> space.names[-1], space.scale
('batna', 100.0)
>>> rows = reaction_rows(space, [("accepted", [(0, 0, 0, 0, 0)])])
>>> is_consistent(ReactionLP(space, rows, "highs"), 0.0)
(True, 1.0)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mutualgains.engine.mip import MipModel, MipOutcome
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.params import Real
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE

__all__ = ["BATNA", "ParameterSpace", "ReactionLP", "ReactionRow", "deletion_filter",
           "is_consistent", "reaction_rows", "synergy_bonus"]

BATNA = "batna"
"""The name of the BATNA parameter."""


def synergy_bonus(case: Case, p: int, choice: Sequence[int]) -> float:
    """Party ``p``'s synergy bonus in package ``choice`` (utility minus plain scores).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> synergy_bonus(load_example("harbour"), 0, (0, 0, 0, 0, 0))
    0.0
    """
    offs = case.option_offsets
    plain = float(case.score_matrix[p, [offs[k] + c for k, c in enumerate(choice)]].sum())
    return float(case.utility_vector(choice)[p]) - plain


class ParameterSpace:
    """The parameters θ (the last one the BATNA) in internal units, and the map to scores.

    ``ParameterSpace(case, party_index, model, ratings, bounds, batna)`` with the
    arguments of :func:`mutualgains.learn_priorities` (see the module example).

    Weights: internal utilities are ``(U - c) / S`` (so weights and the BATNA share a
    scale); scores: case units. ``lo``/``hi`` bound every parameter; ``equal`` rows
    ``E θ = e`` hold (weights sum to 1; fixed parameters).
    """

    def __init__(self, case: Case, p: int, model: str, ratings: Mapping[str, Any] | None,
                 bounds: Sequence[float] | None, batna: float | Sequence[float] | None):
        self.case, self.p, self.model = case, p, model
        scores = case.score_matrix[p]
        offs = case.option_offsets
        issues = case.issues
        self.offset = 0.0  # c
        self.scale = 1.0  # S
        if model == "weights":
            lows = [float(scores[offs[k]:offs[k + 1]].min()) for k in range(len(issues))]
            spans = [float(np.ptp(scores[offs[k]:offs[k + 1]])) for k in range(len(issues))]
            self.offset = float(sum(lows))
            self.scale = float(sum(spans)) or 1.0
            self.lows = lows
            self.ratings = _ratings(case, p, ratings)
            self.learned = [k for k in range(len(issues)) if np.ptp(self.ratings[k]) > 0]
            if not self.learned:
                raise UsageError("ratings: no issue's options are rated differently, so there "
                                 "is no weight to learn")
            self.names = [f"weight[{issues[k].name}]" for k in self.learned]
            lo = [0.0] * len(self.learned)
            hi = [1.0] * len(self.learned)
            low_u, high_u = 0.0, 1.0
        else:
            lo_s, hi_s = _score_bounds(scores, bounds)
            self.names = [f"score[{i.name}][{o}]" for i in issues for o in i.options]
            lo = [lo_s] * len(self.names)
            hi = [hi_s] * len(self.names)
            low_u, high_u = lo_s * len(issues), hi_s * len(issues)
        bonuses = [float(b[p]) for _, b in case.synergy_table]
        low_u += self._internal(sum(min(0.0, b) for b in bonuses), shift=False)
        high_u += self._internal(sum(max(0.0, b) for b in bonuses), shift=False)
        if batna is None:
            b_lo, b_hi = low_u, high_u
        elif isinstance(batna, int | float):
            b_lo = b_hi = self._internal(float(batna))
        else:  # (low, high): a tuple, a list or an array
            b_lo, b_hi = (self._internal(float(v)) for v in batna)
        self.names.append(BATNA)
        self.lo = np.array([*lo, b_lo])
        self.hi = np.array([*hi, b_hi])
        rows, rhs = [], []
        if model == "weights":
            rows.append([1.0] * len(self.learned) + [0.0])
            rhs.append(1.0)
        for j in np.flatnonzero(self.lo == self.hi):
            rows.append([1.0 if i == j else 0.0 for i in range(len(self.lo))])
            rhs.append(float(self.lo[j]))
        self.E = np.array(rows).reshape(-1, len(self.lo))
        self.e = np.array(rhs)
        self.spread = max(1.0, float(high_u - low_u), float(self.hi[-1] - self.lo[-1]))

    @property
    def n(self) -> int:
        return len(self.lo)

    def _internal(self, value: float, *, shift: bool = True) -> float:
        """A utility (case units) in internal units."""
        return (value - (self.offset if shift else 0.0)) / self.scale

    def utility(self, choice: Sequence[int]) -> tuple[np.ndarray, float]:
        """``(a, c)`` with the internal utility of ``choice`` equal to ``a · θ + c``."""
        a = np.zeros(self.n)
        offs = self.case.option_offsets
        if self.model == "weights":
            for j, k in enumerate(self.learned):
                a[j] = self.ratings[k][choice[k]]
        else:
            for k, c in enumerate(choice):
                a[offs[k] + c] = 1.0
        return a, self._internal(synergy_bonus(self.case, self.p, choice), shift=False)

    def score_terms(self) -> dict[tuple[str, str], tuple[float, dict[str, float]]]:
        """Each score as ``constant + sum(coef * parameter)``, parameters in case units."""
        out = {}
        for k, issue in enumerate(self.case.issues):
            for c, option in enumerate(issue.options):
                if self.model == "scores":
                    out[(issue.name, option)] = (0.0, {self.names[self.case.option_offsets[k]
                                                                  + c]: 1.0})
                elif k in self.learned:
                    name = self.names[self.learned.index(k)]
                    out[(issue.name, option)] = (self.lows[k],
                                                 {name: self.scale * self.ratings[k][c]})
                else:
                    out[(issue.name, option)] = (self.lows[k], {})
        return out

    def batna_in_case(self, value: float) -> float:
        """An internal BATNA in case units."""
        return self.offset + self.scale * value if self.model == "weights" else value

    def to_case(self, theta: np.ndarray) -> np.ndarray:
        """Parameters in case units (weights stay weights; the BATNA in score units)."""
        out = np.array(theta, dtype=float)
        out[-1] = self.batna_in_case(theta[-1])
        return out

    def projected_norm(self, a: np.ndarray) -> float:
        """The norm of ``a`` projected onto the plane of the equality rows."""
        if not len(self.E):
            return float(np.linalg.norm(a))
        coef, *_ = np.linalg.lstsq(self.E.T, a, rcond=None)
        return float(np.linalg.norm(a - self.E.T @ coef))


def _ratings(case: Case, p: int, ratings: Mapping[str, Any] | None) -> list[np.ndarray]:
    """Ratings per issue in [0, 1]: given ones rescaled, else the party's scores rescaled."""
    offs = case.option_offsets
    given = dict(ratings or {})
    unknown = [i for i in given if i not in case.issue_names]
    if unknown:
        raise UsageError(f"ratings: unknown issue {unknown[0]!r}")
    out = []
    for k, issue in enumerate(case.issues):
        if issue.name in given:
            raw = given[issue.name]
            if isinstance(raw, Mapping):
                bad = [o for o in raw if o not in issue.options]
                if bad:
                    raise UsageError(f"ratings: unknown option {bad[0]!r} of issue {issue.name!r}")
                values = [raw.get(o, 0) for o in issue.options]
            else:
                values = list(raw)
                if len(values) != len(issue.options):
                    raise UsageError(f"ratings: issue {issue.name!r} needs "
                                     f"{len(issue.options)} ratings, got {len(values)}")
            if not all(Real().accepts(v) for v in values):
                raise UsageError(f"ratings: the ratings of issue {issue.name!r} must be finite "
                                 f"numbers (got {values!r})")
            v = np.array(values, dtype=float)
        else:
            v = np.array(case.score_matrix[p, offs[k]:offs[k + 1]], dtype=float)
        span = float(np.ptp(v))
        out.append((v - v.min()) / span if span > 0 else np.zeros(len(v)))
    return out


def _score_bounds(scores: np.ndarray, bounds: Sequence[float] | None) -> tuple[float, float]:
    if bounds is not None:
        lo, hi = (float(v) for v in bounds)
        if not lo < hi:
            raise UsageError(f"bounds: must be (low, high) with low < high, got {bounds!r}")
        return lo, hi
    lo = min(0.0, float(scores.min()))
    hi = float(scores.max())
    return lo, hi if hi > lo else lo + 1.0


# ------------------------------------------------------------------ the linear programs


@dataclass(frozen=True)
class ReactionRow:
    """``a · θ + c >= (delta if strict else 0)`` in internal units.

    Examples
    --------
    >>> ReactionRow(np.array([1.0, -1.0]), 0.0, False).strict
    False
    """

    a: np.ndarray
    c: float
    strict: bool


def reaction_rows(space: ParameterSpace,
                  reactions: list[tuple[str, list[tuple[int, ...]]]]) -> list[ReactionRow]:
    """Rows of ``(kind, [choices])`` reactions: ``accepted``, ``rejected``, ``preferred``.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> space = ParameterSpace(load_example("harbour"), 0, "weights", None, None, None)
    >>> row, = reaction_rows(space, [("rejected", [(2, 2, 2, 3, 3)])])
    >>> row.strict, row.a.tolist()
    (True, [0.0, 0.0, 0.0, 0.0, 0.0, 1.0])
    """
    b = np.zeros(space.n)
    b[-1] = 1.0
    out = []
    for kind, choices in reactions:
        ua, ca = space.utility(choices[0])
        if kind == "accepted":
            out.append(ReactionRow(ua - b, ca, False))
        elif kind == "rejected":
            out.append(ReactionRow(b - ua, -ca, True))
        else:
            ub, cb = space.utility(choices[1])
            out.append(ReactionRow(ua - ub, ca - cb, True))
    return out


class ReactionLP:
    """LPs over the consistent set: θ in its box, the equality rows, the reaction rows.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> space = ParameterSpace(load_example("harbour"), 0, "weights", None, None, None)
    >>> lp = ReactionLP(space, reaction_rows(space, [("rejected", [(2, 2, 2, 3, 3)])]), "highs")
    >>> centre, radius = lp.centre(0.0)
    >>> round(radius, 4) > 0, round(float(centre[:-1].sum()), 6)
    (True, 1.0)
    """

    def __init__(self, space: ParameterSpace, rows: list[ReactionRow], solver: str):
        self.space, self.rows, self.solver = space, rows, solver
        self.solves = 0

    def _model(self, delta: float | None) -> tuple[MipModel, list[int], int | None]:
        """A model with θ; ``delta=None`` adds a variable δ (returned) for the strict rows."""
        space = self.space
        model = MipModel("learning")
        theta = model.add_variables(space.n, lb=None)
        for j in range(space.n):
            model.set_bounds(theta[j], float(space.lo[j]), float(space.hi[j]))
        d = None
        if delta is None:
            (d,) = model.add_variables(1, lb=0.0, ub=space.spread)
        rows = []
        for E_row, e in zip(space.E, space.e, strict=True):
            nz = np.flatnonzero(E_row)
            rows.append(([theta[j] for j in nz], E_row[nz].tolist(), "==", float(e)))
        for row in self.rows:
            nz = np.flatnonzero(row.a)
            idx, coef = [theta[j] for j in nz], row.a[nz].tolist()
            if row.strict and d is not None:
                idx, coef = [*idx, d], [*coef, -1.0]
                rows.append((idx, coef, ">=", -row.c))
            else:
                margin = 0.0
                if row.strict:
                    assert delta is not None  # delta=None adds d, which takes the strict rows
                    margin = delta
                rows.append((idx, coef, ">=", margin - row.c))
        model.add_rows(rows)
        return model, theta, d

    def _solve(self, model: MipModel) -> MipOutcome:
        self.solves += 1
        return model.solve(solver=self.solver)

    def largest_margin(self) -> float | None:
        """The largest δ with every strict row ``>= δ``; None when infeasible even at 0."""
        model, _, d = self._model(None)
        assert d is not None  # delta=None adds the variable d
        model.set_objective([d], [1.0])
        out = self._solve(model)
        if out.status != Status.OPTIMAL:
            return None
        return (max(0.0, float(out.solution[d])) if any(r.strict for r in self.rows)
                else self.space.spread)

    def extreme(self, direction: np.ndarray, delta: float) -> float | None:
        """``max direction · θ`` over the set with margin ``delta``."""
        model, theta, _ = self._model(delta)
        nz = np.flatnonzero(direction)
        model.set_objective([theta[j] for j in nz], direction[nz].tolist())
        out = self._solve(model)
        if out.status != Status.OPTIMAL or out.objective is None:
            return None
        return float(out.objective)

    def centre(self, delta: float) -> tuple[np.ndarray, float] | None:
        """The Chebyshev centre and radius of the set with margin ``delta``."""
        space = self.space
        model, theta, _ = self._model(delta)
        (r,) = model.add_variables(1, lb=0.0, ub=space.spread)
        rows = []
        free = [j for j in range(space.n) if space.lo[j] < space.hi[j]]
        for j in free:  # the box, each face at distance r
            unit = np.zeros(space.n)
            unit[j] = 1.0
            norm = space.projected_norm(unit)
            rows.append(([theta[j], r], [1.0, -norm], ">=", float(space.lo[j])))
            rows.append(([theta[j], r], [-1.0, -norm], ">=", -float(space.hi[j])))
        for row in self.rows:
            norm = space.projected_norm(row.a)
            nz = np.flatnonzero(row.a)
            rhs = (delta if row.strict else 0.0) - row.c
            rows.append(([*(theta[j] for j in nz), r], [*row.a[nz].tolist(), -norm], ">=", rhs))
        model.add_rows(rows)
        model.set_objective([r], [1.0])
        out = self._solve(model)
        if out.status != Status.OPTIMAL:
            return None
        return np.array([out.solution[t] for t in theta]), float(out.solution[r])


def is_consistent(lp: ReactionLP, margin: float) -> tuple[bool, float | None]:
    """Whether some θ meets every reaction, the strict ones by more than 0 and at least
    ``margin``; and the largest such margin (None when not even the closure is met).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> space = ParameterSpace(load_example("harbour"), 0, "weights", None, None, None)
    >>> worst = (2, 2, 2, 3, 3)
    >>> rows = reaction_rows(space, [("accepted", [worst]), ("rejected", [worst])])
    >>> is_consistent(ReactionLP(space, rows, "highs"), 0.0)
    (False, 0.0)
    """
    best = lp.largest_margin()
    if best is None:
        return False, None
    if not any(r.strict for r in lp.rows):
        return True, best
    return best > TOLERANCE and best >= margin - TOLERANCE, best


def deletion_filter(space: ParameterSpace, rows: list[ReactionRow], margin: float, solver: str,
                     tick: Callable[[], None]) -> list[int]:
    """An irreducible inconsistent subset of ``rows`` (indices): drop each in turn for good
    when the rest still conflict. ``tick`` is called after each LP.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> space = ParameterSpace(load_example("harbour"), 0, "weights", None, None, None)
    >>> best, worst = (0, 0, 0, 0, 0), (2, 2, 2, 3, 3)
    >>> rows = reaction_rows(space, [("accepted", [best]), ("accepted", [worst]),
    ...                              ("rejected", [worst])])
    >>> deletion_filter(space, rows, 0.0, "highs", lambda: None)
    [1, 2]
    """
    keep = list(range(len(rows)))
    for j in range(len(rows)):
        trial = [i for i in keep if i != j]
        ok, _ = is_consistent(ReactionLP(space, [rows[i] for i in trial], solver), margin)
        tick()
        if not ok:
            keep = trial
    return keep
