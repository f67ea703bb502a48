"""The Shapley value: each player's average marginal contribution over all orders of arrival.

Exact (Shapley 1953), from every coalition's value with the combinatorial weights:

    phi_i = sum over S not containing i of  |S|! (n - |S| - 1)! / n!  (v(S + i) - v(S)).

That needs all ``2**n`` values: up to :data:`~mutualgains.analysis.games.MAX_LISTED`
players for a game given by a function or a table, fewer for the games of a case
(each value is a package program; see :mod:`mutualgains.analysis.coalitions`).
Beyond, the value is estimated by sampling orders of arrival uniformly
(Castro, Gómez & Tejada 2009, "Polynomial calculation of the Shapley value based
on sampling", Computers & Operations Research 36(5):1726-1730): each sampled
order gives every player one marginal contribution; the estimate is their mean,
unbiased, with a 95 % normal confidence interval from their standard deviation.
Every sampled order shares out exactly ``v(N)``, so the estimates add up to it.
The orders come from ``numpy.random.default_rng(seed)``: the same seed gives the
same estimate.

Examples
--------
>>> from mutualgains.analysis.games import Game
>>> from mutualgains.analysis.shapley import shapley
>>> glove = Game.from_function(["L", "R1", "R2"],
...                            lambda s: min(len(s & {"L"}), len(s - {"L"})))
>>> {p: round(v, 6) for p, v in shapley(glove).shares.items()}   # 2/3, 1/6, 1/6
{'L': 0.666667, 'R1': 0.166667, 'R2': 0.166667}
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mutualgains.analysis.allocation import Allocation
from mutualgains.analysis.core import allocation_from_split
from mutualgains.analysis.excess import clean
from mutualgains.analysis.games import GAME, Game
from mutualgains.errors import UsageError
from mutualgains.params import PROGRESS, Choice, Integer, validated
from mutualgains.progress import ProgressArg, track
from mutualgains.status import Status

__all__ = ["METHODS", "shapley"]

METHODS: tuple[str, ...] = ("auto", "exact", "sampled")
"""``auto``: exact when the game can list every coalition, sampled otherwise."""

_Z95 = 1.959963984540054  # the standard normal's 97.5 % quantile


@validated(game=GAME, method=Choice(METHODS), samples=Integer(low=2),
           seed=Integer(low=0), progress=PROGRESS)
def shapley(game: Game, *, method: str = "auto", samples: int = 1000, seed: int = 0,
            progress: ProgressArg = False) -> Allocation:
    """The Shapley value of ``game``, exact or sampled.

    Parameters
    ----------
    game : Game
    method : {"auto", "exact", "sampled"}, default "auto"
        ``auto`` is exact when the game lists all its coalitions (its player
        count is within its limit), sampled otherwise: decided from the game,
        never from the clock.
    samples : int, default 1000
        Orders of arrival to sample (sampled method).
    seed : int, default 0
        Seed of the random orders.
    progress : bool or callable, default False
        One step per sampled order (the exact value is one step; see
        :mod:`mutualgains.progress`).

    Returns
    -------
    Allocation
        Rule ``shapley``; status ``optimal`` when exact, ``feasible`` when sampled,
        with ``interval`` the 95 % confidence interval per player and
        ``details["stderr"]`` the standard errors.

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> airport = {"a": 1.0, "b": 3.0, "c": 4.0}     # runway costs, Littlechild-Owen
    >>> g = Game.from_function(list(airport), lambda s: max(airport[p] for p in s),
    ...                        kind="costs")
    >>> dict(shapley(g).shares)                        # 1/3, 1/3 + 2/2, 1/3 + 1 + 1
    {'a': 0.333333333, 'b': 1.333333333, 'c': 2.333333333}
    >>> sampled = shapley(g, method="sampled", samples=400, seed=1)
    >>> sampled.status.value, sampled.interval["a"][0] <= 1 / 3 <= sampled.interval["a"][1]
    ('feasible', True)
    """
    exact = method == "exact" or (method == "auto" and game.n <= game._list_limit())
    if exact:
        with track(progress, "shapley", total=1, unit="game") as step:
            phi = _exact(game)
            step.advance()
        return allocation_from_split(game, "shapley", phi, epsilon=None, method="exact",
                                     details={"coalitions": 1 << game.n})
    with track(progress, "shapley", total=samples, unit="order") as step:
        return _sampled(game, samples, seed, step.advance)


def _exact(game: Game) -> np.ndarray:
    """phi from all worths: for each player, the weighted marginal contributions."""
    n = game.n
    worths = game._worths()
    masks = np.arange(1 << n)
    sizes = np.zeros(1 << n, dtype=np.int64)
    for k in range(n):
        sizes[1 << k: 2 << k] = sizes[: 1 << k] + 1
    # weight of a coalition of size s without i: s! (n - s - 1)! / n! = 1 / (n * C(n-1, s))
    weight = np.array([1.0 / (n * math.comb(n - 1, s)) for s in range(n)])
    phi = np.zeros(n)
    for k in range(n):
        without = masks[(masks >> k & 1) == 0]
        phi[k] = float(weight[sizes[without]] @ (worths[without | (1 << k)] - worths[without]))
    return phi


def _sampled(game: Game, samples: int, seed: int, advance: Callable[[], None]) -> Allocation:
    n = game.n
    rng = np.random.default_rng(seed)
    contributions = np.zeros((samples, n))
    for s in range(samples):
        before, mask = 0.0, 0
        for k in rng.permutation(n):
            mask |= 1 << int(k)
            after = game._worth(mask)
            contributions[s, k] = after - before
            before = after
        advance()
    mean = contributions.mean(axis=0)
    stderr = contributions.std(axis=0, ddof=1) / math.sqrt(samples)
    sign = game.sign
    interval = {}
    for p, m, e in zip(game.players, mean, stderr, strict=True):
        low, high = sorted((sign * (m - _Z95 * e), sign * (m + _Z95 * e)))
        interval[p] = (clean(low, game), clean(high, game))
    if not np.isfinite(mean).all():  # pragma: no cover - values are checked finite
        raise UsageError(f"{game.name}: a coalition's value is not finite")
    return allocation_from_split(game, "shapley", mean, epsilon=None, method="sampled",
                                 status=Status.FEASIBLE, interval=interval,
                                 details={"samples": samples, "seed": seed,
                                          "stderr": {p: clean(e, game)
                                           for p, e in zip(game.players, stderr, strict=True)},
                                          "coalitions": len(game._cache) - 1},
                                 message=f"sampled from {samples} orders of arrival (seed {seed}); "
                                         "intervals at 95 %")

