"""A brute-force oracle: enumerate every package of a small case.

The oracle reads the case's raw data (parties, issues, the ``scores`` mapping,
the decision rule, requires, excludes, synergy bonuses, utility caps, option
costs and the total budget) and
computes everything itself; it never imports the solver, the program or the
case's own evaluation helpers, so a bug there cannot hide in both. Use it to
check mutualgains, or any other tool, on small cases.

Objective values follow :mod:`mutualgains.analysis.solve`:

- ``joint``: weighted sum of gains;
- ``egalitarian``: smallest gain;
- ``ks``: smallest ``gain / ideal gain`` over parties whose ideal gain (best
  gain over passing packages) exceeds the tolerance; 1 when there is none;
- ``leximin``: the sorted gain vector, compared lexicographically;
- ``nash``: ``prod max(gain, 0) ** weight`` over parties with positive weight.

Examples
--------
>>> from mutualgains.testing import BruteForce
>>> from mutualgains.io.examples import load_example
>>> oracle = BruteForce(load_example("harbour"))
>>> oracle.n_packages, int(oracle.passes.sum()) > 0
(432, True)
>>> oracle.best("joint")
114.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mutualgains.tolerance import TOLERANCE

__all__ = ["OBJECTIVE_NAMES", "BruteForce"]

OBJECTIVE_NAMES = ("joint", "egalitarian", "ks", "leximin", "nash")


class BruteForce:
    """Every package of ``case`` with utilities, acceptance and objective values.

    Parameters
    ----------
    case : Case
        A case with at most ``max_packages`` packages.
    max_packages : int, default 1_000_000
        Refuse larger cases (enumeration is exponential).

    Attributes
    ----------
    choices : ndarray of int, shape (n_packages, n_issues)
        Option position per issue, in lexicographic order.
    utilities, gains : ndarray, shape (n_packages, n_parties)
    accepts : ndarray of bool, shape (n_packages, n_parties)
    feasible : ndarray of bool, shape (n_packages,)
        Whether the package respects every ``requires`` and ``excludes`` and, when
        the case has a total budget, costs at most that (within the tolerance).
    passes : ndarray of bool, shape (n_packages,)
        Whether the package is feasible and passes the decision rule.
    """

    def __init__(self, case: Any, *, max_packages: int = 1_000_000):
        sizes = [len(issue.options) for issue in case.issues]
        total = math.prod(sizes)
        if total > max_packages:
            raise ValueError(f"case: {total:,} packages exceed max_packages={max_packages:,}")
        self.case = case
        self.party_names = [p.name for p in case.parties]
        self.n_packages = total
        self.choices = np.stack(np.unravel_index(np.arange(total), sizes), axis=1).reshape(
            total, len(sizes)) if sizes else np.zeros((1, 0), dtype=int)
        n = len(case.parties)
        self.utilities = np.zeros((total, n))
        for p, party in enumerate(case.parties):
            row = case.scores.get(party.name, {})
            for k, issue in enumerate(case.issues):
                values = np.array([float(v) for v in row.get(issue.name, [0] * sizes[k])])
                self.utilities[:, p] += values[self.choices[:, k]]
        self.feasible = np.ones(total, dtype=bool)
        for r in getattr(case, "requires", ()):
            chosen = self._holds({r.option[0]: (r.option[1],)})
            self.feasible &= ~chosen | self._holds(r.needs)
        for e in getattr(case, "excludes", ()):
            self.feasible &= ~(self._holds({e.a[0]: (e.a[1],)}) & self._holds({e.b[0]: (e.b[1],)}))
        budget = getattr(case, "total_budget", None)
        if budget is not None:
            cost = np.zeros(total)
            for k, issue in enumerate(case.issues):
                costs = getattr(case, "costs", {}).get(issue.name)
                if costs is not None:
                    cost += np.array([float(v) for v in costs])[self.choices[:, k]]
            self.feasible &= cost <= float(budget) + TOLERANCE * max(1.0, abs(float(budget)))
        for s in getattr(case, "synergy", ()):
            holds = self._holds(s.when)
            for p, name in enumerate(self.party_names):
                self.utilities[:, p] += float(s.bonus.get(name, 0)) * holds
        for p, party in enumerate(case.parties):
            if getattr(party, "cap", None) is not None:
                self.utilities[:, p] = np.minimum(self.utilities[:, p], float(party.cap))
        self.batnas = np.array([float(p.batna) for p in case.parties])
        self.weights = np.array([float(p.weight) for p in case.parties])
        self.gains = self.utilities - self.batnas
        threshold = self.batnas + float(case.margin)
        self.accepts = self.utilities >= threshold - TOLERANCE
        rule = case.decision_rule
        veto = {p.name for p in case.parties if p.veto} | set(rule.veto)
        if rule.min_parties is None:
            self.passes = self.accepts.all(axis=1)
        else:
            cols = [p for p, name in enumerate(self.party_names) if name in veto]
            self.passes = (self.accepts.sum(axis=1) >= rule.min_parties) & self.accepts[
                :, cols].all(axis=1)
        self.passes &= self.feasible

    def _holds(self, condition: Mapping[str, Sequence[str]]) -> np.ndarray:
        """Packages in which, on every issue named, one of the listed options is chosen."""
        out = np.ones(self.n_packages, dtype=bool)
        for k, issue in enumerate(self.case.issues):
            if issue.name in condition:
                allowed = [j for j, o in enumerate(issue.options) if o in condition[issue.name]]
                out &= np.isin(self.choices[:, k], allowed)
        return out

    # ----------------------------------------------------------- objectives

    def ideal_gains(self) -> np.ndarray:
        """Each party's best gain over passing packages (``-inf`` when none passes)."""
        if not self.passes.any():
            return np.full(len(self.party_names), -np.inf)
        return self.gains[self.passes].max(axis=0)

    def values(self, objective: str) -> np.ndarray:
        """Objective value of every package (NaN for packages that do not pass).

        For ``leximin`` the value is the smallest gain; use :meth:`best` for the
        whole sorted vector.
        """
        g = self.gains
        if objective == "joint":
            out = g @ self.weights
        elif objective in ("egalitarian", "leximin"):
            out = g.min(axis=1)
        elif objective == "ks":
            ideal = self.ideal_gains()
            keep = ideal > TOLERANCE
            out = (g[:, keep] / ideal[keep]).min(axis=1) if keep.any() else np.ones(len(g))
        elif objective == "nash":
            keep = self.weights > 0
            out = np.prod(np.maximum(g[:, keep], 0.0) ** self.weights[keep], axis=1)
        else:
            raise ValueError(f"objective: unknown {objective!r} (known: {OBJECTIVE_NAMES})")
        return np.where(self.passes, out, np.nan)

    def best(self, objective: str) -> float | tuple[float, ...] | None:
        """The best objective value over passing packages; ``None`` when none passes.

        ``leximin`` returns the lexicographically best sorted gain vector.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> BruteForce(load_example("harbour")).best("leximin")
        (10.0, 14.0, 15.0, 16.0, 20.0)
        """
        rows = self.optimal_rows(objective)
        if not rows.size:
            return None
        if objective == "leximin":
            return tuple(np.sort(self.gains[rows[0]]).tolist())
        return float(self.values(objective)[rows[0]])

    def optimal_rows(self, objective: str) -> np.ndarray:
        """Indices of every optimal package (within the tolerance; relative for ``nash``)."""
        candidates = np.flatnonzero(self.passes)
        if not candidates.size:
            return candidates
        if objective == "leximin":
            ordered = np.sort(self.gains[candidates], axis=1)
            keep = np.ones(len(candidates), dtype=bool)
            for k in range(ordered.shape[1]):
                top = ordered[keep, k].max()
                keep &= ordered[:, k] >= top - TOLERANCE * max(1.0, abs(top))
            return candidates[keep]
        vals = self.values(objective)[candidates]
        top = vals.max()
        # the Nash product is compared relatively (it can be tiny), the others absolutely
        slack = TOLERANCE * (abs(top) if objective == "nash" else max(1.0, abs(top)))
        return candidates[vals >= top - slack]

    def package(self, row: int) -> dict[str, str]:
        """The package ``issue -> option`` of enumeration row ``row``."""
        return {issue.name: issue.options[c]
                for issue, c in zip(self.case.issues, self.choices[row], strict=True)}

    def row_of(self, package: dict[str, str]) -> int:
        """Enumeration row of ``package``."""
        sizes = [len(i.options) for i in self.case.issues]
        row = 0
        for issue, size in zip(self.case.issues, sizes, strict=True):
            row = row * size + issue.options.index(package[issue.name])
        return row
