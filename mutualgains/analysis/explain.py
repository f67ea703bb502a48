"""Why there is no deal, and what it would take.

:func:`explain` answers the mediator's first questions when the table is stuck:

- a *blocking set*: a minimal set of parties that can never all accept one
  package (a deletion filter over the parties' acceptance rows: each party is
  dropped in turn and kept out when the rest still cannot all accept; one
  solve per party, so the set is minimal: remove any member and the others
  can agree);
- the *largest coalitions*: the most parties that can accept one package
  together, and which ones;
- per party, how far its BATNA would have to move for a deal to exist (the
  others' BATNAs fixed);
- for a given package: who rejects it and by how much.

Money is left out here: with side payments, see :func:`mutualgains.compensate`.

Examples
--------
>>> from mutualgains import Case, Issue, Party, explain
>>> case = Case([Party("A", batna=5), Party("B", batna=5), Party("C", batna=1)],
...             [Issue("i", ["x", "y"])],
...             {"A": {"i": [6, 0]}, "B": {"i": [0, 6]}, "C": {"i": [1, 1]}})
>>> why = explain(case)
>>> why.agreement, why.blocking, why.largest
(False, ('A', 'B'), 2)
>>> dict(why.batna_moves)
{'A': 5.0, 'B': 5.0, 'C': None}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from mutualgains.engine.program import PackageProgram
from mutualgains.errors import SolverError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE, PACKAGE
from mutualgains.params import PROGRESS, SOLVER, Maybe, validated
from mutualgains.progress import ProgressArg, Tracker, track
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import tidy

__all__ = ["Explanation", "explain"]

_MAX_COALITIONS = 10


@dataclass(frozen=True)
class Explanation:
    """The result of :func:`explain`.

    Attributes
    ----------
    agreement : bool
        Whether some package passes the decision rule.
    blocking : tuple of str
        A minimal set of parties that cannot all accept any one package
        (empty when every party can accept some package together).
    largest : int
        The most parties that can accept one package together.
    coalitions : tuple of tuple of str
        The coalitions of that size (up to ten).
    needed : int
        How many parties the decision rule needs; ``veto``: which must be in.
    batna_moves : mapping
        Per party: how much its BATNA would have to drop for a package to pass
        (0 when a deal exists or it is not in the way; ``None`` when lowering
        its BATNA alone cannot produce a deal).
    best_for : mapping
        Per party: its best utility over packages that pass once its own
        acceptance is granted (``None`` when none does).
    package, shortfalls : mapping
        For a given package: the package, and per rejecting party how far its
        utility is below its threshold.

    Examples
    --------
    >>> from mutualgains import explain
    >>> from mutualgains.io.examples import load_example
    >>> explain(load_example("harbour"))
    <Explanation agreement=True blocking=[] largest=5>
    """

    agreement: bool
    blocking: tuple[str, ...]
    largest: int
    coalitions: tuple[tuple[str, ...], ...]
    needed: int
    veto: tuple[str, ...]
    batna_moves: Mapping[str, float | None]
    best_for: Mapping[str, float | None]
    batnas: Mapping[str, float]
    package: Mapping[str, str] | None = None
    scores: Mapping[str, float] = field(default_factory=dict)
    shortfalls: Mapping[str, float] = field(default_factory=dict)
    passes: bool | None = None
    note: str = ""

    def __post_init__(self) -> None:
        for name in ("batna_moves", "best_for", "batnas", "scores", "shortfalls"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        if self.package is not None:
            object.__setattr__(self, "package", MappingProxyType(dict(self.package)))

    def to_frame(self) -> pd.DataFrame:
        """One row per party: BATNA, blocking, best utility, BATNA move needed, package score.

        Examples
        --------
        >>> from mutualgains import Case, Issue, Party, explain
        >>> case = Case([Party("A", batna=5), Party("B", batna=5)], [Issue("i", ["x", "y"])],
        ...             {"A": {"i": [6, 0]}, "B": {"i": [0, 6]}})
        >>> explain(case).to_frame()[["party", "blocking", "best", "batna_move"]]
          party  blocking  best  batna_move
        0     A      True     0         5.0
        1     B      True     0         5.0
        """
        in_largest = set().union(*self.coalitions) if self.coalitions else set()
        rows = []
        for p, batna in self.batnas.items():
            rows.append({
                "party": p, "batna": batna, "blocking": p in self.blocking,
                "in_largest_coalition": p in in_largest, "best": self.best_for[p],
                "batna_move": self.batna_moves[p],
                "score": self.scores.get(p), "shortfall": self.shortfalls.get(p, 0.0)
                if self.package is not None else None,
            })
        return pd.DataFrame(rows)

    def __str__(self) -> str:
        lines = []
        rule = (f"{self.needed} of {len(self.batnas)} parties" +
                (f", {', '.join(self.veto)} among them" if self.veto and
                 self.needed < len(self.batnas) else ""))
        if self.agreement:
            lines.append(f"A deal exists: some package is accepted by {rule}.")
        else:
            lines.append(f"No package is accepted by {rule}.")
        if self.blocking:
            lines.append(f"These parties can never all accept one package: "
                         f"{', '.join(self.blocking)} (any smaller group can).")
        if self.coalitions:
            groups = "; ".join(", ".join(c) for c in self.coalitions)
            who = "party" if self.largest == 1 else "parties"
            lines.append(f"At most {self.largest} {who} can accept one package together: "
                         f"{groups}.")
        moves = [f"{p} by {m:.6g}" for p, m in self.batna_moves.items() if m]
        if not self.agreement and moves:
            lines.append("A deal would exist if one of these BATNAs were lower: "
                         + "; ".join(moves) + ".")
        stuck = [p for p, m in self.batna_moves.items() if m is None]
        if not self.agreement and stuck:
            lines.append("Lowering the BATNA of " + ", ".join(stuck) +
                         " alone would not produce a deal.")
        if self.package is not None:
            if self.shortfalls:
                lines.append("The package is rejected by: " + "; ".join(
                    f"{p} (short by {s:.6g})" for p, s in self.shortfalls.items()) + ".")
            lines.append("The package passes." if self.passes else "The package does not pass.")
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Explanation agreement={self.agreement} blocking={list(self.blocking)} "
                f"largest={self.largest}>")

    def _repr_html_(self) -> str:
        from mutualgains.display import block_html, frame_html

        return block_html(str(self), frame_html(self.to_frame()), bold=False)

    def to_dict(self) -> dict:
        """Plain JSON-ready data.

        Examples
        --------
        >>> from mutualgains import explain
        >>> from mutualgains.io.examples import load_example
        >>> explain(load_example("harbour")).to_dict()["agreement"]
        True
        """
        return {
            "agreement": self.agreement, "blocking": list(self.blocking),
            "largest": self.largest, "coalitions": [list(c) for c in self.coalitions],
            "needed": self.needed, "veto": list(self.veto),
            "batna_moves": dict(self.batna_moves), "best_for": dict(self.best_for),
            "package": None if self.package is None else dict(self.package),
            "shortfalls": dict(self.shortfalls), "passes": self.passes,
            "text": str(self),
        }


class _Acceptance:
    """A program with one switchable acceptance row per party."""

    def __init__(self, case: Case, solver: str):
        self.case = case
        self.program = PackageProgram(case, acceptance=False)
        self.solver = solver
        self.thr = case.batnas + float(case.margin)
        self.off = [self.program.utility_bounds(p)[0] - 1.0 for p in range(len(case.parties))]
        rows = [(*self.program.utility_terms(p), ">=", self.off[p])
                for p in range(len(case.parties))]
        self.rows = self.program.model.add_rows(rows)
        self.program.model.set_objective([], [])

    def feasible(self, required: Sequence[int]) -> bool | None:
        """Whether one package is acceptable to every party in ``required``."""
        for p, row in enumerate(self.rows):
            self.program.model.set_rhs(row, float(self.thr[p]) if p in required else self.off[p])
        out = self.program.solve(solver=self.solver)
        if out.status == Status.OPTIMAL:
            return True
        return False if out.status == Status.INFEASIBLE else None


@validated(case=CASE, package=Maybe(PACKAGE), solver=SOLVER, progress=PROGRESS)
def explain(case: Case, package: Mapping[str, str] | Sequence[str] | None = None, *,
            solver: str = "highs", progress: ProgressArg = False) -> Explanation:
    """Explain why no package passes (or confirm one does), and judge ``package`` if given.

    Parameters
    ----------
    case : Case
    package : mapping or sequence, optional
        A proposal to judge: who rejects it and by how much.
    solver : str, default "highs"
    progress : bool or callable, default False
        Report each step (the decision rule, the blocking set's test per party,
        the largest coalitions, each party's best package): ``progress(done,
        total)`` with ``total = 3 + 2 * parties``, or ``True`` for a bar; see
        :mod:`mutualgains.progress`.

    Returns
    -------
    Explanation
        ``str(explanation)`` reads as a short report; ``.to_frame()`` has one
        row per party.

    Examples
    --------
    >>> from mutualgains import explain
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> print(explain(case, case.package_from_indices([2, 2, 2, 3, 3])))
    A deal exists: some package is accepted by 4 of 5 parties, Port, City among them.
    At most 5 parties can accept one package together: Port, City, Environmental League, \
Union, Neighbour Towns.
    The package is rejected by: Port (short by 55).
    The package does not pass.
    """
    case.require_no_contributions("explain")
    with track(progress, "explain", total=3 + 2 * len(case.parties), unit="step") as tracker:
        return _explain(case, package, solver, tracker)


def _explain(case: Case, package: Mapping[str, str] | Sequence[str] | None, solver: str,
             tracker: Tracker) -> Explanation:
    names = list(case.party_names)
    n = len(names)
    veto = [names.index(p) for p in case.veto_parties]
    checker = _Acceptance(case, solver)
    note = ""

    # does a deal exist (the decision rule itself)?
    rule = PackageProgram(case)
    rule.model.set_objective([], [])
    outcome = rule.solve(solver=solver)
    if outcome.status not in (Status.OPTIMAL, Status.INFEASIBLE):
        raise SolverError(f"explain: solver {outcome.solver!r} ended with status "
                          f"{outcome.status.value!r} on the decision rule's program")
    agreement = outcome.status == Status.OPTIMAL
    tracker.advance()

    # a minimal blocking set: deletion filter over the acceptance rows
    blocking: list[int] = []
    everyone = checker.feasible(range(n))
    tracker.advance()
    if everyone is False and checker.feasible([]) is False:
        note = "The dependencies between options rule out every package."
    elif everyone is False:
        keep = list(range(n))
        for p in range(n):
            trial = [q for q in keep if q != p]
            if checker.feasible(trial) is False:
                keep = trial
            tracker.advance()
        blocking = keep
    if tracker.done < 2 + n:
        tracker.advance(2 + n - tracker.done)  # no deletion filter to run

    largest, coalitions = _largest_coalitions(case, checker, solver)
    tracker.advance()

    moves: dict[str, float | None] = {}
    best: dict[str, float | None] = {}
    for p, name in enumerate(names):
        value = _best_with_own_acceptance(case, p, checker.off[p], solver)
        best[name] = None if value is None else tidy(value)
        if agreement:
            moves[name] = 0.0
        else:
            moves[name] = None if value is None else max(0.0, float(checker.thr[p] - value))
        tracker.advance()

    chosen = scores = None
    shortfalls: dict[str, float] = {}
    passes = None
    if package is not None:
        choice = case.package_indices(package)
        chosen = case.package_from_indices(choice)
        u = case.utility_vector(choice)
        scores = {p: tidy(u[k]) for k, p in enumerate(names)}
        shortfalls = {p: tidy(checker.thr[k] - u[k]) for k, p in enumerate(names)
                      if u[k] < checker.thr[k] - TOLERANCE}
        passes = case.passes(chosen)
    return Explanation(
        agreement=agreement, blocking=tuple(names[p] for p in blocking), largest=largest,
        coalitions=tuple(tuple(names[p] for p in c) for c in coalitions),
        needed=case.min_parties, veto=tuple(names[p] for p in veto), batna_moves=moves,
        best_for=best, batnas={p.name: p.batna for p in case.parties}, package=chosen,
        scores=scores or {}, shortfalls=shortfalls, passes=passes, note=note)


def _largest_coalitions(case: Case, checker: _Acceptance,
                        solver: str) -> tuple[int, list[list[int]]]:
    """The most parties that can accept one package together, and up to ten such groups."""
    program = PackageProgram(case, acceptance=False)
    model = program.model
    n = len(case.parties)
    y = model.add_variables(n, binary=True)
    rows = []
    for p in range(n):
        low = program.utility_bounds(p)[0]
        big_m = max(0.0, float(checker.thr[p]) - low)
        idx, coef = program.utility_terms(p)
        rows.append(([*idx, y[p]], [*coef, -big_m], ">=", float(checker.thr[p]) - big_m))
    model.add_rows(rows)
    model.set_objective(y, [1.0] * n)
    found: list[list[int]] = []
    size = 0
    while len(found) < _MAX_COALITIONS:
        out = model.solve(solver=solver)
        if out.status != Status.OPTIMAL:
            break
        # the package's real acceptance (it can include more parties than y says)
        u = case.utility_vector(program.choice(out.solution))
        members = [p for p in range(n) if u[p] >= checker.thr[p] - TOLERANCE]
        if found and len(members) < size:
            break
        size = max(size, len(members))
        if members in found:
            break
        found.append(members)
        outside = [y[p] for p in range(n) if p not in members]
        if not outside:
            break
        model.add_rows([(outside, [1.0] * len(outside), ">=", 1.0)])
    return size, found


def _best_with_own_acceptance(case: Case, p: int, below: float, solver: str) -> float | None:
    """Party ``p``'s best utility over packages that pass once ``p`` counts as accepting.

    ``below`` is a utility lower than any ``p`` can have: as its BATNA, ``p`` accepts all.
    """
    parties = list(case.parties)
    parties[p] = dataclasses.replace(parties[p], batna=below - abs(float(case.margin)))
    relaxed = dataclasses.replace(case, parties=tuple(parties))
    program = PackageProgram(relaxed)
    program.model.set_objective(*program.utility_terms(p))
    out = program.solve(solver=solver)
    if out.status != Status.OPTIMAL:
        return None
    return float(case.utility_vector(program.choice(out.solution))[p])



