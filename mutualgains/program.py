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

    Attributes
    ----------
    model : MipModel
        The program; callers add objective rows and variables to it.
    x : list of int
        Variable index of each option, in flat option order.
    """

    def __init__(self, case: Case):
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
        self._add_acceptance()

    # ----------------------------------------------------------------- pieces

    def utility_terms(self, p: int) -> tuple[list[int], list[float]]:
        """Variable indices and coefficients of party ``p``'s utility (a fresh copy)."""
        idx, coef = self._terms[p]
        return list(idx), list(coef)

    def utility_bounds(self, p: int) -> tuple[float, float]:
        """Lowest and highest utility party ``p`` can have in any package."""
        scores = self.case.score_matrix[p]
        offs = self.case.option_offsets
        blocks = [scores[offs[k]:offs[k + 1]] for k in range(len(self.case.issues))]
        return float(sum(b.min() for b in blocks)), float(sum(b.max() for b in blocks))

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

    def choice(self, values: np.ndarray) -> tuple[int, ...]:
        """Option position per issue read from a solution vector."""
        offs = self.case.option_offsets
        xs = values[self.x]
        return tuple(int(np.argmax(xs[offs[k]:offs[k + 1]])) for k in range(len(offs) - 1))
