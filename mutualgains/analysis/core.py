"""The core of a game: is there a split no coalition would leave, and which one?

The core is the set of splits ``x`` of the grand coalition's value such that
every coalition gets at least what it is worth on its own, ``x(S) >= v(S)`` (for
a cost game: pays at most what serving it alone costs, ``x(S) <= c(S)``). The
*least core* (Maschler, Peleg & Shapley 1979, "Geometric properties of the
kernel, nucleolus and related solution concepts", Math. Oper. Res. 4(4):303-338)
relaxes every coalition's claim by the smallest ``e`` that leaves some split:

    minimise e  subject to  x(N) = v(N),  x(S) + e >= v(S)  for every S other than N.

The core is non-empty exactly when ``e <= 0``, and then the least core lies
inside it. When it is empty the program's duals are a certificate: weights
``lambda_S >= 0`` with ``sum lambda_S 1_S = 1_N`` and ``sum lambda_S v(S) > v(N)``
(a balanced collection that asks for more than there is; Bondareva 1963,
Shapley 1967). The program is solved by constraint generation
(:mod:`mutualgains.analysis.excess`), so it never lists all ``2**n`` coalitions
unless the game is small enough to enumerate.

:func:`least_core` also says how far each party's share can move within the
least core (``details["range"]``: its least and its most, one program each) and
returns the average of those ``2n`` extreme splits: a least-core point (the least
core is convex) that leans towards no party. :func:`stability` checks any split.

Examples
--------
>>> from mutualgains.analysis.games import Game
>>> from mutualgains.analysis.core import least_core
>>> glove = Game.from_function(["L", "R1", "R2"],
...                            lambda s: min(len(s & {"L"}), len(s - {"L"})))
>>> result = least_core(glove)
>>> result.core_nonempty, dict(result.shares)
(True, {'L': 1, 'R1': 0, 'R2': 0})
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from mutualgains.analysis.allocation import Allocation
from mutualgains.analysis.excess import (
    ExcessLP,
    clean,
    generate,
    initial_coalitions,
    tolerance_of,
)
from mutualgains.analysis.games import GAME, Game
from mutualgains.errors import SolverError, UsageError
from mutualgains.params import AnyOf, Instance, ListOf, Real, validated
from mutualgains.status import Status
from mutualgains.util import tidy

__all__ = ["SHARES", "allocation_from_split", "least_core", "stability"]


@validated(game=GAME)
def least_core(game: Game) -> Allocation:
    """The least core's value, each party's range within it, and a balanced point of it.

    Parameters
    ----------
    game : Game

    Returns
    -------
    Allocation
        Rule ``core``: ``epsilon`` is the least-core value (the core is non-empty
        when it is at most 0, see ``core_nonempty``); ``shares`` a least-core
        split (the average of the splits that give each party its least and its
        most); ``details["range"]`` each party's (least, most) share in the least
        core; ``details["balanced"]`` the certificate when the core is empty.

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> majority = Game.from_function(["A", "B", "C"], lambda s: float(len(s) >= 2))
    >>> result = least_core(majority)
    >>> result.core_nonempty, round(result.epsilon, 6)
    (False, 0.333333)
    >>> sorted(result.details["balanced"].values())   # {A,B}, {A,C}, {B,C}, weight 1/2 each
    [0.5, 0.5, 0.5]
    """
    n = game.n
    if n == 1:
        return allocation_from_split(game, "core", np.array([game._worth(1)]), epsilon=None,
                                     details={"lps": 0})
    lp = ExcessLP(game)
    lp.add(initial_coalitions(game))
    first = generate(lp, skip=set())
    details: dict = {"lps": first.rounds, "coalitions": len(lp.rows)}
    tol = tolerance_of(game)
    if first.epsilon > tol and first.duals is not None:
        details["balanced"] = _certificate(game, lp, first.duals)
    ends, ranges = [], {}
    for k, p in enumerate(game.players):
        low_high = []
        for direction in (1.0, -1.0):
            extreme = ExcessLP(game, epsilon_cap=first.epsilon, share_objective=(k, direction))
            extreme.add(lp.rows)
            try:
                point = generate(extreme, skip=set())
            except SolverError:  # the cap is the optimum itself: numerically out of reach
                point = first
            details["lps"] += point.rounds
            ends.append(point.x)
            low_high.append(clean(game.sign * point.x[k], game))
        ranges[p] = tuple(sorted(low_high))
    details["range"] = ranges
    return allocation_from_split(game, "core", np.mean(ends, axis=0),
                                 epsilon=clean(first.epsilon, game), details=details)


SHARES = AnyOf((Instance(Mapping, label="a mapping of player -> share"), ListOf(Real())))
"""``shares=``: a mapping player -> share, or the shares in player order.

Examples
--------
>>> SHARES.accepts({"A": 1.5}), SHARES.accepts([1, 2]), SHARES.accepts("12")
(True, True, False)
"""


@validated(game=GAME, shares=SHARES)
def stability(game: Game, shares: Mapping[str, float] | Sequence[float]
              ) -> tuple[bool, tuple[str, ...], float]:
    """Whether ``shares`` is in the core, with the coalition that would gain most by leaving.

    Parameters
    ----------
    game : Game
    shares : mapping player -> share, or a sequence in player order
        What each player receives (gains game) or pays (cost game).

    Returns
    -------
    (stable, coalition, excess)
        ``excess`` is what the coalition would gain (or save) on its own, beyond
        its shares; ``stable`` when it is at most the tolerance.

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> g = Game.from_values(["A", "B"], {"A": 3, "B": 1, ("A", "B"): 5})
    >>> stability(g, {"A": 2, "B": 3})
    (False, ('A',), 1)
    """
    x = _as_vector(game, shares) * game.sign
    if game.n == 1:
        return True, (), 0.0
    found = game._separate(x, -math.inf, set(), set(), 1)
    if not found:  # pragma: no cover - every game of two or more players has a coalition
        return True, (), 0.0
    mask, excess = found[0]
    stable = excess <= tolerance_of(game)
    return bool(stable), game.members(mask), clean(excess, game)


def _as_vector(game: Game, shares: Mapping[str, float] | Sequence[float]) -> np.ndarray:
    """The shares in player order (checked against the game's players)."""
    if isinstance(shares, Mapping):
        unknown = [p for p in shares if p not in game.players]
        missing = [p for p in game.players if p not in shares]
        if unknown or missing:
            raise UsageError(f"stability: shares must give one share per player (unknown: "
                             f"{', '.join(map(str, unknown)) or 'none'}; missing: "
                             f"{', '.join(missing) or 'none'})")
        values = [shares[p] for p in game.players]
    else:
        values = list(shares)
        if len(values) != game.n:
            raise UsageError(f"stability: shares must give {game.n} shares, got {len(values)}")
    bad = [p for p, v in zip(game.players, values, strict=True) if not Real().accepts(v)]
    if bad:
        raise UsageError(f"stability: shares of {', '.join(bad)} must be finite numbers")
    return np.array(values, dtype=float)


def _certificate(game: Game, lp: ExcessLP, duals: np.ndarray) -> dict[str, float]:
    """Balanced weights from the least-core duals: ``y_S / c`` with ``sum y_S 1_S = c 1_N``."""
    weights = {m: abs(float(duals[row])) for m, row in lp.rows.items()
               if abs(float(duals[row])) > 1e-9}
    cover = sum(w * m.bit_count() for m, w in weights.items()) / game.n
    return {", ".join(game.members(m)): tidy(round(w / cover, 9))
            for m, w in sorted(weights.items(), key=lambda kv: (kv[0].bit_count(), kv[0]))}


def allocation_from_split(game: Game, rule: str, x: np.ndarray, *, epsilon: float | None,
                          details: dict, method: str | None = None,
                          status: Status = Status.OPTIMAL, interval: dict | None = None,
                          message: str = "") -> Allocation:
    """An :class:`Allocation` of ``game`` by ``rule`` from a split ``x`` in gains form (the
    worth ``sign * value``: a cost game's payments negated), with its stability checked
    when the game can be searched for a blocking coalition. Every rule ends here.

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> g = Game.from_values(["A", "B"], {"A": 6, "B": 4, ("A", "B"): 8}, kind="costs")
    >>> result = allocation_from_split(g, "equal", np.array([-4.0, -4.0]), epsilon=None,
    ...                                details={})
    >>> dict(result.shares), result.stable
    ({'A': 4, 'B': 4}, True)
    """
    sign = game.sign
    shares = {p: clean(sign * v, game) for p, v in zip(game.players, x, strict=True)}
    stable, blocking, excess = (stability(game, shares) if game._can_separate()
                                else (None, (), None))
    return Allocation(
        status=status, rule=rule, kind=game.kind, shares=shares,
        total=clean(game.grand_value, game),
        stand_alone={p: clean(game.value(1 << k), game) for k, p in enumerate(game.players)},
        stable=stable, blocking=() if stable else blocking, blocking_excess=excess,
        epsilon=epsilon, interval=interval or {}, package=getattr(game, "package", None),
        method=method or game._separation_method(), details=details, message=message,
        game_name=game.name)
