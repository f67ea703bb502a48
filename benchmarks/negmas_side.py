"""The NegMAS side of ``bench_negmas.py``: load, normalise, enumerate.

This is the only file that imports NegMAS (install it with the ``benchmarks`` extra:
``pip install -e ".[benchmarks]"``); the library never does.

GENIUS semantics, and what NegMAS 0.16 does differently
--------------------------------------------------------
``Scenario.from_genius_folder`` keeps each issue's raw evaluations (1..10, 1..1000) and
the file's weights as they are, so its utilities are not GENIUS utilities (GENIUS divides
each evaluation by the issue's largest one and the weights by their sum, so the best
outcome scores 1). With time discounting in a profile it also wraps the utility function
and the reservation value becomes ``-inf``. :func:`load_genius` therefore loads with
``ignore_discount=True`` (discounting is about time in a bilateral protocol, irrelevant
to which packages exist) and rebuilds every profile in GENIUS semantics from what NegMAS
parsed: each discrete issue's value function is tabulated over the issue's values *by
NegMAS* and divided by its largest value; an integer issue's linear evaluator, which
NegMAS applies to the raw value (``slope * x + offset``), is applied as GENIUS does, from
the issue's lower bound and clipped to [0, 1] (``clip(offset + slope * (x - lower), 0,
1)``, NegMAS' parsed slope and offset); the weights are divided by their sum. The
reservation value is NegMAS' own reading of the file. The benchmark then checks the
rebuilt functions against mutualgains' reading on sampled outcomes (column *max |du|*).

NegMAS' bargaining points take the frontier and per-party ``ranges``; when a
reservation value lies below a party's least utility NegMAS uses that least utility as
the disagreement point. :func:`answer` passes ``ranges = (reservation value, best
utility on the frontier)`` so that the disagreement point is the reservation value (the
BATNA, as in mutualgains) and the ideal point is each party's best acceptable utility
(mutualgains' ``ks``).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import negmas
    from negmas.inout import Scenario
    from negmas.preferences import ops

VERSION = negmas.__version__


@dataclass
class Domain:
    """Utility functions on one outcome space, in GENIUS semantics."""

    ufuns: list
    issues: list
    load_seconds: float

    @property
    def n_outcomes(self) -> int:
        return int(np.prod([issue.cardinality for issue in self.issues]))

    def utilities(self, outcome: Sequence) -> list[float]:
        return [float(u(tuple(outcome))) for u in self.ufuns]

    def outcome(self, package: dict[str, str]) -> tuple:
        """The NegMAS outcome of a mutualgains package (values matched by their text)."""
        values = []
        for issue in self.issues:
            wanted = package[issue.name]
            values.append(next(v for v in issue.all if str(v) == wanted))
        return tuple(values)


def load_genius(folder: str | Path) -> Domain:
    """Load a GENIUS folder with NegMAS and rebuild its profiles in GENIUS semantics.

    Raises ``ValueError`` (or NegMAS' own exception) when NegMAS cannot load the folder.
    """
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scenario = Scenario.from_genius_folder(folder, ignore_discount=True)
    if scenario is None:
        raise ValueError("NegMAS returned no scenario")
    issues = list(scenario.outcome_space.issues)
    ufuns = [_genius_semantics(u, issues) for u in scenario.ufuns]
    return Domain(ufuns, issues, time.perf_counter() - start)


def _genius_semantics(ufun, issues: list):
    if not isinstance(ufun, negmas.LinearAdditiveUtilityFunction):
        raise ValueError(f"{type(ufun).__name__} is not linear additive")
    tables = []
    for issue, fun in zip(issues, ufun.values, strict=True):
        raw = {v: float(fun(v)) for v in issue.all}
        if isinstance(fun, negmas.TableFun):
            top = max(raw.values())
            table = {v: (x / top if top > 0 else 0.0) for v, x in raw.items()}
        else:  # an integer issue's linear evaluator: GENIUS measures from the lower bound
            slope = float(fun.slope)
            offset = float(getattr(fun, "bias", 0.0))
            low = min(issue.all)
            table = {v: min(max(offset + slope * (v - low), 0.0), 1.0) for v in issue.all}
        tables.append(negmas.TableFun(table))
    total = float(sum(ufun.weights))
    return negmas.LinearAdditiveUtilityFunction(
        tables, weights=[w / total for w in ufun.weights],
        outcome_space=ufun.outcome_space, reserved_value=float(ufun.reserved_value),
        name=ufun.name)


def linear_domain(scores: np.ndarray, batnas: Sequence[float]) -> Domain:
    """NegMAS functions for integer scores ``scores[party, issue, option]``.

    Issue ``i`` is named ``i<i>`` with options ``o0, o1, ...``, as in the
    benchmark's mutualgains cases.
    """
    start = time.perf_counter()
    n_parties, n_issues, n_options = scores.shape
    issues = [negmas.make_issue([f"o{k}" for k in range(n_options)], f"i{i}")
              for i in range(n_issues)]
    space = negmas.make_os(issues)
    ufuns = [
        negmas.LinearAdditiveUtilityFunction(
            [negmas.TableFun({f"o{k}": float(scores[p, i, k]) for k in range(n_options)})
             for i in range(n_issues)],
            weights=[1.0] * n_issues, outcome_space=space,
            reserved_value=float(batnas[p]), name=f"p{p}")
        for p in range(n_parties)
    ]
    return Domain(ufuns, issues, time.perf_counter() - start)


def answer(domain: Domain) -> dict:
    """NegMAS' frontier and its joint, Nash and KS points, each with its time.

    NegMAS derives every bargaining point from the frontier it enumerates (its
    ``nash_points``, ``ks_points`` and ``max_welfare_points`` search a given
    frontier), so each point's time is the frontier's time plus its own pass.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        frontier, _ = ops.pareto_frontier(domain.ufuns, issues=domain.issues)
        t_frontier = time.perf_counter() - start
        if not frontier:
            return {"frontier": np.empty((0, len(domain.ufuns))), "frontier_s": t_frontier,
                    "joint": None, "nash": None, "ks": None,
                    "joint_s": t_frontier, "nash_s": t_frontier, "ks_s": t_frontier}
        points = np.asarray(frontier, dtype=float)
        ranges = [(float(u.reserved_value), float(top))
                  for u, top in zip(domain.ufuns, points.max(axis=0), strict=True)]
        out = {"frontier": points, "frontier_s": t_frontier}
        for key, function in (("joint", ops.max_welfare_points), ("nash", ops.nash_points),
                              ("ks", ops.ks_points)):
            start = time.perf_counter()
            found = function(domain.ufuns, frontier, ranges=ranges)
            out[f"{key}_s"] = t_frontier + time.perf_counter() - start
            out[key] = np.asarray(found[0][0], dtype=float) if found else None
    return out
