"""The time-indexed program: "started by" binaries (or the plain start form), budget with carry-
over, precedence, value on completion."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from mutualgains.engine.mip import MipModel

if TYPE_CHECKING:  # pragma: no cover
    pass
from mutualgains.phasing.instance import Instance
from mutualgains.phasing.windows import Windows, carried_balance

__all__ = ["Program"]


# ---------------------------------------------------------------- the model


class Program:
    """The time-indexed program: one binary per project and possible start.

    ``started_by``: variable ``k`` of project ``p`` is 1 when ``p`` has started
    by its ``k``-th possible start; ``start``: it is 1 when ``p`` starts there.
    Every linear form is given per project as coefficients ``a_k`` on the
    start indicators ("``p`` starts at its ``k``-th start") and translated.

    Examples
    --------
    >>> import mutualgains as mg
    >>> from mutualgains.phasing.instance import build_instance, package_choice, phasing_settings
    >>> case = mg.load_example("regional")
    >>> choice = package_choice(case, mg.solve(case).package)
    >>> inst = build_instance(case, choice, phasing_settings(case, None, None, None, None))
    >>> from mutualgains.phasing.windows import compute_windows
    >>> program = Program(inst, compute_windows(inst, False), "started_by", complete=False)
    >>> program.model.n_variables, program.model.n_rows
    (137, 163)
    """

    def __init__(self, inst: Instance, win: Windows, formulation: str, complete: bool):
        self.inst, self.win, self.formulation = inst, win, formulation
        self.model = MipModel("phasing", maximize=True)
        self.first: list[int] = []
        for p in range(inst.n):
            self.first.append(self.model.add_variables(len(win.starts[p]), binary=True)[0]
                              if len(win.starts[p]) else -1)
        T = inst.periods
        self.carry = self.model.add_variables(T - 1) if inst.rho > 0 and T > 1 else []
        rows = []
        for p in range(inst.n):
            m = len(win.starts[p])
            if m == 0:
                continue
            v = self.first[p]
            if formulation == "started_by":
                rows += [([v + k - 1, v + k], [1.0, -1.0], "<=", 0.0) for k in range(1, m)]
                if complete:
                    self.model.set_bounds(v + m - 1, 1.0, 1.0)
            else:
                rows.append((list(range(v, v + m)), [1.0] * m, "==" if complete else "<=", 1.0))
        for p, q in inst.edges:
            rows += self._precedence(p, q)
        for t in range(T):
            idx, coef = self.terms_over(partial(self._cost_at, t=t))
            if self.carry:
                if t < T - 1:
                    idx.append(self.carry[t])
                    coef.append(1.0)
                if t > 0:
                    idx.append(self.carry[t - 1])
                    coef.append(-inst.rho)
            if idx:
                rows.append((idx, coef, "<=", float(inst.budget[t])))
        self.model.add_rows(rows)

    # ---- translating start-indicator coefficients

    def terms(self, p: int, a: np.ndarray) -> tuple[list[int], list[float]]:
        if self.first[p] < 0:
            return [], []
        if self.formulation == "started_by":
            b = a.astype(float).copy()
            b[:-1] -= a[1:]
        else:
            b = a.astype(float)
        nz = np.flatnonzero(np.abs(b) > 1e-12)
        return (self.first[p] + nz).tolist(), b[nz].tolist()

    def terms_over(self, coefs_of: Callable[[int], np.ndarray]) -> tuple[list[int], list[float]]:
        idx: list[int] = []
        coef: list[float] = []
        for p in range(self.inst.n):
            if self.first[p] >= 0:
                i, c = self.terms(p, coefs_of(p))
                idx += i
                coef += c
        return idx, coef

    def _cost_at(self, p: int, t: int) -> np.ndarray:
        offset = t - self.win.starts[p]
        c = self.inst.costs[p]
        inside = (offset >= 0) & (offset < len(c))
        return np.where(inside, c[np.clip(offset, 0, len(c) - 1)], 0.0)

    def _precedence(self, p: int, q: int) -> list:
        """``q`` started by its ``k``-th start implies ``p`` started ``d_p`` periods before."""
        sp, sq, d = self.win.starts[p], self.win.starts[q], self.inst.durations[p]
        if self.first[q] < 0:
            return []
        rows = []
        for k, t in enumerate(sq):
            iq, cq = self.terms(q, (np.arange(len(sq)) <= k).astype(float))
            ip, cp = self.terms(p, (sp <= t - d).astype(float)) if self.first[p] >= 0 else ([], [])
            rows.append((iq + ip, cq + [-x for x in cp], "<=", 0.0))
        return rows

    # ---- forms used by the objectives and requirements

    def value_coefs(self, p: int) -> np.ndarray:
        inst = self.inst
        finish = self.win.starts[p] + inst.durations[p] - 1
        return inst.weighted[p] * inst.delta ** finish

    def started_coefs(self, p: int) -> np.ndarray:
        return (self.inst.periods - self.win.starts[p]).astype(float)

    def objective_terms(self) -> tuple[list[int], list[float]]:
        return self.terms_over(self.value_coefs)

    # ---- solutions

    def decode(self, values: np.ndarray) -> list[int | None]:
        out: list[int | None] = []
        for p in range(self.inst.n):
            m = len(self.win.starts[p])
            if m == 0:
                out.append(None)
                continue
            x = values[self.first[p]:self.first[p] + m] > 0.5  # the first 1 is the start
            out.append(int(self.win.starts[p][int(np.argmax(x))]) if x.any() else None)
        return out

    def fractions(self, values: np.ndarray) -> list[np.ndarray]:
        """Per project and possible start: how much of it has started by then (0..1)."""
        out = []
        for p in range(self.inst.n):
            x = values[self.first[p]:self.first[p] + len(self.win.starts[p])]
            out.append(x if self.formulation == "started_by" else np.cumsum(x))
        return out

    def encode(self, starts: list[int | None]) -> np.ndarray:
        values = np.zeros(self.model.n_variables)
        spend = np.zeros(self.inst.periods)
        for p, s in enumerate(starts):
            if s is None or self.first[p] < 0:
                continue
            k = int(np.searchsorted(self.win.starts[p], s))
            m = len(self.win.starts[p])
            if self.formulation == "started_by":
                values[self.first[p] + k:self.first[p] + m] = 1.0
            else:
                values[self.first[p] + k] = 1.0
            c = self.inst.costs[p]
            spend[s:s + len(c)] += c
        if self.carry:
            balance = np.maximum(carried_balance(self.inst, spend), 0.0)
            values[self.carry] = balance[:-1]
        return values
