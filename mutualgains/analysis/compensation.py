"""The least side payments that make a given package acceptable to every party.

For a fixed package each party's utility is known, so the question is a linear
program over the allowed transfers ``t[a, b] >= 0`` (at most the case's cap):
minimise the total paid while every party ends at or above its threshold,
``U_p + rate_p * (received_p - paid_p) >= BATNA_p + margin``. When it is
infeasible, the answer says why: the money the parties above their thresholds
could give up, against the money the others need, and which parties the
allowed pairs and caps leave short.

Examples
--------
>>> from mutualgains import Case, Issue, Party, compensate
>>> case = Case([Party("Farmers", batna=5), Party("City", batna=0)],
...             [Issue("dike", ["low", "high"])],
...             {"Farmers": {"dike": [6, 1]}, "City": {"dike": [0, 20]}})
>>> result = compensate(case, {"dike": "high"})
>>> result.feasible, result.total, result.transfers
(True, 4.0, (('City', 'Farmers', 4.0),))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import networkx as nx
import numpy as np
import pandas as pd

from mutualgains.engine.mip import MipModel
from mutualgains.model import Case
from mutualgains.model.arguments import CASE, PACKAGE
from mutualgains.model.money import Transfers
from mutualgains.params import SOLVER, validated
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import tidy

__all__ = ["Compensation", "compensate"]


@dataclass(frozen=True)
class Compensation:
    """The result of :func:`compensate`.

    Attributes
    ----------
    feasible : bool
        Whether side payments can make the package acceptable to every party.
    total : float or None
        The least total amount paid (``None`` when infeasible).
    transfers : tuple of (payer, payee, amount)
    scores_before, scores_after : mapping
        Each party's utility without and with the transfers.
    deficits : mapping
        Money each party needs to reach its threshold (0 when it is above).
    reason : str
        Why no transfers suffice (empty when feasible).

    Examples
    --------
    >>> from mutualgains import Case, Issue, Party, compensate
    >>> case = Case([Party("A", batna=5), Party("B")], [Issue("i", ["x"])],
    ...             {"A": {"i": [1]}, "B": {"i": [9]}})
    >>> compensate(case, {"i": "x"})
    <Compensation total=4 in 1 transfer(s)>
    """

    package: Mapping[str, str]
    feasible: bool
    total: float | None
    transfers: tuple[tuple[str, str, float], ...]
    scores_before: Mapping[str, float]
    scores_after: Mapping[str, float]
    deficits: Mapping[str, float]
    reason: str = ""

    def __post_init__(self) -> None:
        for name in ("package", "scores_before", "scores_after", "deficits"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def to_frame(self) -> pd.DataFrame:
        """One row per party: score before, paid, received, score after, money needed.

        Examples
        --------
        >>> from mutualgains import Case, Issue, Party, compensate
        >>> case = Case([Party("A", batna=5), Party("B")], [Issue("i", ["x"])],
        ...             {"A": {"i": [1]}, "B": {"i": [9]}})
        >>> compensate(case, {"i": "x"}).to_frame()
          party  before  paid  received  after  needed
        0     A       1   0.0       4.0      5       4
        1     B       9   4.0       0.0      5       0
        """
        rows = []
        for p in self.scores_before:
            paid = sum(a for payer, _, a in self.transfers if payer == p)
            got = sum(a for _, payee, a in self.transfers if payee == p)
            rows.append([p, self.scores_before[p], float(paid), float(got),
                         self.scores_after.get(p), self.deficits[p]])
        return pd.DataFrame(rows, columns=["party", "before", "paid", "received", "after",
                                           "needed"])

    def __str__(self) -> str:
        if self.feasible:
            pays = "; ".join(f"{a} pays {b} {amount:.6g}" for a, b, amount in self.transfers)
            return f"compensation of {self.total:.6g} in all: {pays or 'nothing needed'}"
        return f"no side payments make this package acceptable to all: {self.reason}"

    def _repr_html_(self) -> str:
        from mutualgains.display import block_html, frame_html

        return block_html(str(self), frame_html(self.to_frame()))

    def __repr__(self) -> str:
        if self.feasible:
            return f"<Compensation total={self.total:.6g} in {len(self.transfers)} transfer(s)>"
        return "<Compensation impossible>"


@validated(case=CASE, package=PACKAGE, solver=SOLVER)
def compensate(case: Case, package: Mapping[str, str] | Sequence[str], *,
               solver: str = "highs") -> Compensation:
    """The least total side payment that makes ``package`` acceptable to every party.

    Parameters
    ----------
    case : Case
        Its ``transfers`` rules say who may pay whom, the cap per pair and each
        party's points per unit of money; without them every pair may pay, with
        no cap, at rate 1.
    package : mapping or sequence
    solver : str, default "highs"

    Returns
    -------
    Compensation

    Examples
    --------
    >>> from mutualgains import Case, Issue, Party, compensate
    >>> case = Case([Party("A", batna=5), Party("B", batna=8)], [Issue("i", ["x"])],
    ...             {"A": {"i": [1]}, "B": {"i": [9]}})
    >>> print(compensate(case, {"i": "x"}))
    no side payments make this package acceptable to all: the parties above their thresholds \
can give up 1 in money, the others need 4
    """
    choice = case.package_indices(package)
    names = list(case.party_names)
    rules = case.transfers or Transfers()
    rate = np.array([rules.rate_of(p) for p in names], dtype=float)
    utility = case.utility_vector(choice)
    need = case.batnas + float(case.margin) - utility  # in points; > 0: short
    deficit = np.maximum(need, 0.0) / rate
    surplus = np.maximum(-need, 0.0) / rate
    before = {p: tidy(utility[k]) for k, p in enumerate(names)}
    deficits = {p: tidy(deficit[k]) for k, p in enumerate(names)}
    chosen = case.package_from_indices(choice)
    if deficit.sum() <= TOLERANCE:
        return Compensation(chosen, True, 0.0, (), before, before, deficits)

    model = MipModel("compensation", maximize=False)
    pairs = [(a, b) for a in range(len(names)) for b in range(len(names))
             if rules.allows(names[a], names[b])]
    t = model.add_variables(len(pairs), lb=0.0, ub=rules.cap)
    rows = []
    for p in range(len(names)):
        idx, coef = [], []
        for v, (a, b) in zip(t, pairs, strict=True):
            if a == p:
                idx.append(v)
                coef.append(-rate[p])
            elif b == p:
                idx.append(v)
                coef.append(rate[p])
        if idx:
            rows.append((idx, coef, ">=", float(need[p])))
        elif need[p] > TOLERANCE:
            return Compensation(chosen, False, None, (), before, {}, deficits,
                                f"{names[p]} needs {deficit[p]:.6g} and may receive nothing")
    model.add_rows(rows)
    model.set_objective(t, [1.0] * len(t))
    out = model.solve(solver=solver)
    if out.status == Status.OPTIMAL:
        transfers = tuple((names[a], names[b], float(out.solution[v]))
                          for v, (a, b) in zip(t, pairs, strict=True)
                          if out.solution[v] > TOLERANCE / 10)
        money = np.zeros(len(names))
        for payer, payee, amount in transfers:
            money[names.index(payer)] -= amount
            money[names.index(payee)] += amount
        after = {p: tidy(utility[k] + rate[k] * money[k]) for k, p in enumerate(names)}
        assert out.objective is not None  # an optimal outcome has its objective
        return Compensation(chosen, True, float(out.objective), transfers, before, after,
                            deficits)
    return Compensation(chosen, False, None, (), before, {}, deficits,
                        _why(names, rules, deficit, surplus))


def _why(names: list[str], rules: Transfers, deficit: np.ndarray, surplus: np.ndarray) -> str:
    """Explain an infeasible compensation with a flow: who can give, who stays short."""
    give, take = float(surplus.sum()), float(deficit.sum())
    if give < take - TOLERANCE:
        return (f"the parties above their thresholds can give up {give:.6g} in money, "
                f"the others need {take:.6g}")
    graph = nx.DiGraph()
    for a, name in enumerate(names):
        if surplus[a] > 0:
            graph.add_edge("source", ("pay", a), capacity=float(surplus[a]))
        if deficit[a] > 0:
            graph.add_edge(("get", a), "sink", capacity=float(deficit[a]))
        for b, other in enumerate(names):
            if rules.allows(name, other) and surplus[a] > 0 and deficit[b] > 0:
                cap = float("inf") if rules.cap is None else float(rules.cap)
                graph.add_edge(("pay", a), ("get", b), capacity=cap)
    flow = nx.maximum_flow(graph, "source", "sink")[1] if graph.has_node("sink") else {}
    short = [f"{names[b]} gets at most {sum(f.get(('get', b), 0) for f in flow.values()):.6g} "
             f"of the {deficit[b]:.6g} it needs"
             for b in range(len(names)) if deficit[b] > 0
             and sum(f.get(("get", b), 0) for f in flow.values()) < deficit[b] - TOLERANCE]
    return ("the allowed pairs and caps cannot move the money: " + "; ".join(short)) if short \
        else "the allowed pairs and caps cannot move the money"


