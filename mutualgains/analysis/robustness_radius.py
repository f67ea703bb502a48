"""The stability radius of a package: how far the scores can move before it breaks.

A change of size ``t`` moves every movable score and BATNA by at most ``t``
points (absolute) or ``t`` times its magnitude (relative: 0.1 is 10 %), and
never outside its range: with ``box="uncertainty"`` the numbers the case's
``uncertainty`` leaves uncertain move within the support of their distribution
(the others are fixed); with ``box="all"`` every score and BATNA moves, without
bounds. Two radii, both exact:

**passes**, the largest ``t`` under which the package passes for every such
change. A party's utility is additive (plus fixed synergy bonuses, under its
cap), so its worst case over the box is the lower corner: every score of the
package down by ``min(a t, room below)`` and the BATNA up by ``min(a t, room
above)``, with ``a`` 1 or the magnitude. Its slack ``g_p(t)`` is then a
decreasing, piecewise linear function, and its radius ``r_p`` the last ``t``
with ``g_p(t) >= 0``, found by walking its breakpoints (no solver). Parties move
independently (each number belongs to one party), so the rule holds up to
``min(r of every veto party, the k-th largest r)``.

**best** (objective ``joint``, the weighted sum of gains), the largest ``t``
under which no other package becomes at least as good for every change:
``min(passes, t*)`` with ``t*`` the least ``t`` for which some package ``y``
passes and has a joint gain at least the package's. For a fixed ``y`` the
adversary raises ``y``'s scores (which helps ``y`` pass and gain), lowers the
package's scores where ``y`` differs from it, and lowers the BATNAs (which
cancel in the comparison). Over all ``y`` this is one mixed-integer program,
built on the package program's option binaries ``x`` (with its dependency and
budget rows)::

    min t  subject to
      U_p(x) + sum_j z_pj >= BATNA_p - b_p + margin    (each party the rule needs;
                                                         k of n with binaries, big-M)
      sum_p w_p (U_p(x) + sum_{j not in P} z_pj + sum_{j in P} d_pj) >= J(P)
      0 <= z_pj <= a_pj t,  z_pj <= room above_pj x_j     (raise what y chooses)
      0 <= d_pj <= a_pj t,  d_pj <= room below_pj (1 - x_j)   (j in P, y leaves it)
      0 <= b_p <= a_p t, b_p <= room below of the BATNA
      x differs from P (a no-good row)

where ``P`` is the package. Rooms that are unbounded use ``t <= passes`` (the
answer never exceeds it) for the big-M; when ``passes`` is unbounded too the
bound is raised until the program is feasible (or the radius is reported as
unbounded). The rival found, its exact ``t`` is recomputed from its breakpoints,
so the reported radius does not carry the solver's tolerances. At the radius the
package is still safe (passes, or ties the rival); any larger change breaks it:
``breaks_*`` give such changes (the scores at the radius).

Examples
--------
>>> from mutualgains import solve
>>> from mutualgains.io.examples import load_example
>>> case = load_example("harbour")
>>> r = stability_radius(case, solve(case), box="all")
>>> round(r.passes, 4), r.binding   # Port's gain of 4 over five scores and its BATNA
(0.6667, 'Port')
>>> r.best, dict(r.rival)["employment"]   # 2 points behind, 4 options each side
(0.1, '2:1 quota')
>>> r = stability_radius(case, solve(case), box="all", relative=True)
>>> round(r.passes, 4), r.binding   # 4 / (12 + 35 + 12 + 55)
(0.0351, 'Port')
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np

from mutualgains.analysis.robustness_sampling import (
    package_choice,
    synergy_bonus,
    uncertain_case,
)
from mutualgains.engine.mip import check_limits
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.params import (
    SOLVER,
    TIME_LIMIT,
    Choice,
    Flag,
    validated,
)
from mutualgains.results import PACKAGE_OR_RESULT
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import readonly, tidy

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["BOXES", "Change", "StabilityRadius", "first_reach", "last_within",
           "stability_radius"]

BOXES = ("auto", "uncertainty", "all")
"""``box=`` of :func:`stability_radius`; ``auto`` is ``uncertainty`` when the case has
any, else ``all``."""

_MAX_DOUBLINGS = 30


def last_within(budget: float, slopes: np.ndarray, rooms: np.ndarray) -> float:
    """``sup {t >= 0 : sum_i min(slopes_i t, rooms_i) <= budget}`` for ``budget >= 0``.

    Examples
    --------
    >>> last_within(5.0, np.array([1.0, 1.0]), np.array([2.0, np.inf]))
    3.0
    >>> last_within(5.0, np.array([1.0, 0.0]), np.array([2.0, np.inf]))
    inf
    """
    return _walk(budget, slopes, rooms, reach=False)


def first_reach(need: float, slopes: np.ndarray, rooms: np.ndarray) -> float:
    """``inf {t >= 0 : sum_i min(slopes_i t, rooms_i) >= need}`` (0 when ``need <= 0``,
    ``inf`` when it is never reached).

    Examples
    --------
    >>> first_reach(3.0, np.array([1.0, 2.0]), np.array([np.inf, 1.0]))
    2.0
    >>> first_reach(3.0, np.array([1.0]), np.array([2.0]))
    inf
    """
    if need <= 0:
        return 0.0
    return _walk(need, slopes, rooms, reach=True)


def _walk(level: float, slopes: np.ndarray, rooms: np.ndarray, *, reach: bool) -> float:
    slopes = np.asarray(slopes, dtype=float)
    rooms = np.asarray(rooms, dtype=float)
    active = (slopes > 0) & (rooms > 0)
    slopes, rooms = slopes[active], rooms[active]
    ends = rooms / slopes
    order = np.argsort(ends, kind="stable")
    t = total = 0.0
    slope = float(slopes.sum())
    for k in order:
        end = float(ends[k])
        if math.isinf(end):
            break
        if slope > 0 and (total + slope * (end - t) >= level if reach
                          else total + slope * (end - t) > level):
            return t + (level - total) / slope
        total += slope * (end - t)
        t = end
        slope -= float(slopes[k])
    if slope > 1e-15:
        return t + (level - total) / slope
    return math.inf if not reach or total < level else t


@dataclass(frozen=True)
class Change:
    """One number changed at the radius: a score (``issue``, ``option``) or a BATNA.

    Examples
    --------
    >>> Change("Port", None, None, 55, 58.5).is_batna
    True
    """

    party: str
    issue: str | None
    option: str | None
    nominal: float
    changed: float

    @property
    def is_batna(self) -> bool:
        """Whether this is a BATNA (no issue)."""
        return self.issue is None


class _Common(TypedDict):
    """The fields of a :class:`StabilityRadius` fixed by the call."""

    package: Mapping[str, str]
    relative: bool
    box: str
    objective: str
    case_name: str


def _changes_frame(changes: Sequence[Change]) -> pd.DataFrame:
    import pandas as pd

    columns = ["party", "issue", "option", "nominal", "changed"]
    return pd.DataFrame([[getattr(c, k) for k in columns] for c in changes], columns=columns)


@dataclass(frozen=True)
class StabilityRadius:
    """The result of :func:`stability_radius`.

    Attributes
    ----------
    status : Status
        ``optimal`` (both radii proven), ``feasible`` (the best radius's program
        stopped early: ``best`` is an upper bound), or ``no_agreement`` (the
        package does not pass at the case's values: both radii 0).
    passes : float
        The largest change under which the package passes (``inf``: within the
        whole box).
    binding : str or None
        The party that breaks first (the one setting ``passes``).
    breaks_passing : tuple of Change
        The numbers that move against the parties that fail beyond ``passes``
        (their package scores down, BATNAs up), with their values at ``passes``.
    best : float or None
        The largest change under which no other package is at least as good for
        the objective (``None`` when not computed: utility caps).
    best_by : str
        ``passing`` (it stops passing first) or ``rival``.
    rival : mapping or None
        The package that becomes at least as good at ``best`` (with ``rival``).
    breaks_best : tuple of Change
        The changed numbers at which it does.
    relative : bool
        Radii as shares of each number's magnitude (``True``) or in points.
    box : str
        ``uncertainty`` or ``all`` (see the module notes).

    Examples
    --------
    >>> from mutualgains import solve
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> r = stability_radius(case, solve(case), box="all", relative=True)
    >>> r
    <StabilityRadius relative (all): passes 0.03509 (Port), best 0.01087 (rival)>
    >>> r.breaks_frame().query("party == 'Port'").shape[0]
    4
    """

    status: Status
    package: Mapping[str, str]
    relative: bool
    box: str
    passes: float
    binding: str | None
    breaks_passing: tuple[Change, ...]
    best: float | None
    best_by: str
    rival: Mapping[str, str] | None
    breaks_best: tuple[Change, ...]
    objective: str = "joint"
    solver: str = ""
    seconds: float = 0.0
    message: str = ""
    case_name: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "package", readonly(self.package))
        if self.rival is not None:
            object.__setattr__(self, "rival", readonly(self.rival))

    @property
    def measure(self) -> str:
        """``relative`` or ``absolute``."""
        return "relative" if self.relative else "absolute"

    def breaks_frame(self, which: str = "passing") -> pd.DataFrame:
        """The changed numbers (``passing`` or ``best``): party, issue, option, nominal, changed.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> case = load_example("harbour")
        >>> pkg = ["water and land", "improve", "union only", "3 billion", "150 million"]
        >>> stability_radius(case, pkg, box="all").breaks_frame().columns.tolist()
        ['party', 'issue', 'option', 'nominal', 'changed']
        """
        if which not in ("passing", "best"):
            raise UsageError(f"breaks_frame: which must be 'passing' or 'best', got {which!r}")
        return _changes_frame(self.breaks_passing if which == "passing" else self.breaks_best)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (an unbounded radius is ``None``).

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> case = load_example("harbour")
        >>> pkg = ["water and land", "improve", "union only", "3 billion", "150 million"]
        >>> sorted(stability_radius(case, pkg, box="all").to_dict())[:4]
        ['best', 'best_by', 'binding', 'box']
        """
        def num(v: float | None) -> float | None:
            return None if v is None or not math.isfinite(v) else v

        def changes(items: Sequence[Change]) -> list[dict[str, Any]]:
            return [vars(c).copy() for c in items]

        return {"status": self.status.value, "package": dict(self.package),
                "measure": self.measure, "box": self.box, "passes": num(self.passes),
                "binding": self.binding, "breaks_passing": changes(self.breaks_passing),
                "best": num(self.best), "best_by": self.best_by,
                "rival": None if self.rival is None else dict(self.rival),
                "breaks_best": changes(self.breaks_best), "objective": self.objective,
                "solver": self.solver, "seconds": self.seconds, "message": self.message}

    def __repr__(self) -> str:
        best = "-" if self.best is None else f"{self.best:.4g}"
        by = f" ({self.best_by})" if self.best_by else ""
        return (f"<StabilityRadius {self.measure} ({self.box}): passes {self.passes:.4g}"
                f" ({self.binding}), best {best}{by}>")

    def _repr_html_(self) -> str:
        import html

        from mutualgains.display import html_table

        rows = [[c.party, c.issue or "(BATNA)", c.option or "", c.nominal, c.changed]
                for c in self.breaks_passing]
        return (f"<div><p><b>{html.escape(repr(self)[1:-1])}</b></p>"
                + html_table(["party", "issue", "option", "nominal", "changed"], rows)
                + "</div>")


# ------------------------------------------------------------------- boxes


class _Box:
    """Per score and BATNA: the rate ``a`` at which it moves with ``t``, and its rooms."""

    def __init__(self, case: Case, relative: bool, box: str):
        uc = uncertain_case(case)
        self.relative = relative
        s = case.score_matrix
        b = case.batnas
        self.rate = np.abs(s) if relative else np.ones_like(s)
        self.batna_rate = np.abs(b) if relative else np.ones_like(b)
        if box == "all":
            self.up = np.full_like(s, np.inf)
            self.down = np.full_like(s, np.inf)
            self.batna_up = np.full_like(b, np.inf)
            self.batna_down = np.full_like(b, np.inf)
        else:
            self.up = np.maximum(uc.high - s, 0.0)
            self.down = np.maximum(s - uc.low, 0.0)
            self.batna_up = np.maximum(uc.batna_high - b, 0.0)
            self.batna_down = np.maximum(b - uc.batna_low, 0.0)

    def moved(self, rate: np.ndarray, room: np.ndarray, t: float) -> np.ndarray:
        return np.minimum(rate * t, room) if math.isfinite(t) else room


def _party_radii(case: Case, box: _Box, choice: Sequence[int]) -> np.ndarray:
    """Each party's passing radius for the package (``-inf`` when it rejects nominally)."""
    cols = [case.option_offsets[k] + c for k, c in enumerate(choice)]
    bonus = synergy_bonus(case, choice)
    utility = case.score_matrix[:, cols].sum(axis=1) + bonus
    threshold = case.batnas + float(case.margin)
    out = np.empty(len(case.parties))
    for p in range(len(case.parties)):
        slack = float(utility[p] - threshold[p])
        if slack < -TOLERANCE or case.caps[p] < threshold[p] - TOLERANCE:
            out[p] = -math.inf
            continue
        rates = np.append(box.rate[p, cols], box.batna_rate[p])
        rooms = np.append(box.down[p, cols], box.batna_up[p])
        out[p] = last_within(max(slack, 0.0), rates, rooms)
    return out


def _rule_radius(case: Case, radii: np.ndarray) -> tuple[float, int | None]:
    """The largest change under which the rule holds, and the party that sets it."""
    names = case.party_names
    veto = [names.index(p) for p in case.veto_parties]
    order = sorted(range(len(radii)), key=lambda p: (-radii[p], p))
    kth = order[case.min_parties - 1]
    candidates = [(radii[p], p) for p in veto] + [(radii[kth], kth)]
    value, party = min(candidates, key=lambda item: (item[0], item[1]))
    return float(value), party


def _passing_changes(case: Case, box: _Box, choice: Sequence[int], radii: np.ndarray,
                     radius: float) -> tuple[Change, ...]:
    if not math.isfinite(radius):
        return ()
    out = []
    cols = [case.option_offsets[k] + c for k, c in enumerate(choice)]
    for p in np.flatnonzero((radii <= radius) & (radii >= 0)):
        name = case.party_names[p]
        t = max(radius, 0.0)
        down = box.moved(box.rate[p, cols], box.down[p, cols], t)
        for k, (j, d) in enumerate(zip(cols, down, strict=True)):
            if box.rate[p, j] > 0 and box.down[p, j] > 0:  # every number that moves
                issue = case.issues[k]
                nominal = float(case.score_matrix[p, j])
                out.append(Change(name, issue.name, issue.options[choice[k]], tidy(nominal),
                                  tidy(nominal - d)))
        if box.batna_rate[p] > 0 and box.batna_up[p] > 0:
            b = float(case.batnas[p])
            up = float(box.moved(box.batna_rate[p], box.batna_up[p], t))
            out.append(Change(name, None, None, tidy(b), tidy(b + up)))
    return tuple(out)


# ----------------------------------------------------------- the best radius


def _beyond_tolerance(need: float) -> float:
    """A shortfall, or 0 when it is within the tolerance (a tie)."""
    return 0.0 if need <= TOLERANCE else need


def _rival_radius(case: Case, box: _Box, choice: Sequence[int], rival: Sequence[int],
                  weights: np.ndarray) -> float:
    """The exact least change under which ``rival`` passes and ties or beats ``choice``."""
    offs = case.option_offsets
    mine = {offs[k] + c for k, c in enumerate(choice)}
    theirs = [offs[k] + c for k, c in enumerate(rival)]
    s = case.score_matrix
    gain = s[:, theirs].sum(axis=1) + synergy_bonus(case, rival)
    base = s[:, sorted(mine)].sum(axis=1) + synergy_bonus(case, choice)
    # the joint comparison: raise the rival's own options, lower the package's it leaves
    slopes, rooms = [], []
    for p in np.flatnonzero(weights > 0).tolist():
        for j in theirs:
            if j not in mine:
                slopes.append(weights[p] * box.rate[p, j])
                rooms.append(weights[p] * box.up[p, j])
        for j in mine - set(theirs):
            slopes.append(weights[p] * box.rate[p, j])
            rooms.append(weights[p] * box.down[p, j])
    beat = first_reach(_beyond_tolerance(float(weights @ (base - gain))), np.array(slopes),
                       np.array(rooms))
    # the rival passes: each party's optimistic slack
    threshold = case.batnas + float(case.margin)
    needs = np.empty(len(case.parties))
    for p in range(len(case.parties)):
        rates = np.append(box.rate[p, theirs], box.batna_rate[p])
        up = np.append(box.up[p, theirs], box.batna_down[p])
        needs[p] = first_reach(_beyond_tolerance(float(threshold[p] - gain[p])), rates, up)
    names = case.party_names
    veto = [names.index(p) for p in case.veto_parties]
    kth = float(np.sort(needs)[case.min_parties - 1])
    passes = max([kth, *(needs[p] for p in veto)])
    return max(beat, passes)


def _best_program(case: Case, box: _Box, choice: Sequence[int], weights: np.ndarray,
                  bound: float) -> PackageProgram:
    """The program of the module notes with ``t <= bound`` (finite)."""
    program = PackageProgram(case, acceptance=False)
    model = program.model
    x = program.x
    offs = case.option_offsets
    mine = {offs[k] + c for k, c in enumerate(choice)}
    (t,) = model.add_variables(1, lb=0.0, ub=bound if math.isfinite(bound) else None)
    n, n_options = case.score_matrix.shape
    rows = []
    z: dict[tuple[int, int], int] = {}
    d: dict[tuple[int, int], int] = {}
    beta: dict[int, int] = {}

    def room(rate: float, free: float) -> float:
        """How far a number can move with t <= bound (0: it does not move)."""
        return 0.0 if rate <= 0 or free <= 0 else min(free, rate * bound)

    for p in range(n):
        for j in range(n_options):
            a = float(box.rate[p, j])
            up = room(a, float(box.up[p, j]))
            if up > 0:  # z <= a t, z <= up * x_j
                (v,) = model.add_variables(1, lb=0.0, ub=up)
                z[p, j] = v
                rows += [([v, t], [1.0, -a], "<=", 0.0), ([v, x[j]], [1.0, -up], "<=", 0.0)]
            down = room(a, float(box.down[p, j]))
            if j in mine and weights[p] > 0 and down > 0:  # d <= a t, d <= down (1 - x_j)
                (v,) = model.add_variables(1, lb=0.0, ub=down)
                d[p, j] = v
                rows += [([v, t], [1.0, -a], "<=", 0.0), ([v, x[j]], [1.0, down], "<=", down)]
        a = float(box.batna_rate[p])
        lower = room(a, float(box.batna_down[p]))
        if lower > 0:
            (v,) = model.add_variables(1, lb=0.0, ub=lower)
            beta[p] = v
            rows.append(([v, t], [1.0, -a], "<=", 0.0))
    # every party the rule needs passes with the raised scores and lowered BATNAs
    threshold = case.batnas + float(case.margin)
    veto = set(case.veto_parties)
    accept: list[int | None] = []  # per party: its binary, or None (always accepts)
    for p, party in enumerate(case.parties):
        idx, coef = program.utility_terms(p)
        raise_ = [z[p, j] for j in range(n_options) if (p, j) in z]
        idx = [*idx, *raise_] + ([beta[p]] if p in beta else [])
        coef = [*coef, *([1.0] * len(raise_))] + ([1.0] if p in beta else [])
        if party.name in veto:
            rows.append((idx, coef, ">=", float(threshold[p])))
            continue
        low, _ = program.utility_bounds(p)
        big_m = float(threshold[p] - low)
        if big_m <= 0:
            accept.append(None)
            continue
        (y,) = model.add_variables(1, binary=True)
        rows.append(([*idx, y], [*coef, -big_m], ">=", float(threshold[p]) - big_m))
        accept.append(y)
    if not case.decision_rule.is_unanimity:
        chosen = [y for y in accept if y is not None]
        need = case.min_parties - len(veto) - sum(y is None for y in accept)
        if need > 0:
            rows.append((chosen, [1.0] * len(chosen), ">=", float(need)))
    # at least as good for the weighted joint gain
    idx, coef = program.combined_terms(weights)
    extra = [(v, weights[p]) for (p, j), v in z.items() if j not in mine] + [
        (v, weights[p]) for (p, _), v in d.items()]
    base = float(weights @ (case.score_matrix[:, sorted(mine)].sum(axis=1)
                            + synergy_bonus(case, choice)))
    rows.append(([*idx, *(v for v, _ in extra)], [*coef, *(c for _, c in extra)], ">=",
                 base - TOLERANCE))
    rows.append(program.no_good(tuple(choice)))
    model.add_rows(rows)
    model.set_objective([t], [-1.0])
    return program


def _rival_changes(case: Case, box: _Box, choice: Sequence[int], rival: Sequence[int],
                   t: float, weights: np.ndarray) -> tuple[Change, ...]:
    """The adversary's numbers at ``t``: the rival's scores up, the package's it leaves
    down, BATNAs down."""
    offs = case.option_offsets
    mine = {offs[k] + c: k for k, c in enumerate(choice)}
    theirs = {offs[k] + c: k for k, c in enumerate(rival)}
    s = case.score_matrix
    out = []
    for p, name in enumerate(case.party_names):
        for j, k in sorted(theirs.items()):
            up = float(box.moved(box.rate[p, j], box.up[p, j], t))
            if box.rate[p, j] > 0 and box.up[p, j] > 0:
                issue = case.issues[k]
                out.append(Change(name, issue.name, issue.options[rival[k]], tidy(s[p, j]),
                                  tidy(s[p, j] + up)))
        for j, k in sorted(mine.items()):
            down = float(box.moved(box.rate[p, j], box.down[p, j], t))
            if j not in theirs and weights[p] > 0 and box.rate[p, j] > 0 and \
                    box.down[p, j] > 0:
                issue = case.issues[k]
                out.append(Change(name, issue.name, issue.options[choice[k]], tidy(s[p, j]),
                                  tidy(s[p, j] - down)))
        down = float(box.moved(box.batna_rate[p], box.batna_down[p], t))
        if box.batna_rate[p] > 0 and box.batna_down[p] > 0:
            b = float(case.batnas[p])
            out.append(Change(name, None, None, tidy(b), tidy(b - down)))
    return tuple(out)


@validated(case=CASE, package=PACKAGE_OR_RESULT, relative=Flag(), box=Choice(BOXES),
           objective=Choice(("joint",)), solver=SOLVER, time_limit=TIME_LIMIT)
def stability_radius(case: Case, package: Any, *, relative: bool = False, box: str = "auto",
                     objective: str = "joint", solver: str = "highs",
                     time_limit: float | None = None) -> StabilityRadius:
    """How far the scores and BATNAs can move before ``package`` stops passing, and before
    another package becomes at least as good (see the module notes).

    Parameters
    ----------
    case : Case
    package : mapping, sequence or SolveResult
    relative : bool, default False
        Measure changes as shares of each number's magnitude instead of points.
    box : {"auto", "uncertainty", "all"}
        Which numbers move, and how far they may (module notes).
    objective : {"joint"}
        The weighted joint gain (the only linear objective).
    solver, time_limit
        For the best radius's program, as in :func:`mutualgains.solve`.

    Returns
    -------
    StabilityRadius
        ``best`` is ``None`` for cases with utility caps (their joint gain is not
        linear in the scores).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> from mutualgains.model.uncertainty import Noise
    >>> case = with_noise(load_example("harbour"), 0.1, shape="interval", batnas=True)
    >>> pkg = ["water and land", "improve", "union only", "3 billion", "150 million"]
    >>> r = stability_radius(case, pkg, relative=True)   # within +-10 % of every number
    >>> r.box, round(r.passes, 4), r.binding, r.best_by
    ('uncertainty', 0.0351, 'Port', 'rival')
    """
    check_limits(time_limit, 0.0)
    case.require_no_contributions("stability_radius")
    started = time.perf_counter()
    choice = package_choice(case, package)
    if box == "auto":
        box = "all" if case.uncertainty is None or case.uncertainty.is_empty else "uncertainty"
    moves = _Box(case, relative, box)
    package_map = case.package_from_indices(choice)
    common: _Common = {"package": package_map, "relative": relative, "box": box,
                       "objective": objective, "case_name": case.name}
    radii = _party_radii(case, moves, choice)
    feasible = not case.violations(package_map)
    passes, binding = _rule_radius(case, radii)
    if not feasible or passes < 0:
        why = "breaks a requires or excludes relation" if not feasible else \
            "does not pass at the case's values"
        return StabilityRadius(status=Status.NO_AGREEMENT, passes=0.0, binding=None,
                               breaks_passing=(), best=0.0, best_by="passing", rival=None,
                               breaks_best=(), seconds=time.perf_counter() - started,
                               message=f"the package {why}", **common)
    breaks = _passing_changes(case, moves, choice, radii, passes)
    name = case.party_names[binding] if binding is not None and math.isfinite(passes) else None
    if np.isfinite(case.caps).any():
        return StabilityRadius(status=Status.OPTIMAL, passes=passes, binding=name,
                               breaks_passing=breaks, best=None, best_by="", rival=None,
                               breaks_best=(), seconds=time.perf_counter() - started,
                               message="best radius not computed: utility caps make the "
                                       "joint gain nonlinear in the scores", **common)
    weights = np.array([float(p.weight) for p in case.parties])
    found = _search_rival(case, moves, choice, weights, passes, solver, time_limit)
    status, rival, solver_name, note = found
    best, best_by, rival_map = passes, "passing", None
    rival_breaks: tuple[Change, ...] = ()
    if rival is not None:
        exact = _rival_radius(case, moves, choice, rival, weights)
        if exact < passes:
            best, best_by = exact, "rival"
            rival_map = case.package_from_indices(rival)
            rival_breaks = _rival_changes(case, moves, choice, rival, exact, weights)
    return StabilityRadius(status=status, passes=passes, binding=name, breaks_passing=breaks,
                           best=best, best_by=best_by, rival=rival_map,
                           breaks_best=rival_breaks, solver=solver_name,
                           seconds=time.perf_counter() - started, message=note, **common)


def _search_rival(case: Case, box: _Box, choice: Sequence[int], weights: np.ndarray,
                  passes: float, solver: str, time_limit: float | None,
                  ) -> tuple[Status, tuple[int, ...] | None, str, str]:
    """The rival of least change, by the program of the module notes."""
    rooms = (box.up, box.down, box.batna_down)
    if math.isfinite(passes):
        bounds = [passes]  # the answer is at most passes
    elif all(np.isfinite(r).all() for r in rooms):
        bounds = [math.inf]  # every room bounded: no big-M needed
    else:  # no bound from passing: raise t's bound until the program is feasible
        scale = max(1.0, float(np.abs(case.score_matrix).max(initial=0.0)),
                    float(np.abs(case.batnas).max(initial=0.0)))
        start = 2.0 if box.relative else 2.0 * scale * (len(case.issues) + 1)
        bounds = [start * 4.0 ** k for k in range(_MAX_DOUBLINGS)]
    name = solver
    for bound in bounds:
        program = _best_program(case, box, choice, weights, bound)
        out = program.solve(solver=solver, time_limit=time_limit)
        name = out.solver
        if out.status in (Status.OPTIMAL, Status.FEASIBLE):
            status = Status.OPTIMAL if out.status == Status.OPTIMAL else Status.FEASIBLE
            note = "" if status == Status.OPTIMAL else \
                "time limit: the best radius is an upper bound (a rival may need less)"
            return status, program.choice(out.solution), name, note
        if out.status != Status.INFEASIBLE:
            return Status.FEASIBLE, None, name, (f"the best radius's program ended "
                                                 f"{out.status.value}: best is an upper bound")
    if math.isfinite(passes):
        return Status.OPTIMAL, None, name, ""
    return Status.OPTIMAL, None, name, "no other package becomes as good within the box"
