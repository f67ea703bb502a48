"""The exact grid of a party's utilities: the smallest step between two of its values.

Most cases score on a rational grid: integers, decimals, GENIUS' ``evaluation /
max evaluation`` times weights. Every utility of a party is then an integer
multiple of one step, and counting in steps makes every sum exact, so the
non-dominated sets (:mod:`mutualgains.engine.treedp`,
:mod:`mutualgains.engine.enumerate`) compare utilities exactly and the
frontier's "strictly more" means "at least one step more".

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> party_step(load_example("harbour"), 0)
(1.0, True)
"""

from __future__ import annotations

import math
import weakref
from fractions import Fraction
from functools import reduce

import numpy as np

from mutualgains.model import Case
from mutualgains.tolerance import TOLERANCE

__all__ = ["MAX_DENOMINATOR", "party_step", "unit_scales"]

MAX_DENOMINATOR = 10**6
"""Largest denominator of a rational grid (GENIUS fractions included)."""

_EXACT_UNITS = 2.0**52  # utilities counted in steps must stay exact integers in a float


def party_step(case: Case, p: int) -> tuple[float, bool]:
    """The smallest difference between two different utilities of party ``p``.

    Returns ``(step, exact)``: when every score, bonus and cap of the party is
    a multiple of a common rational grid (denominators up to
    :data:`MAX_DENOMINATOR`) the step is that grid and ``exact`` is True;
    otherwise ``TOLERANCE`` times the party's utility range, and at least
    ``10 * TOLERANCE``.

    Examples
    --------
    >>> from mutualgains import Case, Issue, Party
    >>> case = Case([Party("A"), Party("B")], [Issue("i", ["x", "y"])],
    ...             {"A": {"i": [0.5, 1.25]}, "B": {"i": [0.1, 0.2]}})
    >>> party_step(case, 0), party_step(case, 1)
    ((0.25, True), (0.1, True))
    """
    values = [case.score_matrix[p]]
    values += [bonus[p:p + 1] for _, bonus in case.synergy_table]
    if math.isfinite(case.caps[p]):
        values.append(case.caps[p:p + 1])
    distinct = np.unique(np.abs(np.concatenate(values)))
    distinct = distinct[distinct != 0]
    if not len(distinct):
        return 1.0, True
    if distinct.max() < 2.0**52 and np.all(distinct == np.round(distinct)):
        return float(np.gcd.reduce(distinct.astype(np.int64))), True
    fractions = [Fraction(float(v)).limit_denominator(MAX_DENOMINATOR) for v in distinct]
    if all(abs(float(f) - v) <= 1e-12 * max(1.0, v) for f, v in zip(fractions, distinct,
                                                                      strict=True)):
        denominator = reduce(math.lcm, (f.denominator for f in fractions))
        if denominator <= MAX_DENOMINATOR:
            grid = reduce(math.gcd, (f.numerator * (denominator // f.denominator)
                                     for f in fractions))
            return float(Fraction(grid, denominator)), True
    values = [float(v) for v in np.concatenate(values) if v != 0]
    span = max(values) - min(min(values), 0.0)
    # well above the solvers' feasibility tolerance (1e-6), so a step is never bent away
    return max(10 * TOLERANCE, TOLERANCE * span), False


def unit_scales(case: Case) -> np.ndarray | None:
    """Per party, the step to count utilities in, when every party has an exact grid.

    ``None`` when some party's scores lie on no rational grid, or when counting
    in steps could exceed the integers a float holds exactly; utilities are then
    compared as floats.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> unit_scales(load_example("harbour")).tolist()  # City's scores are all even
    [1.0, 2.0, 5.0, 1.0, 1.0]
    """
    hit = _SCALES.get(id(case))
    if hit is not None and hit[0]() is case:
        return hit[1]
    scales = _unit_scales(case)
    if len(_SCALES) > 64:
        _SCALES.clear()
    _SCALES[id(case)] = (weakref.ref(case), scales)
    return scales


_SCALES: dict[int, tuple[weakref.ref, np.ndarray | None]] = {}


def _unit_scales(case: Case) -> np.ndarray | None:
    steps = []
    for p in range(len(case.parties)):
        step, exact = party_step(case, p)
        if not exact:
            return None
        steps.append(step)
    scales = np.array(steps)
    largest = np.abs(case.score_matrix).sum(axis=1)
    for _, bonus in case.synergy_table:
        largest = largest + np.abs(bonus)
    if ((largest / scales) >= _EXACT_UNITS).any():
        return None
    scales.flags.writeable = False
    return scales
