"""The common machinery of a case's games: values from package programs, kept packages,
listing limits and the choice between enumeration and constraint generation.

The games themselves (what a coalition can do on its own) are in
:mod:`mutualgains.analysis.coalitions`; the separation programs in
:mod:`mutualgains.analysis.separation`.

Examples
--------
>>> import mutualgains as mg
>>> game = mg.cost_game(mg.load_example("regional"))
>>> isinstance(game, CaseGame), game._separation_method()
(True, 'enumeration')
"""

from __future__ import annotations

import dataclasses
import warnings
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.analysis.games import Game
from mutualgains.engine.mip import MipModel, MipOutcome
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import SolverError
from mutualgains.model import Case, DependencyWarning
from mutualgains.status import Status

if TYPE_CHECKING:  # pragma: no cover
    from mutualgains.analysis.separation import Separator

__all__ = ["ENUMERATE_UP_TO", "LIST_LIMIT", "CaseGame", "with_changes"]

LIST_LIMIT = 12
"""The most parties of a case whose 2**n coalitions are listed (4095 package programs)."""

ENUMERATE_UP_TO = 8
"""Up to this many parties the core programs list every coalition; beyond, one integer
program per round finds the most violated coalition (constraint generation)."""


def with_changes(case: Case, **changes: Any) -> Case:
    """``case`` with ``changes`` (as :func:`dataclasses.replace`), without repeating the
    :class:`~mutualgains.model.DependencyWarning` its construction already gave.

    The games copy a case with other BATNAs, or without money; the copy is
    validated again, and would warn again about the options no package can contain.

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("harbour")
    >>> with_changes(case, margin=1).margin, case.margin
    (1, 0)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DependencyWarning)
        return dataclasses.replace(case, **changes)


class CaseGame(Game, ABC):
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
        self._separator: Separator[Any] | None = None

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

    def _separate(self, x: np.ndarray, threshold: float, skip: set[int], present: set[int],
                  count: int, basis: Any = None) -> list[tuple[int, float]]:
        if self._enumerates():
            return super()._separate(x, threshold, skip, present, count, basis)
        found = self._from_pool(x, threshold, skip | present, count)
        if found:
            return found
        if self._separator is None or not self._separator.excluded <= skip:
            self._separator = self._make_separator()
        mask, excess = self._separator.run(x, skip)
        if mask is not None and excess > threshold:
            return [(mask, excess)]
        return []

    @abstractmethod
    def _make_separator(self) -> Separator[Any]:
        """The program that finds the most violated coalition for this game."""

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

    def _solve(self, model: MipModel) -> MipOutcome:
        out = model.solve(solver=self.solver)
        self.stats["programs"] += 1
        if out.status not in (Status.OPTIMAL, Status.INFEASIBLE):
            raise SolverError(f"{self.name}: a coalition's program ended with status "
                              f"{out.status.value}")
        return out

    def _start(self, model: MipModel, program: PackageProgram,
               choice: Sequence[int] | None) -> None:
        if choice is None:
            return
        start = np.zeros(model.n_variables)
        start[program.option_vars(choice)] = 1.0
        model.set_start(start)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}: {self.kind} of {self.n} parties>"


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
