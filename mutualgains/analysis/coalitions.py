"""The games of a case: what each coalition of parties can secure on its own.

**The gains game** (:func:`gains_game`). The value of a coalition ``S`` is the
largest joint gain ``sum over p in S of (U_p - BATNA_p)`` over the packages S can
enact *on its own* and every member of S accepts (``U_p >= BATNA_p + margin``),
or 0 when there is none (the members keep their BATNAs). On its own means:

- the other parties get no say: they need not accept, and their utilities do
  not count (they keep their BATNA whatever S decides);
- S sets an issue only when it controls it: when the case says who controls what
  (``controls: {party: [issues]}``), S must include every party that lists the
  issue, and the issues S does not control stay at their first option (the
  status quo). Issues no party lists, and every issue of a case without
  ``controls``, are open to every coalition;
- with ``decision_rule=True`` only coalitions that meet the case's decision rule (at
  least ``min_parties`` members, every veto party among them) can enact a
  package; the others are worth 0;
- with ``members_accept=False`` the members may share their gains by side
  payments among themselves (at rate 1), so only the total counts: the value is
  ``max(0, best joint gain of S)``;
- when the options cost money and parties have budgets, only members contribute.

With ``package=...`` the grand coalition's value is that package's joint gain
(the gains to share are those of the package on the table).

**The cost game** (:func:`cost_game`). For a package on the table (by default
the best joint package), each party's *needs* are its utility in it (scores,
bonuses and caps, without money). The cost of a coalition ``S`` is the least
cost of a package that gives every member of S at least what it needs (less the
least cost of any package, usually 0, so that nobody pays for nothing); the
grand coalition's cost is the package's own cost. Costs are the case's option
``costs``, else its phasing projects' total costs. Each party's *benefit* (for
:func:`~mutualgains.analysis.scrb.scrb`) is its gain in the package over its
threshold, in money at its rate: the most it can pay and still accept.

**Exact, and shared between coalitions.** One package program per game is
reused for every coalition by changing bounds: one fixed variable per party
switches its acceptance (or needs) row on or off, the issues a coalition does
not control are fixed at their status quo. Every package found is kept: it gives
each later coalition a lower bound (the best kept package it can enact and
accept) and a start for the solver. Upper bounds come from each party's ideal
gain (``v(S) <= v(S - i) + ideal_i`` when ``i`` controls nothing) and, in the
cost game, from monotonicity (``c(T) <= c(S)`` for ``T`` inside ``S``); when the
bounds meet no program is solved. A separable gains game (no dependencies, caps,
money or controls) needs no solver at all: one table of the packages that
dominate all others (:mod:`mutualgains.engine.separable`) answers every coalition.

**How far it goes.** Listing all ``2**n`` coalitions (the exact Shapley value)
is allowed up to :data:`~mutualgains.analysis.casegame.LIST_LIMIT` parties. The
core, least core and nucleolus never list them beyond
:data:`~mutualgains.analysis.casegame.ENUMERATE_UP_TO` parties: their programs add
coalitions as they are violated, and the coalition with the largest excess is
found by one integer program over coalitions *and* packages (membership
binaries ``s``, the package's options, ``w_p = s_p gain_p`` linearised).

Examples
--------
>>> import mutualgains as mg
>>> case = mg.load_example("harbour")
>>> game = mg.gains_game(case)
>>> game.value(["Port", "City"]) >= game.value(["Port"]) >= 0
True
>>> game.grand_value, dict(game.package) == dict(mg.solve(case).package)
(114.0, True)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from mutualgains.analysis.casegame import CaseGame, with_changes
from mutualgains.analysis.games import coalition_sums
from mutualgains.engine.mip import MipModel
from mutualgains.engine.nondominated import ParetoSet
from mutualgains.engine.paths import exact_set
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import SolverError, UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE, PACKAGE
from mutualgains.params import SOLVER, Flag, Maybe, validated
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE

if TYPE_CHECKING:  # pragma: no cover
    from mutualgains.analysis.separation import Separator

__all__ = ["cost_game", "gains_game"]

_TABLE_WORK = 5e8  # rows x coalitions scanned at most when listing from the separable table


# ====================================================================== gains


class _GainsGame(CaseGame):
    def __init__(self, case: Case, *, package: Mapping[str, str] | Sequence[str] | None,
                 rule: bool, members_accept: bool, solver: str):
        super().__init__(case, "gains", solver=solver)
        self.rule = rule
        self.members_accept = members_accept
        self.thresholds: np.ndarray = case.batnas + float(case.margin)
        self.controllers = _controllers(case)
        self._given: float | None = None
        if package is not None:
            choice = case.package_indices(package)
            self._given = float((case.utility_vector(choice) - case.batnas).sum())
            self.package = case.package_from_indices(choice)
            self._remember(choice, case.utility_vector(choice))
        self._money = case.has_contributions
        self._program: PackageProgram | None = None
        self._ideals: np.ndarray | None = None
        self._table: ParetoSet | None = None
        if not case.controls and not self._money:
            self._table = _open_table(case)

    def _needed(self, choice: tuple[int, ...]) -> int:
        out = 0
        for needed, c in zip(self.controllers, choice, strict=True):
            if c:
                out |= needed
        return out

    def _winning(self, mask: int) -> bool:
        if not self.rule:
            return True
        accepts = np.array([bool(mask >> k & 1) for k in range(self.n)])
        return bool(self.case.rule_holds(accepts)[0])

    def _evaluate(self, mask: int) -> float:
        if not self._winning(mask):
            return 0.0
        if mask == self.full and self._given is not None:
            return self._given
        if self._table is not None:
            self.stats["by_table"] += 1
            value, row = self._table_best(mask)
            if mask == self.full:
                self.package = None if row is None else self.case.package_from_indices(
                    self._table.choices[row])
            return value
        low, choice = self._pool_best(mask)
        if choice is not None and low >= 0 and low >= self._upper(mask) - TOLERANCE:
            self.stats["by_bounds"] += 1
            value = low
        else:
            value, choice = self._program_value(mask, choice)
        if mask == self.full:
            self.package = None if choice is None else self.case.package_from_indices(choice)
        return value

    # ---- the separable table

    def _table_best(self, mask: int) -> tuple[float, int | None]:
        assert self._table is not None  # _evaluate asks the table only when there is one
        members = self._members(mask)
        u = self._table.utilities[:, members]
        gains = (u - self.case.batnas[members]).sum(axis=1)
        if self.members_accept:
            gains[~(u >= self.thresholds[members] - TOLERANCE).all(axis=1)] = -np.inf
        row = int(np.argmax(gains))
        if not gains[row] >= 0:
            return 0.0, None
        return float(gains[row]), row

    def _list_values(self) -> np.ndarray:
        table = self._table
        if table is None or len(table) * (1 << self.n) > _TABLE_WORK:
            return super()._list_values()
        best = np.zeros(1 << self.n)
        masks = np.arange(1 << self.n)
        for u in table.utilities:
            sums = coalition_sums(u - self.case.batnas)
            if self.members_accept:
                accept = sum(1 << k for k in range(self.n)
                             if u[k] >= self.thresholds[k] - TOLERANCE)
                sums[(masks & ~accept) != 0] = -np.inf
            np.maximum(best, sums, out=best)
        winning = np.array([self._winning(int(m)) for m in masks])
        best[~winning] = 0.0
        if self._given is not None:
            best[-1] = self._given
        self.stats["by_table"] += len(masks) - 1
        if self._given is None and self.full not in self._cache:
            self.value(self.full)  # records the grand coalition's package
        for m in range(1, 1 << self.n):
            self._cache.setdefault(m, float(best[m]))
        return np.array([self._cache[m] if m else 0.0 for m in range(1 << self.n)])

    # ---- pool bounds

    def _pool_best(self, mask: int) -> tuple[float, tuple[int, ...] | None]:
        pool = self._pool
        if self._money or not len(pool):
            return -np.inf, None
        members = self._members(mask)
        u = pool.utilities[:, members]
        ok = (pool.needs & ~mask) == 0
        if self.members_accept:
            ok &= (u >= self.thresholds[members] - TOLERANCE).all(axis=1)
        if not ok.any():
            return -np.inf, None
        gains = (u - self.case.batnas[members]).sum(axis=1)
        gains[~ok] = -np.inf
        row = int(np.argmax(gains))
        return float(gains[row]), pool.choices[row]

    def _upper(self, mask: int) -> float:
        if self._money:
            return np.inf
        ideals = self._ideal_gains()
        bound = float(ideals[self._members(mask)].sum())
        for k in self._members(mask):
            rest = mask & ~(1 << int(k))
            if (rest and rest in self._cache and not self._controls_any(int(k))
                    and self._winning(rest)):
                bound = min(bound, self._cache[rest] + max(0.0, float(ideals[k])))
        return bound

    def _controls_any(self, k: int) -> bool:
        return any(c >> k & 1 for c in self.controllers)

    def _ideal_gains(self) -> np.ndarray:
        if self._ideals is None:
            program, model, _ = self._model()
            self._set_coalition(self.full, accepting=0)
            ideals = np.zeros(self.n)
            for p in range(self.n):
                model.set_objective(*program.utility_terms(p))
                # every party's ideal over all packages (no one need accept): optimal
                # whenever the case has a package at all
                values = self._solve(model).solution
                ideals[p] = self._utilities(values)[p] - self.case.batnas[p]
                self._remember(program.choice(values), self._utilities(values))
            self._ideals = ideals
        return self._ideals

    # ---- the program

    def _model(self) -> tuple[PackageProgram, MipModel, list[int]]:
        if self._program is None:
            case = self.case
            program = PackageProgram(case, acceptance=False)
            model = program.model
            member = model.add_variables(self.n, lb=0.0, ub=0.0)
            rows: list[tuple[list[int], list[float], str, float]] = []
            if self.members_accept:
                for p in range(self.n):
                    idx, coef = program.utility_terms(p)
                    big = self.thresholds[p] - program.utility_bounds(p)[0]
                    if big > 0:
                        rows.append(([*idx, member[p]], [*coef, -big], ">=",
                                     float(self.thresholds[p] - big)))
            model.add_rows(rows)
            self._program, self._member = program, member
        return self._program, self._program.model, self._member

    def _set_coalition(self, mask: int, accepting: int | None = None) -> None:
        """Bounds for coalition ``mask``: its members accept (or those of ``accepting``),
        contribute, and set the issues they control."""
        program, model, member = self._model()
        accepting = mask if accepting is None else accepting
        for p in range(self.n):
            on = float(accepting >> p & 1)
            model.set_bounds(member[p], on, on)
        costs = self.case.cost_vector
        for (p, j), var in program.contributions.items():
            model.set_bounds(var, 0.0, float(costs[j]) if mask >> p & 1 else 0.0)
        offs = self.case.option_offsets
        for k, needed in enumerate(self.controllers):
            if needed:
                fixed = (needed & ~mask) != 0
                model.set_bounds(program.x[offs[k]], 1.0 if fixed else 0.0, 1.0)

    def _utilities(self, values: np.ndarray) -> np.ndarray:
        program = self._program
        assert program is not None  # values come from a solve of the model _model() built
        choice = program.choice(values)
        return self.case.utility_vector(choice) + program.rates * program.money(values)

    def _program_value(self, mask: int, start: tuple[int, ...] | None
                       ) -> tuple[float, tuple[int, ...] | None]:
        program, model, _ = self._model()
        self._set_coalition(mask)
        weights = np.array([float(mask >> p & 1) for p in range(self.n)])
        idx, coef = program.combined_terms(weights)
        model.set_objective(idx, coef, constant=-float(weights @ self.case.batnas))
        self._start(model, program, start)
        out = self._solve(model)
        if out.status == Status.INFEASIBLE:
            return 0.0, None
        values = out.solution  # _solve returns optimal or infeasible outcomes only
        utilities = self._utilities(values)
        choice = program.choice(values)
        if not self._money:
            self._remember(choice, utilities)
        value = float(weights @ (utilities - self.case.batnas))
        return (value, choice) if value >= 0 else (0.0, None)

    def _make_separator(self) -> Separator:
        from mutualgains.analysis.separation import GainsSeparator

        return GainsSeparator(self)

    def _pool_coalitions(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # for a package: the parties it must include, and everyone else who accepts it and
        # gains more than its share; v(S) >= the package's joint gain for S
        pool = self._pool
        if self._money or not len(pool):
            return super()._pool_coalitions(x)
        gains = pool.utilities - self.case.batnas
        accept = (pool.utilities >= self.thresholds - TOLERANCE) if self.members_accept \
            else np.ones_like(gains, dtype=bool)
        bits = 1 << np.arange(self.n, dtype=np.int64)
        need = pool.needs
        need_ok = ((need[:, None] & bits) == 0) | accept  # every required party accepts
        wanted = accept & (gains - x > 0)
        masks = need | (wanted.astype(np.int64) @ bits)
        inside = (masks[:, None] & bits) != 0
        bounds = np.where(inside, gains - x, 0.0).sum(axis=1)
        valid = need_ok.all(axis=1)
        if self.rule:
            valid &= np.array([self._winning(int(m)) for m in masks])
        return masks[valid], bounds[valid]


# ====================================================================== costs


class _CostGame(CaseGame):
    def __init__(self, case: Case, package: Mapping[str, str] | Sequence[str] | None, *,
                 solver: str):
        super().__init__(case, "costs", solver=solver)
        self.option_costs = _option_costs(case)
        if package is None:
            from mutualgains.analysis.solve import solve

            result = solve(case, solver=solver)
            if result.package is None:  # (what has_package tests)
                raise UsageError(f"cost_game: no package of {case.name!r} passes the decision "
                                 "rule; name the package whose costs are shared")
            package = result.package
        choice = case.package_indices(package)
        self.reference = choice
        self.package = case.package_from_indices(choice)
        plain = _without_money(case)
        self._plain = plain
        self.needs = plain.utility_vector(choice)
        rates = np.array([case.transfers.rate_of(p) if case.transfers else 1.0
                          for p in case.party_names])
        gain = self.needs - case.batnas - float(case.margin)
        self.benefits = {p: float(g / r) for p, g, r in zip(case.party_names, gain, rates,
                                                             strict=True)}
        self._program = PackageProgram(plain, acceptance=False)
        program, model = self._program, self._program.model
        self._member = member = model.add_variables(self.n, lb=0.0, ub=0.0)
        rows: list[tuple[list[int], list[float], str, float]] = []
        for p in range(self.n):
            idx, coef = program.utility_terms(p)
            big = float(self.needs[p] - program.utility_bounds(p)[0])
            if big > 0:
                rows.append(([*idx, member[p]], [*coef, -big], ">=", float(self.needs[p] - big)))
        model.add_rows(rows)
        nz = np.flatnonzero(self.option_costs)
        model.set_objective([program.x[j] for j in nz], (-self.option_costs[nz]).tolist())
        self._floor = 0.0
        self._floor = self._program_value(0)[0]  # the least cost of any package
        self._remember(choice, self.needs)
        self._grand = self._cost(choice) - self._floor

    def _cost(self, choice: Sequence[int]) -> float:
        offs = self.case.option_offsets
        return float(sum(self.option_costs[offs[k] + c] for k, c in enumerate(choice)))

    def _evaluate(self, mask: int) -> float:
        if mask == self.full:
            return self._grand
        high, choice = self._pool_best(mask)
        low = max([0.0] + [self._cache[mask & ~(1 << int(k))] for k in self._members(mask)
                           if mask & ~(1 << int(k)) in self._cache])
        if choice is not None and high <= low + TOLERANCE:
            self.stats["by_bounds"] += 1
            return high
        return self._program_value(mask, choice)[0]

    def _pool_best(self, mask: int) -> tuple[float, tuple[int, ...] | None]:
        pool = self._pool
        members = self._members(mask)
        ok = (pool.utilities[:, members] >= self.needs[members] - TOLERANCE).all(axis=1)
        if not ok.any():
            return np.inf, None
        costs = pool.costs - self._floor
        costs[~ok] = np.inf
        row = int(np.argmin(costs))
        return float(costs[row]), pool.choices[row]

    def _pool_cost(self, choice: tuple[int, ...]) -> float:
        return self._cost(choice)

    def _program_value(self, mask: int, start: tuple[int, ...] | None = None
                       ) -> tuple[float, tuple[int, ...]]:
        program, model = self._program, self._program.model
        for p in range(self.n):
            on = float(mask >> p & 1)
            model.set_bounds(self._member[p], on, on)
        self._start(model, program, start)
        out = self._solve(model)
        if out.status != Status.OPTIMAL:  # the reference package serves every coalition
            raise SolverError(f"{self.name}: no package serves {self.members(mask)}")
        choice = program.choice(out.solution)
        self._remember(choice, self._plain.utility_vector(choice))
        return max(0.0, self._cost(choice) - self._floor), choice

    def _make_separator(self) -> Separator:
        from mutualgains.analysis.separation import CostSeparator

        return CostSeparator(self)

    def _pool_coalitions(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # for a package: the parties it serves whose payment (-x) is positive; their cost
        # alone is at most the package's, so the excess is at least payments - that cost
        pool = self._pool
        bits = 1 << np.arange(self.n, dtype=np.int64)
        served = (pool.utilities >= self.needs - TOLERANCE) & (-x > 0)
        masks = served.astype(np.int64) @ bits
        bounds = np.where(served, -x, 0.0).sum(axis=1) - (pool.costs - self._floor)
        return masks, bounds


# ====================================================================== helpers


def _controllers(case: Case) -> list[int]:
    """Per issue: the mask of the parties that must all be in a coalition to set it."""
    index = {p: k for k, p in enumerate(case.party_names)}
    out = [0] * len(case.issues)
    position = {name: k for k, name in enumerate(case.issue_names)}
    for party, issues in case.controls.items():
        for issue in issues:
            out[position[issue]] |= 1 << index[party]
    return out


def _open_table(case: Case) -> ParetoSet | None:
    """The non-dominated packages of ``case`` when every party accepts every package
    (its BATNAs moved below its least utility): for every coalition, one of them is
    among its best. ``None`` when the engine's exact paths would not list them (they
    decide from the case's counts; see :func:`~mutualgains.engine.paths.exact_set`)."""
    lowest = case.utility_bounds[0]
    below = float(case.margin) + 1.0
    parties = [dataclasses.replace(p, batna=float(f) - below) for p, f in
               zip(case.parties, lowest, strict=True)]
    table, _ = exact_set(with_changes(case, parties=parties))
    return table if table is not None and len(table) else None


def _option_costs(case: Case) -> np.ndarray:
    """Cost per option (flat order): the case's ``costs``, else its phasing projects'."""
    costs = np.array(case.cost_vector, dtype=float)
    if costs.any():
        return costs
    if case.phasing is not None:
        offs = case.option_offsets
        for project in case.phasing.projects:
            issue, option = project.option
            k = case.issue_names.index(issue)
            costs[offs[k] + case.issues[k].options.index(option)] = project.total_cost
    if not costs.any():
        raise UsageError(f"cost_game: {case.name!r} has no costs (give option costs or "
                         "phasing projects with a cost)")
    return costs


def _without_money(case: Case) -> Case:
    """``case`` without costs, budgets and side payments: utilities from scores alone."""
    parties = [dataclasses.replace(p, budget=None) for p in case.parties]
    return with_changes(case, parties=parties, costs={}, total_budget=None, transfers=None)



# ====================================================================== public


@validated(case=CASE, package=Maybe(PACKAGE), decision_rule=Flag(), members_accept=Flag(),
           solver=SOLVER)
def gains_game(case: Case, *, package: Mapping[str, str] | Sequence[str] | None = None,
               decision_rule: bool = False, members_accept: bool = True,
               solver: str = "highs") -> CaseGame:
    """The gains game of ``case``: each coalition's best joint gain on its own.

    Parameters
    ----------
    case : Case
    package : mapping or sequence, optional
        The package whose joint gain the grand coalition shares (default: the
        best the grand coalition can do, every party accepting).
    decision_rule : bool, default False
        Only coalitions that meet the case's decision rule can enact a package.
    members_accept : bool, default True
        Every member must accept the coalition's package; ``False``: members may
        compensate each other, only their total gain counts.
    solver : str, default "highs"

    Returns
    -------
    CaseGame
        Values computed on demand, exactly, and cached.

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.Case.from_dict({
    ...     "parties": {"Port": 5, "City": 1}, "issues": {"dredge": ["no", "yes"]},
    ...     "scores": {"Port": {"dredge": [0, 9]}, "City": {"dredge": [4, 2]}},
    ...     "controls": {"Port": ["dredge"]}})
    >>> game = gains_game(case)
    >>> game.value(["Port"]), game.value(["City"]), game.grand_value   # City alone: no dredging
    (4.0, 3.0, 5.0)
    """
    return _GainsGame(case, package=package, rule=decision_rule, members_accept=members_accept,
                      solver=solver)


@validated(case=CASE, package=Maybe(PACKAGE), solver=SOLVER)
def cost_game(case: Case, package: Mapping[str, str] | Sequence[str] | None = None, *,
              solver: str = "highs") -> CaseGame:
    """The cost game of ``case``: what serving each coalition's needs alone would cost.

    Parameters
    ----------
    case : Case
        With option ``costs`` or phasing projects with costs.
    package : mapping or sequence, optional
        The package whose costs are shared (default: the best joint package).
    solver : str, default "highs"

    Returns
    -------
    CaseGame
        ``benefits`` holds each party's gain in money (for SCRB).

    Raises
    ------
    UsageError
        When the case has no costs, or no package passes and none was given.

    Examples
    --------
    >>> import mutualgains as mg
    >>> game = cost_game(mg.load_example("regional"))
    >>> game.grand_value, game.value(["Developer"]) < game.grand_value
    (497.0, True)
    """
    return _CostGame(case, package, solver=solver)
