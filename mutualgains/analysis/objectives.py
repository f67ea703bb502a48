"""Every bargaining objective, written once, for every exact backend.

An objective is a lexicographic sequence of *stages*, each maximising a
function of the gains that never decreases when a gain grows:

:class:`WeightedSum`
    ``sum_p w_p * gain_p``.
:class:`ScaledMin`
    ``min_p gain_p / s_p`` over the parties with a scale.
:class:`SmallestSum`
    The sum of the ``k`` smallest gains (Ogryczak's ordered outcomes).
:class:`LogSum`
    ``sum_p w_p * log(gain_p)`` over parties with positive weight
    (``-inf`` unless every such gain exceeds the tolerance).

Each stage kind is evaluated in one way on a non-dominated set (a vectorised
pass over its rows, :meth:`Stage.values`) and in one way on the integer program
(:meth:`Stage.optimise` and :meth:`Stage.keep`). The objectives are then plain
data (:func:`plan`):

=============  ==========================================================
``joint``      weighted sum; then the unweighted sum
``egalitarian`` smallest gain; then the unweighted sum
``ks``         smallest gain / ideal gain; then the unweighted sum
``leximin``    sum of the k smallest gains, k = 1 .. n (the last is the sum)
``nash``       weighted sum of logs; then the unweighted sum
=============  ==========================================================

After the last stage one rule breaks the remaining ties, identically on every
path: **the package with the lexicographically smallest option positions**
(issue by issue, in case order) among those that keep every stage's optimum.
On a set that is a sort; on the program a check that no other package keeps
the optima (one more solve) and, only when one does, fixing the issues one by
one at their smallest possible option. Because every stage is monotone and the
last is the unweighted sum, every optimal package is non-dominated, so the sets
(which hold the smallest package of every non-dominated utility vector) and
the program pick the same package. A stage keeps its optimum within the one
tolerance (:func:`keep_floor`); values closer than that count as tied.

Examples
--------
>>> import numpy as np
>>> stages = plan("leximin", n_parties=3).stages
>>> [type(s).__name__ for s in stages]
['SmallestSum', 'SmallestSum', 'SmallestSum']
>>> stages[1].values(np.array([[3.0, 1.0, 2.0]])).tolist()
[3.0]
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE

if TYPE_CHECKING:  # pragma: no cover
    from mutualgains.engine.nondominated import ParetoSet

__all__ = ["LogSum", "Objective", "ScaledMin", "SmallestSum", "Stage", "WeightedSum",
           "evaluate", "keep_floor", "plan"]


def keep_floor(value: float, *, log: bool = False) -> float:
    """The least stage value that still counts as the optimum ``value``.

    ``TOLERANCE * max(1, |value|)`` below it; on a sum of logs an absolute
    ``TOLERANCE`` (a relative one on the product).

    Examples
    --------
    >>> keep_floor(10.0), keep_floor(0.5, log=True)
    (9.99999, 0.499999)
    """
    if log:
        return value - TOLERANCE
    return value - TOLERANCE * max(1.0, abs(value))


# ------------------------------------------------------------------ the stages


class Stage(ABC):
    """One stage of an objective: maximise :meth:`values` over the packages left."""

    log = False

    @abstractmethod
    def values(self, gains: np.ndarray) -> np.ndarray:
        """The stage's value of every row of ``gains`` (packages x parties)."""

    @abstractmethod
    def optimise(self, program: Program) -> Optimum:
        """Maximise the stage on the integer program (see :class:`Program`)."""

    @abstractmethod
    def keep(self, program: Program, floor: float) -> None:
        """Add rows to the program that keep the stage's value at least ``floor``."""


@dataclass(frozen=True)
class WeightedSum(Stage):
    """``sum_p weights[p] * gain_p``.

    Examples
    --------
    >>> WeightedSum((1.0, 2.0)).values(np.array([[1.0, 3.0]])).tolist()
    [7.0]
    """

    weights: tuple[float, ...]

    def values(self, gains: np.ndarray) -> np.ndarray:
        return gains @ np.asarray(self.weights)

    def optimise(self, program: Program) -> Optimum:
        program.set_sum_objective(np.asarray(self.weights))
        return program.optimum(self)

    def keep(self, program: Program, floor: float) -> None:
        program.add_sum_row(np.asarray(self.weights), floor)


@dataclass(frozen=True)
class ScaledMin(Stage):
    """``min_p gain_p / scales[p]`` over parties with a positive scale.

    Examples
    --------
    >>> ScaledMin((1.0, 0.0, 2.0)).values(np.array([[3.0, -9.0, 4.0]])).tolist()
    [2.0]
    """

    scales: tuple[float, ...]

    def values(self, gains: np.ndarray) -> np.ndarray:
        s = np.asarray(self.scales)
        used = s > 0
        return (gains[:, used] / s[used]).min(axis=1)

    def optimise(self, program: Program) -> Optimum:
        program.set_min_objective(np.asarray(self.scales))
        return program.optimum(self)

    def keep(self, program: Program, floor: float) -> None:
        program.add_min_rows(np.asarray(self.scales), floor)


@dataclass(frozen=True)
class SmallestSum(Stage):
    """The sum of the ``k`` smallest gains.

    Examples
    --------
    >>> SmallestSum(2).values(np.array([[5.0, 1.0, 2.0]])).tolist()
    [3.0]
    """

    k: int

    def values(self, gains: np.ndarray) -> np.ndarray:
        return np.sort(gains, axis=1)[:, :self.k].sum(axis=1)

    def optimise(self, program: Program) -> Optimum:
        program.set_smallest_objective(self.k)
        return program.optimum(self)

    def keep(self, program: Program, floor: float) -> None:
        program.add_smallest_row(self.k, floor)


@dataclass(frozen=True)
class LogSum(Stage):
    """``sum_p weights[p] * log(gain_p)`` over positive weights; ``-inf`` unless every
    such gain exceeds ``TOLERANCE``.

    Examples
    --------
    >>> LogSum((1.0, 1.0)).values(np.array([[2.0, 3.0], [2.0, 0.0]])).round(4).tolist()
    [1.7918, -inf]
    """

    weights: tuple[float, ...]
    log = True

    def values(self, gains: np.ndarray) -> np.ndarray:
        w = np.asarray(self.weights)
        used = w > 0
        g = gains[:, used]
        out = np.full(len(gains), -np.inf)
        positive = (g > TOLERANCE).all(axis=1)
        out[positive] = np.log(g[positive]) @ w[used]
        return out

    def optimise(self, program: Program) -> Optimum:
        return program.optimise_log(self)

    def keep(self, program: Program, floor: float) -> None:
        program.keep_log(self, floor)


# ------------------------------------------------------------------ objectives


@dataclass(frozen=True)
class Objective:
    """An objective as data: its stages and how its value is reported.

    ``fallback`` replaces every stage when the first one finds no package with
    a finite value (the Nash product is 0 for every passing package), with the
    note saying so and the value reported.

    Examples
    --------
    >>> objective = plan("egalitarian", n_parties=2)
    >>> [type(s).__name__ for s in objective.stages], objective.value(np.array([3.0, 1.0]))
    (['ScaledMin', 'WeightedSum'], 1.0)
    """

    name: str
    stages: tuple[Stage, ...]
    value: Callable[[np.ndarray], float]
    notes: tuple[str, ...] = ()
    details: dict = field(default_factory=dict)
    fallback: tuple[tuple[Stage, ...], str, float] | None = None


_JOINT_NOTE = "returned the highest joint gain"


def plan(objective: str, *, n_parties: int, weights: Sequence[float] | None = None,
         ideals: np.ndarray | None = None, gain_bounds: np.ndarray | None = None,
         party_names: Sequence[str] | None = None) -> Objective:
    """The stages of ``objective`` (see the module notes).

    ``ideals`` (each party's best gain over passing packages) is needed for
    ``ks``, ``gain_bounds`` (an upper bound on each party's gain) for ``nash``.

    Examples
    --------
    >>> plan("ks", n_parties=2, ideals=np.array([4.0, 0.0])).stages[0]
    ScaledMin(scales=(4.0, 0.0))
    """
    ones = WeightedSum((1.0,) * n_parties)
    w = tuple(float(x) for x in (weights if weights is not None else [1.0] * n_parties))
    if objective == "joint":
        stages = (WeightedSum(w),) if all(x == 1.0 for x in w) else (WeightedSum(w), ones)
        return Objective("joint", stages, lambda g: float(np.asarray(w) @ g))
    if objective == "egalitarian":
        return Objective("egalitarian", (ScaledMin((1.0,) * n_parties), ones),
                         lambda g: float(g.min()))
    if objective == "leximin":
        return Objective("leximin", tuple(SmallestSum(k) for k in range(1, n_parties + 1)),
                         lambda g: float(g.min()))
    if objective == "ks":
        ideals = np.asarray(ideals, dtype=float)
        names = party_names or [str(p) for p in range(n_parties)]
        details = {"ideal_gains": dict(zip(names, ideals.tolist(), strict=True))}
        scaled = ideals > TOLERANCE
        if not scaled.any():
            return Objective("ks", (ones,), lambda g: 1.0, details=details, notes=(
                "no party has a positive ideal gain: every passing package is KS-optimal; "
                + _JOINT_NOTE,))
        scales = tuple(float(x) if s else 0.0 for x, s in zip(ideals, scaled, strict=True))
        return Objective("ks", (ScaledMin(scales), ones),
                         lambda g: float((g[scaled] / ideals[scaled]).min()), details=details)
    if objective == "nash":
        positive = np.asarray(w) > 0
        if not positive.any():
            return Objective("nash", (ones,), lambda g: 1.0, notes=(
                "no party has a positive weight: the Nash product is 1 for every package; "
                + _JOINT_NOTE,))
        if gain_bounds is not None and np.asarray(gain_bounds)[positive].min() <= TOLERANCE:
            return Objective("nash", (ones,), lambda g: 0.0, notes=(
                "some party cannot gain in any package: the Nash product is 0 for all; "
                + _JOINT_NOTE,))
        stage = LogSum(w)
        return Objective(
            "nash", (stage, ones), lambda g: _product(g, np.asarray(w)),
            fallback=((ones,), "no passing package gives every party a positive gain: the "
                      "Nash product is 0 for all; " + _JOINT_NOTE, 0.0))
    raise ValueError(f"objective: unknown objective {objective!r}")


def _product(gains: np.ndarray, weights: np.ndarray) -> float:
    """The weighted Nash product, multiplied out (exact on integer gains with weight 1)."""
    used = weights > 0
    if (gains[used] <= TOLERANCE).any():
        return 0.0
    return float(np.prod(gains[used] ** weights[used]))


# ------------------------------------------------------------------ evaluation


@dataclass
class Optimum:
    """What optimising one stage gave: a package (``pick``) and how sure it is.

    ``status``: ``optimal``, ``feasible`` (a time limit: ``gap`` and ``bound``
    as far as known), ``infeasible`` (no package left), ``time_limit`` or
    ``error`` (no package).
    """

    pick: Any
    status: Status
    gap: float | None = None
    bound: float | None = None


class Program(Protocol):
    """What an exact backend offers the stages (a set, or the integer program)."""

    def gains(self, pick: Any) -> np.ndarray: ...
    def optimum(self, stage: Stage) -> Optimum: ...
    def set_sum_objective(self, weights: np.ndarray) -> None: ...
    def add_sum_row(self, weights: np.ndarray, floor: float) -> None: ...
    def set_min_objective(self, scales: np.ndarray) -> None: ...
    def add_min_rows(self, scales: np.ndarray, floor: float) -> None: ...
    def set_smallest_objective(self, k: int) -> None: ...
    def add_smallest_row(self, k: int, floor: float) -> None: ...
    def optimise_log(self, stage: LogSum) -> Optimum: ...
    def keep_log(self, stage: LogSum, floor: float) -> None: ...
    def smallest_package(self, pick: Any) -> tuple[Any, bool]: ...


@dataclass
class Evaluation:
    """The outcome of :func:`evaluate`."""

    pick: Any
    value: float | None
    status: Status
    gap: float | None
    notes: list[str]
    details: dict
    first: Optimum | None = None


def evaluate(objective: Objective, program: Program) -> Evaluation:
    """Run ``objective``'s stages on ``program``, then the tie rule.

    The status is ``optimal`` when every stage was proven (and the tie rule
    applied), ``feasible`` when a stage stopped early with a package; without a
    package it is the first stage's (``infeasible`` means no package passes).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.engine.treedp import tree_dp
    >>> case = load_example("harbour")
    >>> out = evaluate(plan("egalitarian", n_parties=5), SetProgram(tree_dp(case), case.batnas))
    >>> out.value, sorted(tree_dp(case).choices[out.pick].tolist())
    (10.0, [0, 1, 1, 1, 2])
    """
    notes = list(objective.notes)
    details = dict(objective.details)
    stages = objective.stages
    pick = None
    proven = True
    gap = None
    first: Optimum | None = None
    for number, stage in enumerate(stages):
        found = stage.optimise(program)
        if first is None:
            first = found
        if found.pick is None:
            if pick is None:
                return Evaluation(None, None, found.status, None, notes, details, first)
            notes.append(f"stage {number + 1} of {len(stages)} did not finish")
            proven = False
            break
        best = float(stage.values(program.gains(found.pick)[None])[0])
        if number == 0 and stage.log:
            details.update(log_nash=best, log_bound=found.bound if found.bound is not None
                           else best)
        if number == 0 and not math.isfinite(best) and objective.fallback is not None:
            if found.status is not Status.OPTIMAL:
                notes.append("time limit before a package with every gain positive was found")
                return Evaluation(found.pick, 0.0, Status.FEASIBLE, None, notes, details, first)
            fallback, note, value = objective.fallback
            notes.append(note)
            details.pop("log_nash", None)
            details.pop("log_bound", None)
            rest = Objective(objective.name, fallback, _constant(value))
            out = evaluate(rest, program)
            out.notes = notes + out.notes
            out.details = {**details, **out.details}
            return out
        pick = found.pick
        if found.status is not Status.OPTIMAL:
            proven = False
            gap = found.gap
            notes.append(f"stage {number + 1} of {len(stages)} stopped at the time limit")
            break
        stage.keep(program, keep_floor(best, log=stage.log))
    if proven:
        pick, applied = program.smallest_package(pick)
        if not applied:
            notes.append("time limit: the tie rule (smallest option positions) was not applied")
    value = objective.value(program.gains(pick))
    return Evaluation(pick, value, Status.OPTIMAL if proven else Status.FEASIBLE,
                      0.0 if proven else gap, notes, details, first)


def _constant(value: float) -> Callable[[np.ndarray], float]:
    """The value function of a fallback objective: ``value`` whatever the gains."""
    return lambda gains: value


# ------------------------------------------------------------------ on a set


class SetProgram:
    """A :class:`Program` over the rows of a non-dominated set (no solver).

    Exact: every optimal package is non-dominated (see the module notes) and
    every non-dominated utility vector is a row, with its smallest package.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.engine.treedp import tree_dp
    >>> case = load_example("harbour")
    >>> program = SetProgram(tree_dp(case), case.batnas)
    >>> out = evaluate(plan("joint", n_parties=5), program)
    >>> out.value, out.status.value
    (114.0, 'optimal')
    """

    def __init__(self, found: ParetoSet, batnas: np.ndarray):
        self.found = found
        self.all_gains = found.utilities - batnas
        self.left = np.ones(len(found), dtype=bool)
        self._objective: Stage | None = None

    def gains(self, pick: int) -> np.ndarray:
        return self.all_gains[pick]

    def ideal_gains(self) -> np.ndarray:
        """Each party's best gain over passing packages (every one is dominated by a row)."""
        return self.all_gains.max(axis=0)

    def optimum(self, stage: Stage) -> Optimum:
        rows = np.flatnonzero(self.left)
        if not len(rows):
            return Optimum(None, Status.INFEASIBLE)
        values = stage.values(self.all_gains[rows])
        return Optimum(int(rows[int(np.argmax(values))]), Status.OPTIMAL)

    def _keep(self, stage: Stage, floor: float) -> None:
        self.left &= stage.values(self.all_gains) >= floor

    def set_sum_objective(self, weights: np.ndarray) -> None:  # the stage itself decides
        pass

    def set_min_objective(self, scales: np.ndarray) -> None:  # the stage itself decides
        pass

    def set_smallest_objective(self, k: int) -> None:  # the stage itself decides
        pass

    def add_sum_row(self, weights: np.ndarray, floor: float) -> None:
        self._keep(WeightedSum(tuple(weights)), floor)

    def add_min_rows(self, scales: np.ndarray, floor: float) -> None:
        self._keep(ScaledMin(tuple(scales)), floor)

    def add_smallest_row(self, k: int, floor: float) -> None:
        self._keep(SmallestSum(k), floor)

    def optimise_log(self, stage: LogSum) -> Optimum:
        found = self.optimum(stage)
        if found.pick is not None:
            found.bound = float(stage.values(self.all_gains[found.pick][None])[0])
        return found

    def keep_log(self, stage: LogSum, floor: float) -> None:
        self._keep(stage, floor)

    def smallest_package(self, pick: int) -> tuple[int, bool]:
        rows = np.flatnonzero(self.left)
        choices = self.found.choices[rows]
        return int(rows[np.lexsort(choices.T[::-1])[0]]) if choices.shape[1] else pick, True
