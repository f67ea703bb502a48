"""Result objects: frozen, with a status, the payload and solver diagnostics.

Examples
--------
>>> from mutualgains import solve
>>> from mutualgains.io.examples import load_example
>>> result = solve(load_example("harbour"))
>>> result.status
<Status.OPTIMAL: 'optimal'>
>>> list(result.to_frame().columns)
['party', 'score', 'batna', 'gain', 'accepted', 'veto', 'weight']
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mutualgains.model.arguments import PACKAGE
from mutualgains.params import AnyOf, Instance
from mutualgains.status import Status
from mutualgains.util import readonly

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PACKAGE_OR_RESULT", "SolveResult"]


@dataclass(frozen=True)
class SolveResult:
    """The outcome of :func:`mutualgains.solve`.

    Attributes
    ----------
    status : Status
        See :class:`Status`.
    objective : str
        The objective that was optimised.
    objective_value : float or None
        Its value for ``package``: the weighted joint gain (``joint``), the
        smallest gain (``egalitarian``, ``leximin``), the smallest gain divided by
        the party's ideal gain (``ks``), the weighted Nash product (``nash``).
    package : mapping or None
        ``issue -> option``; ``None`` without a package.
    scores, gains, accepted : mapping
        Per party: utility, utility minus BATNA, and whether it accepts.
    passes : bool or None
        Whether ``package`` respects the dependencies and the decision rule
        (``None`` without a package).
    money : mapping
        Per party, net money: received - paid - contributed (empty when the
        case moves no money). ``scores`` include it at each party's rate.
    transfers : tuple of (payer, payee, amount)
        Side payments chosen with ``solve(..., transfers=True)``.
    contributions : tuple of (party, issue, option, amount)
        Who pays how much of each chosen option's cost.
    batnas, veto : mapping
        Per party: BATNA and veto flag (copied from the case for display).
    solver : str
        The solver used (the path's name, ``dp`` or ``enumerate``, when none ran).
    seconds : float
        Wall-clock time of all solver calls.
    gap : float or None
        Relative optimality gap: 0 when proven, ``None`` when unknown.
    message : str
        What else the caller should know (time limit hit, ties broken, ...).
    details : mapping
        Objective-specific extras: ``ideal_gains`` (ks), ``sorted_gains``
        (leximin), ``log_nash`` and ``log_bound`` (nash); and ``path``: the exact
        path taken, why, and the counts behind the choice
        (:mod:`mutualgains.engine.paths`).
    method : str
        The exact path: ``dp``, ``enumerate`` or ``mip``.

    Examples
    --------
    >>> from mutualgains import solve
    >>> from mutualgains.io.examples import load_example
    >>> result = solve(load_example("harbour"), "leximin")
    >>> result.details["sorted_gains"]
    (10, 14, 15, 16, 20)
    >>> result.gains["Port"], result.accepted["Port"]
    (14, True)
    """

    status: Status
    objective: str
    objective_value: float | None
    package: Mapping[str, str] | None
    scores: Mapping[str, float]
    gains: Mapping[str, float]
    accepted: Mapping[str, bool]
    batnas: Mapping[str, float]
    veto: Mapping[str, bool]
    weights: Mapping[str, float]
    solver: str
    seconds: float
    gap: float | None
    case_name: str = ""
    message: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)
    passes: bool | None = None
    money: Mapping[str, float] = field(default_factory=dict)
    transfers: tuple[tuple[str, str, float], ...] = ()
    contributions: tuple[tuple[str, str, str, float], ...] = ()
    method: str = "mip"

    def __post_init__(self) -> None:
        for name in ("package", "scores", "gains", "accepted", "batnas", "veto", "weights",
                     "details", "money"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, readonly(value))

    @property
    def has_package(self) -> bool:
        """Whether a package was found (status optimal or feasible)."""
        return self.package is not None

    def to_frame(self) -> pd.DataFrame:
        """One row per party: score, BATNA, gain, accepted, veto, weight.

        Examples
        --------
        >>> from mutualgains import solve
        >>> from mutualgains.io.examples import load_example
        >>> solve(load_example("harbour")).to_frame().shape
        (5, 7)
        """
        import pandas as pd

        rows = [
            {
                "party": p,
                "score": self.scores.get(p, math.nan),
                "batna": self.batnas[p],
                "gain": self.gains.get(p, math.nan),
                "accepted": self.accepted.get(p),
                "veto": self.veto[p],
                "weight": self.weights[p],
                "money": self.money.get(p, 0),
            }
            for p in self.batnas
        ]
        columns = ["party", "score", "batna", "gain", "accepted", "veto", "weight"]
        if self.money:
            columns.append("money")
        return pd.DataFrame(rows, columns=columns)

    def transfers_frame(self) -> pd.DataFrame:
        """One row per side payment: payer, payee, amount.

        Examples
        --------
        >>> from mutualgains import solve
        >>> from mutualgains.io.examples import load_example
        >>> solve(load_example("harbour")).transfers_frame().columns.tolist()
        ['payer', 'payee', 'amount']
        """
        import pandas as pd

        return pd.DataFrame(list(self.transfers), columns=["payer", "payee", "amount"])

    def contributions_frame(self) -> pd.DataFrame:
        """One row per contribution: party, issue, option, amount.

        Examples
        --------
        >>> from mutualgains import solve
        >>> from mutualgains.io.examples import load_example
        >>> solve(load_example("harbour")).contributions_frame().shape
        (0, 4)
        """
        import pandas as pd

        return pd.DataFrame(list(self.contributions),
                            columns=["party", "issue", "option", "amount"])

    def package_frame(self) -> pd.DataFrame:
        """One row per issue with the chosen option (empty without a package).

        Examples
        --------
        >>> from mutualgains import solve
        >>> from mutualgains.io.examples import load_example
        >>> list(solve(load_example("harbour")).package_frame().columns)
        ['issue', 'option']
        """
        import pandas as pd

        items = list((self.package or {}).items())
        return pd.DataFrame(items, columns=["issue", "option"])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: status, objective, package, scores, gains, accepted, ...

        Non-finite numbers become ``None``.

        Examples
        --------
        >>> from mutualgains import solve
        >>> from mutualgains.io.examples import load_example
        >>> sorted(solve(load_example("harbour")).to_dict())[:4]
        ['accepted', 'gains', 'gap', 'message']
        """

        def num(v: float | None) -> float | None:
            return None if v is None or not math.isfinite(v) else v

        return {
            "status": self.status.value,
            "objective": self.objective,
            "objective_value": num(self.objective_value),
            "package": None if self.package is None else dict(self.package),
            "scores": {p: num(v) for p, v in self.scores.items()},
            "gains": {p: num(v) for p, v in self.gains.items()},
            "accepted": dict(self.accepted),
            "passes": self.passes,
            **({"money": dict(self.money),
                "transfers": [list(t) for t in self.transfers],
                "contributions": [list(c) for c in self.contributions]} if self.money else {}),
            "solver": self.solver,
            "method": self.method,
            "seconds": self.seconds,
            "gap": num(self.gap),
            "message": self.message,
        }

    def __repr__(self) -> str:
        head = f"<SolveResult {self.objective} {self.status.value}"
        if self.objective_value is not None:
            head += f" value={self.objective_value:.6g}"
        if self.package is not None:
            shown = ", ".join(f"{i}={o}" for i, o in list(self.package.items())[:4])
            more = ", ..." if len(self.package) > 4 else ""
            head += f" package=({shown}{more})"
        if self.gap:
            head += f" gap={self.gap:.3g}"
        return head + ">"

    def __str__(self) -> str:
        from mutualgains.display import result_text

        return result_text(self)

    def _repr_html_(self) -> str:
        from mutualgains.display import result_html

        return result_html(self)


PACKAGE_OR_RESULT = AnyOf((*PACKAGE.options, Instance(SolveResult, label="a SolveResult")))
"""``package=`` where a solve's result will do: a package, or a :class:`SolveResult` that has one.

Examples
--------
>>> from mutualgains import solve
>>> from mutualgains.io.examples import load_example
>>> PACKAGE_OR_RESULT.accepts(solve(load_example("harbour"))), PACKAGE_OR_RESULT.accepts(3)
(True, False)
"""
