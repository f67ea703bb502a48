"""Make a proposal better: post-settlement improvement and amendments.

Step 5 of the method. :func:`improve` finds a package in which no party is
worse off than under a proposal and a bargaining rule is maximised, and says
how much value the proposal left on the table (or proves that it is already
Pareto-optimal). :func:`amend` looks at one unhappy party: the best package
for it that keeps every other party acceptable, and the smallest change to the
proposal that makes it acceptable to that party. :func:`check_amendment`
compares a proposal and an amended one party by party.

Examples
--------
>>> from mutualgains import improve
>>> from mutualgains.io.examples import load_example
>>> case = load_example("harbour")
>>> proposal = {"infrastructure": "water", "ecology": "maintain", "employment": "2:1 quota",
...             "loan": "2 billion", "compensation": "300 million"}
>>> better = improve(case, proposal)
>>> better.pareto_optimal, sum(better.left_on_table.values())
(False, 45)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mutualgains.analysis.solve import solve_with
from mutualgains.engine.mip import SolveOptions
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE, PACKAGE
from mutualgains.params import GAP, SOLVER, TIME_LIMIT, Choice, Flag, Text, validated
from mutualgains.results import SolveResult
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import readonly, tidy

__all__ = ["Amendment", "Improvement", "amend", "check_amendment", "improve"]

RULES = ("joint", "egalitarian", "nash")






def _floor(value: float) -> float:
    return value - TOLERANCE * max(1.0, abs(value))


# ------------------------------------------------------------------ improve


@dataclass(frozen=True)
class Improvement:
    """The result of :func:`improve`.

    Attributes
    ----------
    original : mapping
        The proposal, ``issue -> option``.
    original_scores : mapping
        Each party's utility under the proposal.
    result : SolveResult
        The improved package (``package``, ``scores``, ``gains``...).
    left_on_table : mapping
        Per party: utility under the improved package minus under the proposal
        (never negative).
    pareto_optimal : bool or None
        Whether the proposal is Pareto-optimal among all feasible packages;
        proven by maximising the total utility with nobody worse off (``None``
        when that solve did not finish).

    Examples
    --------
    >>> from mutualgains import improve
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> improve(case, case.package_from_indices([0, 1, 1, 1, 2]))
    <Improvement by joint: proposal improvable, 45 left on the table>
    """

    original: Mapping[str, str]
    original_scores: Mapping[str, float]
    result: SolveResult
    left_on_table: Mapping[str, float]
    pareto_optimal: bool | None
    rule: str
    message: str = ""

    def __post_init__(self) -> None:
        for name in ("original", "original_scores", "left_on_table"):
            object.__setattr__(self, name, readonly(getattr(self, name)))

    def to_frame(self) -> pd.DataFrame:
        """One row per party: score before and after, the gain over the proposal.

        Examples
        --------
        >>> from mutualgains import improve
        >>> from mutualgains.io.examples import load_example
        >>> case = load_example("harbour")
        >>> improve(case, case.package_from_indices([0, 1, 1, 1, 2])).to_frame().columns.tolist()
        ['party', 'before', 'after', 'left_on_table', 'accepted_after']
        """
        rows = [[p, self.original_scores[p], self.result.scores.get(p),
                 self.left_on_table.get(p), self.result.accepted.get(p)]
                for p in self.original_scores]
        return pd.DataFrame(rows, columns=["party", "before", "after", "left_on_table",
                                           "accepted_after"])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the proposal, the improved package, the value left.

        Examples
        --------
        >>> from mutualgains import improve, solve
        >>> from mutualgains.io.examples import load_example
        >>> case = load_example("harbour")
        >>> improve(case, solve(case).package).to_dict()["pareto_optimal"]
        True
        """
        return {"rule": self.rule, "pareto_optimal": self.pareto_optimal,
                "original": dict(self.original), "original_scores": dict(self.original_scores),
                "improved": self.result.to_dict(), "left_on_table": dict(self.left_on_table),
                "message": self.message}

    def __repr__(self) -> str:
        verdict = {True: "Pareto-optimal", False: "improvable", None: "unknown"}[
            self.pareto_optimal]
        return (f"<Improvement by {self.rule}: proposal {verdict}, "
                f"{format(sum(self.left_on_table.values()), '.6g')} left on the table>")

    def _repr_html_(self) -> str:
        from mutualgains.display import block_html, frame_html

        return block_html(repr(self)[1:-1], frame_html(self.to_frame()))


def _no_worse(case: Case, program: PackageProgram, floor: np.ndarray,
              parties: Sequence[int]) -> None:
    program.model.add_rows((*program.utility_terms(p), ">=", _floor(float(floor[p])))
                           for p in parties)


@validated(case=CASE, package=PACKAGE, rule=Choice(RULES), solver=SOLVER,
           time_limit=TIME_LIMIT, gap=GAP)
def improve(
    case: Case,
    package: Mapping[str, str] | Sequence[str],
    *,
    rule: str = "joint",
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 0.0,
) -> Improvement:
    """Post-settlement improvement: nobody worse off than under ``package``, ``rule`` maximised.

    Parameters
    ----------
    case : Case
    package : mapping or sequence
        The proposal.
    rule : {"joint", "egalitarian", "nash"}
        What to maximise among the packages that leave nobody worse off
        (gains are measured from the BATNAs, as in :func:`mutualgains.solve`).
    solver, time_limit, gap
        As in :func:`mutualgains.solve`.

    Returns
    -------
    Improvement
        The improved package, the value the proposal left on the table per
        party, and whether the proposal was already Pareto-optimal (proven by
        an exact solve: no package gives everyone at least as much and someone
        more).

    Examples
    --------
    >>> from mutualgains import improve, solve
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> improve(case, solve(case).package).pareto_optimal
    True
    """
    case.require_no_contributions("improve")
    choice = case.package_indices(package)
    original = case.package_from_indices(choice)
    before = case.utility_vector(choice)
    everyone = range(len(case.parties))
    if case.violations(original):
        raise UsageError("package: breaks the case's dependencies: "
                         + "; ".join(case.violations(original)))

    # Pareto check: the largest total utility with nobody worse off.
    program = PackageProgram(case, acceptance=False)
    _no_worse(case, program, before, everyone)
    program.model.set_objective(*program.combined_terms(np.ones(len(case.parties))))
    out = program.solve(solver=solver, time_limit=time_limit, gap=gap)
    pareto: bool | None = None
    if out.status == Status.OPTIMAL:
        best = case.utility_vector(program.choice(out.solution)).sum()
        pareto = bool(best <= before.sum() + TOLERANCE * max(1.0, abs(before.sum())))

    result = solve_with(case, rule, acceptance=False, solver=solver, time_limit=time_limit,
                        gap=gap, setup=lambda prog: _no_worse(case, prog, before, everyone))
    message = ""
    if result.package is None:  # pragma: no cover - the proposal itself is feasible
        message = result.message
        left = {}
    else:
        after = case.utility_vector(case.package_indices(result.package))
        left = {p: tidy(max(0.0, after[k] - before[k]))
                for k, p in enumerate(case.party_names)}
    if pareto:
        message = ("the proposal is Pareto-optimal: no package gives every party at least as "
                   "much and one party more (proven by an exact solve)")
    return Improvement(original=original,
                       original_scores={p: tidy(before[k])
                                        for k, p in enumerate(case.party_names)},
                       result=result, left_on_table=left, pareto_optimal=pareto, rule=rule,
                       message=message)


# -------------------------------------------------------------------- amend


@dataclass(frozen=True)
class Amendment:
    """The result of :func:`amend` for one party.

    Attributes
    ----------
    party : str
    original : mapping
        The proposal.
    best : mapping or None
        The best package for ``party`` that keeps every other party acceptable
        (and no worse off, with ``keep_others``); ``None`` if none exists.
    best_scores : mapping
        Every party's utility under ``best``.
    smallest : mapping or None
        The package closest to the proposal (fewest issues changed) that is
        acceptable to ``party`` and keeps the others acceptable; among those,
        the best for ``party``. ``None`` if none exists.
    smallest_scores : mapping
    changed : tuple of str
        The issues ``smallest`` changes.
    status : str
        ``optimal``, ``no_amendment`` (no package satisfies the conditions)
        or ``time_limit``.

    Examples
    --------
    >>> from mutualgains import amend
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> amend(case, case.package_from_indices([2, 2, 2, 3, 3]), "Port")
    <Amendment for Port: optimal, smallest change 2 issue(s)>
    """

    party: str
    original: Mapping[str, str]
    best: Mapping[str, str] | None
    best_scores: Mapping[str, float]
    smallest: Mapping[str, str] | None
    smallest_scores: Mapping[str, float]
    changed: tuple[str, ...]
    status: str
    message: str = ""

    def __post_init__(self) -> None:
        for name in ("original", "best", "best_scores", "smallest", "smallest_scores"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, readonly(value))

    def to_frame(self) -> pd.DataFrame:
        """One row per issue: the proposal's option, the smallest amendment's, the best's.

        Examples
        --------
        >>> from mutualgains import amend
        >>> from mutualgains.io.examples import load_example
        >>> case = load_example("harbour")
        >>> amend(case, case.package_from_indices([0, 1, 1, 1, 2]), "Port").to_frame().shape
        (5, 4)
        """
        rows = [[i, o, (self.smallest or {}).get(i), (self.best or {}).get(i)]
                for i, o in self.original.items()]
        return pd.DataFrame(rows, columns=["issue", "proposal", "smallest_change", "best"])

    def __repr__(self) -> str:
        return (f"<Amendment for {self.party}: {self.status}, smallest change "
                f"{len(self.changed) if self.smallest is not None else '-'} issue(s)>")

    def _repr_html_(self) -> str:
        from mutualgains.display import block_html, frame_html

        return block_html(repr(self)[1:-1], frame_html(self.to_frame()))


@validated(case=CASE, package=PACKAGE, party=Text(), keep_others=Flag(), solver=SOLVER,
           time_limit=TIME_LIMIT, gap=GAP)
def amend(
    case: Case,
    package: Mapping[str, str] | Sequence[str],
    party: str,
    *,
    keep_others: bool = False,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 0.0,
) -> Amendment:
    """Amendments for ``party``: its best acceptable-to-all package, and the smallest fix.

    Parameters
    ----------
    case : Case
    package : mapping or sequence
        The proposal on the table.
    party : str
        The unhappy party.
    keep_others : bool, default False
        Also require that no other party is worse off than under ``package``.
    solver, time_limit, gap
        As in :func:`mutualgains.solve` (``time_limit`` per solve).

    Examples
    --------
    >>> from mutualgains import amend
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> proposal = case.package_from_indices([2, 2, 2, 3, 3])  # land, improve, union only...
    >>> case.accepts(proposal)["Port"]
    False
    >>> result = amend(case, proposal, "Port")
    >>> result.changed
    ('infrastructure', 'loan')
    >>> case.accepts(result.smallest)["Port"]
    True
    """
    if party not in case.party_names:
        raise UsageError(f"party: unknown party {party!r} (parties: "
                         f"{', '.join(case.party_names)})")
    case.require_no_contributions("amend")
    choice = case.package_indices(package)
    original = case.package_from_indices(choice)
    before = case.utility_vector(choice)
    p = case.party_names.index(party)
    thr = case.batnas + float(case.margin)
    options: SolveOptions = {"solver": solver, "time_limit": time_limit, "gap": gap}

    def program_for(own: bool) -> PackageProgram:
        program = PackageProgram(case, acceptance=False)
        rows = []
        for q in range(len(case.parties)):
            if q == p and not own:
                continue
            floor = thr[q] - TOLERANCE
            if keep_others and q != p:
                floor = max(floor, _floor(float(before[q])))
            rows.append((*program.utility_terms(q), ">=", floor))
        program.model.add_rows(rows)
        return program

    status = "optimal"
    # the best package for the party
    program = program_for(own=False)
    program.model.set_objective(*program.utility_terms(p))
    out = program.solve(**options)
    best = best_scores = None
    if out.status in (Status.OPTIMAL, Status.FEASIBLE):
        pick = program.choice(out.solution)
        best = case.package_from_indices(pick)
        best_scores = _scores(case, pick)
        if out.status != Status.OPTIMAL:
            status = "time_limit"
    elif out.status != Status.INFEASIBLE:
        status = "time_limit"

    # the smallest change that the party accepts, then the best such for it
    program = program_for(own=True)
    kept = program.option_vars(choice)
    program.model.set_objective(kept, [1.0] * len(kept))  # keep as many issues as possible
    out = program.solve(**options)
    smallest = smallest_scores = None
    changed: tuple[str, ...] = ()
    if out.status in (Status.OPTIMAL, Status.FEASIBLE):
        pick = program.choice(out.solution)
        n_changes = sum(a != b for a, b in zip(pick, choice, strict=True))
        # keep the fewest changes, then the best for the party
        program.model.add_rows([(kept, [1.0] * len(kept), ">=", len(kept) - n_changes)])
        program.model.set_objective(*program.utility_terms(p))
        second = program.solve(**options)
        if second.status in (Status.OPTIMAL, Status.FEASIBLE):
            pick = program.choice(second.solution)
        if Status.FEASIBLE in (out.status, second.status):
            status = "time_limit"
        smallest = case.package_from_indices(pick)
        smallest_scores = _scores(case, pick)
        changed = tuple(i.name for i, a, b in zip(case.issues, pick, choice, strict=True)
                        if a != b)
    elif out.status != Status.INFEASIBLE:
        status = "time_limit"
    if best is None and smallest is None and status == "optimal":
        status = "no_amendment"
    message = ""
    if status == "no_amendment":
        message = (f"no package keeps every other party acceptable"
                   f"{' and no worse off' if keep_others else ''} while {party} accepts")
    elif smallest is None and status == "optimal":
        message = f"no package the others accept is acceptable to {party}"
    return Amendment(party=party, original=original, best=best, best_scores=best_scores or {},
                     smallest=smallest, smallest_scores=smallest_scores or {}, changed=changed,
                     status=status, message=message)


def _scores(case: Case, choice: tuple[int, ...]) -> dict[str, Any]:
    u = case.utility_vector(choice)
    return {p: tidy(u[k]) for k, p in enumerate(case.party_names)}


# ---------------------------------------------------------- check_amendment


@validated(case=CASE, package=PACKAGE, amended=PACKAGE)
def check_amendment(case: Case, package: Mapping[str, str] | Sequence[str],
                    amended: Mapping[str, str] | Sequence[str]) -> pd.DataFrame:
    """Compare a proposal and an amended proposal party by party.

    Returns
    -------
    DataFrame
        One row per party: ``before``, ``after``, ``change``, ``accepted_before``,
        ``accepted_after`` and ``verdict`` (``gains``, ``loses``, ``unchanged``,
        ``now rejects``, ``now accepts``). ``attrs`` holds ``passes_before``,
        ``passes_after`` and the ``changed`` issues.

    Examples
    --------
    >>> from mutualgains import check_amendment
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> a = case.package_from_indices([0, 1, 1, 1, 2])
    >>> b = case.package_from_indices([1, 1, 1, 1, 2])
    >>> check_amendment(case, a, b)[["party", "change", "verdict"]]
                      party  change      verdict
    0                  Port      -8        loses
    1                  City       8        gains
    2  Environmental League      20  now accepts
    3                 Union       5        gains
    4       Neighbour Towns       5        gains
    """
    first, second = case.package_indices(package), case.package_indices(amended)
    u0, u1 = case.utility_vector(first), case.utility_vector(second)
    p0, p1 = case.package_from_indices(first), case.package_from_indices(second)
    acc0, acc1 = case.accepts(p0), case.accepts(p1)
    rows = []
    for k, party in enumerate(case.party_names):
        change = u1[k] - u0[k]
        if acc0[party] and not acc1[party]:
            verdict = "now rejects"
        elif acc1[party] and not acc0[party]:
            verdict = "now accepts"
        elif change > TOLERANCE:
            verdict = "gains"
        elif change < -TOLERANCE:
            verdict = "loses"
        else:
            verdict = "unchanged"
        rows.append([party, tidy(u0[k]), tidy(u1[k]), tidy(change), acc0[party],
                     acc1[party], verdict])
    frame = pd.DataFrame(rows, columns=["party", "before", "after", "change", "accepted_before",
                                        "accepted_after", "verdict"])
    frame.attrs["passes_before"] = case.passes(p0)
    frame.attrs["passes_after"] = case.passes(p1)
    frame.attrs["changed"] = [i.name for i, a, b in zip(case.issues, first, second, strict=True)
                              if a != b]
    return frame
