"""The package integer program of a case (design §5), built on the solver adapter.

Binary ``x[j]`` per option (options flattened in case order), one option per
issue, ``U_p = sum_j S[p, j] x[j]``. Acceptance rows follow the decision rule:
under unanimity ``U_p >= threshold_p`` for every party; under a k-of-n rule
veto parties keep that row and every other party gets an acceptance binary
``y_p`` with ``U_p >= threshold_p - M_p (1 - y_p)``, ``M_p`` the tightest
big-M from the party's lowest possible utility, and ``sum y >= k``.

Objectives are added by :mod:`mutualgains.solve`; this module only knows rows.

Examples
--------
>>> from mutualgains.examples import load_example
>>> program = PackageProgram(load_example("harbour"))
>>> program.model.n_variables >= program.case.option_offsets[-1]
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mutualgains._pulp import MipModel, MipOutcome
from mutualgains.model import Case

__all__ = ["PackageProgram"]


class PackageProgram:
    """The package program of ``case``: option binaries, utilities and acceptance rows.

    Parameters
    ----------
    case : Case
        The case to compile.
    acceptance : bool, default True
        Add the decision rule's acceptance rows (off for post-settlement
        improvement, where "no party worse off" replaces them).

    Attributes
    ----------
    model : MipModel
        The program; callers add objective rows and variables to it.
    x : list of int
        Variable index of each option, in flat option order.
    """

    def __init__(self, case: Case, *, acceptance: bool = True):
        self.case = case
        self.model = model = MipModel("package")
        offsets = case.option_offsets
        self.x = x = model.add_variables(offsets[-1], binary=True)
        model.add_rows(
            (x[offsets[k]:offsets[k + 1]], [1.0] * (offsets[k + 1] - offsets[k]), "==", 1.0)
            for k in range(len(case.issues))
        )
        scores = case.score_matrix
        self._terms = []
        for p in range(len(case.parties)):
            nz = np.flatnonzero(scores[p])
            self._terms.append(([x[j] for j in nz], scores[p, nz].tolist()))
        self._add_dependencies()
        self._add_caps()
        if acceptance:
            self._add_acceptance()

    # ----------------------------------------------------------------- pieces

    def utility_terms(self, p: int) -> tuple[list[int], list[float]]:
        """Variable indices and coefficients of party ``p``'s utility (a fresh copy)."""
        idx, coef = self._terms[p]
        return list(idx), list(coef)

    def utility_bounds(self, p: int) -> tuple[float, float]:
        """Bounds on party ``p``'s utility over all packages (not always attained)."""
        scores = self.case.score_matrix[p]
        offs = self.case.option_offsets
        blocks = [scores[offs[k]:offs[k + 1]] for k in range(len(self.case.issues))]
        low = float(sum(b.min() for b in blocks))
        high = float(sum(b.max() for b in blocks))
        for _, bonus in self.case._synergy_table:
            low += min(0.0, bonus[p])
            high += max(0.0, bonus[p])
        cap = float(self.case.caps[p])
        return min(low, cap), min(high, cap)

    def combined_terms(self, weights: np.ndarray) -> tuple[list[int], list[float]]:
        """Variable indices and coefficients of ``sum_p weights[p] * U_p``."""
        case = self.case
        if not case.synergy and not np.isfinite(case.caps).any():
            combined = weights @ case.score_matrix
            nz = np.flatnonzero(combined)
            return [self.x[j] for j in nz], combined[nz].tolist()
        total: dict[int, float] = {}
        for p, w in enumerate(weights):
            if w:
                for j, c in zip(*self._terms[p], strict=True):
                    total[j] = total.get(j, 0.0) + w * c
        items = [(j, c) for j, c in total.items() if c]
        return [j for j, _ in items], [c for _, c in items]

    def _add_dependencies(self) -> None:
        """Requires, excludes and synergy rows (design §5)."""
        case = self.case
        offs = case.option_offsets
        position = {i.name: k for k, i in enumerate(case.issues)}

        def var(ref: tuple[str, str]) -> int:
            k = position[ref[0]]
            return self.x[offs[k] + case.issues[k].options.index(ref[1])]

        def indicator(issue: str, options) -> tuple[list[int], list[float]]:
            idx = [var((issue, o)) for o in options]
            return idx, [1.0] * len(idx)

        rows = []
        for r in case.requires:  # x_a <= sum of the allowed options, per needed issue
            for issue, options in r.needs.items():
                idx, coef = indicator(issue, options)
                rows.append(([var(r.option), *idx], [1.0, *(-c for c in coef)], "<=", 0.0))
        for e in case.excludes:
            rows.append(([var(e.a), var(e.b)], [1.0, 1.0], "<=", 1.0))
        if case.synergy:
            z = self.model.add_variables(len(case.synergy), lb=0.0, ub=1.0)
            for s, zs, (_, bonus) in zip(case.synergy, z, case._synergy_table, strict=True):
                conds = [indicator(i, o) for i, o in s.when.items()]
                if (bonus > 0).any():  # z <= each condition
                    rows += [([zs, *idx], [1.0, *(-c for c in coef)], "<=", 0.0)
                             for idx, coef in conds]
                if (bonus < 0).any():  # z >= sum of conditions - (m - 1)
                    idx = [j for i, _ in conds for j in i]
                    rows.append(([zs, *idx], [1.0, *([-1.0] * len(idx))], ">=",
                                 1.0 - len(conds)))
                for p in np.flatnonzero(bonus):
                    self._terms[p][0].append(zs)
                    self._terms[p][1].append(float(bonus[p]))
        self.model.add_rows(rows)

    def _add_caps(self) -> None:
        """A capped party's utility becomes ``u_p <= cap``, ``u_p <= scores + bonuses``."""
        caps = self.case.caps
        capped = [p for p in range(len(caps)) if np.isfinite(caps[p])]
        rows = []
        for p in capped:
            (u,) = self.model.add_variables(1, lb=None, ub=float(caps[p]))
            idx, coef = self._terms[p]
            rows.append(([u, *idx], [1.0, *(-c for c in coef)], "<=", 0.0))
            self._terms[p] = ([u], [1.0])
        self.model.add_rows(rows)

    def thresholds(self) -> np.ndarray:
        """Each party's acceptance threshold (BATNA plus margin)."""
        return self.case.batnas + float(self.case.margin)

    def _add_acceptance(self) -> None:
        case = self.case
        thr = self.thresholds()
        veto = set(case.veto_parties)
        rows = []
        accept_vars = []
        for p, party in enumerate(case.parties):
            idx, coef = self.utility_terms(p)
            if party.name in veto:
                rows.append((idx, coef, ">=", thr[p]))
                continue
            low, _ = self.utility_bounds(p)
            big_m = thr[p] - low
            if big_m <= 0:
                continue  # accepts every package: its y_p can be 1
            (y,) = self.model.add_variables(1, binary=True)
            rows.append(([*idx, y], [*coef, -big_m], ">=", thr[p] - big_m))
            accept_vars.append(y)
        if not case.decision_rule.is_unanimity:
            always = len(case.parties) - len(veto) - len(accept_vars)
            need = case.min_parties - len(veto) - always
            if need > 0:
                rows.append((accept_vars, [1.0] * len(accept_vars), ">=", float(need)))
        self.model.add_rows(rows)

    # --------------------------------------------------------------- solving

    def solve(self, **options) -> MipOutcome:
        """Solve the model as it stands; ``options`` go to :meth:`MipModel.solve`."""
        return self.model.solve(**options)

    def option_vars(self, choice: Sequence[int]) -> list[int]:
        """Variables of the options of package ``choice`` (their sum: issues kept)."""
        offs = self.case.option_offsets
        return [self.x[offs[k] + c] for k, c in enumerate(choice)]

    def no_good(self, choice: Sequence[int], min_difference: int = 1):
        """Row: differ from package ``choice`` in at least ``min_difference`` issues."""
        idx = self.option_vars(choice)
        return idx, [1.0] * len(idx), "<=", float(len(idx) - min_difference)

    def choice(self, values: np.ndarray) -> tuple[int, ...]:
        """Option position per issue read from a solution vector."""
        offs = self.case.option_offsets
        xs = values[self.x]
        return tuple(int(np.argmax(xs[offs[k]:offs[k + 1]])) for k in range(len(offs) - 1))
