"""Time windows: earliest and latest starts from the precedence graph and the budget, and proofs of
plain infeasibility in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from mutualgains.tolerance import TOLERANCE
from mutualgains.util import tidy

if TYPE_CHECKING:  # pragma: no cover
    pass
from mutualgains.phasing.instance import Instance

__all__ = ["Windows", "carried_balance", "compute_windows", "finish_by", "money_tolerance",
    "requirement_proofs"]


# ------------------------------------------------------------------ windows


@dataclass
class Windows:
    """Start periods (0-based) each project may use, and proofs where it has none.

    Examples
    --------
    >>> import mutualgains as mg
    >>> from mutualgains.phasing.instance import build_instance, package_choice, phasing_settings
    >>> case = mg.load_example("regional")
    >>> choice = package_choice(case, mg.solve(case).package)
    >>> inst = build_instance(case, choice, phasing_settings(case, None, None, None, None))
    >>> win = compute_windows(inst, complete=False)
    >>> len(win.starts[0]), win.reasons
    (10, {})
    """

    starts: list[np.ndarray]  # sorted feasible start periods per project
    reasons: dict[int, str]  # project -> why no start is possible
    reach: list[np.ndarray]  # per project: (T x T) money a start at s draws from t's budget


def _reach(inst: Instance, p: int) -> np.ndarray:
    """``M[s, t]``: how much of the balance at ``t`` a start at ``s`` uses up (carry-over)."""
    T, rho, c = inst.periods, inst.rho, inst.costs[p]
    drain = np.zeros(T)  # drain[k]: the start's cumulative draw, k periods after the start
    carried = 0.0
    for k in range(T):
        carried = rho * carried + (c[k] if k < len(c) else 0.0)
        drain[k] = carried
    out = np.zeros((T, T))
    for s in range(T):
        out[s, s:] = drain[:T - s]
    return out


def carried_balance(inst: Instance, spend: np.ndarray) -> np.ndarray:
    """Money left at the end of each period when all unspent money is carried over.

    Examples
    --------
    >>> import mutualgains as mg
    >>> from mutualgains.phasing.instance import build_instance, package_choice, phasing_settings
    >>> case = mg.load_example("regional")
    >>> choice = package_choice(case, mg.solve(case).package)
    >>> inst = build_instance(case, choice, phasing_settings(case, None, None, None, None))
    >>> import numpy as np
    >>> carried_balance(inst, np.zeros(inst.periods))[:3].tolist()  # 80 % carried over
    [55.0, 99.0, 134.2]
    """
    out = np.empty(inst.periods)
    carried = 0.0
    for t in range(inst.periods):
        out[t] = inst.budget[t] + carried - spend[t]
        carried = inst.rho * out[t]
    return out


def money_tolerance(inst: Instance) -> float:
    """The tolerance for comparing amounts of money: 1e-9 of the largest budget.

    Examples
    --------
    >>> import mutualgains as mg
    >>> from mutualgains.phasing.instance import build_instance, package_choice, phasing_settings
    >>> case = mg.load_example("regional")
    >>> choice = package_choice(case, mg.solve(case).package)
    >>> inst = build_instance(case, choice, phasing_settings(case, None, None, None, None))
    >>> money_tolerance(inst)
    5.5e-08
    """
    return 1e-9 * max(1.0, float(inst.budget.max(initial=0.0)))


def compute_windows(inst: Instance, complete: bool) -> Windows:
    """Possible start periods per project from the precedence graph and the budget, with
    proofs in words where a project has none.

    Examples
    --------
    >>> import mutualgains as mg
    >>> from mutualgains.phasing.instance import build_instance, package_choice, phasing_settings
    >>> case = mg.load_example("regional")
    >>> choice = package_choice(case, mg.solve(case).package)
    >>> inst = build_instance(case, choice, phasing_settings(case, None, None, None, None))
    >>> win = compute_windows(inst, complete=False)
    >>> [len(s) for s in win.starts][:5]
    [10, 10, 10, 9, 9]
    """
    T, d = inst.periods, inst.durations
    graph = nx.DiGraph()
    graph.add_nodes_from(range(inst.n))
    graph.add_edges_from(inst.edges)
    order = list(nx.topological_sort(graph))
    tol = money_tolerance(inst)
    free = carried_balance(inst, np.zeros(T))
    reach = [_reach(inst, p) for p in range(inst.n)]
    alone = []  # starts at which the project alone fits the budget and the horizon
    for p in range(inst.n):
        ok = ((free[None, :] - reach[p]) >= -tol).all(axis=1)
        ok[max(T - d[p] + 1, 0):] = False
        alone.append(ok)
    # earliest starts (precedence and budget), and precedence-only chains for the words
    early = np.zeros(inst.n, dtype=int)
    head = np.zeros(inst.n, dtype=int)  # precedence-only earliest start
    head_pred: dict[int, int] = {}
    reasons: dict[int, str] = {}
    for q in order:
        e = 0
        for p in graph.predecessors(q):
            if head[p] + d[p] > head[q]:
                head[q], head_pred[q] = head[p] + d[p], p
            e = max(e, early[p] + d[p])
        feasible = np.flatnonzero(alone[q][e:]) + e if e < T else np.array([], dtype=int)
        early[q] = feasible[0] if len(feasible) else T
    late = np.array([T - d[p] for p in range(inst.n)])
    tail = d.copy()  # precedence-only longest chain from p to the end, p included
    tail_succ: dict[int, int] = {}
    for p in reversed(order):
        for q in graph.successors(p):
            if d[p] + tail[q] > tail[p]:
                tail[p], tail_succ[p] = d[p] + tail[q], q
            if complete:
                late[p] = min(late[p], late[q] - d[p])
        if complete:
            feasible = np.flatnonzero(alone[p][:max(late[p] + 1, 0)])
            late[p] = feasible[-1] if len(feasible) else -1
    starts: list[np.ndarray] = [np.zeros(0, dtype=int)] * inst.n
    for p in order:
        window = np.flatnonzero(alone[p])
        starts[p] = window[(window >= early[p]) & (window <= late[p])]
        if len(starts[p]):
            continue
        blocked = [q for q in graph.predecessors(p) if q in reasons]
        reasons[p] = _why(inst, p, alone[p], head, head_pred, tail, tail_succ, early, late,
                          complete, blocked[0] if blocked else None)
    return Windows(starts, reasons, reach)


def _chain(inst: Instance, p: int, head_pred: dict[int, int],
           tail_succ: dict[int, int] | None) -> str:
    before = [p]
    while before[0] in head_pred:
        before.insert(0, head_pred[before[0]])
    after = []
    if tail_succ is not None:
        node = p
        while node in tail_succ:
            node = tail_succ[node]
            after.append(node)
    return " -> ".join(f"{inst.labels[k]} ({inst.durations[k]})" for k in before + after)


def _why(inst: Instance, p: int, alone: np.ndarray, head: np.ndarray,
         head_pred: dict[int, int], tail: np.ndarray, tail_succ: dict[int, int],
         early: np.ndarray, late: np.ndarray, complete: bool, blocked: int | None) -> str:
    """Why project ``p`` has no possible start, in words (``blocked``: a predecessor
    that has none either)."""
    T, d, c = inst.periods, int(inst.durations[p]), inst.costs[p]
    if d > T:
        return f"takes {d} periods, longer than the horizon of {T}"
    if not alone.any():
        if inst.rho == 0 and c.max() > inst.budget.max() + money_tolerance(inst):
            j = int(np.argmax(c))
            return (f"costs {tidy(float(c[j]))} in period {j + 1} of its {d}, more than any "
                    f"period's budget (at most {tidy(float(inst.budget.max()))}) and unspent "
                    "money is not carried over")
        return (f"its costs ({', '.join(str(tidy(float(x))) for x in c)} per period) exceed "
                "the money available in every possible start period, even with nothing else "
                f"scheduled (budget with {inst.rho:.0%} of unspent money carried over)")
    if head[p] + d > T:
        return (f"the precedence chain {_chain(inst, p, head_pred, None)} takes "
                f"{head[p] + d} periods, longer than the horizon of {T}")
    if complete and head[p] + tail[p] > T:
        return (f"the precedence chain {_chain(inst, p, head_pred, tail_succ)} takes "
                f"{head[p] + tail[p]} periods, longer than the horizon of {T}")
    if blocked is not None:
        return f"needs {inst.labels[blocked]} first, which cannot be realised within the horizon"
    if complete:
        return (f"must start between period {early[p] + 1} (after its predecessors) and period "
                f"{late[p] + 1} (so that its successors can finish in time), and no start in "
                "between fits the budget")
    return (f"cannot start before period {early[p] + 1} (after its predecessors, within the "
            f"budget), too late to finish within the horizon of {T}")


# ------------------------------------------------------------- requirements


def finish_by(inst: Instance, win: Windows, p: int, k: int) -> np.ndarray:
    """Per possible start of ``p``: 1 when starting there finishes by period ``k`` (1-based).

    Examples
    --------
    >>> import mutualgains as mg
    >>> from mutualgains.phasing.instance import build_instance, package_choice, phasing_settings
    >>> case = mg.load_example("regional")
    >>> choice = package_choice(case, mg.solve(case).package)
    >>> inst = build_instance(case, choice, phasing_settings(case, None, None, None, None))
    >>> finish_by(inst, compute_windows(inst, False), 0, 2)[:4].tolist()
    [1.0, 1.0, 0.0, 0.0]
    """
    return (win.starts[p] + inst.durations[p] <= k).astype(float)


def requirement_proofs(inst: Instance, win: Windows, first_gain_by: dict[str, int],
                        value_by: tuple[int, float] | None) -> list[str]:
    """Why ``first_gain_by`` or ``value_by`` cannot be met, in words (empty when nothing is
    proven impossible).

    Examples
    --------
    >>> import mutualgains as mg
    >>> from mutualgains.phasing.instance import build_instance, package_choice, phasing_settings
    >>> case = mg.load_example("regional")
    >>> choice = package_choice(case, mg.solve(case).package)
    >>> inst = build_instance(case, choice, phasing_settings(case, None, None, None, None))
    >>> win = compute_windows(inst, False)
    >>> requirement_proofs(inst, win, {"Farmers": 1}, None)
    []
    >>> requirement_proofs(inst, win, {}, (1, 1e6))
    ['the value realised by period 1 is at most ... less than 1e+06']
    """
    out = []
    instant = inst.instant_vector
    for party, k in first_gain_by.items():
        q = inst.parties.index(party)
        if instant[q] > TOLERANCE:
            continue
        gaining = [p for p in range(inst.n) if inst.values[p, q] > TOLERANCE]
        if not gaining:
            out.append(f"party {party} gains from no project or option of the package, so it "
                       f"cannot see a first gain by period {k}")
        elif not any(finish_by(inst, win, p, k).any() for p in gaining):
            soonest = [int(win.starts[p][0] + inst.durations[p]) for p in gaining
                       if len(win.starts[p])]
            names = ", ".join(inst.labels[p] for p in gaining)
            if soonest:
                out.append(f"party {party} sees a first gain in period {min(soonest)} at the "
                           f"soonest (its projects with a gain: {names}), later than period {k}")
            else:
                out.append(f"party {party} cannot see a gain: its projects with a gain "
                           f"({names}) cannot be realised within the horizon")
    if value_by is not None:
        k, w = value_by
        best = float(inst.weights @ instant) + sum(
            float(inst.weighted[p]) for p in range(inst.n)
            if inst.weighted[p] > 0 and finish_by(inst, win, p, k).any())
        if best < w - TOLERANCE * max(1.0, abs(w)):
            out.append(f"the value realised by period {k} is at most {tidy(best):.6g} (every "
                       f"project of positive value that can finish by then), less than {w:g}")
    return out
