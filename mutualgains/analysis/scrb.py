"""Separable costs, remaining benefits (SCRB): the cost-sharing rule of water-resource projects.

Used for multipurpose dams and regional water systems since the 1930s (TVA) and
standard in US federal practice (James & Lee 1971, "Economics of Water Resources
Planning", McGraw-Hill, ch. 22; Young, Okada & Hashimoto 1982, "Cost allocation
in water resources development", Water Resources Research 18(3):463-475). For a
cost game ``c`` and each party ``i``'s benefit ``b_i`` (what its needs are worth to it):

- *separable cost* ``s_i = c(N) - c(N - i)``: what adding ``i`` last costs;
- *justifiable cost* ``min(b_i, c({i}))``: no party pays more than its needs are
  worth, nor more than serving itself alone;
- *remaining benefit* ``r_i = justifiable_i - s_i`` (0 when negative);
- the *non-separable cost* ``c(N) - sum s_i`` is shared in proportion to ``r_i``:

      x_i = s_i + r_i / sum(r) * (c(N) - sum s).

Only ``2n + 1`` coalition values are needed, so SCRB scales to any number of
parties. It is not always in the core; the result says whether it is.

Examples
--------
>>> from mutualgains.analysis.games import Game
>>> from mutualgains.analysis.scrb import scrb
>>> g = Game.from_values(["A", "B"], {"A": 6, "B": 4, ("A", "B"): 8}, kind="costs")
>>> dict(scrb(g).shares)   # two parties: each its separable cost plus half the rest
{'A': 5, 'B': 3}
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mutualgains.analysis.allocation import Allocation
from mutualgains.analysis.core import allocation_from_split
from mutualgains.analysis.excess import clean, tolerance_of
from mutualgains.analysis.games import GAME, Game
from mutualgains.errors import UsageError
from mutualgains.params import Instance, Maybe, Real, validated

__all__ = ["scrb"]


@validated(game=GAME, benefits=Maybe(Instance(Mapping, label="a mapping of player -> benefit")))
def scrb(game: Game, benefits: Mapping[str, float] | None = None) -> Allocation:
    """Share a cost game's total cost by separable costs and remaining benefits.

    Parameters
    ----------
    game : Game
        A cost game (``kind="costs"``).
    benefits : mapping player -> number, optional
        What each party's needs are worth to it, in the cost's units. Default:
        the game's own (a case's cost game: each party's gain in money), else
        the stand-alone costs (benefits that never bind).

    Returns
    -------
    Allocation
        Rule ``scrb``; ``details`` holds the separable costs, the justifiable
        costs, the remaining benefits and the non-separable cost.

    Raises
    ------
    UsageError
        For a gains game, or benefits that miss a party.

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> costs = {"A": 12, "B": 10, "C": 8, ("A", "B"): 18, ("A", "C"): 16,
    ...          ("B", "C"): 14, ("A", "B", "C"): 20}
    >>> g = Game.from_values(["A", "B", "C"], costs, kind="costs")
    >>> result = scrb(g, {"A": 9, "B": 10, "C": 8})
    >>> result.details["separable"], dict(result.shares)
    ({'A': 6, 'B': 4, 'C': 2}, {'A': 7.6, 'B': 7.2, 'C': 5.2})
    """
    if game.kind != "costs":
        raise UsageError(f"scrb: shares costs; {game.name!r} is a gains game")
    n, full = game.n, game.full
    own = np.array([game.value(1 << k) for k in range(n)])
    if benefits is None:
        benefits = getattr(game, "benefits", None) or dict(zip(game.players, own, strict=True))
    missing = [p for p in game.players if p not in benefits]
    if missing:
        raise UsageError(f"scrb: benefits missing for {', '.join(missing)}")
    bad = [p for p in game.players if not Real().accepts(benefits[p])]
    if bad:
        raise UsageError(f"scrb: benefits of {', '.join(bad)} must be finite numbers")
    b = np.array([float(benefits[p]) for p in game.players])
    total = game.value(full)
    separable = np.array([total - game.value(full ^ (1 << k)) for k in range(n)])
    justifiable = np.minimum(b, own)
    remaining = justifiable - separable
    notes = []
    short = [p for p, r in zip(game.players, remaining, strict=True) if r < 0]
    if short:
        notes.append(f"{', '.join(short)}: separable cost above justifiable cost "
                     "(remaining benefit taken as 0)")
    remaining = np.maximum(remaining, 0.0)
    nonseparable = total - float(separable.sum())
    if remaining.sum() > tolerance_of(game):
        x = separable + remaining / remaining.sum() * nonseparable
    else:
        x = separable + nonseparable / n
        notes.append("no remaining benefits: the non-separable cost is shared equally")

    def per(values: np.ndarray) -> dict[str, float]:
        return {p: clean(v, game) for p, v in zip(game.players, values, strict=True)}

    details = {"separable": per(separable), "justifiable": per(justifiable),
               "remaining": per(remaining), "nonseparable": clean(nonseparable, game),
               "benefits": per(b), "coalitions": 2 * n + 1}
    return allocation_from_split(game, "scrb", -x, epsilon=None, method="exact", details=details,
                                 message="; ".join(notes))

