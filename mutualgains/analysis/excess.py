"""Linear programs over the excesses of a game, with coalitions added as they are violated.

The least core, the nucleolus and the core check all solve programs of the form

    minimise e  subject to  x(N) = w(N),  x(S) + e >= w(S) for coalitions S,

(``w`` the game's worth in gains form, ``x`` the split). Listing all ``2**n - 2``
rows is hopeless beyond 20 players and costly for case games, where each
``w(S)`` is a package program. So the program starts from the singletons and
their complements, and after each solve the *separation problem* finds the
coalitions whose excess ``w(S) - x(S)`` exceeds ``e``: by enumeration over the
cached values for small games, by one integer program over coalitions and
packages for the games of a case (:mod:`mutualgains.analysis.coalitions`).
Their rows are added and the program solved again, until no coalition is
violated by more than the tolerance: then the restricted optimum is the optimum
of the full program (and its duals are dual-optimal for it).

Examples
--------
>>> from mutualgains.analysis.games import Game
>>> game = Game.from_function(["A", "B", "C"], lambda s: float(len(s) >= 2))
>>> lp = ExcessLP(game)
>>> lp.add(initial_coalitions(game))
>>> out = generate(lp, skip=set())
>>> round(out.epsilon, 6)   # majority game: the core is empty, least core at 1/3
0.333333
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mutualgains.analysis.games import Game
from mutualgains.engine.mip import MipModel
from mutualgains.errors import SolverError
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import tidy

__all__ = ["ExcessLP", "SpanBasis", "StageOutcome", "clean", "generate",
           "initial_coalitions", "tolerance_of"]

_MAX_ROUNDS = 100_000


def tolerance_of(game: Game) -> float:
    """The tolerance on excesses: :data:`TOLERANCE` relative to the game's scale.

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> tolerance_of(Game.from_values(["A"], {"A": 5e6}))
    5.0
    """
    scale = max([1.0, abs(game.grand_value)]
                + [abs(game.value(1 << k)) for k in range(game.n)])
    return TOLERANCE * scale


def clean(value: float, game: Game) -> float | int:
    """``value`` rounded at nine digits below the game's scale (solver noise removed), as a
    plain number (integral values as ``int``).

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> g = Game.from_values(["A"], {"A": 1e5})
    >>> clean(331695.250000003, g), clean(0.9999999999999, g)
    (331695.25, 1)
    """
    scale = tolerance_of(game) / TOLERANCE
    digits = max(0, 9 - math.floor(math.log10(scale)))
    return tidy(round(float(value), digits) + 0.0)


def initial_coalitions(game: Game) -> list[int]:
    """The singletons and their complements: enough rows to bound ``e`` from below.

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> initial_coalitions(Game.from_function(["A", "B", "C"], len))
    [1, 6, 2, 5, 4, 3]
    """
    full = game.full
    out: list[int] = []
    for k in range(game.n):
        for mask in (1 << k, full ^ (1 << k)):
            if mask not in (0, full) and mask not in out:
                out.append(mask)
    return out


class ExcessLP:
    """One program over the split ``x`` and ``e``, with coalition rows added on demand.

    Parameters
    ----------
    game : Game
    fixed : list of (mask, level), optional
        Coalitions whose excess is held at ``level``: ``x(S) = w(S) - level``.
    pinned : mapping player index -> value, optional
        Players whose share is held fixed.
    lows : array, optional
        Lower bounds on each share (individual rationality), as rows (their duals
        are read).
    epsilon_cap : float, optional
        Hold ``e`` at most this.
    share_objective : (player index, +1 or -1), optional
        Minimise (+1) or maximise (-1) that player's share instead of ``e``.

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> lp = ExcessLP(Game.from_function(["A", "B"], len))
    >>> lp.add([1, 2])
    >>> round(lp.solve().epsilon, 6)
    -0.0
    """

    def __init__(self, game: Game, *, fixed: Sequence[tuple[int, float]] = (),
                 pinned: Mapping[int, float] | None = None,
                 lows: np.ndarray | None = None, epsilon_cap: float | None = None,
                 share_objective: tuple[int, float] | None = None):
        self.game = game
        n = game.n
        self.model = model = MipModel("excess", maximize=False)
        self.x = model.add_variables(n, lb=None)
        (self.e,) = model.add_variables(1, lb=None, ub=epsilon_cap)
        rows = [(self.x, [1.0] * n, "==", game._worth(game.full))]
        for mask, level in fixed:
            rows.append((self.members(mask), [1.0] * mask.bit_count(), "==",
                         game._worth(mask) - level))
        pinned = dict(pinned or {})
        rows += [([self.x[k]], [1.0], "==", float(v)) for k, v in pinned.items()]
        first = model.n_rows
        self.lower_rows: dict[int, int] = {}
        if lows is not None:
            for k in range(n):
                if k not in pinned:
                    self.lower_rows[first + len(rows)] = k
                    rows.append(([self.x[k]], [1.0], ">=", float(lows[k])))
        if share_objective is None:
            objective = ([self.e], [1.0])
        else:
            objective = ([self.x[share_objective[0]]], [float(share_objective[1])])
        model.add_rows(rows)
        model.set_objective(*objective)
        self.rows: dict[int, int] = {}  # coalition mask -> row

    def members(self, mask: int) -> list[int]:
        """Variables of the shares of ``mask``'s members."""
        return [self.x[k] for k in range(self.game.n) if mask >> k & 1]

    def add(self, masks: Iterable[int]) -> None:
        """Rows ``x(S) + e >= w(S)`` for coalitions not in the program yet."""
        masks = [m for m in dict.fromkeys(masks) if m not in self.rows]
        rows = [([*self.members(m), self.e], [1.0] * (m.bit_count() + 1), ">=",
                 self.game._worth(m)) for m in masks]
        for m, row in zip(masks, self.model.add_rows(rows), strict=True):
            self.rows[m] = row

    def solve(self) -> StageOutcome:
        """Solve as it stands; raise :class:`SolverError` unless optimal."""
        out = self.model.solve()
        if out.status != Status.OPTIMAL:
            raise SolverError(f"excess program of {self.game.name!r}: the solver ended with "
                              f"status {out.status.value}")
        values = out.values
        if values is None:  # pragma: no cover - an optimal outcome has values
            raise SolverError(f"excess program of {self.game.name!r}: no values")
        return StageOutcome(values[self.x].astype(float), float(values[self.e]), out.duals)


@dataclass(frozen=True)
class StageOutcome:
    """A solved :class:`ExcessLP`: the split, ``e``, the row duals and the rounds it took.

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> lp = ExcessLP(Game.from_values(["A", "B"], {"A": 1, "B": 1, ("A", "B"): 4}))
    >>> lp.add([1, 2])
    >>> out = lp.solve()
    >>> out.x.tolist(), out.epsilon
    ([2.0, 2.0], -1.0)
    """

    x: np.ndarray
    epsilon: float
    duals: np.ndarray | None
    rounds: int = 1


class SpanBasis:
    """An orthonormal basis of the span of coalition indicator vectors (and ``N``).

    Examples
    --------
    >>> basis = SpanBasis(3)          # starts with N = (1, 1, 1)
    >>> basis.add(0b001), basis.contains(0b110), basis.rank
    (True, True, 2)
    """

    def __init__(self, n: int):
        self.n = n
        self.rows = np.zeros((0, n))
        self.add((1 << n) - 1)

    @property
    def rank(self) -> int:
        """The dimension spanned so far."""
        return len(self.rows)

    def _residual(self, mask: int) -> np.ndarray:
        v = np.array([float(mask >> k & 1) for k in range(self.n)])
        return v - self.rows.T @ (self.rows @ v)

    def contains(self, mask: int) -> bool:
        """Whether ``mask``'s indicator vector lies in the span."""
        return float(np.linalg.norm(self._residual(mask))) <= 1e-9

    def contains_many(self, masks: np.ndarray) -> np.ndarray:
        """:meth:`contains` for an array of masks.

        Examples
        --------
        >>> basis = SpanBasis(3)
        >>> basis.add(0b001)
        True
        >>> basis.contains_many(np.array([0b001, 0b010, 0b110])).tolist()
        [True, False, True]
        """
        masks = np.asarray(masks, dtype=np.int64)
        vectors = ((masks[:, None] >> np.arange(self.n)) & 1).astype(float)
        residual = vectors - (vectors @ self.rows.T) @ self.rows
        return np.linalg.norm(residual, axis=1) <= 1e-9

    def add(self, mask: int) -> bool:
        """Add ``mask``'s vector; return whether it raised the rank."""
        r = self._residual(mask)
        r = r - self.rows.T @ (self.rows @ r)  # twice: Gram-Schmidt stays orthogonal
        norm = float(np.linalg.norm(r))
        if norm <= 1e-9:
            return False
        self.rows = np.vstack([self.rows, r / norm])
        return True


def generate(lp: ExcessLP, *, skip: set[int], basis: SpanBasis | None = None,
             count: int | None = None) -> StageOutcome:
    """Solve ``lp``, adding violated coalitions until none is violated beyond the tolerance.

    ``skip`` holds coalitions never to add (their excess is settled); coalitions
    found in the span of ``basis`` are settled too and added to ``skip``.

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> g = Game.from_function(["A", "B", "C"], lambda s: float(len(s)) ** 2)
    >>> lp = ExcessLP(g)
    >>> lp.add(initial_coalitions(g))
    >>> out = generate(lp, skip=set())
    >>> round(out.epsilon, 6), out.rounds >= 1
    (-2.0, True)
    """
    game = lp.game
    tol = tolerance_of(game)
    count = count or max(2 * game.n, 8)
    for rounds in range(1, _MAX_ROUNDS + 1):
        out = lp.solve()
        fresh: list[int] = []
        while True:
            found = game._separate(out.x, out.epsilon + tol, skip, set(lp.rows), count, basis)
            if not found:
                break
            for mask, _ in found:
                if mask in lp.rows:
                    continue
                if basis is not None and basis.contains(mask):
                    skip.add(mask)
                    continue
                fresh.append(mask)
            if fresh or all(mask in lp.rows for mask, _ in found):
                break
        if not fresh:
            return StageOutcome(out.x, out.epsilon, out.duals, rounds)
        lp.add(fresh)
    raise SolverError(f"excess program of {game.name!r}: no convergence after "  # pragma: no cover
                      f"{_MAX_ROUNDS} rounds")
