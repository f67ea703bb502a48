"""Which exact path answers a question: decided from the case, never from the clock.

Three exact paths compute the non-dominated packages (or, for the last, search
them one integer program at a time):

``enumerate``
    every package, a chunk at a time (:mod:`mutualgains.engine.enumerate`);
``dp``
    the dynamic program over a tree decomposition of the issues' interactions
    (:mod:`mutualgains.engine.treedp`; on a case without interactions, the
    Nemhauser-Ullmann merge);
``mip``
    integer programs (:mod:`mutualgains.engine.program`).

``auto`` chooses, in this order, from the structure and counted or predicted
sizes only (so the same case takes the same path on any machine, under any
load):

1. side payments or contributions to costs: ``mip`` (who pays how much is a
   continuous choice that only the program makes);
2. at most :data:`ENUMERATE_BELOW` packages: ``enumerate``;
3. at most :data:`DP_DIMENSIONS` coordinates per vector (the parties of the
   set, the other parties that may fail to accept, the cost when a budget
   binds) and a tree decomposition whose largest bag has at most
   :data:`BAG_LIMIT` option combinations: ``dp``, unless the program reaches
   its count-based work limits (rows in one table, comparisons in all);
4. otherwise ``enumerate`` up to :data:`ENUMERATE_LIMIT` packages (within
   :data:`~mutualgains.engine.treedp.MAX_WORK` comparisons), else ``mip``.

Non-dominated sets in many dimensions are large (nearly every package is
non-dominated for 6 or more parties with random scores), which is why the
dimension limit comes first.

A forced ``dp`` or ``enumerate`` that cannot run (money, or a limit) is an
error, not a silent switch.

The sets are kept (for the last few cases asked about), so that several
questions on one case (joint, Nash, KS, the frontier) compute them once.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> found, path = exact_set(load_example("harbour"))
>>> path.method, len(found) > 0
('enumerate', True)
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from mutualgains.engine.enumerate import enumerate_set
from mutualgains.engine.grid import unit_scales
from mutualgains.engine.interaction import decompose
from mutualgains.engine.nondominated import ParetoSet, Work, WorkLimit
from mutualgains.engine.treedp import (
    MAX_BUILD,
    MAX_ROWS,
    MAX_WORK,
    budget_binds,
    dimensions,
    tree_dp,
)
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import set_fields

__all__ = ["BAG_LIMIT", "DP_DIMENSIONS", "ENUMERATE_BELOW", "ENUMERATE_LIMIT", "METHODS", "Path",
           "best_by_issue", "exact_set"]

METHODS: tuple[str, ...] = ("auto", "dp", "enumerate", "mip")
"""Accepted values of ``method=``."""

ENUMERATE_BELOW = 20_000
"""Up to this many packages, ``auto`` enumerates them all."""

ENUMERATE_LIMIT = 4_000_000
"""``auto`` enumerates at most this many packages when the dynamic program cannot run."""

BAG_LIMIT = 50_000
"""The most option combinations of one bag for which ``auto`` tries the dynamic program."""

DP_DIMENSIONS = 5
"""The most coordinates per vector for which ``auto`` tries the dynamic program."""

_FORCED = 10  # a forced dp may keep this many times more rows than auto's


@dataclass(frozen=True)
class Path:
    """The path taken and why: ``method``, a one-line ``reason`` and the counts behind it.

    Examples
    --------
    >>> Path("mip", "side payments are chosen by the integer program").to_dict()["method"]
    'mip'
    """

    method: str
    reason: str
    counts: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        set_fields(self, counts=MappingProxyType(dict(self.counts)))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {"method": self.method, "reason": self.reason, "counts": dict(self.counts)}


_CACHE: OrderedDict[tuple, tuple[weakref.ref, ParetoSet | None, Path]] = OrderedDict()
_CACHE_SIZE = 8


def exact_set(case: Case, parties: tuple[int, ...] | None = None, *, method: str = "auto",
              money: bool = False) -> tuple[ParetoSet | None, Path]:
    """The non-dominated packages of ``case`` over ``parties`` by the chosen path.

    Parameters
    ----------
    case : Case
    parties : tuple of int, optional
        Party positions the set is about (default: all).
    method : {"auto", "dp", "enumerate", "mip"}
    money : bool
        Whether the question chooses side payments.

    Returns
    -------
    (ParetoSet or None, Path)
        ``None`` when the path is ``mip``.

    Raises
    ------
    UsageError
        A forced ``dp`` or ``enumerate`` that cannot answer.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> exact_set(load_example("harbour"), method="mip")[1].reason
    'method="mip" asked for'
    """
    if method not in METHODS:
        raise UsageError(f"method: must be one of {', '.join(METHODS)}, got {method!r}")
    parties = tuple(range(len(case.parties))) if parties is None else tuple(parties)
    key = (id(case), parties, method, money)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is case:
        _CACHE.move_to_end(key)
        return hit[1], hit[2]
    found, path = _choose(case, parties, method, money)
    _CACHE[key] = (weakref.ref(case), found, path)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found, path


def _choose(case: Case, parties: tuple[int, ...], method: str,
            money: bool) -> tuple[ParetoSet | None, Path]:
    packages = case.n_packages
    found: ParetoSet | None
    if method == "mip":
        return None, Path("mip", 'method="mip" asked for', {"packages": packages})
    if money or case.has_contributions:
        what = "side payments" if money else "contributions to option costs"
        if method != "auto":
            raise UsageError(f"method: {method!r} cannot choose {what}; use 'auto' or 'mip'")
        return None, Path("mip", f"{what} are chosen by the integer program",
                          {"packages": packages})
    if method == "enumerate":
        if packages > _FORCED * ENUMERATE_LIMIT:
            raise UsageError(f"method: 'enumerate' would evaluate {packages:,} packages (at "
                             f"most {_FORCED * ENUMERATE_LIMIT:,}); use 'auto', 'dp' or 'mip'")
        found = enumerate_set(case, parties)
        return found, Path("enumerate", 'method="enumerate" asked for', found.counts)
    if method == "auto" and packages <= ENUMERATE_BELOW:
        found = _enumerate(case, parties)
        if found is not None:
            return found, Path("enumerate", f"{packages:,} packages: enumerating them all is "
                               "the cheapest exact path", found.counts)
        return None, Path("mip", f"{packages:,} packages, but their non-dominated set is too "
                          f"large to filter within {MAX_WORK:.0e} comparisons: integer programs",
                          {"packages": packages})
    decomposition = decompose(case)
    dims = dimensions(case, parties)
    counts = {"packages": packages, "width": decomposition.width,
              "largest_bag": decomposition.largest_bag, "dimensions": dims}
    if method == "dp":
        found = tree_dp(case, parties, decomposition=decomposition,
                        max_rows=_FORCED * MAX_ROWS, max_build=_FORCED * MAX_BUILD,
                        max_work=_FORCED * MAX_WORK)
        if found is None:
            raise UsageError("method: 'dp' stopped at its work limit; use 'auto' or 'mip'")
        return found, Path("dp", 'method="dp" asked for', {**counts, **found.counts})
    if dims > DP_DIMENSIONS:
        why = f"{dims} coordinates per vector (more than {DP_DIMENSIONS})"
    elif decomposition.largest_bag > BAG_LIMIT:
        why = (f"interaction too wide for the dynamic program (a bag of "
               f"{decomposition.largest_bag:,} option combinations)")
    else:
        found = tree_dp(case, parties, decomposition=decomposition)
        if found is not None:
            return found, Path("dp", f"interaction width {decomposition.width}, {dims} "
                               "coordinates: the dynamic program over the tree decomposition",
                               {**counts, **found.counts})
        why = "the dynamic program reached its work limit"
    if packages <= ENUMERATE_LIMIT:
        found = _enumerate(case, parties)
        if found is not None:
            return found, Path("enumerate", f"{why}; {packages:,} packages enumerated",
                               {**counts, **found.counts})
        why += "; enumeration reached its work limit"
    return None, Path("mip", f"{why}; {packages:,} packages: integer programs", counts)


def best_by_issue(case: Case, weights: np.ndarray) -> tuple[int, ...] | None:
    """The best joint package of a separable case, issue by issue, when it passes.

    On a case without requires, excludes, synergies, caps or a budget that binds,
    the packages maximising ``weights @ utility`` are every combination of each
    issue's best options; among them the highest unweighted sum, then the
    smallest option positions, is each issue's first such option. When that
    package passes the decision rule it is exactly the package :func:`solve`
    returns for ``joint`` (the rule can only remove packages), found in one numpy
    pass. ``None`` otherwise, or when the data have no exact grid or the weights
    are not integers (where ties within the tolerance could add up differently).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> best_by_issue(case, np.ones(5)) is None  # the best options fail the rule here
    True
    """
    if (case.has_dependencies or np.isfinite(case.caps).any() or budget_binds(case)
            or case.has_contributions or unit_scales(case) is None
            or not np.array_equal(weights, np.round(weights)) or not len(case.issues)):
        return None
    starts = np.asarray(case.option_offsets[:-1])
    weighted = weights @ case.score_matrix
    plain = case.score_matrix.sum(axis=0)
    sizes = np.diff(case.option_offsets)
    best = weighted == np.repeat(np.maximum.reduceat(weighted, starts), sizes)
    plain = np.where(best, plain, -np.inf)
    best &= plain == np.repeat(np.maximum.reduceat(plain, starts), sizes)
    flat = np.where(best, np.arange(len(weighted)), len(weighted))
    choice = (np.minimum.reduceat(flat, starts) - starts).tolist()
    utilities = case.utility_vector(choice)
    accepts = utilities >= case.batnas + float(case.margin) - TOLERANCE
    return tuple(choice) if bool(case.rule_holds(accepts)[0]) else None


def _enumerate(case: Case, parties: tuple[int, ...]) -> ParetoSet | None:
    try:
        return enumerate_set(case, parties, work=Work(MAX_WORK))
    except WorkLimit:
        return None
