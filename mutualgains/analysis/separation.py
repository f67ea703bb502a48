"""The separation programs of the case games: the coalition with the largest excess.

Given a split ``x`` (in gains form), the core, least-core and nucleolus programs
of :mod:`mutualgains.analysis.excess` need a coalition ``S`` that maximises
``worth(S) - x(S)``. For the games of a case this is one integer program over
coalitions and packages together: a binary ``s_p`` per party (is it in S?), the
package program's option binaries, and

- gains game: a binary ``a`` (does S agree on a package at all? Without one S is
  worth 0), ``t_p = s_p and a``, and ``w_p = t_p * gain_p`` written with one
  product ``z = t_p * x_j`` per party and scored option (McCormick: ``z <= t_p``,
  ``z <= x_j`` for a positive score, ``z >= t_p + x_j - 1`` for a negative one),
  or, for a party whose utility also depends on bonuses, caps or money, three
  big-M rows; every member accepts (``U_p >= threshold - M (1 - t_p)``), S sets
  only the issues it controls (``x_j <= s_c`` for every controller ``c`` of a
  non-status-quo option), only members contribute, and S meets the decision rule
  when the game says so;
- cost game: every member's needs met (``U_p >= need_p - M (1 - s_p)``), the
  package's cost counted against the members' payments.

Both objectives are ``sum w_p - sum x_p s_p`` (gains) or ``sum x_p s_p - cost``
(costs, payments): at the optimum the package is optimal for the coalition found,
so that coalition's value is recorded without another program. Coalitions whose
excess is settled (fixed in an earlier stage of the nucleolus) are cut off by
no-good rows ``sum_{p in T} (1 - s_p) + sum_{p not in T} s_p >= 1``; the empty
and the grand coalition by ``1 <= sum s <= n - 1``. :class:`GainsSeparator` and
:class:`CostSeparator` build the two programs; :class:`Separator` holds what they share.

Examples
--------
>>> import numpy as np
>>> import mutualgains as mg
>>> game = mg.cost_game(mg.load_example("regional"))
>>> separator = CostSeparator(game)
>>> mask, excess = separator.run(-np.full(6, 497 / 6), set())   # equal payments
>>> game.members(mask), round(excess, 4)
(('Farmers',), 48.8333)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

import numpy as np

from mutualgains.engine.mip import MipOutcome
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import SolverError
from mutualgains.model import Case
from mutualgains.status import Status

__all__ = ["CostSeparator", "GainsSeparator", "Separator"]

_Row = tuple[Sequence[int], Sequence[float], str, float]
# One row of a MipModel: (variables, coefficients, sense, right-hand side).


class _GameView(Protocol):
    """What a separator reads from its game (a :class:`~mutualgains.analysis.casegame.CaseGame`):
    the separators fill the game's cache and pool of packages as they find values."""

    case: Case
    name: str
    solver: str
    stats: dict[str, int]
    _cache: dict[int, float]

    @property
    def n(self) -> int: ...

    def value(self, coalition: int) -> float: ...

    def _members(self, mask: int) -> np.ndarray: ...

    def _remember(self, choice: tuple[int, ...], utilities: np.ndarray) -> None: ...


class _GainsView(_GameView, Protocol):
    """The gains game's rules (see :func:`~mutualgains.analysis.coalitions.gains_game`)."""

    rule: bool
    members_accept: bool
    thresholds: np.ndarray
    controllers: list[int]
    _money: bool


class _CostView(_GameView, Protocol):
    """The cost game's needs and costs (see :func:`~mutualgains.analysis.coalitions.cost_game`)."""

    needs: np.ndarray
    option_costs: np.ndarray
    _plain: Case
    _floor: float

    def _cost(self, choice: Sequence[int]) -> float: ...


_G = TypeVar("_G", bound=_GameView)


class Separator(ABC, Generic[_G]):
    """One integer program over coalitions (binaries ``s``) and packages: the coalition
    with the largest excess ``worth(S) - x(S)``, coalitions in ``skip`` cut off."""

    def __init__(self, game: _G, program: PackageProgram):
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
        values = out.solution  # _solve returns only outcomes with an answer
        mask = self._mask(values)
        worth = self.record(mask, values)
        return mask, worth - float(x[self.game._members(mask)].sum())

    @abstractmethod
    def set_objective(self, x: np.ndarray) -> None:
        """Maximise the excess for split ``x`` (see the subclasses)."""

    @abstractmethod
    def record(self, mask: int, values: np.ndarray) -> float:
        """The worth of coalition ``mask``, found at the optimum ``values``, kept in the
        game's cache (see the subclasses)."""

    def _solve(self) -> MipOutcome | None:
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

    def _no_good(self, mask: int) -> _Row:
        inside = [k for k in range(self.game.n) if mask >> k & 1]
        coef = [-1.0 if mask >> k & 1 else 1.0 for k in range(self.game.n)]
        return self.s, coef, ">=", 1.0 - len(inside)


class GainsSeparator(Separator[_GainsView]):
    def __init__(self, game: _GainsView):
        case = game.case
        super().__init__(game, PackageProgram(case, acceptance=False))
        program, model, n = self.program, self.model, game.n
        (self.agree,) = model.add_variables(1, binary=True)
        self.w = model.add_variables(n, lb=None)
        s, a = self.s, self.agree
        rows: list[_Row] = []
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

    def _products(self, p: int, idx: list[int], coef: list[float]) -> list[_Row]:
        """``w_p = t_p * gain_p`` for a party whose utility is a sum of option scores, with
        ``t_p = s_p and a`` and one product ``z = t_p * x_j`` per scored option (tighter
        than one big-M row: the program's relaxation stays close to its optimum)."""
        game, model, program = self.game, self.model, self.program
        (t,) = model.add_variables(1, lb=0.0, ub=1.0)
        z = model.add_variables(len(idx), lb=0.0, ub=1.0)
        s, a, batna = self.s[p], self.agree, float(game.case.batnas[p])
        rows: list[_Row] = [([t, s], [1.0, -1.0], "<=", 0.0), ([t, a], [1.0, -1.0], "<=", 0.0),
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


class CostSeparator(Separator[_CostView]):
    def __init__(self, game: _CostView):
        super().__init__(game, PackageProgram(game._plain, acceptance=False))
        program, model, n = self.program, self.model, game.n
        rows: list[_Row] = []
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
