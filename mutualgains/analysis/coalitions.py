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
is allowed up to :data:`LIST_LIMIT` parties. The core, least core and nucleolus
never list them beyond :data:`ENUMERATE_UP_TO` parties: their programs add
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

import numpy as np

from mutualgains.analysis.games import Game, coalition_sums
from mutualgains.engine.mip import MipModel
from mutualgains.engine.program import PackageProgram
from mutualgains.engine.separable import candidate_table, is_separable
from mutualgains.errors import SolverError, UsageError
from mutualgains.model import Case
from mutualgains.params import Flag, Instance, Maybe, Text, validated
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE

__all__ = ["ENUMERATE_UP_TO", "LIST_LIMIT", "CaseGame", "cost_game", "gains_game"]

LIST_LIMIT = 12
"""The most parties of a case whose 2**n coalitions are listed (4095 package programs)."""

ENUMERATE_UP_TO = 8
"""Up to this many parties the core programs list every coalition; beyond, one integer
program per round finds the most violated coalition (constraint generation)."""

_TABLE_WORK = 5e8  # rows x coalitions scanned at most when listing from the separable table


class CaseGame(Game):
    """A game whose values come from a case's package programs (see the module notes).

    Attributes
    ----------
    case : Case
    package : mapping or None
        The grand coalition's package (``None`` when no package serves it).
    stats : dict
        ``programs`` solved, values found ``by_bounds`` or ``by_table`` without a
        solver, ``separations`` (integer programs over coalitions).

    Examples
    --------
    >>> import mutualgains as mg
    >>> game = mg.cost_game(mg.load_example("regional"))
    >>> game.value(["Farmers"]), game.stats["programs"] > 0
    (34.0, True)
    """

    def __init__(self, case: Case, kind: str, *, solver: str):
        super().__init__(case.party_names, kind=kind, name=case.name)
        self.case = case
        self.solver = solver
        self.package: Mapping[str, str] | None = None
        self.stats = {"programs": 0, "by_bounds": 0, "by_table": 0, "separations": 0}
        self._pool = _Pool(self.n)
        self._separator: _Separator | None = None

    # ---- listing and separation

    def _list_limit(self) -> int:
        return LIST_LIMIT

    def _can_separate(self) -> bool:
        return True

    def _separation_method(self) -> str:
        return "enumeration" if self._enumerates() else "constraint generation"

    def _enumerates(self) -> bool:
        return self.n <= ENUMERATE_UP_TO

    def _list_values(self) -> np.ndarray:
        out = np.zeros(1 << self.n)
        for mask in sorted(range(1, 1 << self.n), key=lambda m: (m.bit_count(), m)):
            out[mask] = self.value(mask)  # by size: every subset's value is known first
        return out

    def _separate(self, x, threshold, skip, present, count):
        if self._enumerates():
            return super()._separate(x, threshold, skip, present, count)
        found = self._from_pool(x, threshold, skip | present, count)
        if found:
            return found
        if self._separator is None or not self._separator.excluded <= skip:
            self._separator = self._make_separator()
        mask, excess = self._separator.run(x, skip)
        if mask is not None and excess > threshold:
            return [(mask, excess)]
        return []

    def _make_separator(self) -> _Separator:  # pragma: no cover - both games have one
        raise NotImplementedError

    def _from_pool(self, x: np.ndarray, threshold: float, skip: set[int],
                   count: int) -> list[tuple[int, float]]:
        """Violated coalitions found from the packages already known, without a solver.

        For each kept package, the coalition that gains most from it beyond its shares
        (:meth:`_pool_coalitions`) has an excess at least that gain; when this lower
        bound exceeds ``threshold`` the coalition is violated. Its exact value is then
        computed. Only when no kept package yields one does the integer program run.
        """
        masks, bounds = self._pool_coalitions(x)
        out: dict[int, float] = {}
        for k in np.argsort(-bounds, kind="stable"):
            mask = int(masks[k])
            if bounds[k] <= threshold or len(out) >= count:
                break
            if mask in (0, self.full) or mask in skip or mask in out:
                continue
            excess = self._worth(mask) - float(x[self._members(mask)].sum())
            if excess > threshold:
                out[mask] = excess
        return sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))

    def _pool_coalitions(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per kept package: a coalition and a lower bound on its excess (see subclasses)."""
        return np.zeros(0, dtype=np.int64), np.zeros(0)

    # ---- the pool of packages found so far

    def _remember(self, choice: tuple[int, ...], utilities: np.ndarray) -> None:
        if choice not in self._pool:
            self._pool.add(choice, utilities, self._needed(choice), self._pool_cost(choice))

    def _pool_cost(self, choice: tuple[int, ...]) -> float:
        return 0.0

    def _needed(self, choice: tuple[int, ...]) -> int:
        """The parties a coalition must include to enact ``choice`` (0: anyone may)."""
        return 0

    def _members(self, mask: int) -> np.ndarray:
        return np.array([k for k in range(self.n) if mask >> k & 1], dtype=np.int64)

    def _solve(self, model: MipModel) -> object:
        out = model.solve(solver=self.solver)
        self.stats["programs"] += 1
        if out.status not in (Status.OPTIMAL, Status.INFEASIBLE):
            raise SolverError(f"{self.name}: a coalition's program ended with status "
                              f"{out.status.value}")
        return out

    def _start(self, model: MipModel, program: PackageProgram, choice) -> None:
        if choice is None:
            return
        start = np.zeros(model.n_variables)
        start[program.option_vars(choice)] = 1.0
        model.set_start(start)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}: {self.kind} of {self.n} parties>"


# ====================================================================== gains


class _GainsGame(CaseGame):
    def __init__(self, case: Case, *, package, rule: bool, members_accept: bool, solver: str):
        super().__init__(case, "gains", solver=solver)
        self.rule = rule
        self.members_accept = members_accept
        self.thresholds = case.batnas + float(case.margin)
        self.controllers = _controllers(case)
        self._given = None
        if package is not None:
            choice = case.package_indices(package)
            self._given = float((case.utility_vector(choice) - case.batnas).sum())
            self.package = case.package_from_indices(choice)
            self._remember(choice, case.utility_vector(choice))
        self._money = case.has_contributions
        self._program: PackageProgram | None = None
        self._ideals: np.ndarray | None = None
        self._table = None
        if (is_separable(case) and not case.controls and not self._money
                and not case.has_dependencies):
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
                out = self._solve(model)
                values = out.values
                ideals[p] = self._utilities(values)[p] - self.case.batnas[p]
                self._remember(program.choice(values), self._utilities(values))
            self._ideals = ideals
        return self._ideals

    # ---- the program

    def _model(self):
        if self._program is None:
            case = self.case
            program = PackageProgram(case, acceptance=False)
            model = program.model
            member = model.add_variables(self.n, lb=0.0, ub=0.0)
            rows = []
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
        choice = program.choice(values)
        return self.case.utility_vector(choice) + program.rates * program.money(values)

    def _program_value(self, mask: int, start) -> tuple[float, tuple[int, ...] | None]:
        program, model, _ = self._model()
        self._set_coalition(mask)
        weights = np.array([float(mask >> p & 1) for p in range(self.n)])
        idx, coef = program.combined_terms(weights)
        model.set_objective(idx, coef, constant=-float(weights @ self.case.batnas))
        self._start(model, program, start)
        out = self._solve(model)
        if out.status == Status.INFEASIBLE:
            return 0.0, None
        utilities = self._utilities(out.values)
        choice = program.choice(out.values)
        if not self._money:
            self._remember(choice, utilities)
        value = float(weights @ (utilities - self.case.batnas))
        return (value, choice) if value >= 0 else (0.0, None)

    def _make_separator(self) -> _Separator:
        return _GainsSeparator(self)

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
    def __init__(self, case: Case, package, *, solver: str):
        super().__init__(case, "costs", solver=solver)
        self.option_costs = _option_costs(case)
        if package is None:
            from mutualgains.analysis.solve import solve

            result = solve(case, solver=solver)
            if not result.has_package:
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
        rows = []
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

    def _program_value(self, mask: int, start=None) -> tuple[float, tuple[int, ...]]:
        program, model = self._program, self._program.model
        for p in range(self.n):
            on = float(mask >> p & 1)
            model.set_bounds(self._member[p], on, on)
        self._start(model, program, start)
        out = self._solve(model)
        if out.status != Status.OPTIMAL:  # the reference package serves every coalition
            raise SolverError(f"{self.name}: no package serves {self.members(mask)}")
        choice = program.choice(out.values)
        self._remember(choice, self._plain.utility_vector(choice))
        return max(0.0, self._cost(choice) - self._floor), choice

    def _make_separator(self) -> _Separator:
        return _CostSeparator(self)

    def _pool_coalitions(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # for a package: the parties it serves whose payment (-x) is positive; their cost
        # alone is at most the package's, so the excess is at least payments - that cost
        pool = self._pool
        bits = 1 << np.arange(self.n, dtype=np.int64)
        served = (pool.utilities >= self.needs - TOLERANCE) & (-x > 0)
        masks = served.astype(np.int64) @ bits
        bounds = np.where(served, -x, 0.0).sum(axis=1) - (pool.costs - self._floor)
        return masks, bounds


# ====================================================================== separation


class _Separator:
    """One integer program over coalitions (binaries ``s``) and packages: the coalition
    with the largest excess ``worth(S) - x(S)``, coalitions in ``skip`` cut off."""

    def __init__(self, game: CaseGame, program: PackageProgram):
        self.game, self.program, self.model = game, program, program.model
        n = game.n
        self.s = self.model.add_variables(n, binary=True)
        self.excluded: set[int] = set()
        self.model.add_rows([(self.s, [1.0] * n, ">=", 1.0), (self.s, [1.0] * n, "<=", n - 1.0)])

    def run(self, x: np.ndarray, skip: set[int]) -> tuple[int | None, float]:
        """The coalition with the largest excess, solved exactly (``None`` when every
        coalition is cut off). The package found is optimal for that coalition, so its
        value is recorded without another program."""
        new = sorted(skip - self.excluded)
        self.model.add_rows(self._no_good(m) for m in new)
        self.excluded |= set(new)
        self.set_objective(x)
        out = self._solve()
        if out is None:
            return None, -np.inf
        mask = self._mask(out.values)
        worth = self.record(mask, out.values)
        return mask, worth - float(x[self.game._members(mask)].sum())

    def _solve(self):
        out = self.model.solve(solver=self.game.solver)
        self.game.stats["separations"] += 1
        if out.status == Status.INFEASIBLE:
            return None
        if not out.status.has_answer:
            raise SolverError(f"{self.game.name}: the separation program ended with status "
                              f"{out.status.value}")
        return out

    def _mask(self, values: np.ndarray) -> int:
        return sum(1 << k for k, v in enumerate(values[self.s]) if v > 0.5)

    def _no_good(self, mask: int):
        inside = [k for k in range(self.game.n) if mask >> k & 1]
        coef = [-1.0 if mask >> k & 1 else 1.0 for k in range(self.game.n)]
        return self.s, coef, ">=", 1.0 - len(inside)


class _GainsSeparator(_Separator):
    def __init__(self, game: _GainsGame):
        case = game.case
        super().__init__(game, PackageProgram(case, acceptance=False))
        program, model, n = self.program, self.model, game.n
        (self.agree,) = model.add_variables(1, binary=True)
        self.w = model.add_variables(n, lb=None)
        s, a, rows = self.s, self.agree, []
        options = set(program.x)
        for p in range(n):
            idx, coef = program.utility_terms(p)
            if set(idx) <= options:
                rows += self._products(p, idx, coef)
                continue
            low, high = program.utility_bounds(p)
            batna = float(case.batnas[p])
            lowest, best = min(low - batna, 0.0), max(high - batna, 0.0)
            rows.append(([self.w[p], s[p]], [1.0, -best], "<=", 0.0))
            rows.append(([self.w[p], a], [1.0, -best], "<=", 0.0))
            # w_p <= gain_p - lowest (2 - s_p - a)
            rows.append(([self.w[p], *idx, s[p], a], [1.0, *(-c for c in coef), -lowest, -lowest],
                         "<=", -batna - 2 * lowest))
            big = float(game.thresholds[p] - low)
            if game.members_accept and big > 0:
                rows.append(([*idx, s[p], a], [*coef, -big, -big], ">=",
                             float(game.thresholds[p]) - 2 * big))
        offs = case.option_offsets
        for k, needed in enumerate(game.controllers):
            deviate = [program.x[j] for j in range(offs[k] + 1, offs[k + 1])]
            for c in range(n):
                if needed >> c & 1 and deviate:
                    rows.append(([*deviate, s[c]], [1.0] * len(deviate) + [-1.0], "<=", 0.0))
        costs = case.cost_vector
        for (p, j), var in program.contributions.items():
            rows.append(([var, s[p]], [1.0, -float(costs[j])], "<=", 0.0))
        if game.rule:
            rows.append(([*s, a], [1.0] * n + [-float(case.min_parties)], ">=", 0.0))
            rows += [([s[case.party_names.index(v)], a], [1.0, -1.0], ">=", 0.0)
                     for v in case.veto_parties]
        model.add_rows(rows)

    def _products(self, p: int, idx: list[int], coef: list[float]) -> list:
        """``w_p = t_p * gain_p`` for a party whose utility is a sum of option scores, with
        ``t_p = s_p and a`` and one product ``z = t_p * x_j`` per scored option (tighter
        than one big-M row: the program's relaxation stays close to its optimum)."""
        game, model, program = self.game, self.model, self.program
        (t,) = model.add_variables(1, lb=0.0, ub=1.0)
        z = model.add_variables(len(idx), lb=0.0, ub=1.0)
        s, a, batna = self.s[p], self.agree, float(game.case.batnas[p])
        rows = [([t, s], [1.0, -1.0], "<=", 0.0), ([t, a], [1.0, -1.0], "<=", 0.0),
                ([t, s, a], [1.0, -1.0, -1.0], ">=", -1.0)]
        for zj, xj, c in zip(z, idx, coef, strict=True):
            if c > 0:
                rows += [([zj, t], [1.0, -1.0], "<=", 0.0), ([zj, xj], [1.0, -1.0], "<=", 0.0)]
            else:
                rows.append(([zj, t, xj], [1.0, -1.0, -1.0], ">=", -1.0))
        rows.append(([self.w[p], *z, t], [1.0, *(-c for c in coef), batna], "==", 0.0))
        big = float(game.thresholds[p] - program.utility_bounds(p)[0])
        if game.members_accept and big > 0:
            rows.append(([*idx, t], [*coef, -big], ">=", float(game.thresholds[p]) - big))
        return rows

    def set_objective(self, x: np.ndarray) -> None:
        self.model.set_objective([*self.w, *self.s], [1.0] * len(self.w) + (-x).tolist())

    def record(self, mask: int, values: np.ndarray) -> float:
        game = self.game
        if mask not in game._cache:
            if values[self.agree] < 0.5:
                game.value(mask)  # no agreement pays for this coalition: confirm exactly
            else:
                choice = self.program.choice(values)
                utilities = (game.case.utility_vector(choice)
                             + self.program.rates * self.program.money(values))
                gains = (utilities - game.case.batnas)[game._members(mask)]
                game._cache[mask] = max(0.0, float(gains.sum()))
                if not game._money:
                    game._remember(choice, utilities)
        return game._cache[mask]


class _CostSeparator(_Separator):
    def __init__(self, game: _CostGame):
        super().__init__(game, PackageProgram(game._plain, acceptance=False))
        program, model, n = self.program, self.model, game.n
        rows = []
        for p in range(n):
            idx, coef = program.utility_terms(p)
            big = float(game.needs[p] - program.utility_bounds(p)[0])
            if big > 0:
                rows.append(([*idx, self.s[p]], [*coef, -big], ">=", float(game.needs[p] - big)))
        model.add_rows(rows)
        self.nz = np.flatnonzero(game.option_costs)

    def set_objective(self, x: np.ndarray) -> None:
        # worth(S) - x(S) = -(cost - floor) - x(S); x is in gains form (minus payments)
        game = self.game
        self.model.set_objective([*(self.program.x[j] for j in self.nz), *self.s],
                                 [*(-game.option_costs[self.nz]), *(-x)],
                                 constant=game._floor)

    def record(self, mask: int, values: np.ndarray) -> float:
        game = self.game
        if mask not in game._cache:
            choice = self.program.choice(values)
            game._cache[mask] = max(0.0, game._cost(choice) - game._floor)
            game._remember(choice, game._plain.utility_vector(choice))
        return -game._cache[mask]


# ====================================================================== helpers


class _Pool:
    """The packages found so far, with their utilities, who must join to enact them and
    their cost; arrays grow by doubling, so adding is amortised constant time."""

    def __init__(self, n: int):
        self.choices: list[tuple[int, ...]] = []
        self._index: set[tuple[int, ...]] = set()
        self._utilities = np.zeros((8, n))
        self._needs = np.zeros(8, dtype=np.int64)
        self._costs = np.zeros(8)

    def __len__(self) -> int:
        return len(self.choices)

    def __contains__(self, choice: tuple[int, ...]) -> bool:
        return choice in self._index

    def add(self, choice: tuple[int, ...], utilities: np.ndarray, needs: int,
            cost: float) -> None:
        k = len(self.choices)
        if k == len(self._costs):
            self._utilities = np.vstack([self._utilities, np.zeros_like(self._utilities)])
            self._needs = np.concatenate([self._needs, np.zeros_like(self._needs)])
            self._costs = np.concatenate([self._costs, np.zeros_like(self._costs)])
        self._utilities[k], self._needs[k], self._costs[k] = utilities, needs, cost
        self.choices.append(choice)
        self._index.add(choice)

    @property
    def utilities(self) -> np.ndarray:
        return self._utilities[: len(self.choices)]

    @property
    def needs(self) -> np.ndarray:
        return self._needs[: len(self.choices)]

    @property
    def costs(self) -> np.ndarray:
        return self._costs[: len(self.choices)]


def _controllers(case: Case) -> list[int]:
    """Per issue: the mask of the parties that must all be in a coalition to set it."""
    index = {p: k for k, p in enumerate(case.party_names)}
    out = [0] * len(case.issues)
    position = {name: k for k, name in enumerate(case.issue_names)}
    for party, issues in case.controls.items():
        for issue in issues:
            out[position[issue]] |= 1 << index[party]
    return out


def _open_table(case: Case):
    """The non-dominated packages of a separable case, every package allowed."""
    lowest = case.score_matrix
    offs = case.option_offsets
    floors = sum(lowest[:, offs[k]:offs[k + 1]].min(axis=1) for k in range(len(case.issues)))
    low = float(case.margin) + 1.0
    parties = [dataclasses.replace(p, batna=float(f) - low) for p, f in
               zip(case.parties, np.atleast_1d(floors), strict=True)]
    table = candidate_table(dataclasses.replace(case, parties=parties))
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
    return dataclasses.replace(case, parties=parties, costs={}, total_budget=None,
                               transfers=None)


# ====================================================================== public


@validated(case=Instance(Case), package=Maybe(Instance((Mapping, Sequence), label="a package")),
           decision_rule=Flag(), members_accept=Flag(), solver=Text())
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


@validated(case=Instance(Case), package=Maybe(Instance((Mapping, Sequence), label="a package")),
           solver=Text())
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
