"""The exact Pareto frontier of the packages that pass the decision rule.

A utility vector is on the frontier when no passing package gives every
frontier party at least as much and one of them more. The frontier is
computed exactly, with one package per point: of the packages that reach a
point, the one with the lexicographically smallest option positions (when
``ties`` are checked; the same rule as :func:`mutualgains.solve`).

Paths (:mod:`mutualgains.engine.paths`, chosen from the case, never the clock):

- ``dp`` and ``enumerate`` compute the non-dominated set over the frontier
  parties directly (the other parties only have to accept as the decision rule
  says); the frontier is read off it, and whether another package reaches a
  point comes with it, at no extra cost.
- ``mip`` searches by integer programs. Two parties: the epsilon-constraint
  method, sweeping the second party's utility upwards, one integer program
  per point (on the data's exact grid a weighted objective makes the first
  party's utility decide and the second's break ties; otherwise two stages). A
  point whose program did not finish is left out and the status says
  ``time_limit``: a point is reported only when proven non-dominated. Three or
  more: a search-region method (Klamroth, Lacour & Vanderpooten, 2015): the
  region not dominated by the points found so far is a union of boxes
  ``{u > l}``; each solve maximises the sum of utilities in one box and either
  finds a new non-dominated point or proves the box empty. Boxes are updated
  in numpy, and a new box is compared only with the boxes it can be contained
  in. With ``ties``, one more program per point checks whether another
  package reaches it, and a tied point's package is the smallest one.

"Strictly more" needs a step: on data whose scores lie on a rational grid
(integers, decimals, fractions with denominators up to 10**6) the step is the
grid's, and the frontier is exact; otherwise it is ``TOLERANCE`` times the
party's utility range (at least ``10 * TOLERANCE``), and points closer than
that in a party's utility count as one (see :func:`utility_step`); on the sets,
which involve no solver, that off-grid step is 10**4 times smaller, so only
rounding merges points. When the solver returns a package that misses a bound
by less than its own feasibility tolerance, that package is cut off and the
solve repeated.

Examples
--------
>>> from mutualgains import pareto_frontier
>>> from mutualgains.io.examples import load_example
>>> frontier = pareto_frontier(load_example("harbour"), parties=["Port", "City"])
>>> len(frontier), frontier.status
(6, 'complete')
>>> frontier.to_frame()[["score Port", "score City"]].head(2)
   score Port  score City
0          87          48
1          81          50
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.analysis.frontiersearch import Search, many_parties, two_parties
from mutualgains.engine.grid import party_step
from mutualgains.engine.mip import check_solver
from mutualgains.engine.nondominated import ParetoSet, non_dominated
from mutualgains.engine.paths import exact_set
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.params import (
    GAP,
    METHOD,
    PROGRESS,
    SOLVER,
    TIME_LIMIT,
    Flag,
    Integer,
    Maybe,
    Names,
    validated,
)
from mutualgains.progress import ProgressArg, track

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Frontier", "FrontierPoint", "pareto_frontier", "utility_step"]

_SET_STEP = 1e-4  # off-grid step on the sets, relative to the solvers' one


@dataclass(frozen=True)
class FrontierPoint:
    """One non-dominated utility vector and a package that attains it.

    Attributes
    ----------
    scores, gains : mapping
        Every party's utility and gain (frontier parties and the others).
    package : mapping
        ``issue -> option``.
    tied : bool or None
        Whether another package gives the frontier parties the same utilities
        (``None`` when not checked).

    Examples
    --------
    >>> from mutualgains import pareto_frontier
    >>> from mutualgains.io.examples import load_example
    >>> point = pareto_frontier(load_example("harbour"), parties=["Port", "City"]).points[0]
    >>> point.scores["Port"], point.tied
    (87, False)
    """

    scores: Mapping[str, float]
    gains: Mapping[str, float]
    package: Mapping[str, str]
    tied: bool | None = None

    def __post_init__(self) -> None:
        for name in ("scores", "gains", "package"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))


@dataclass(frozen=True)
class Frontier:
    """The result of :func:`pareto_frontier`.

    Attributes
    ----------
    parties : tuple of str
        The parties whose utilities span the frontier.
    points : tuple of FrontierPoint
        Sorted by the first party's utility, highest first.
    status : str
        ``complete`` (every point found and proven), ``limit`` (stopped at
        ``max_points``), ``time_limit`` or ``no_agreement`` (no package passes).
    steps : mapping
        The utility step used per frontier party (see the module notes).
    solver : str
        The solver of the integer programs (the path's name when none ran).
    solves : int
        Integer programs solved.
    method : str
        The exact path: ``dp``, ``enumerate`` or ``mip``.
    path : mapping
        Why that path: ``method``, ``reason`` and the counts behind the choice.

    Examples
    --------
    >>> from mutualgains import pareto_frontier
    >>> from mutualgains.io.examples import load_example
    >>> pareto_frontier(load_example("harbour"), parties=["Port", "City"])
    <Frontier 6 points over Port, City: complete, enumerate, 0 solves, ...>
    """

    parties: tuple[str, ...]
    points: tuple[FrontierPoint, ...]
    status: str
    steps: Mapping[str, float]
    solver: str
    seconds: float
    solves: int
    message: str = ""
    case_name: str = ""
    issue_names: tuple[str, ...] = field(default=())
    method: str = "mip"
    path: Mapping[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether every frontier point was found (and proven)."""
        return self.status == "complete"

    def __len__(self) -> int:
        return len(self.points)

    def __iter__(self) -> Iterator[FrontierPoint]:
        return iter(self.points)

    def utilities(self) -> np.ndarray:
        """The points as an array ``(n_points, n_frontier_parties)``.

        Examples
        --------
        >>> from mutualgains import pareto_frontier
        >>> from mutualgains.io.examples import load_example
        >>> pareto_frontier(load_example("harbour"), parties=["Port", "City"]).utilities()[0]
        array([87., 48.])
        """
        return np.array([[p.scores[q] for q in self.parties] for p in self.points], dtype=float)

    def to_frame(self) -> pd.DataFrame:
        """One row per point: ``score <party>`` and ``gain <party>`` for every party,
        then the package (one column per issue) and ``tied``.

        Examples
        --------
        >>> from mutualgains import pareto_frontier
        >>> from mutualgains.io.examples import load_example
        >>> frame = pareto_frontier(load_example("harbour"), parties=["Port", "City"]).to_frame()
        >>> list(frame.columns[:4])
        ['score Port', 'score City', 'score Environmental League', 'score Union']
        """
        import pandas as pd

        rows = []
        names = list(self.points[0].scores) if self.points else list(self.parties)
        for point in self.points:
            row: dict[str, Any] = {}
            row.update({f"score {p}": point.scores[p] for p in names})
            row.update({f"gain {p}": point.gains[p] for p in names})
            row.update(point.package)
            row["tied"] = point.tied
            rows.append(row)
        columns = ([f"score {p}" for p in names] + [f"gain {p}" for p in names]
                   + list(self.issue_names) + ["tied"])
        return pd.DataFrame(rows, columns=columns)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: status, parties, points (scores, gains, package, tied).

        Examples
        --------
        >>> from mutualgains import pareto_frontier
        >>> from mutualgains.io.examples import load_example
        >>> data = pareto_frontier(load_example("harbour"), parties=["Port", "City"]).to_dict()
        >>> data["status"], len(data["points"]), sorted(data["points"][0])
        ('complete', 6, ['gains', 'package', 'scores', 'tied'])
        """
        return {
            "status": self.status,
            "parties": list(self.parties),
            "points": [{"scores": dict(p.scores), "gains": dict(p.gains),
                        "package": dict(p.package), "tied": p.tied} for p in self.points],
            "steps": dict(self.steps),
            "solver": self.solver,
            "method": self.method,
            "path": {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in self.path.items()},
            "solves": self.solves,
            "seconds": self.seconds,
            "message": self.message,
        }

    def __repr__(self) -> str:
        return (f"<Frontier {len(self.points)} points over {', '.join(self.parties)}: "
                f"{self.status}, {self.method}, {self.solves} solves, {self.seconds:.2f} s>")

    def _repr_html_(self) -> str:
        from mutualgains.display import block_html, html_table

        rows = [[*(p.scores[q] for q in self.parties), p.tied] for p in self.points]
        return block_html(repr(self)[1:-1], html_table([*self.parties, "tied"], rows))


# ------------------------------------------------------------------ the step


def utility_step(case: Case, party: str) -> tuple[float, bool]:
    """The smallest difference between two different utilities of ``party``.

    Returns ``(step, exact)``: when every score, bonus and cap of the party is
    a multiple of a common rational grid (integers, decimals, or fractions such
    as GENIUS' ``utility / maxutility``; denominators up to 10**6) the step is
    that grid and ``exact`` is True; otherwise ``TOLERANCE`` times the party's
    utility range, and at least ``10 * TOLERANCE``. See
    :func:`mutualgains.engine.grid.party_step`.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> utility_step(load_example("harbour"), "Port")
    (1.0, True)
    """
    return party_step(case, case.party_names.index(party))


# ------------------------------------------------------------------ the entry point


@validated(case=CASE, parties=Maybe(Names(min_length=2)), ties=Flag(), max_points=Integer(low=1),
           progress=PROGRESS, solver=SOLVER, time_limit=TIME_LIMIT, gap=GAP,
           msg=Flag(), method=METHOD)
def pareto_frontier(
    case: Case,
    parties: Sequence[str] | None = None,
    *,
    ties: bool = True,
    max_points: int = 10_000,
    progress: ProgressArg = False,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 0.0,
    msg: bool = False,
    method: str = "auto",
) -> Frontier:
    """Every non-dominated utility vector over the packages that pass, with a package each.

    Parameters
    ----------
    case : Case
    parties : sequence of str, optional
        The parties whose utilities span the frontier (default: all). The
        others still have to accept as the decision rule requires.
    ties : bool, default True
        Say, for every point, whether another package attains it (free on the
        sets; one more integer program per point on ``mip``), and take a tied
        point's lexicographically smallest package.
    max_points : int, default 10_000
        Stop after this many points (status ``limit``).
    progress : bool or callable, default False
        ``True`` shows a bar on stderr; a callable is called as
        ``progress(points found, None)`` after every solve (the number of points
        is not known in advance). See :mod:`mutualgains.progress`.
    solver, time_limit, gap, msg
        As in :func:`mutualgains.solve`; ``time_limit`` is for the integer
        programs of the whole call.
    method : {"auto", "dp", "enumerate", "mip"}, default "auto"
        The exact path (see the module notes).

    Returns
    -------
    Frontier

    Raises
    ------
    UsageError
        Unknown or repeated party, fewer than two parties, bad limits, a
        forced path that cannot answer.

    Examples
    --------
    >>> from mutualgains import pareto_frontier
    >>> from mutualgains.io.examples import load_example
    >>> frontier = pareto_frontier(load_example("harbour"))
    >>> frontier.status, len(frontier) > 5
    ('complete', True)
    """
    case.require_no_contributions("pareto_frontier")
    if isinstance(parties, str):
        raise UsageError(f"parties: must be a list of party names, got the string {parties!r}")
    names = list(case.party_names if parties is None else parties)
    unknown = [p for p in names if p not in case.party_names]
    if unknown:
        raise UsageError(f"parties: unknown party {unknown[0]!r} "
                         f"(parties: {', '.join(case.party_names)})")
    if len(set(names)) != len(names) or len(names) < 2:
        raise UsageError(f"parties: need at least two different parties, got {names}")
    check_solver(solver)
    started = time.perf_counter()
    index = [case.party_names.index(p) for p in names]
    steps = {p: utility_step(case, case.party_names[p]) for p in index}
    found, path = exact_set(case, tuple(index), method=method)
    if found is not None:
        # no solver tolerance to stay clear of: off the grid, only rounding merges points
        steps = {p: step if step[1] else (step[0] * _SET_STEP, False)
                 for p, step in steps.items()}
        rows, tied, status = _set_points(found, index, steps, max_points)
        choices = [tuple(c) for c in found.choices[rows].tolist()]
        utilities = found.utilities[rows]
        flags = [bool(t) if ties else None for t in tied]
        solver_name, solves = path.method, 0
        with track(progress, "frontier", unit="point") as tracker:
            tracker.update(len(choices))  # the whole set at once: no solver runs
    else:
        search = Search(case, index, time_limit=time_limit, started=started, solver=solver,
                        gap=gap, msg=msg)
        with track(progress, "frontier", unit="point") as tracker:
            def report(points: int, boxes: int | None) -> None:
                tracker.update(points)

            if len(index) == 2:
                choices, status = two_parties(search, index, steps, max_points, report)
            else:
                choices, status = many_parties(search, index, steps, max_points, report)
        search.uncut()
        flags = []
        for k, choice in enumerate(choices):
            flag = None
            if ties and not search.out_of_time():
                flag, smallest = search.tied(choice, search.utilities(choice))
                if smallest is not None:
                    choices[k] = smallest
            flags.append(flag)
        solver_name, solves = search.solver_name, search.solves
        utilities = np.array([case.utility_vector(c) for c in choices]).reshape(
            len(choices), len(case.parties))
    if status == "complete" and not choices:
        status = "no_agreement"
    points = []
    everyone = case.party_names
    scores, gains = _plain(utilities), _plain(utilities - case.batnas)
    # best first over the frontier's parties, in that order (stable: ties keep their order)
    order = (np.lexsort([-utilities[:, p] for p in reversed(index)]) if len(choices)
             else np.zeros(0, dtype=np.int64))
    for k in order:
        points.append(FrontierPoint(scores=dict(zip(everyone, scores[k], strict=True)),
                                    gains=dict(zip(everyone, gains[k], strict=True)),
                                    package=case.package_from_indices(choices[k]),
                                    tied=flags[k]))
    messages = {
        "limit": f"stopped after max_points={max_points} points",
        "time_limit": "time limit reached: the points found are non-dominated, more may exist",
        "no_agreement": "no package passes the decision rule",
    }
    if ties and any(p.tied is None for p in points):
        messages["complete"] = "time limit: ties not checked for every point"
    return Frontier(
        parties=tuple(names), points=tuple(points), status=status,
        steps=MappingProxyType({case.party_names[p]: s for p, (s, _) in steps.items()}),
        solver=solver_name, seconds=time.perf_counter() - started, solves=solves,
        message=messages.get(status, ""), case_name=case.name, issue_names=case.issue_names,
        method=path.method, path=MappingProxyType(path.to_dict()))


def _plain(values: np.ndarray) -> list[list[float | int]]:
    """Rows of plain Python numbers, integral values as ``int`` (as :func:`tidy` does)."""
    integral = (values == np.round(values)) & (np.abs(values) < 2**53)
    return [[int(v) if i else v for v, i in zip(row, flags, strict=True)]
            for row, flags in zip(values.tolist(), integral.tolist(), strict=True)]


def _set_points(found: ParetoSet, index: list[int], steps: dict,
                max_points: int) -> tuple[np.ndarray, np.ndarray, str]:
    """The frontier read off a set over the frontier parties: its rows, merged within
    half a step off the grid (on a grid they differ by 0 or at least a step)."""
    u = found.utilities[:, index]
    slack = np.array([steps[p][0] / 2 if not steps[p][1] else 0.0 for p in index])
    rows = np.arange(len(u))
    tied = found.tied.copy()
    if slack.any() and len(u):
        kept = non_dominated(u, slack)
        merged = np.zeros(len(u), dtype=bool)
        for start in range(0, len(kept), 256):  # a kept point that absorbed another is tied
            v = u[kept[start:start + 256], None, :]
            near = (np.abs(u[None] - v) <= slack).all(axis=2).sum(axis=1) > 1
            merged[kept[start:start + 256]] = near
        beaten = np.zeros(len(kept), dtype=bool)
        points = u[kept]
        for start in range(0, len(kept), 256):  # strictly beaten by a kept point (chains)
            v = points[start:start + 256, None, :]
            beaten[start:start + 256] = ((points[None] >= v - slack).all(axis=2)
                                         & (points[None] > v + slack).any(axis=2)).any(axis=1)
        rows = kept[~beaten]
        tied = tied | merged
    status = "complete"
    if len(rows) > max_points:
        rows, status = rows[:max_points], "limit"
    return rows, tied[rows], status
