"""Who pays what: share a case's gains or project costs by a rule, and carry it out.

:func:`share` builds the case's game (:mod:`mutualgains.analysis.coalitions`),
applies one rule and settles the result on the case:

``core``
    A point of the least core (in the core when the core is non-empty), the one
    closest to an equal split; says whether the core is empty.
``nucleolus``
    The split that minimises the largest dissatisfaction of any coalition,
    lexicographically (in the core whenever it is non-empty).
``shapley``
    Average marginal contribution over all orders of arrival (sampled, with a
    confidence interval, beyond the listing limit).
``scrb``
    Separable costs, remaining benefits (cost games only).

The settlement (:func:`settle`) turns the shares into what the parties do: for
gains, the least side payments (the case's ``transfers`` rules; every pair at
rate 1 without them) that move each party to its BATNA plus its share; for
costs, each party's contribution and, where a contribution would leave a party
below its BATNA, the least side payments that lift it back
(:func:`~mutualgains.analysis.compensation.compensate`, on the case with each
threshold raised by the party's target). Every party's final utility is checked
against its BATNA plus the margin.

:func:`compare_shares` applies several rules to one game (each coalition's value
computed once) for a side-by-side table and :func:`mutualgains.plots.shares_chart`.

Examples
--------
>>> import mutualgains as mg
>>> result = mg.share(mg.load_example("harbour"), "shapley")
>>> result.kind, result.total, result.settlement.feasible
('gains', 114, True)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.analysis.allocation import Allocation, Settlement
from mutualgains.analysis.casegame import with_changes
from mutualgains.analysis.coalitions import CaseGame, cost_game, gains_game
from mutualgains.analysis.compensation import compensate
from mutualgains.analysis.core import least_core
from mutualgains.analysis.games import GAME, Game
from mutualgains.analysis.nucleolus import nucleolus
from mutualgains.analysis.scrb import scrb
from mutualgains.analysis.shapley import shapley
from mutualgains.display import format_number
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE, PACKAGE
from mutualgains.params import (
    PROGRESS,
    SOLVER,
    Choice,
    Flag,
    Instance,
    Integer,
    ListOf,
    Maybe,
    validated,
)
from mutualgains.progress import ProgressArg, track
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import tidy

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["GAMES", "RULES", "ShareComparison", "allocate", "compare_shares", "settle",
           "share"]

RULES: tuple[str, ...] = ("core", "nucleolus", "shapley", "scrb")
"""The sharing rules, by name."""

GAMES: tuple[str, ...] = ("auto", "gains", "costs")
"""Which game :func:`share` plays: ``auto`` shares costs when the rule is ``scrb`` or the
case has option or project costs, and gains otherwise."""

_PACKAGE = Maybe(PACKAGE)


@validated(game=GAME, rule=Choice(RULES), samples=Integer(low=2),
           seed=Integer(low=0))
def allocate(game: Game, rule: str, *, samples: int = 1000, seed: int = 0) -> Allocation:
    """Apply ``rule`` to ``game`` (no settlement).

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> g = Game.from_values(["A", "B"], {"A": 1, "B": 2, ("A", "B"): 6})
    >>> [dict(allocate(g, r).shares) for r in ("core", "nucleolus", "shapley")]
    [{'A': 2.5, 'B': 3.5}, {'A': 2.5, 'B': 3.5}, {'A': 2.5, 'B': 3.5}]
    """
    if rule == "core":
        return least_core(game)
    if rule == "nucleolus":
        return nucleolus(game)
    if rule == "shapley":
        return shapley(game, samples=samples, seed=seed)
    return scrb(game)


def _game(case: Case, kind: str, rule: str,
          package: Mapping[str, str] | Sequence[str] | None, decision_rule: bool,
          members_accept: bool, solver: str, where: str = "share") -> CaseGame:
    if kind == "auto":
        kind = "costs" if rule == "scrb" or _has_costs(case) else "gains"
    if rule == "scrb" and kind != "costs":
        raise UsageError(f"{where}: the scrb rule shares costs (game='costs')")
    if kind == "costs":
        return cost_game(case, package, solver=solver)
    return gains_game(case, package=package, decision_rule=decision_rule,
                      members_accept=members_accept, solver=solver)


def _has_costs(case: Case) -> bool:
    if case.cost_vector.any():
        return True
    return case.phasing is not None and any(p.total_cost > 0 for p in case.phasing.projects)


@validated(case=CASE, rule=Choice(RULES), package=_PACKAGE, game=Choice(GAMES),
           decision_rule=Flag(), members_accept=Flag(), samples=Integer(low=2),
           seed=Integer(low=0), solver=SOLVER)
def share(case: Case, rule: str = "nucleolus", *,
          package: Mapping[str, str] | Sequence[str] | None = None, game: str = "auto",
          decision_rule: bool = False, members_accept: bool = True, samples: int = 1000,
          seed: int = 0, solver: str = "highs") -> Allocation:
    """Share a case's gains or costs by ``rule`` and settle the shares on the case.

    Parameters
    ----------
    case : Case
    rule : {"core", "nucleolus", "shapley", "scrb"}, default "nucleolus"
    package : mapping or sequence, optional
        The package whose gains (or costs) are shared; default the best joint
        package (for gains: the best every party accepts).
    game : {"auto", "gains", "costs"}, default "auto"
        See :data:`GAMES`.
    decision_rule, members_accept : bool
        How coalitions act on their own in the gains game (see
        :func:`~mutualgains.analysis.coalitions.gains_game`).
    samples, seed : int
        For a sampled Shapley value.
    solver : str, default "highs"

    Returns
    -------
    Allocation
        With its :class:`Settlement`. Status ``no_agreement`` when no package
        serves the grand coalition.

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("harbour")
    >>> result = share(case, "nucleolus")
    >>> result.stable, result.blocking       # would some parties do better on their own?
    (False, ('Port', 'City', 'Union'))
    >>> result.settlement.feasible
    True
    """
    if package is None and not _grand_package_exists(case, game, rule, solver):
        return _no_agreement(case, rule, game)
    played = _game(case, game, rule, package, decision_rule, members_accept, solver)
    played.value(played.full)  # records the grand coalition's package
    if played.package is None:
        return _no_agreement(case, rule, played.kind)
    result = allocate(played, rule, samples=samples, seed=seed)
    return dataclasses.replace(result, settlement=settle(case, result))


def _grand_package_exists(case: Case, game: str, rule: str, solver: str) -> bool:
    """Whether a cost game has a package to share (gains games decide from their program)."""
    kind = "costs" if game == "costs" or (game == "auto" and (rule == "scrb"
                                                              or _has_costs(case))) else game
    if kind != "costs":
        return True
    from mutualgains.analysis.solve import solve

    return solve(case, solver=solver).has_package


def _no_agreement(case: Case, rule: str, kind: str) -> Allocation:
    zero = {p: 0 for p in case.party_names}
    return Allocation(status=Status.NO_AGREEMENT, rule=rule,
                      kind="costs" if kind == "costs" else "gains", shares=zero, total=0,
                      stand_alone=zero, message="no package every party accepts: nothing to "
                      "share", game_name=case.name)


@validated(case=CASE, allocation=Instance(Allocation))
def settle(case: Case, allocation: Allocation) -> Settlement:
    """Carry ``allocation`` out on ``case``: contributions, side payments, every BATNA checked.

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("harbour")
    >>> settled = settle(case, mg.allocate(mg.gains_game(case), "shapley"))
    >>> round(sum(a for _, _, a in settled.transfers), 6) > 0, settled.feasible
    (True, True)
    """
    if allocation.package is None:
        raise UsageError("settle: the allocation has no package (share a case's game)")
    if set(allocation.shares) != set(case.party_names):
        raise UsageError("settle: the allocation's players are not the case's parties")
    names = case.party_names
    choice = case.package_indices(allocation.package)
    rates = np.array([case.transfers.rate_of(p) if case.transfers else 1.0 for p in names])
    shares = np.array([float(allocation.shares[p]) for p in names])
    before = case.utility_vector(choice)
    contributions: dict[str, float] = {}
    problems: list[str] = []
    if allocation.kind == "gains":
        raise_by = shares
        if case.has_contributions:
            problems.append("the package's option costs are paid by contributions that this "
                            "settlement does not choose (use solve(..., transfers=True))")
    else:
        raise_by = rates * shares
        contributions = {p: tidy(x) for p, x in zip(names, shares, strict=True)}
        if case.has_contributions:
            for p, party in enumerate(case.parties):
                limit = 0.0 if party.budget is None else float(party.budget)
                if shares[p] > limit + TOLERANCE:
                    problems.append(f"{names[p]} would contribute {format_number(shares[p])}, "
                                    f"above its budget of {format_number(limit)}")
    shifted = with_changes(case, parties=[
        dataclasses.replace(p, batna=float(p.batna) + float(r))
        for p, r in zip(case.parties, raise_by, strict=True)],
        margin=0 if allocation.kind == "gains" else case.margin)
    fix = compensate(shifted, allocation.package)
    money = np.zeros(len(names))
    for a, b, amount in fix.transfers:
        money[names.index(a)] -= amount
        money[names.index(b)] += amount
    after = before + rates * money - (rates * shares if allocation.kind == "costs" else 0.0)
    thresholds = case.batnas + float(case.margin)
    accepts = after >= thresholds - TOLERANCE * np.maximum(1.0, np.abs(thresholds))
    if not fix.feasible:
        problems.append(f"no side payments reach every target: {fix.reason}")
    short = [names[p] for p in range(len(names)) if not accepts[p]]
    if fix.feasible and short:
        problems.append(f"below its threshold (BATNA + margin) after the settlement: "
                        f"{', '.join(short)}")
    return Settlement(
        package=dict(allocation.package), feasible=not problems and bool(accepts.all()),
        contributions=contributions, transfers=fix.transfers if fix.feasible else (),
        scores_before={p: tidy(v) for p, v in zip(names, before, strict=True)},
        scores_after={p: tidy(round(v, 9)) for p, v in zip(names, after, strict=True)},
        thresholds={p: tidy(v) for p, v in zip(names, thresholds, strict=True)},
        accepts={p: bool(a) for p, a in zip(names, accepts, strict=True)},
        reason="; ".join(problems))


@dataclass(frozen=True)
class ShareComparison:
    """Several rules applied to one game: the shares side by side.

    Attributes
    ----------
    allocations : tuple of Allocation
        One per rule, each settled on the case.

    Examples
    --------
    >>> import mutualgains as mg
    >>> table = mg.compare_shares(mg.load_example("harbour"))
    >>> table
    <ShareComparison gains of 114 among 5 parties: core, nucleolus, shapley>
    >>> list(table.to_frame().columns)
    ['party', 'stand_alone', 'core', 'nucleolus', 'shapley']
    """

    allocations: tuple[Allocation, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "allocations", tuple(self.allocations))
        if not self.allocations:
            raise UsageError("ShareComparison: needs at least one allocation")

    @property
    def rules(self) -> tuple[str, ...]:
        """The rules compared, in order."""
        return tuple(a.rule for a in self.allocations)

    def to_frame(self) -> pd.DataFrame:
        """One row per party: stand-alone value and the share under each rule.

        Examples
        --------
        >>> import mutualgains as mg
        >>> mg.compare_shares(mg.load_example("harbour"), ["shapley"]).to_frame().shape
        (5, 3)
        """
        import pandas as pd

        first = self.allocations[0]
        data: dict[str, Any] = {"party": list(first.shares),
                                "stand_alone": [first.stand_alone[p] for p in first.shares]}
        for a in self.allocations:
            data[a.rule] = [a.shares[p] for p in first.shares]
        return pd.DataFrame(data)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: each rule's allocation.

        Examples
        --------
        >>> import mutualgains as mg
        >>> list(mg.compare_shares(mg.load_example("harbour"), ["core"]).to_dict())
        ['core']
        """
        return {a.rule: a.to_dict() for a in self.allocations}

    def __repr__(self) -> str:
        first = self.allocations[0]
        return (f"<ShareComparison {first.kind} of {format_number(first.total)} among "
                f"{len(first.shares)} parties: {', '.join(self.rules)}>")

    def _repr_html_(self) -> str:
        from mutualgains.display import block_html, frame_html

        return block_html("\n".join(a.headline() for a in self.allocations),
                          frame_html(self.to_frame(), index=False))


@validated(case=CASE, rules=Maybe(ListOf(Choice(RULES), min_length=1)), package=_PACKAGE,
           game=Choice(GAMES), decision_rule=Flag(), members_accept=Flag(),
           samples=Integer(low=2), seed=Integer(low=0), solver=SOLVER, progress=PROGRESS)
def compare_shares(case: Case, rules: Sequence[str] | None = None, *,
                   package: Mapping[str, str] | Sequence[str] | None = None, game: str = "auto",
                   decision_rule: bool = False, members_accept: bool = True,
                   samples: int = 1000, seed: int = 0, solver: str = "highs",
                   progress: ProgressArg = False) -> ShareComparison:
    """Share one game by several rules (each coalition's value computed once).

    Parameters
    ----------
    case : Case
    rules : list of {"core", "nucleolus", "shapley", "scrb"}, optional
        Default: core, nucleolus and Shapley, and SCRB for a cost game.
    package : mapping or sequence, optional
        As in :func:`share`.
    game : {"auto", "gains", "costs"}, default "auto"
        See :data:`GAMES`.
    decision_rule, members_accept : bool
        How coalitions act on their own in the gains game (see
        :func:`~mutualgains.analysis.coalitions.gains_game`).
    samples, seed : int
        For a sampled Shapley value.
    solver : str, default "highs"
    progress : bool or callable, default False
        One step per rule (see :mod:`mutualgains.progress`).

    Returns
    -------
    ShareComparison
        One settled :class:`~mutualgains.analysis.allocation.Allocation` per rule.

    Examples
    --------
    >>> import mutualgains as mg
    >>> table = compare_shares(mg.load_example("regional"))   # project costs
    >>> table.rules
    ('core', 'nucleolus', 'shapley', 'scrb')
    """
    rules = None if rules is None else list(rules)
    first = (rules or ["core"])[0]
    played = _game(case, game, "scrb" if rules and "scrb" in rules else first, package,
                   decision_rule, members_accept, solver, "compare_shares")
    rules = tuple(rules or (RULES if played.kind == "costs" else RULES[:3]))
    out = []
    with track(progress, "compare_shares", total=len(rules), unit="rule") as step:
        for rule in rules:
            result = allocate(played, rule, samples=samples, seed=seed)
            out.append(dataclasses.replace(result, settlement=settle(case, result)))
            step.advance()
    return ShareComparison(tuple(out))
