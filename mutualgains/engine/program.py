"""The package integer program of a case (design §5), built on the solver adapter.

Binary ``x[j]`` per option (options flattened in case order), one option per
issue, ``U_p = sum_j S[p, j] x[j]``. Acceptance rows follow the decision rule:
under unanimity ``U_p >= threshold_p`` for every party; under a k-of-n rule
veto parties keep that row and every other party gets an acceptance binary
``y_p`` with ``U_p >= threshold_p - M_p (1 - y_p)``, ``M_p`` the tightest
big-M from the party's lowest possible utility, and ``sum y >= k``.

Objectives are added by :mod:`mutualgains.analysis.solve`; this module only knows rows.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> program = PackageProgram(load_example("harbour"))
>>> program.model.n_variables >= program.case.option_offsets[-1]
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Unpack

import numpy as np

from mutualgains.engine.mip import MipModel, MipOutcome, SolveOptions
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
    transfers : bool, default False
        Let the program choose side payments (the case's ``transfers`` rules,
        or every pair without a cap when the case has none).
    model : MipModel, optional
        Add the program's variables and rows to this model instead of a new one
        (several packages in one program, e.g. :mod:`mutualgains.analysis.offers`).

    Money (see :mod:`mutualgains.model.money`): the total budget row when the case
    has one; contributions ``c[p, j]`` from parties with a budget that cover
    the cost of each chosen option; transfers ``t[a, b]``. A party's utility
    gains ``rate * (received - paid - contributed)``. A payer never pays more
    than its largest possible surplus, and under a k-of-n rule a party that
    does not accept pays nothing.

    Attributes
    ----------
    model : MipModel
        The program; callers add objective rows and variables to it.
    x : list of int
        Variable index of each option, in flat option order.
    """

    def __init__(self, case: Case, *, acceptance: bool = True, transfers: bool = False,
                 model: MipModel | None = None):
        self.case = case
        self.model = model = MipModel("package") if model is None else model
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
        n = len(case.parties)
        self.rates = np.array([case.transfers.rate_of(p) if case.transfers else 1.0
                               for p in case.party_names], dtype=float)
        self.contributions: dict[tuple[int, int], int] = {}  # (party, option) -> variable
        self.transfers: dict[tuple[int, int], int] = {}  # (payer, payee) -> variable
        self._money_low = np.zeros(n)
        self._money_high = np.zeros(n)
        self._payments: dict[int, list[int]] = {}  # payer -> its transfer variables
        self._payment_limit: dict[int, float] = {}
        self._add_money(transfers)
        if acceptance:
            self._add_acceptance()

    # ----------------------------------------------------------------- pieces

    def utility_terms(self, p: int) -> tuple[list[int], list[float]]:
        """Variable indices and coefficients of party ``p``'s utility (a fresh copy)."""
        idx, coef = self._terms[p]
        return list(idx), list(coef)

    def utility_bounds(self, p: int) -> tuple[float, float]:
        """Bounds on party ``p``'s utility over all packages (not always attained)."""
        low, high = self._score_bounds(p)
        return low + self._money_low[p], high + self._money_high[p]

    def _score_bounds(self, p: int) -> tuple[float, float]:
        scores = self.case.score_matrix[p]
        offs = self.case.option_offsets
        blocks = [scores[offs[k]:offs[k + 1]] for k in range(len(self.case.issues))]
        low = float(sum(b.min() for b in blocks))
        high = float(sum(b.max() for b in blocks))
        for _, bonus in self.case.synergy_table:
            low += min(0.0, bonus[p])
            high += max(0.0, bonus[p])
        cap = float(self.case.caps[p])
        return min(low, cap), min(high, cap)

    def combined_terms(self, weights: np.ndarray) -> tuple[list[int], list[float]]:
        """Variable indices and coefficients of ``sum_p weights[p] * U_p``."""
        case = self.case
        if not case.synergy and not np.isfinite(case.caps).any() and not self.has_money:
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

        def indicator(issue: str, options: Sequence[str]) -> tuple[list[int], list[float]]:
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
            for s, zs, (_, bonus) in zip(case.synergy, z, case.synergy_table, strict=True):
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

    def _add_money(self, transfers: bool) -> None:
        """Total budget, contributions to costs, and side payments (see the class notes)."""
        case = self.case
        model = self.model
        costs = case.cost_vector
        costly = np.flatnonzero(costs).tolist()
        rows = []
        if case.total_budget is not None and costly:
            rows.append(([self.x[j] for j in costly], [float(costs[j]) for j in costly], "<=",
                         float(case.total_budget)))
        offs = case.option_offsets
        most = sum(float(costs[offs[k]:offs[k + 1]].max()) for k in range(len(case.issues)))
        budgets = {p: float(party.budget) for p, party in enumerate(case.parties)
                   if party.budget is not None}
        payers = list(budgets)
        if payers and costly:
            for j in costly:
                share = model.add_variables(len(payers), lb=0.0, ub=float(costs[j]))
                self.contributions.update({(p, j): v for p, v in zip(payers, share,
                                                                     strict=True)})
                rows.append(([*share, self.x[j]], [1.0] * len(share) + [-float(costs[j])], "==",
                             0.0))
            for p in payers:
                own = [self.contributions[(p, j)] for j in costly]
                rows.append((own, [1.0] * len(own), "<=", budgets[p]))
                self._add_money_terms(p, own, -1.0)
                self._money_low[p] -= self.rates[p] * min(budgets[p], most)
        if transfers:
            rules = case.transfers
            thr = self.thresholds()
            cap = None if rules is None or rules.cap is None else float(rules.cap)
            names = case.party_names
            # a payer never pays more than its largest possible surplus
            limit = {p: max(0.0, self._score_bounds(p)[1] - thr[p]) / self.rates[p]
                     for p in range(len(names))}
            for a in range(len(names)):
                for b in range(len(names)):
                    if a == b or (rules is not None and not rules.allows(names[a], names[b])):
                        continue
                    ub = limit[a] if cap is None else min(limit[a], cap)
                    (t,) = model.add_variables(1, lb=0.0, ub=ub)
                    self.transfers[(a, b)] = t
                    self._payments.setdefault(a, []).append(t)
                    self._add_money_terms(a, [t], -1.0)
                    self._add_money_terms(b, [t], 1.0)
                    self._money_high[b] += self.rates[b] * ub
            for a, paid in self._payments.items():
                rows.append((paid, [1.0] * len(paid), "<=", limit[a]))
                self._payment_limit[a] = limit[a]
                self._money_low[a] -= self.rates[a] * limit[a]
        model.add_rows(rows)

    def _add_money_terms(self, p: int, variables: list[int], sign: float) -> None:
        idx, coef = self._terms[p]
        idx.extend(variables)
        coef.extend([sign * float(self.rates[p])] * len(variables))

    @property
    def has_money(self) -> bool:
        """Whether the program chooses contributions or transfers."""
        return bool(self.contributions or self.transfers)

    def money(self, values: np.ndarray) -> np.ndarray:
        """Net money per party in a solution: received - paid - contributed."""
        out = np.zeros(len(self.case.parties))
        for (p, _), v in self.contributions.items():
            out[p] -= values[v]
        for (a, b), v in self.transfers.items():
            out[a] -= values[v]
            out[b] += values[v]
        return out

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
            paid = self._payments.get(p)
            if paid:  # a party that does not accept pays nothing
                rows.append(([*paid, y], [1.0] * len(paid) + [-self._payment_limit[p]], "<=",
                             0.0))
        if not case.decision_rule.is_unanimity:
            always = len(case.parties) - len(veto) - len(accept_vars)
            need = case.min_parties - len(veto) - always
            if need > 0:
                rows.append((accept_vars, [1.0] * len(accept_vars), ">=", float(need)))
        self.model.add_rows(rows)

    # --------------------------------------------------------------- solving

    def solve(self, **options: Unpack[SolveOptions]) -> MipOutcome:
        """Solve the model as it stands; ``options`` go to :meth:`MipModel.solve`."""
        return self.model.solve(**options)

    def option_vars(self, choice: Sequence[int]) -> list[int]:
        """Variables of the options of package ``choice`` (their sum: issues kept)."""
        offs = self.case.option_offsets
        return [self.x[offs[k] + c] for k, c in enumerate(choice)]

    def no_good(self, choice: Sequence[int], min_difference: int = 1
                ) -> tuple[list[int], list[float], str, float]:
        """Row: differ from package ``choice`` in at least ``min_difference`` issues."""
        idx = self.option_vars(choice)
        return idx, [1.0] * len(idx), "<=", float(len(idx) - min_difference)

    def smallest(self, incumbent: Sequence[int],
                 solve: Callable[[], tuple[int, ...] | None]) -> tuple[int, ...] | None:
        """The lexicographically smallest package the model allows, from a package it allows.

        Issues are taken in blocks whose option counts multiply to at most
        ``10**6``; a block's smallest options are found by one solve that minimises
        their positions read as one mixed-radix number, then fixed (rows that stay).
        A block where ``incumbent`` already takes every first option needs no
        solve. ``solve`` solves the model as it stands and returns the package
        (``None`` when it did not finish: so does this).
        """
        best = tuple(incumbent)
        sizes = [len(i.options) for i in self.case.issues]
        offs = self.case.option_offsets
        k = 0
        while k < len(sizes):
            block, radix = [k], sizes[k]
            while block[-1] + 1 < len(sizes) and radix * sizes[block[-1] + 1] <= 10**6:
                block.append(block[-1] + 1)
                radix *= sizes[block[-1]]
            if any(best[j] for j in block):
                idx, coef, weight = [], [], 1.0
                for j in reversed(block):
                    idx += self.x[offs[j]:offs[j + 1]]
                    coef += [-weight * o for o in range(sizes[j])]
                    weight *= sizes[j]
                self.model.set_objective(idx, coef)
                found = solve()
                if found is None:
                    return None
                best = found
            self.model.add_rows([([self.x[offs[j] + best[j]]], [1.0], ">=", 1.0)
                                 for j in block])
            k = block[-1] + 1
        return best

    def choice(self, values: np.ndarray) -> tuple[int, ...]:
        """Option position per issue read from a solution vector."""
        offs = self.case.option_offsets
        xs = values[self.x]
        return tuple(int(np.argmax(xs[offs[k]:offs[k + 1]])) for k in range(len(offs) - 1))
