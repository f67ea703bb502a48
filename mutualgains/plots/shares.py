"""Each party's share under each sharing rule, drawn with matplotlib (``mutualgains[plot]``).

:func:`shares_chart`
    One group of bars per party, one bar per rule (the core, the nucleolus, the
    Shapley value with its confidence interval when sampled, SCRB), and each
    party's stand-alone value as a black tick across its group: in a cost game
    no fair share lies above it, in a gains game none below it.

Examples
--------
>>> import mutualgains as mg
>>> ax = shares_chart(mg.compare_shares(mg.load_example("regional")))
>>> len(ax.patches), ax.get_ylabel()
(24, 'share of the cost')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from mutualgains.analysis.allocation import Allocation
from mutualgains.analysis.sharing import ShareComparison
from mutualgains.errors import UsageError
from mutualgains.params import AnyOf, Flag, Instance, ListOf, validated
from mutualgains.plots.axes import (
    AX,
    axes_or_new,
    caption,
    fit_size,
    legend_outside,
    wrap_title,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["SHARE_TABLE", "shares_chart"]

_COLOURS = {"core": "tab:blue", "nucleolus": "tab:orange", "shapley": "tab:green",
            "scrb": "tab:purple"}


SHARE_TABLE = AnyOf((Instance(ShareComparison),
                     ListOf(Instance(Allocation, label="an Allocation"), min_length=1)))
"""``shares=``: a :class:`~mutualgains.analysis.sharing.ShareComparison`, or a list of
allocations of one game."""


@validated(shares=SHARE_TABLE, ax=AX, stand_alone=Flag())
def shares_chart(shares: ShareComparison | Sequence[Allocation], *, ax: Axes | None = None,
                 stand_alone: bool = True) -> Axes:
    """Bars of each party's share under each rule, with its stand-alone value.

    Parameters
    ----------
    shares : ShareComparison, or a sequence of Allocation
        Allocations of one game (:func:`mutualgains.compare_shares`).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    stand_alone : bool, default True
        Mark each party's stand-alone value (what it gains, or pays, alone).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import mutualgains as mg
    >>> table = mg.compare_shares(mg.load_example("harbour"), ["nucleolus", "shapley"])
    >>> ax = shares_chart(table, stand_alone=False)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]   # some group does better alone
    ['nucleolus - not in the core', 'shapley - not in the core']
    """
    allocations = list(shares.allocations if isinstance(shares, ShareComparison) else shares)
    first = allocations[0]
    names = list(first.shares)
    if any(list(a.shares) != names or a.kind != first.kind for a in allocations):
        raise UsageError("shares_chart: the allocations must share out one game")
    ax = axes_or_new(ax, (fit_size(len(names), each=1.5, base=2.0, low=6.5), 4.8))
    x = np.arange(len(names))
    width = 0.8 / len(allocations)
    for k, a in enumerate(allocations):
        values = np.array([float(a.shares[p]) for p in names])
        offset = (k - (len(allocations) - 1) / 2) * width
        errors = None
        if a.interval:
            low = np.array([a.interval[p][0] for p in names])
            high = np.array([a.interval[p][1] for p in names])
            errors = np.vstack([values - low, high - values])
        label = _label(a)
        ax.bar(x + offset, values, width, label=label, color=_COLOURS.get(a.rule),
               yerr=errors, capsize=2 if errors is not None else 0,
               edgecolor="white", linewidth=0.5)
    if stand_alone:
        alone = [float(first.stand_alone[p]) for p in names]
        top = max(float(max(abs(v) for a in allocations for v in a.shares.values())), 1e-9)
        labelled = False
        for k, value in enumerate(alone):
            if abs(value) <= 3 * top:  # far-off values would squash the bars: noted instead
                ax.hlines(value, k - 0.45, k + 0.45, colors="black", linewidth=1.6,
                          label="_nolegend_" if labelled else "stand-alone")
                labelled = True
            else:
                ax.annotate(f"alone: {value:.4g}", (k, 0.97), xycoords=("data", "axes fraction"),
                            ha="center", va="top", fontsize=7)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=20, ha="right", rotation_mode="anchor")
    costs = first.kind == "costs"
    ax.set_ylabel("share of the cost" if costs else "share of the gains")
    legend_outside(ax)
    wrap_title(ax, f"{first.game_name or 'game'}: who pays what ({first.total:.6g} "
               f"{'to pay' if costs else 'to share'})", fontsize=10)
    if stand_alone:
        caption(ax, _stand_alone_note(first))
    return ax


def _label(allocation: Allocation) -> str:
    """The legend entry of one rule: sampled, and whether the split is in the core."""
    label = allocation.rule + (" (sampled)" if allocation.interval else "")
    if allocation.stable is not False:
        return label
    if allocation.rule == "core":  # the least core's point: the core itself is empty
        return "least core - the core is empty"
    return label + " - not in the core"


def _stand_alone_note(first: Allocation) -> str:
    """The caption: what the ticks mean, and whether every party can get as much."""
    costs = first.kind == "costs"
    alone = sum(float(v) for v in first.stand_alone.values())
    total = float(first.total)
    scale = max(1.0, abs(total), abs(alone))
    text = "black tick: what the party " + ("pays alone" if costs else "gains alone")
    if (alone < total if costs else alone > total) and abs(alone - total) > 1e-9 * scale:
        return (f"{text}; together {format(alone, '.6g')}, "
                f"{'less' if costs else 'more'} than the {format(total, '.6g')} "
                f"{'to pay' if costs else 'to share'}: no split gives every party "
                f"{'a share that low' if costs else 'as much'}")
    return text + ("; no fair share lies above it" if costs else
                   "; no fair share lies below it")
