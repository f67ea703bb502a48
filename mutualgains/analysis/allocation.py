"""Results of the sharing rules: an :class:`Allocation` of a game's value, and the
:class:`Settlement` that carries it out on the case (contributions and side payments).

Examples
--------
>>> from mutualgains.analysis.games import Game
>>> from mutualgains.analysis.shapley import shapley
>>> result = shapley(Game.from_values(["A", "B"], {"A": 1, "B": 2, ("A", "B"): 6}))
>>> result
<Allocation shapley of 6 (gains, 2 players): optimal, stable>
>>> result.to_frame()
  party  share  stand_alone
0     A    2.5            1
1     B    3.5            2
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mutualgains.display import block_html, format_number, frame_html, text_table
from mutualgains.status import Status
from mutualgains.util import readonly

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Allocation", "Settlement"]


@dataclass(frozen=True)
class Settlement:
    """How an allocation is carried out on a case, checked against every BATNA.

    For a gains game each party should end at its BATNA plus its share: the side
    payments are the least that move the package's gains there
    (:func:`~mutualgains.analysis.compensation.compensate`). For a cost game each
    party contributes its share of the cost; when a contribution would leave a
    party below its BATNA, the least side payments that lift it back are added.

    Attributes
    ----------
    package : mapping
        The package carried out.
    feasible : bool
        Whether every party ends at or above its threshold (BATNA + margin) with
        payments the case allows (and contributions within budgets).
    contributions : mapping
        Money each party pays towards the package's costs (cost games; else empty).
    transfers : tuple of (payer, payee, amount)
        Side payments.
    scores_before, scores_after : mapping
        Utility from the package alone, and after contributions and payments.
    thresholds : mapping
        BATNA plus the case's margin.
    accepts : mapping
        Whether each party ends at or above its threshold.
    reason : str
        Why it cannot be carried out (empty when feasible).

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("harbour")
    >>> settled = mg.share(case, "shapley").settlement
    >>> settled.feasible, all(settled.accepts.values())
    (True, True)
    """

    package: Mapping[str, str]
    feasible: bool
    contributions: Mapping[str, float]
    transfers: tuple[tuple[str, str, float], ...]
    scores_before: Mapping[str, float]
    scores_after: Mapping[str, float]
    thresholds: Mapping[str, float]
    accepts: Mapping[str, bool]
    reason: str = ""

    def __post_init__(self) -> None:
        for name in ("package", "contributions", "scores_before", "scores_after", "thresholds",
                     "accepts"):
            object.__setattr__(self, name, readonly(getattr(self, name)))

    def to_frame(self) -> pd.DataFrame:
        """One row per party: before, contributed, paid, received, after, threshold, accepts.

        Examples
        --------
        >>> import mutualgains as mg
        >>> list(mg.share(mg.load_example("harbour"), "shapley").settlement.to_frame())
        ['party', 'before', 'contributed', 'paid', 'received', 'after', 'threshold', 'accepts']
        """
        import pandas as pd

        rows = []
        for p in self.scores_before:
            paid = sum(a for payer, _, a in self.transfers if payer == p)
            got = sum(a for _, payee, a in self.transfers if payee == p)
            rows.append([p, self.scores_before[p], self.contributions.get(p, 0.0), float(paid),
                         float(got), self.scores_after[p], self.thresholds[p], self.accepts[p]])
        return pd.DataFrame(rows, columns=["party", "before", "contributed", "paid", "received",
                                           "after", "threshold", "accepts"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data.

        Examples
        --------
        >>> import mutualgains as mg
        >>> sorted(mg.share(mg.load_example("harbour"), "core").settlement.to_dict())[:3]
        ['accepts', 'contributions', 'feasible']
        """
        return {"feasible": self.feasible, "package": dict(self.package),
                "contributions": dict(self.contributions),
                "transfers": [list(t) for t in self.transfers],
                "scores_before": dict(self.scores_before),
                "scores_after": dict(self.scores_after), "thresholds": dict(self.thresholds),
                "accepts": dict(self.accepts), "reason": self.reason}

    def __str__(self) -> str:
        if not self.feasible:
            return f"cannot be carried out: {self.reason}"
        parts = [f"{p} contributes {format_number(a)}" for p, a in self.contributions.items()
                 if a]
        parts += [f"{a} pays {b} {format_number(x)}" for a, b, x in self.transfers]
        return "; ".join(parts) or "nothing to pay"

    def __repr__(self) -> str:
        state = "feasible" if self.feasible else "infeasible"
        return f"<Settlement {state}: {len(self.transfers)} transfer(s)>"

    def _repr_html_(self) -> str:
        return block_html(str(self), frame_html(self.to_frame(), index=False))


@dataclass(frozen=True)
class Allocation:
    """A share of a game's value per player, by one rule.

    Attributes
    ----------
    status : Status
        ``optimal`` for an exact answer; ``feasible`` for a sampled Shapley value
        (see ``interval``); ``no_agreement`` when the case has no package to share.
    rule : {"core", "nucleolus", "shapley", "scrb"}
    kind : {"gains", "costs"}
        Gains: shares received; costs: shares paid.
    shares : mapping
        Per player.
    total : float
        The grand coalition's value (what the shares add up to).
    stand_alone : mapping
        Each player's value on its own (what it gains alone, or pays alone).
    stable : bool or None
        Whether no coalition would do better on its own (the shares are in the
        core, within the tolerance); ``None`` when it was not checked.
    blocking : tuple of str
        The coalition that would gain most by leaving (empty when stable).
    blocking_excess : float or None
        How much it would gain (or save) by leaving; at most 0 when stable.
    epsilon : float or None
        The least-core value: the smallest ``e`` such that some split gives every
        coalition at least its value minus ``e`` (at most 0 exactly when the core
        is non-empty). Set by the ``core`` and ``nucleolus`` rules.
    interval : mapping
        Sampled Shapley values: the 95 % confidence interval per player.
    package : mapping or None
        The package behind the game (the grand coalition's), for case games.
    settlement : Settlement or None
        How the shares are carried out on the case (see :func:`mutualgains.share`).
    method : str
        How it was computed (``exact``, ``sampled``, ``enumeration``, ``constraint
        generation``...).
    details : mapping
        Rule-specific diagnostics (LPs solved, coalitions evaluated, excess levels...).
    message : str
        What else the caller should know.

    Examples
    --------
    >>> from mutualgains.analysis.games import Game
    >>> from mutualgains.analysis.nucleolus import nucleolus
    >>> glove = Game.from_function(["L", "R1", "R2"],
    ...                            lambda s: min(len(s & {"L"}), len(s - {"L"})))
    >>> result = nucleolus(glove)
    >>> dict(result.shares), result.stable
    ({'L': 1, 'R1': 0, 'R2': 0}, True)
    """

    status: Status
    rule: str
    kind: str
    shares: Mapping[str, float]
    total: float
    stand_alone: Mapping[str, float]
    stable: bool | None = None
    blocking: tuple[str, ...] = ()
    blocking_excess: float | None = None
    epsilon: float | None = None
    interval: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    package: Mapping[str, str] | None = None
    settlement: Settlement | None = None
    method: str = "exact"
    details: Mapping[str, Any] = field(default_factory=dict)
    message: str = ""
    game_name: str = ""

    def __post_init__(self) -> None:
        for name in ("shares", "stand_alone", "interval", "package", "details"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, readonly(value))

    @property
    def has_shares(self) -> bool:
        """Whether there are shares (the status has an answer)."""
        return self.status.has_answer

    @property
    def core_nonempty(self) -> bool | None:
        """Whether the game's core is non-empty (known from ``epsilon``; else ``None``)."""
        from mutualgains.tolerance import TOLERANCE

        if self.epsilon is None:
            return None
        scale = max([1.0, abs(self.total)] + [abs(v) for v in self.stand_alone.values()])
        return self.epsilon <= TOLERANCE * scale

    def to_frame(self) -> pd.DataFrame:
        """One row per player: share, (interval,) stand-alone value, (settlement columns).

        Examples
        --------
        >>> import mutualgains as mg
        >>> list(mg.share(mg.load_example("harbour"), "nucleolus").to_frame())[:3]
        ['party', 'share', 'stand_alone']
        """
        import pandas as pd

        rows = []
        for p in self.shares:
            row = {"party": p, "share": self.shares[p], "stand_alone": self.stand_alone.get(p)}
            if self.interval:
                row["low"], row["high"] = self.interval[p]
            if self.settlement is not None:
                s = self.settlement
                row.update({"before": s.scores_before[p],
                            "contributed": s.contributions.get(p, 0.0),
                            "after": s.scores_after[p], "threshold": s.thresholds[p],
                            "accepts": s.accepts[p]})
            rows.append(row)
        columns = ["party", "share", *(["low", "high"] if self.interval else []), "stand_alone"]
        if self.settlement is not None:
            columns += ["before", "contributed", "after", "threshold", "accepts"]
        return pd.DataFrame(rows, columns=columns)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (what ``mutualgains share --json`` prints).

        Examples
        --------
        >>> import mutualgains as mg
        >>> data = mg.share(mg.load_example("harbour"), "shapley").to_dict()
        >>> data["rule"], data["status"], round(sum(data["shares"].values()), 6)
        ('shapley', 'optimal', 114.0)
        """
        return {
            "status": self.status.value, "rule": self.rule, "kind": self.kind,
            "method": self.method, "total": self.total, "shares": dict(self.shares),
            "stand_alone": dict(self.stand_alone), "stable": self.stable,
            "blocking": list(self.blocking), "blocking_excess": self.blocking_excess,
            "epsilon": self.epsilon,
            "interval": {p: list(v) for p, v in self.interval.items()},
            "package": None if self.package is None else dict(self.package),
            "settlement": None if self.settlement is None else self.settlement.to_dict(),
            "details": _plain(self.details), "message": self.message,
        }

    def headline(self) -> str:
        """One line: rule, kind, total, status and stability.

        Examples
        --------
        >>> import mutualgains as mg
        >>> print(mg.share(mg.load_example("harbour"), "nucleolus").headline())
        Harbour Sport Park: nucleolus of 114 (gains), optimal, not stable: Port, City, Union \
gain 40 on their own
        """
        text = (f"{self.game_name or 'game'}: {self.rule} of {format_number(self.total)} "
                f"({self.kind}), {self.status.value}")
        if self.stable is not None:
            text += ", stable" if self.stable else (
                f", not stable: {', '.join(self.blocking)} "
                f"{'gain' if self.kind == 'gains' else 'save'} "
                f"{format_number(self.blocking_excess)} on their own")
        return text

    def text(self) -> str:
        """A readable report: headline, message, shares and (when settled) the settlement.

        Examples
        --------
        >>> import mutualgains as mg
        >>> text = mg.share(mg.load_example("harbour"), "nucleolus").text()
        >>> print(text.splitlines()[3])
        party                 share  stand_alone  before  contributed  after  threshold  accepts
        """
        lines = [self.headline()]
        if self.message:
            lines.append(f"note: {self.message}")
        frame = self.to_frame()
        lines += ["", text_table(list(frame.columns), frame.values.tolist())]
        if self.settlement is not None:
            lines += ["", f"settlement: {self.settlement}"]
        return "\n".join(lines)

    def __repr__(self) -> str:
        state = "" if self.stable is None else (", stable" if self.stable else ", not stable")
        return (f"<Allocation {self.rule} of {format_number(self.total)} ({self.kind}, "
                f"{len(self.shares)} players): {self.status.value}{state}>")

    def _repr_html_(self) -> str:
        lines = [self.headline()]
        if self.message:
            lines.append(f"note: {self.message}")
        if self.settlement is not None:
            lines.append(f"settlement: {self.settlement}")
        return block_html("\n".join(lines), frame_html(self.to_frame(), index=False))


def _plain(value: Any) -> Any:
    """``value`` with mappings, tuples and numpy scalars made JSON-ready."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value
