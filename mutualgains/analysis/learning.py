"""Learn a party's priorities from its reactions to packages.

A mediator rarely knows a party's score table; it sees reactions: packages the
party accepted or rejected, pairs it compared ("prefers A to B"), a ranking.
:func:`learn_priorities` turns them into the set of score tables consistent
with every reaction, as linear constraints, and answers what a mediator asks next.

The model (``model=``)
    ``weights``: issue weights ``w_i >= 0`` summing to 1 over fixed option ratings
    ``r_io`` in [0, 1] (by default the party's current scores rescaled per issue;
    issues on which the ratings do not vary carry no weight). The party's
    utility is ``U(x) = c + S * sum_i w_i r_{i, x_i}``, with ``c`` the sum of its
    lowest scores per issue and ``S`` the sum of its score ranges, so the learned
    table keeps the case's units. ``scores``: every option's score free within
    ``bounds`` (default: from the party's lowest score, or 0, to its highest).
    In both, the party's synergy bonuses are known terms; a capped party is refused.
The reactions, with the party's BATNA ``b`` (a parameter too, unless fixed)
    accepted ``A``: ``U(A) >= b``; rejected ``R``: ``U(R) < b``; prefers ``A`` to
    ``B``: ``U(A) > U(B)``; a ranking: each package preferred to the next.
    Strict inequalities hold with a margin ``delta``: the *consistent set* is
    their closure (``delta = margin``, default 0), and the reactions are
    *consistent* when some table meets them all strictly (the largest such
    ``delta``, an LP, is positive and at least ``margin``).
Conflicts
    When they are not, a deletion filter (one LP per reaction) finds an
    irreducible conflicting subset: these reactions cannot all hold, and
    without any one of them the rest can. It is minimal under removal, not
    necessarily the smallest in number.
The estimate
    The Chebyshev centre of the consistent set (the centre of the largest ball
    inside it, within the plane ``sum w = 1`` for weights; weights and the BATNA
    measured in units of ``S``), an LP; the range of every parameter (an LP
    minimising and one maximising it), and from it an interval per score.
The next question
    The package whose acceptance hyperplane ``U(x) = b`` passes closest to the
    centre along the BATNA axis: the smallest ``|U_centre(x) - b_centre|`` over
    every package that respects the dependencies and differs from every package
    asked about on the learned issues (an integer program; asked packages cut
    off by no-good rows over those issues' options). Its
    ``answer_range`` says how far ``U(x) - b`` can go either way over the
    consistent set (both signs: either answer is possible).

The raw constraints (:attr:`LearnedPriorities.constraints`, in case units over
the named parameters) and the per-score intervals are what a robust analysis
takes; :meth:`LearnedPriorities.estimated_case` is the case with the centre's
table, to solve again.

Examples
--------
>>> import mutualgains as mg
>>> case = mg.load_example("harbour")
>>> best = mg.solve(case).package
>>> learned = mg.learn_priorities(case, "Port", accepted=[best],
...                               rejected=[case.package_from_indices([2, 2, 2, 3, 3])])
>>> learned.consistent, learned.status.value
(True, 'optimal')
>>> mg.solve(learned.estimated_case()).status.value
'optimal'
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

import numpy as np
import pandas as pd

from mutualgains.analysis.consistent_set import (
    BATNA,
    ParameterSpace,
    ReactionLP,
    ReactionRow,
    deletion_filter,
    is_consistent,
    reaction_rows,
    synergy_bonus,
)
from mutualgains.engine.mip import check_solver
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import CaseError, Problem, UsageError
from mutualgains.model import Case, Package
from mutualgains.params import (
    PROGRESS,
    SOLVER,
    AnyOf,
    Choice,
    Instance,
    Maybe,
    Real,
    Text,
    validated,
)
from mutualgains.progress import ProgressArg, Tracker, track
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import readonly, tidy

__all__ = ["MODELS", "LearnedPriorities", "LinearRow", "Reaction", "learn_priorities"]

MODELS: tuple[str, ...] = ("weights", "scores")
"""What is learned: issue weights over fixed ratings, or every option's score."""


# ------------------------------------------------------------------ records


@dataclass(frozen=True)
class Reaction:
    """One reaction of the party: ``accepted``, ``rejected`` or ``preferred``.

    ``packages`` holds one package, or the preferred one and the other.
    ``label`` names it as given: ``accepted[0]``, ``preferred[2]``, ``ranking[1]``
    (the package at place 1 of the ranking over the one at place 2).

    Examples
    --------
    >>> Reaction("accepted", ({"i": "x"},), "accepted[0]").label
    'accepted[0]'
    """

    kind: str
    packages: tuple[Mapping[str, str], ...]
    label: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "packages", tuple(readonly(p) for p in self.packages))


@dataclass(frozen=True)
class LinearRow:
    """A linear constraint ``sum(coef * parameter) >= rhs`` in case units.

    ``source`` is the reaction's label, or ``weights`` (they sum to 1; the one
    row with ``==``) or ``bounds``.

    Examples
    --------
    >>> row = LinearRow({"batna": -1.0, "weight[loan]": 30.0}, ">=", -10.0, "accepted[0]")
    >>> row.holds({"batna": 20, "weight[loan]": 0.5})
    True
    """

    terms: Mapping[str, float]
    sense: str
    rhs: float
    source: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", readonly(self.terms))

    def holds(self, values: Mapping[str, float], tolerance: float = TOLERANCE) -> bool:
        """Whether ``values`` (parameter -> value) satisfy the row within ``tolerance``."""
        lhs = sum(c * float(values[k]) for k, c in self.terms.items())
        scale = tolerance * max(1.0, abs(self.rhs))
        if self.sense == "==":
            return abs(lhs - self.rhs) <= scale
        return lhs >= self.rhs - scale


@dataclass(frozen=True)
class LearnedPriorities:
    """The result of :func:`learn_priorities`.

    Attributes
    ----------
    status : Status
        ``optimal`` (the reactions are consistent; everything below computed)
        or ``infeasible`` (they are not: see ``conflict``).
    consistent : bool
    slack : float or None
        The largest margin (case units) by which every strict reaction can hold
        at once; ``None`` when not even their closure can.
    conflict : tuple of str
        An irreducible set of conflicting reactions (labels), empty when consistent.
    parameters : tuple of str
        ``weight[<issue>]`` or ``score[<issue>][<option>]``, then ``batna``.
    estimate : mapping
        The centre: parameter -> value.
    ranges : mapping
        Parameter -> ``(low, high)`` over the consistent set.
    scores : mapping
        The centre's table, ``issue -> option -> score`` (case units).
    score_ranges : mapping
        ``(issue, option) -> (low, high)`` over the consistent set.
    batna, batna_range
        The centre's BATNA and its range.
    radius : float
        The Chebyshev radius (0: the consistent set is flat).
    constraints : tuple of LinearRow
        The consistent set over ``parameters``, in case units.
    score_terms : mapping
        ``(issue, option) -> (constant, {parameter: coefficient})``: each score
        as a linear function of the parameters.
    next_question : mapping or None
        The package to ask about next (see the module notes); ``None`` when
        every package has been asked about or the reactions conflict.
    next_distance : float or None
        ``|U_centre - b_centre|`` for it.
    answer_range : tuple of float
        ``(low, high)`` of ``U(next) - b`` over the consistent set.

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("harbour")
    >>> better = case.package_from_indices([2, 2, 0, 0, 0])
    >>> worse = case.package_from_indices([0] * 5)
    >>> learned = mg.learn_priorities(case, "City", preferred=[(better, worse)])
    >>> learned
    <LearnedPriorities City (weights): consistent, 1 reaction, radius 12.1>
    """

    party: str
    model: str
    status: Status
    consistent: bool
    slack: float | None
    reactions: tuple[Reaction, ...]
    conflict: tuple[str, ...]
    parameters: tuple[str, ...]
    estimate: Mapping[str, float]
    ranges: Mapping[str, tuple[float, float]]
    scores: Mapping[str, Mapping[str, float]]
    score_ranges: Mapping[tuple[str, str], tuple[float, float]]
    batna: float | None
    batna_range: tuple[float, float] | None
    radius: float | None
    constraints: tuple[LinearRow, ...]
    score_terms: Mapping[tuple[str, str], tuple[float, Mapping[str, float]]]
    next_question: Mapping[str, str] | None
    next_distance: float | None
    answer_range: tuple[float, float] | None
    message: str = ""
    case: Case | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("estimate", "ranges", "score_ranges", "score_terms"):
            object.__setattr__(self, name, readonly(getattr(self, name)))
        object.__setattr__(self, "scores", readonly({i: readonly(o)
                                                     for i, o in self.scores.items()}))
        if self.next_question is not None:
            object.__setattr__(self, "next_question", readonly(self.next_question))

    def estimated_case(self) -> Case:
        """The case with the party's table and BATNA replaced by the centre's.

        Raises
        ------
        UsageError
            When the reactions conflict (there is no estimate).

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("harbour")
        >>> learned = mg.learn_priorities(case, "Port", accepted=[mg.solve(case).package])
        >>> learned.estimated_case().party("Port").batna == learned.batna
        True
        """
        if not self.consistent or self.case is None:
            raise UsageError("estimated_case: the reactions conflict, so there is no estimate "
                             f"(conflict: {', '.join(self.conflict)})")
        case, batna = self.case, self.batna
        assert batna is not None  # consistent reactions have an estimate
        scores = {p: dict(table) for p, table in case.scores.items()}
        scores[self.party] = {i: tuple(tidy(round(self.scores[i][o], 9))
                                       for o in case.issue(i).options)
                              for i in case.issue_names}
        parties = tuple(replace(p, batna=tidy(round(batna, 9))) if p.name == self.party
                        else p for p in case.parties)
        return replace(case, parties=parties, scores=scores)

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter: ``parameter, estimate, low, high``.

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("harbour")
        >>> learned = mg.learn_priorities(case, "Port", accepted=[mg.solve(case).package])
        >>> learned.to_frame().columns.tolist()
        ['parameter', 'estimate', 'low', 'high']
        """
        rows = [[name, self.estimate.get(name), *self.ranges.get(name, (None, None))]
                for name in self.parameters]
        return pd.DataFrame(rows, columns=["parameter", "estimate", "low", "high"])

    def scores_frame(self) -> pd.DataFrame:
        """One row per option: ``issue, option, score, low, high`` (case units).

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("harbour")
        >>> learned = mg.learn_priorities(case, "Port", accepted=[mg.solve(case).package])
        >>> learned.scores_frame().shape
        (17, 5)
        """
        rows = [[i, o, s, *self.score_ranges[(i, o)]] for i, table in self.scores.items()
                for o, s in table.items()]
        return pd.DataFrame(rows, columns=["issue", "option", "score", "low", "high"])

    def reactions_frame(self) -> pd.DataFrame:
        """One row per reaction: ``label, kind, in_conflict`` and, when consistent, the
        centre's ``margin`` (``U - b``, ``b - U`` or ``U(A) - U(B)``).

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("harbour")
        >>> learned = mg.learn_priorities(case, "Port", accepted=[mg.solve(case).package])
        >>> learned.reactions_frame()[["label", "kind", "in_conflict"]]
                 label      kind  in_conflict
        0  accepted[0]  accepted        False
        """
        rows = []
        for r in self.reactions:
            margin = None
            if self.consistent and self.case is not None:
                margin = tidy(_centre_margin(self, r))
            rows.append([r.label, r.kind, r.label in self.conflict, margin])
        return pd.DataFrame(rows, columns=["label", "kind", "in_conflict", "margin"])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (tuple keys become ``issue``/``option`` fields).

        Examples
        --------
        >>> import mutualgains as mg
        >>> case = mg.load_example("harbour")
        >>> data = mg.learn_priorities(case, "Port", accepted=[mg.solve(case).package]).to_dict()
        >>> data["consistent"], sorted(data["constraints"][0])
        (True, ['rhs', 'sense', 'source', 'terms'])
        """
        return {
            "party": self.party,
            "model": self.model,
            "status": self.status.value,
            "consistent": self.consistent,
            "slack": self.slack,
            "conflict": list(self.conflict),
            "reactions": [{"label": r.label, "kind": r.kind,
                           "packages": [dict(p) for p in r.packages]} for r in self.reactions],
            "estimate": dict(self.estimate),
            "ranges": {k: list(v) for k, v in self.ranges.items()},
            "scores": [{"issue": i, "option": o, "score": s,
                        "low": self.score_ranges[(i, o)][0], "high": self.score_ranges[(i, o)][1]}
                       for i, table in self.scores.items() for o, s in table.items()],
            "batna": self.batna,
            "batna_range": None if self.batna_range is None else list(self.batna_range),
            "radius": self.radius,
            "constraints": [{"terms": dict(r.terms), "sense": r.sense, "rhs": r.rhs,
                             "source": r.source} for r in self.constraints],
            "next_question": None if self.next_question is None else dict(self.next_question),
            "next_distance": self.next_distance,
            "answer_range": None if self.answer_range is None else list(self.answer_range),
            "message": self.message,
        }

    def __repr__(self) -> str:
        n = len(self.reactions)
        head = f"<LearnedPriorities {self.party} ({self.model}): "
        if not self.consistent:
            return head + f"conflict among {', '.join(self.conflict)}>"
        return head + (f"consistent, {n} reaction{'s' if n != 1 else ''}, "
                       f"radius {self.radius:.3g}>")

    def _repr_html_(self) -> str:
        note = f"<p><i>{html.escape(self.message)}</i></p>" if self.message else ""
        return (f"<div><p><b>{html.escape(repr(self)[1:-1])}</b></p>{note}"
                f"{self.to_frame().to_html(index=False)}</div>")


def _centre_margin(learned: LearnedPriorities, reaction: Reaction) -> float:
    """``U - b`` (accepted), ``b - U`` (rejected) or ``U(A) - U(B)`` at the centre."""
    case, batna = learned.case, learned.batna
    assert case is not None and batna is not None  # only for consistent reactions
    p = case.party_names.index(learned.party)

    def utility(package: Mapping[str, str]) -> float:
        choice = case.package_indices(package)
        bonus = synergy_bonus(case, p, choice)
        return float(sum((learned.scores[i.name][i.options[c]]
                          for i, c in zip(case.issues, choice, strict=True)), 0.0)) + bonus

    if reaction.kind == "accepted":
        return utility(reaction.packages[0]) - batna
    if reaction.kind == "rejected":
        return batna - utility(reaction.packages[0])
    return utility(reaction.packages[0]) - utility(reaction.packages[1])


# ------------------------------------------------------------------ entry point


_PACKAGES = Instance((list, tuple), label="a list of packages")


@validated(case=Instance(Case), party=Text(), accepted=_PACKAGES, rejected=_PACKAGES,
           preferred=_PACKAGES, ranking=_PACKAGES, model=Choice(MODELS),
           ratings=Maybe(Instance(Mapping, label="a mapping issue -> ratings")),
           bounds=Maybe(Instance((list, tuple), label="a pair (low, high)")),
           batna=Maybe(AnyOf((Real(), Instance((list, tuple), label="a pair (low, high)")))),
           margin=Real(low=0), solver=SOLVER, progress=PROGRESS)
def learn_priorities(
    case: Case,
    party: str,
    *,
    accepted: Sequence[Any] = (),
    rejected: Sequence[Any] = (),
    preferred: Sequence[Any] = (),
    ranking: Sequence[Any] = (),
    model: str = "weights",
    ratings: Mapping[str, Any] | None = None,
    bounds: Sequence[float] | None = None,
    batna: float | Sequence[float] | None = None,
    margin: float = 0.0,
    solver: str = "highs",
    progress: ProgressArg = False,
) -> LearnedPriorities:
    """The score tables consistent with a party's reactions, a central estimate, the next
    question to ask.

    Parameters
    ----------
    case : Case
    party : str
    accepted, rejected : sequence of packages
        Packages the party accepted (utility at least its BATNA) or rejected (below).
    preferred : sequence of (package, package)
        Pairs the party compared: it prefers the first to the second.
    ranking : sequence of packages
        Packages in the party's order of preference, best first.
    model : {"weights", "scores"}, default "weights"
        See the module notes.
    ratings : mapping issue -> ratings, optional
        For ``weights``: option ratings per issue (a list in option order or a
        mapping option -> rating; rescaled to [0, 1]); other issues are rated by
        the party's current scores.
    bounds : (low, high), optional
        For ``scores``: the range of every option's score.
    batna : float or (low, high), optional
        The party's BATNA if known, or its range; default: the range of its
        possible utilities.
    margin : float, default 0
        How much strict reactions must hold by, in the party's units (0: the
        closure of the strict inequalities).
    solver : str, default "highs"
    progress : bool or callable, default False
        ``True`` for a progress bar, or ``progress(done, total)`` called after each linear
        or integer program (see :mod:`mutualgains.progress`).

    Returns
    -------
    LearnedPriorities

    Raises
    ------
    UsageError
        Unknown party, a capped party, bad ratings, bounds or BATNA range.
    CaseError
        A package that is not a package of the case (naming the issue and option).

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("harbour")
    >>> a = case.package_from_indices([0, 2, 1, 1, 2])  # water, improve, ...
    >>> b = case.package_from_indices([2, 0, 1, 1, 2])  # land, some damage, ...
    >>> learned = mg.learn_priorities(case, "Port", accepted=[a], preferred=[(a, b), (b, a)])
    >>> learned.consistent, learned.conflict
    (False, ('preferred[0]', 'preferred[1]'))

    A reaction can also conflict with the ratings alone: Port rates water above land.

    >>> c = case.package_from_indices([0, 1, 1, 1, 2])  # water, maintain, ...
    >>> d = case.package_from_indices([2, 1, 1, 1, 2])  # land, maintain, ...
    >>> mg.learn_priorities(case, "Port", preferred=[(d, c)]).conflict
    ('preferred[0]',)
    """
    names = list(case.party_names)
    if party not in names:
        raise UsageError(f"party: unknown party {party!r} (parties: {', '.join(names)})")
    p = names.index(party)
    if case.parties[p].cap is not None:
        raise UsageError(f"party: {party!r} has a utility cap, which a learned table cannot "
                         "keep linear")
    if batna is not None and not isinstance(batna, int | float) and (
            len(batna) != 2 or not all(Real().accepts(v) for v in batna) or batna[0] > batna[1]):
        raise UsageError(f"batna: must be a number or (low, high) with low <= high, "
                         f"got {batna!r}")
    if bounds is not None and (len(bounds) != 2 or not all(Real().accepts(v) for v in bounds)):
        raise UsageError(f"bounds: must be (low, high), got {bounds!r}")
    check_solver(solver)
    reactions, raw = _reactions(case, accepted, rejected, preferred, ranking)
    space = ParameterSpace(case, p, model, ratings, bounds, batna)
    rows = reaction_rows(space, raw)
    internal_margin = space._internal(margin, shift=False)
    total = 1 + len(rows) + 1 + 2 * space.n + 3
    with track(progress, "learning", total=total, unit="program") as tracker:
        return _learn(case, party, model, space, rows, raw, reactions, internal_margin, solver,
                      tracker)


def _learn(case: Case, party: str, model: str, space: ParameterSpace, rows: list, raw: list,
           reactions: list, internal_margin: float, solver: str,
           tracker: Tracker) -> LearnedPriorities:
    """The consistent set, its centre and ranges, and the next question (one tick per program)."""
    tick = tracker.advance
    lp = ReactionLP(space, rows, solver)
    ok, best = is_consistent(lp, internal_margin)
    tick()
    common: _Common = {"party": party, "model": model, "reactions": tuple(reactions),
                       "parameters": tuple(space.names), "score_terms": space.score_terms(),
                       "case": case}
    slack = None if best is None else tidy(best * space.scale)
    if not ok:
        conflict = deletion_filter(space, rows, internal_margin, solver, tick)
        labels = tuple(reactions[j].label for j in conflict)
        return LearnedPriorities(
            status=Status.INFEASIBLE, consistent=False, slack=slack, conflict=labels,
            estimate={}, ranges={}, scores={}, score_ranges={}, batna=None, batna_range=None,
            radius=None, constraints=_constraints(space, rows, internal_margin, reactions),
            next_question=None, next_distance=None, answer_range=None,
            message=f"these reactions cannot all hold: {', '.join(labels)} (without any one "
                    "of them the others can)", **common)
    tracker.update(tracker.done, total=(tracker.total or 0) - len(rows))
    def extreme(direction: np.ndarray) -> float:
        value = lp.extreme(direction, internal_margin)
        assert value is not None  # the set is consistent (not empty) and inside a box
        return value

    found = lp.centre(internal_margin)
    tick()
    assert found is not None  # the set is consistent (not empty)
    centre, radius = found
    ranges = {}
    for j, name in enumerate(space.names):
        unit = np.zeros(space.n)
        unit[j] = 1.0
        high = extreme(unit)
        tick()
        low = -extreme(-unit)
        tick()
        if name == BATNA:
            low, high = space.batna_in_case(low), space.batna_in_case(high)
        ranges[name] = (_clean(low), _clean(high))
    estimate_values = space.to_case(centre)
    estimate = {name: _clean(v) for name, v in zip(space.names, estimate_values, strict=True)}
    terms = space.score_terms()
    scores: dict[str, dict[str, float]] = {}
    score_ranges = {}
    for (issue, option), (constant, coefs) in terms.items():
        value = constant + sum(c * estimate[k] for k, c in coefs.items())
        low = constant + sum(c * ranges[k][0] if c >= 0 else c * ranges[k][1]
                             for k, c in coefs.items())
        high = constant + sum(c * ranges[k][1] if c >= 0 else c * ranges[k][0]
                              for k, c in coefs.items())
        scores.setdefault(issue, {})[option] = _clean(value)
        score_ranges[(issue, option)] = (_clean(low), _clean(high))
    learned = LearnedPriorities(
        status=Status.OPTIMAL, consistent=True, slack=slack, conflict=(), estimate=estimate,
        ranges=ranges, scores=scores, score_ranges=score_ranges, batna=estimate[BATNA],
        batna_range=ranges[BATNA], radius=_clean(radius * space.scale),
        constraints=_constraints(space, rows, internal_margin, reactions),
        next_question=None, next_distance=None, answer_range=None, **common)
    asked = {c for _, choices in raw for c in choices}
    issues = space.learned if model == "weights" else list(range(len(case.issues)))
    question = _next_question(learned, asked, issues, solver)
    tick()
    if question is None:
        return replace(learned, message="every package has been asked about (on the learned "
                                        "issues)")
    choice, distance = question
    a, c = space.utility(choice)
    a[-1] -= 1.0
    high = extreme(a)
    tick()
    low = -extreme(-a)
    tick()
    answer = (_clean((low + c) * space.scale), _clean((high + c) * space.scale))
    return replace(learned, next_question=case.package_from_indices(choice),
                   next_distance=_clean(distance), answer_range=answer)


class _Common(TypedDict):
    """The fields of a :class:`LearnedPriorities` fixed by the call."""

    party: str
    model: str
    reactions: tuple[Reaction, ...]
    parameters: tuple[str, ...]
    score_terms: Mapping[tuple[str, str], tuple[float, Mapping[str, float]]]
    case: Case


def _clean(value: float) -> float:
    """A float rounded at 1e-9 (LP noise), integral values as int."""
    return tidy(round(float(value), 9))


def _reactions(case: Case, accepted: Sequence[Any], rejected: Sequence[Any],
               preferred: Sequence[Any], ranking: Sequence[Any]
               ) -> tuple[list[Reaction], list[tuple[str, list[tuple[int, ...]]]]]:
    """The reactions as records and as ``(kind, [choices])`` for the rows."""
    records: list[Reaction] = []
    raw: list[tuple[str, list[tuple[int, ...]]]] = []

    def choice(package: Package | Sequence[str], where: str) -> tuple[int, ...]:
        try:
            return case.package_indices(package)
        except CaseError as err:  # name the reaction: rejected[1].package.loan
            raise CaseError([Problem(f"{where}.{p.where}", p.rule, p.got)
                             for p in err.problems]) from None

    for k, package in enumerate(accepted):
        c = choice(package, f"accepted[{k}]")
        records.append(Reaction("accepted", (case.package_from_indices(c),), f"accepted[{k}]"))
        raw.append(("accepted", [c]))
    for k, package in enumerate(rejected):
        c = choice(package, f"rejected[{k}]")
        records.append(Reaction("rejected", (case.package_from_indices(c),), f"rejected[{k}]"))
        raw.append(("rejected", [c]))
    for k, pair in enumerate(preferred):
        if isinstance(pair, Mapping | str) or len(pair) != 2:
            raise UsageError(f"preferred[{k}]: must be a pair (preferred package, other package)")
        a, b = choice(pair[0], f"preferred[{k}]"), choice(pair[1], f"preferred[{k}]")
        records.append(Reaction("preferred", (case.package_from_indices(a),
                                              case.package_from_indices(b)), f"preferred[{k}]"))
        raw.append(("preferred", [a, b]))
    ranked = [choice(package, f"ranking[{k}]") for k, package in enumerate(ranking)]
    for k in range(len(ranked) - 1):
        records.append(Reaction("preferred", (case.package_from_indices(ranked[k]),
                                              case.package_from_indices(ranked[k + 1])),
                                f"ranking[{k}]"))
        raw.append(("preferred", [ranked[k], ranked[k + 1]]))
    return records, raw


def _constraints(space: ParameterSpace, rows: list[ReactionRow], margin: float,
                 reactions: list[Reaction]) -> tuple[LinearRow, ...]:
    """The consistent set in case units over the named parameters."""
    names = space.names
    out = []
    scale = space.scale if space.model == "weights" else 1.0
    for row, reaction in zip(rows, reactions, strict=True):
        # internal: sum a_j θ_j + a_b b_int + c >= m, with b_int = (b - offset) / S (weights)
        terms = {}
        for j, name in enumerate(names[:-1]):
            if row.a[j]:
                terms[name] = _clean(row.a[j] * scale)
        rhs = ((margin if row.strict else 0.0) - row.c) * scale
        if row.a[-1]:
            terms[BATNA] = _clean(row.a[-1])
            if space.model == "weights":
                rhs += row.a[-1] * space.offset
        out.append(LinearRow(terms, ">=", _clean(rhs), reaction.label))
    if space.model == "weights":
        out.append(LinearRow(dict.fromkeys(names[:-1], 1.0), "==", 1.0, "weights"))
    for j, name in enumerate(names):
        lo, hi = space.lo[j], space.hi[j]
        if name == BATNA:
            lo, hi = space.batna_in_case(lo), space.batna_in_case(hi)
        out.append(LinearRow({name: 1.0}, ">=", _clean(lo), "bounds"))
        out.append(LinearRow({name: -1.0}, ">=", _clean(-hi), "bounds"))
    return tuple(out)


def _next_question(learned: LearnedPriorities, asked: set[tuple[int, ...]], issues: list[int],
                   solver: str) -> tuple[tuple[int, ...], float] | None:
    """The package with the smallest ``|U_centre - b_centre|`` that differs from every asked
    one on the learned ``issues`` (on the others its reaction would teach nothing new)."""
    estimated = learned.estimated_case()
    p = estimated.party_names.index(learned.party)
    program = PackageProgram(estimated, acceptance=False)
    model = program.model
    (e,) = model.add_variables(1, lb=0.0)
    idx, coef = program.utility_terms(p)
    b = float(estimated.party(learned.party).batna)
    model.add_rows([([e, *idx], [1.0, *(-c for c in coef)], ">=", -b),
                    ([e, *idx], [1.0, *coef], ">=", b)])
    offs = estimated.option_offsets
    model.add_rows(([program.x[offs[k] + c[k]] for k in issues], [1.0] * len(issues), "<=",
                    float(len(issues) - 1)) for c in sorted(asked))
    model.set_objective([e], [-1.0])
    out = model.solve(solver=solver)
    if out.status != Status.OPTIMAL:
        return None
    choice = program.choice(out.solution)
    u = float(estimated.utility_vector(choice)[p])
    return choice, abs(u - b)
