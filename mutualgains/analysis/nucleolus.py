"""The nucleolus: the split that makes the most dissatisfied coalition as happy as
possible, then the next one, and so on (Schmeidler 1969).

The excess of a coalition ``S`` at a split ``x`` is ``v(S) - x(S)`` (for a cost game
``x(S) - c(S)``): what S would gain by leaving. The nucleolus minimises the
largest excess, then the second largest, lexicographically, over the imputations
(every player at least its stand-alone value). It is unique, lies in the core
whenever the core is non-empty, and is found by a sequence of linear programs
(Kopelowitz 1967, "Computation of the kernels of simple games and the nucleolus
of n-person games", RM 31, Hebrew University; Maschler, Peleg & Shapley 1979,
Math. Oper. Res. 4(4):303-338):

    stage k:  minimise e  subject to  x(N) = v(N),  x_i >= v({i}),
              x(S) = v(S) - e_j  for the coalitions fixed at earlier stages j,
              x(S) + e >= v(S)   for every other coalition.

After each stage the coalitions whose row has a non-zero dual are fixed at the
stage's ``e_k``: by complementary slackness their excess is ``e_k`` at *every*
optimal split, so fixing them keeps the whole optimal face (only those independent
of the ones already fixed get an equality row: the others are implied, and
redundant equalities with rounded right-hand sides could read as infeasible). Coalitions whose
indicator vector lies in the span of the fixed ones (and ``N``) have a constant
excess on the face and are dropped. Each stage raises that span's dimension by
at least one, so at most ``n - 1`` stages are needed; when it reaches ``n`` the
split is unique. Every stage is solved by constraint generation
(:mod:`mutualgains.analysis.excess`).

When the players' stand-alone values add up to more than the grand coalition's,
there is no imputation: the *pre*nucleolus (the same programs without
``x_i >= v({i})``) is returned, and the result says so.

Examples
--------
>>> from mutualgains.analysis.games import Game
>>> from mutualgains.analysis.nucleolus import nucleolus
>>> # Lemaire (1991), ASTIN Bulletin 21(1):17-40: three companies pooling funds
>>> g = Game.from_values(["1", "2", "3"], {
...     "1": 46125, "2": 17437.5, "3": 5812.5, ("1", "2"): 69187.5, ("1", "3"): 53812.5,
...     ("2", "3"): 30750, ("1", "2", "3"): 90000})
>>> {p: round(v, 2) for p, v in nucleolus(g).shares.items()}
{'1': 52687.5, '2': 24468.75, '3': 12843.75}
"""

from __future__ import annotations

import numpy as np

from mutualgains.analysis.allocation import Allocation
from mutualgains.analysis.core import allocation_from_split
from mutualgains.analysis.excess import (
    ExcessLP,
    SpanBasis,
    StageOutcome,
    clean,
    generate,
    initial_coalitions,
    tolerance_of,
)
from mutualgains.analysis.games import GAME, Game
from mutualgains.errors import SolverError
from mutualgains.params import Flag, validated

__all__ = ["nucleolus"]

_DUAL = 1e-9  # a row whose dual is larger than this in absolute value is tight on the face


@validated(game=GAME, imputations=Flag())
def nucleolus(game: Game, *, imputations: bool = True) -> Allocation:
    """The nucleolus of ``game`` (or its prenucleolus), by sequential linear programs.

    Parameters
    ----------
    game : Game
    imputations : bool, default True
        Minimise over imputations (each player at least its stand-alone value);
        ``False`` gives the prenucleolus (efficiency only). The two agree when the
        core is non-empty.

    Returns
    -------
    Allocation
        Rule ``nucleolus``; ``epsilon`` the first stage's value (the least core
        over the imputations); ``details["levels"]`` the excess fixed at each stage.

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> majority = Game.from_function(["A", "B", "C"], lambda s: float(len(s) >= 2))
    >>> result = nucleolus(majority)
    >>> {p: round(v, 6) for p, v in result.shares.items()}, result.stable
    ({'A': 0.333333, 'B': 0.333333, 'C': 0.333333}, False)
    """
    n = game.n
    if n == 1:
        return allocation_from_split(game, "nucleolus", np.array([game._worth(1)]), epsilon=None,
                                     details={"lps": 0, "levels": ()})
    tol = tolerance_of(game)
    lows = np.array([game._worth(1 << k) for k in range(n)])
    use_lows = imputations and lows.sum() <= game._worth(game.full) + tol
    message = ""
    if imputations and not use_lows:
        message = ("no imputation exists (the stand-alone values add up to more than the "
                   "grand coalition's): this is the prenucleolus")
    fixed: list[tuple[int, float]] = []
    pinned: dict[int, float] = {}
    basis = SpanBasis(n)
    skip: set[int] = set()
    working = set(initial_coalitions(game))
    levels: list[float] = []
    lps = largest = 0
    while True:
        lp = ExcessLP(game, fixed=fixed, pinned=pinned, lows=lows if use_lows else None)
        lp.add(sorted(working - skip))
        out = generate(lp, skip=skip, basis=basis)
        lps += out.rounds
        largest = max(largest, len(lp.rows))
        levels.append(out.epsilon)
        if out.duals is None:
            raise SolverError(f"nucleolus of {game.name!r}: the solver reports no duals")
        progress = _fix(game, lp, out, fixed, pinned, lows, basis, skip, tol)
        if basis.rank >= n:
            break
        if not progress:
            raise SolverError(f"nucleolus of {game.name!r}: stage {len(levels)} fixed no "
                              "coalition (degenerate duals)")
        working = {m for m in lp.rows if m not in skip}
        working |= {m for m in initial_coalitions(game) if m not in skip}
        for m in list(working):
            if basis.contains(m):
                skip.add(m)
    details = {"lps": lps, "stages": len(levels), "coalitions": largest,
               "levels": tuple(clean(e, game) for e in levels),
               "kind": "nucleolus" if use_lows else "prenucleolus"}
    return allocation_from_split(game, "nucleolus", out.x, epsilon=clean(levels[0], game),
                                 details=details, message=message)


def _fix(game: Game, lp: ExcessLP, out: StageOutcome, fixed: list, pinned: dict,
         lows: np.ndarray,
         basis: SpanBasis, skip: set[int], tol: float) -> bool:
    """Fix the coalitions (and bound players) that are tight on the stage's optimal face."""
    duals, x, eps = out.duals, out.x, out.epsilon
    if duals is None:  # pragma: no cover - checked by the caller
        raise SolverError(f"nucleolus of {game.name!r}: the solver reports no duals")
    progress = False
    for mask, row in sorted(lp.rows.items()):
        if abs(duals[row]) <= _DUAL:
            continue
        excess = game._worth(mask) - float(sum(x[k] for k in range(game.n) if mask >> k & 1))
        if excess < eps - tol:
            continue  # a loose row with a numerically non-zero dual: leave it
        skip.add(mask)
        if basis.add(mask):  # a dependent one is implied by those fixed: no redundant row
            fixed.append((mask, eps))
            progress = True
    for row, k in sorted(lp.lower_rows.items()):
        if abs(duals[row]) > _DUAL and x[k] <= lows[k] + tol and k not in pinned \
                and basis.add(1 << k):
            pinned[k] = float(lows[k])
            progress = True
    return progress
