"""Equivalent offers (MESOs): packages equally good for one side, as different as possible
for the others.

A negotiator who puts several offers on the table at once, all equally good for
itself, learns from the others' choice among them what they care about
(multiple equivalent simultaneous offers). :func:`equivalent_offers` builds such
a set for one party; :func:`mediator_offers` builds one from the mediator's seat:
packages of about equal joint gain, each party's gain about the same in all.

The problem (exact, one integer program with ``k`` copies of the package program)
----------------------------------------------------------------------------------
For a party ``p`` with tolerance ``tau`` and the parties ``D`` whose reactions are
sought (``among``, default every other party), choose ``k`` distinct packages
``x_1 .. x_k``, each respecting the dependencies and passing the decision rule, to

    maximise    t
    subject to  L <= U_p(x_i) <= L + tau             for every i (one free level L;
                                                      with ``at=a``: a - tau <= U_p(x_i) <= a + tau)
                d(x_i, x_j) >= t                     for every pair i < j

where the difference ``d`` of two packages is

- ``diversity="utilities"``: ``sum over q in D of |U_q(x_i) - U_q(x_j)|``, the L1
  distance between the others' utilities (each absolute value linearised with one
  binary and the tightest big-M, twice the party's utility range);
- ``diversity="issues"``: the number of issues on which the packages differ.

Then, ``t`` kept at its optimum, the sum of ``U_p(x_i)`` is maximised (the offers are
as good for ``p`` as the best diversity allows). ``at="best"`` puts the level at the
party's best utility over passing packages. The mediator's seat replaces ``U_p`` by
the weighted joint gain (the ``joint`` objective of :func:`mutualgains.solve`), adds
``M_q <= gain_q(x_i) <= M_q + band_q`` per party when ``band`` is given, and
measures diversity over every party. Symmetric solutions are cut by ordering the
copies by ``U_p`` (or the joint gain). When fewer than ``k`` packages meet the
conditions, the largest number that does is returned with status ``exhausted``.

How it is solved (``method``): ``enumerate`` lists the passing packages (cases of at
most a million packages, :mod:`mutualgains.engine.enumeration`) and, when at most
2,000 of them meet the fixed bands, finds the best set exactly: a binary search over
the distinct pairwise differences for the largest ``t`` at which ``k`` packages are
pairwise at least ``t`` apart and within every free band of each other (a clique
search), then the clique with the largest focus sum at that ``t``. ``mip`` solves the
program above (exact too, but the big-M rows of the utility differences make it slow
beyond a few hundred packages; a time limit returns the best set found, ``feasible``).
``greedy`` optimises something else, exactly at each step: the first package
maximises ``U_p`` (the joint gain); each next one maximises its smallest difference to
the packages chosen so far (which no-good cuts exclude), then ``U_p``, within the
bands of the packages chosen. ``auto`` (the default) enumerates when the case allows
it (decided by its counts, never the clock) and is greedy otherwise.

Utilities are recomputed from the case; a package counts as within the band when
it is within ``tau`` plus :data:`~mutualgains.tolerance.TOLERANCE` (relative to the
utility scale). Remaining ties are broken by the solver, deterministically for a
given solver and version.

Examples
--------
>>> from mutualgains import equivalent_offers
>>> from mutualgains.io.examples import load_example
>>> case = load_example("harbour")
>>> offers = equivalent_offers(case, "Port", 3)
>>> offers.status.value, len(offers), len({s["Port"] for s in offers.scores})
('optimal', 3, 1)
>>> all(case.passes(p) for p in offers.packages)
True
"""

from __future__ import annotations

import html
import itertools
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mutualgains.analysis.dispersion import (
    MAX_CANDIDATES,
    Band,
    Clock,
    DispersionProblem,
    by_enumeration,
    by_mip,
    greedy,
    joint_gains,
    utility_ranges,
)
from mutualgains.engine.enumeration import MAX_PACKAGES, passing_packages
from mutualgains.engine.mip import check_solver
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.params import (
    AnyOf,
    Choice,
    Instance,
    Integer,
    Maybe,
    Names,
    Real,
    Text,
    validated,
)
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import readonly, tidy

__all__ = ["DIVERSITY", "Offers", "equivalent_offers", "mediator_offers"]

DIVERSITY: tuple[str, ...] = ("utilities", "issues")
"""How two offers differ: in the parties' utilities (L1) or in the issues chosen."""

METHODS = ("auto", "enumerate", "mip", "greedy")


# ------------------------------------------------------------------ result


@dataclass(frozen=True)
class Offers:
    """The result of :func:`equivalent_offers` or :func:`mediator_offers`.

    Attributes
    ----------
    status : Status
        ``optimal`` (k offers, the diversity proven best), ``feasible`` (a time
        limit or gap: ``gap`` says how far), ``exhausted`` (fewer than ``k``
        packages meet the conditions; as many as exist, best diversity),
        ``no_agreement`` (none) or ``time_limit``.
    party : str or None
        The party whose offers these are; ``None`` from the mediator's seat.
    packages : tuple of mapping
        The offers, ``issue -> option``, best for ``party`` (or jointly) first.
    scores, gains : tuple of mapping
        Every party's utility and gain under each offer.
    focus : tuple of float
        What is held equal: the party's utility (or the weighted joint gain) per offer.
    diversity : float or None
        The smallest pairwise difference among the offers (``None`` for fewer than two).
    distances : tuple of tuple of float
        The pairwise differences (a symmetric matrix, zero on the diagonal).
    measure : str
        ``utilities`` or ``issues`` (see the module notes).
    among : tuple of str
        The parties whose utilities the ``utilities`` measure compares.
    method : str
        ``enumerate``, ``mip`` or ``greedy`` (see the module notes).

    Examples
    --------
    >>> from mutualgains import equivalent_offers
    >>> from mutualgains.io.examples import load_example
    >>> equivalent_offers(load_example("harbour"), "Port", 2, diversity="issues")
    <Offers 2 of 2 for Port (optimal, enumerate): Port at 71, issues differ by at least 5>
    """

    status: Status
    party: str | None
    packages: tuple[Mapping[str, str], ...]
    scores: tuple[Mapping[str, float], ...]
    gains: tuple[Mapping[str, float], ...]
    focus: tuple[float, ...]
    diversity: float | None
    distances: tuple[tuple[float, ...], ...]
    measure: str
    among: tuple[str, ...]
    k: int
    tolerance: float
    method: str
    solver: str
    seconds: float
    gap: float | None = None
    message: str = ""
    case_name: str = ""
    issue_names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("packages", "scores", "gains"):
            object.__setattr__(self, name, tuple(readonly(m) for m in getattr(self, name)))

    def __len__(self) -> int:
        return len(self.packages)

    def __iter__(self) -> Iterator[Mapping[str, str]]:
        return iter(self.packages)

    @property
    def focus_label(self) -> str:
        """``utility <party>`` or ``joint gain``: the column that is held equal.

        Examples
        --------
        >>> from mutualgains import mediator_offers
        >>> from mutualgains.io.examples import load_example
        >>> mediator_offers(load_example("harbour"), 2).focus_label
        'joint gain'
        """
        return "joint gain" if self.party is None else f"utility {self.party}"

    def to_frame(self) -> pd.DataFrame:
        """One row per offer: ``offer``, the focus value, ``gain <party>`` for every party,
        then the options (one column per issue).

        Examples
        --------
        >>> from mutualgains import equivalent_offers
        >>> from mutualgains.io.examples import load_example
        >>> frame = equivalent_offers(load_example("harbour"), "Port", 2).to_frame()
        >>> list(frame.columns[:3])
        ['offer', 'utility Port', 'gain Port']
        """
        names = list(self.gains[0]) if self.gains else []
        rows = []
        for k, (package, gains) in enumerate(zip(self.packages, self.gains, strict=True)):
            rows.append({"offer": k + 1, self.focus_label: self.focus[k],
                         **{f"gain {p}": gains[p] for p in names}, **package})
        columns = ["offer", self.focus_label, *(f"gain {p}" for p in names),
                   *self.issue_names]
        return pd.DataFrame(rows, columns=columns)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: status, the offers (package, scores, gains), the diversity.

        Examples
        --------
        >>> from mutualgains import equivalent_offers
        >>> from mutualgains.io.examples import load_example
        >>> data = equivalent_offers(load_example("harbour"), "Port", 2).to_dict()
        >>> data["status"], len(data["offers"]), sorted(data["offers"][0])
        ('optimal', 2, ['focus', 'gains', 'package', 'scores'])
        """
        return {
            "status": self.status.value,
            "party": self.party,
            "k": self.k,
            "tolerance": self.tolerance,
            "measure": self.measure,
            "among": list(self.among),
            "focus": self.focus_label,
            "diversity": self.diversity,
            "distances": [list(row) for row in self.distances],
            "offers": [{"package": dict(p), "scores": dict(s), "gains": dict(g), "focus": f}
                       for p, s, g, f in zip(self.packages, self.scores, self.gains, self.focus,
                                             strict=True)],
            "method": self.method,
            "solver": self.solver,
            "seconds": self.seconds,
            "gap": self.gap,
            "message": self.message,
        }

    def __repr__(self) -> str:
        who = "the mediator" if self.party is None else self.party
        head = f"<Offers {len(self)} of {self.k} for {who} ({self.status.value}, {self.method})"
        if not self.packages:
            return head + ">"
        low, high = min(self.focus), max(self.focus)
        level = f"{low:.6g}" if high - low <= TOLERANCE else f"{low:.6g}..{high:.6g}"
        what = "joint gain" if self.party is None else self.party
        text = f"{head}: {what} at {level}"
        if self.diversity is not None:
            text += f", {self.measure} differ by at least {self.diversity:.6g}"
        return text + ">"

    def _repr_html_(self) -> str:
        note = f"<p><i>{html.escape(self.message)}</i></p>" if self.message else ""
        return (f"<div><p><b>{html.escape(repr(self)[1:-1])}</b></p>{note}"
                f"{self.to_frame().to_html(index=False)}</div>")


# ------------------------------------------------------------------ entry points


_COMMON = {
    "case": Instance(Case),
    "k": Integer(low=1),
    "tolerance": Real(low=0),
    "at": Maybe(AnyOf((Real(), Choice(("best",))))),
    "diversity": Choice(DIVERSITY),
    "method": Choice(METHODS),
    "solver": Text(),
    "time_limit": Maybe(Real(low=0, strict=True)),
    "gap": Real(low=0),
}


@validated(party=Text(), among=Maybe(Names(min_length=1)), **_COMMON)
def equivalent_offers(
    case: Case,
    party: str,
    k: int = 3,
    *,
    tolerance: float = 0.0,
    at: float | str | None = None,
    among: Sequence[str] | None = None,
    diversity: str = "utilities",
    method: str = "auto",
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 0.0,
) -> Offers:
    """``k`` packages equally good for ``party``, as different as possible for the others.

    Parameters
    ----------
    case : Case
    party : str
        The party making the offers.
    k : int, default 3
        How many offers.
    tolerance : float, default 0
        How far apart the party's utilities of the offers may be (its units).
    at : float or "best", optional
        Hold the party's utility within ``tolerance`` of this level (``best``: its
        best utility over passing packages); by default any common level.
    among : sequence of str, optional
        The parties whose utilities should differ (default: every other party).
    diversity : {"utilities", "issues"}, default "utilities"
        How two offers differ (see the module notes).
    method : {"auto", "enumerate", "mip", "greedy"}, default "auto"
        See the module notes: ``enumerate`` and ``mip`` are exact, ``greedy``
        exact step by step; ``auto`` enumerates when the case is small enough.
    solver, time_limit, gap
        As in :func:`mutualgains.solve`; ``time_limit`` is for the whole call.

    Returns
    -------
    Offers

    Raises
    ------
    UsageError
        Unknown party, bad arguments, or a case whose option costs are paid by
        parties with a budget.

    Examples
    --------
    >>> from mutualgains import equivalent_offers
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> offers = equivalent_offers(case, "City", 3, tolerance=2, at="best")
    >>> [s["City"] for s in offers.scores], offers.diversity
    ([62, 60, 60], 26)
    """
    names = list(case.party_names)
    if party not in names:
        raise UsageError(f"party: unknown party {party!r} (parties: {', '.join(names)})")
    p = names.index(party)
    others = [q for q in names if q != party] if among is None else list(among)
    unknown = [q for q in others if q not in names]
    if unknown:
        raise UsageError(f"among: unknown party {unknown[0]!r} (parties: {', '.join(names)})")
    if not others and diversity == "utilities":
        raise UsageError("among: no other party to compare utilities over; use "
                         "diversity='issues'")
    case.require_no_contributions("equivalent_offers")
    ranges = utility_ranges(case)
    scale = float(np.abs(ranges[p]).max())
    level = None
    if at == "best":
        level = _best_level(case, lambda program: program.utility_terms(p), solver)
        if level is None:
            return _nothing(case, p, k, tolerance, diversity, others, "no package passes the "
                            "decision rule")
    elif at is not None:
        level = float(at)
    band = Band(lambda program: program.utility_terms(p), lambda u: u[:, p], 0.0,
                float(tolerance), level, scale)
    among_index = tuple(names.index(q) for q in dict.fromkeys(others))
    problem = DispersionProblem(case, p, (band,), among_index, diversity,
                                {"solver": solver, "gap": gap})
    return _run(problem, k, method, time_limit)


@validated(band=Maybe(AnyOf((Real(low=0), Instance(Mapping, label="a mapping party -> width")))),
           **_COMMON)
def mediator_offers(
    case: Case,
    k: int = 3,
    *,
    tolerance: float = 0.0,
    band: float | Mapping[str, float] | None = None,
    at: float | str | None = None,
    diversity: str = "issues",
    method: str = "auto",
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 0.0,
) -> Offers:
    """``k`` packages of about equal joint gain, each party's gain within a band, as different
    as possible.

    Parameters
    ----------
    case : Case
    k : int, default 3
    tolerance : float, default 0
        How far apart the offers' weighted joint gains may be.
    band : float or mapping party -> float, optional
        How far apart each party's gains across the offers may be (one width for
        all, or per party; parties left out are free). Default: no band.
    at : float or "best", optional
        Hold the joint gain within ``tolerance`` of this level (``best``: the best
        joint gain, as :func:`mutualgains.solve` finds it).
    diversity : {"issues", "utilities"}, default "issues"
        How two offers differ; ``utilities`` compares every party's utility.
    method, solver, time_limit, gap
        As in :func:`equivalent_offers`.

    Returns
    -------
    Offers
        With ``party`` None; ``focus`` holds the joint gains.

    Examples
    --------
    >>> from mutualgains import mediator_offers
    >>> from mutualgains.io.examples import load_example
    >>> offers = mediator_offers(load_example("harbour"), 3, tolerance=20, at="best")
    >>> offers.focus, offers.diversity
    ((105, 98, 94), 3)
    """
    names = list(case.party_names)
    widths: dict[int, float] = {}
    if isinstance(band, Mapping):
        for q, w in band.items():
            if q not in names:
                raise UsageError(f"band: unknown party {q!r} (parties: {', '.join(names)})")
            if not Real(low=0).accepts(w):
                raise UsageError(f"band: the width of {q!r} must be a number of at least 0 "
                                 f"(got {w!r})")
            widths[names.index(q)] = float(w)
    elif band is not None:
        widths = dict.fromkeys(range(len(names)), float(band))
    case.require_no_contributions("mediator_offers")
    ranges = utility_ranges(case)
    weights = np.array([float(p.weight) for p in case.parties])
    constant = -float(weights @ case.batnas)

    def joint_terms(program: PackageProgram) -> tuple[list[int], list[float]]:
        return program.combined_terms(weights)

    level = None
    if at == "best":
        best = _best_level(case, joint_terms, solver)
        if best is None:
            return _nothing(case, None, k, tolerance, diversity, names,
                            "no package passes the decision rule")
        level = best + constant
    elif at is not None:
        level = float(at)
    scale = float(np.abs(weights @ np.abs(ranges).max(axis=1))) + abs(constant)
    bands = [Band(joint_terms, lambda u: joint_gains(case, u), constant, float(tolerance), level,
                   scale)]
    for party, width in sorted(widths.items()):
        bands.append(Band(_party_terms(party), _party_column(party), 0.0, width, None,
                          float(np.abs(ranges[party]).max())))
    problem = DispersionProblem(case, None, tuple(bands), tuple(range(len(names))), diversity,
                       {"solver": solver, "gap": gap})
    return _run(problem, k, method, time_limit)


def _party_terms(q: int) -> Callable[[PackageProgram], tuple[list[int], list[float]]]:
    """The band function of party ``q``: its utility terms in a program."""
    return lambda program: program.utility_terms(q)


def _party_column(q: int) -> Callable[[np.ndarray], np.ndarray]:
    """Party ``q``'s utilities in rows of utility vectors."""
    return lambda u: u[:, q]


def _best_level(case: Case, terms: Callable[[PackageProgram], tuple[list[int], list[float]]],
                solver: str) -> float | None:
    """The largest value of ``terms`` over passing packages (exact), or None."""
    program = PackageProgram(case)
    program.model.set_objective(*terms(program))
    out = program.solve(solver=solver)
    if out.status != Status.OPTIMAL or out.objective is None:
        return None
    return float(out.objective)


def _any_passes(case: Case, solver: str) -> bool:
    program = PackageProgram(case)
    program.model.set_objective([], [])
    return program.solve(solver=solver).status == Status.OPTIMAL


def _nothing(case: Case, party: int | None, k: int, tolerance: float, measure: str,
             among: Sequence[str], message: str) -> Offers:
    return Offers(status=Status.NO_AGREEMENT, party=None if party is None
                  else case.party_names[party], packages=(), scores=(), gains=(), focus=(),
                  diversity=None, distances=(), measure=measure, among=tuple(among), k=k,
                  tolerance=tolerance, method="mip", solver="", seconds=0.0, message=message,
                  case_name=case.name, issue_names=case.issue_names)


# ------------------------------------------------------------------ solving


def _run(problem: DispersionProblem, k: int, method: str, time_limit: float | None) -> Offers:
    check_solver(problem.options["solver"])
    case = problem.case
    clock = Clock(time_limit)
    if method in ("auto", "enumerate"):
        table = passing_packages(case)
        found = None if table is None else by_enumeration(problem, k, table)
        if found is not None:
            choices, status = found
            return _result(problem, k, "enumerate", choices, status, 0.0, "enumeration", clock)
        if method == "enumerate":
            raise UsageError(f"method: 'enumerate' needs at most {MAX_PACKAGES:,} packages and "
                             f"{MAX_CANDIDATES:,} packages that pass within the band; use "
                             "'mip' or 'greedy'")
        method = "greedy"
    if method == "mip":
        choices, status, gap, solver = by_mip(problem, k, clock)
    else:
        choices, status, gap, solver = greedy(problem, k, clock)
    if status is Status.NO_AGREEMENT and _any_passes(case, problem.options["solver"]):
        status = Status.EXHAUSTED  # packages pass, but none within the bands
    return _result(problem, k, method, choices, status, gap, solver, clock)


def _result(problem: DispersionProblem, k: int, method: str,
            choices: Sequence[tuple[int, ...]], status: Status, gap: float | None,
            solver: str, clock: Clock) -> Offers:
    case = problem.case
    names = case.party_names
    choices = [tuple(int(c) for c in choice) for choice in choices]
    if choices:
        order = np.argsort(-problem.focus_values(np.array(choices)), kind="stable")
        choices = [choices[i] for i in order]
    u = case.utility_rows(np.array(choices)) if choices else np.zeros((0, len(names)))
    focus = problem.focus_values(np.array(choices)) if choices else np.zeros(0)
    distances = tuple(tuple(tidy(problem.distance(a, b)) for b in choices) for a in choices)
    pairs = [distances[i][j] for i, j in itertools.combinations(range(len(choices)), 2)]
    message = ""
    if status is Status.EXHAUSTED:
        message = (f"only {len(choices)} package(s) meet the conditions" if choices
                   else "no package meets the conditions")
    elif status is Status.NO_AGREEMENT:
        message = "no package passes the decision rule"
    elif status is Status.FEASIBLE:
        message = "time limit or gap: the diversity is not proven best"
    return Offers(
        status=status, party=None if problem.party is None else names[problem.party],
        packages=tuple(case.package_from_indices(c) for c in choices),
        scores=tuple({p: tidy(u[i, q]) for q, p in enumerate(names)} for i in range(len(u))),
        gains=tuple({p: tidy(u[i, q] - case.batnas[q]) for q, p in enumerate(names)}
                    for i in range(len(u))),
        focus=tuple(tidy(v) for v in focus),
        diversity=min(pairs) if pairs else None, distances=distances,
        measure=problem.measure, among=tuple(names[q] for q in problem.among), k=k,
        tolerance=problem.bands[0].width, method=method, solver=solver,
        seconds=time.perf_counter() - clock.started,
        gap=None if gap is None or not math.isfinite(gap) else float(gap), message=message,
        case_name=case.name, issue_names=case.issue_names)
