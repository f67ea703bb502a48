"""Plots of how sure a package is: acceptance probabilities per party, and rank acceptability.

matplotlib is imported when a plot is drawn (``pip install "mutualgains[plot]"``);
every function takes ``ax=None`` and returns the Axes.

:func:`acceptance_chart`
    One bar per party: its probability of accepting the package, with the
    confidence interval of an estimate; the decision rule's probability of
    passing as a dashed line.
:func:`rank_chart`
    One stacked bar per candidate package: how often it ranks 1st, 2nd, ... (dark
    to light) and how often it does not pass (grey).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from mutualgains import acceptance, rank_acceptability, solve
>>> from mutualgains.io.examples import load_example
>>> from mutualgains.model.noise import with_noise
>>> case = with_noise(load_example("harbour"), 0.1)
>>> ax = acceptance_chart(acceptance(case, solve(case)))
>>> len(ax.patches)
5
>>> ax = rank_chart(rank_acceptability(case, 3, samples=500))
>>> len(ax.patches)
12
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mutualgains.analysis.robustness_accept import Acceptance
from mutualgains.analysis.robustness_rank import RankAcceptability
from mutualgains.params import Instance, Text, validated
from mutualgains.plots.axes import AX

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["acceptance_chart", "rank_chart"]


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("plots need matplotlib: pip install 'mutualgains[plot]'") from err
    _, ax = plt.subplots(figsize=size)
    return ax


@validated(acceptance=Instance(Acceptance), ax=AX, color=Text())
def acceptance_chart(acceptance: Acceptance, *, ax: Axes | None = None,
                     color: str = "tab:blue") -> Axes:
    """Each party's probability of accepting the package, and the rule's of passing.

    Parameters
    ----------
    acceptance : Acceptance
        From :func:`mutualgains.acceptance`.
    ax : matplotlib Axes, optional
    color : str
        Of the bars; estimates carry their confidence interval as an error bar
        and exact values are marked ``exact`` at the bar's end.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from mutualgains import acceptance
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> case = with_noise(load_example("harbour"), 0.2, shape="uniform")
    >>> acc = acceptance(case, {i.name: i.options[1] for i in case.issues}, samples=1000)
    >>> ax = acceptance_chart(acc)
    >>> [t.get_text() for t in ax.get_yticklabels()][:2], [float(x) for x in ax.get_xlim()]
    (['Port', 'City'], [0.0, 1.05])
    """
    ax = _axes(ax, (7.0, 0.5 * len(acceptance.parties) + 1.6))
    rows = acceptance.parties
    y = np.arange(len(rows))
    p = np.array([r.probability for r in rows])
    low = np.array([r.low for r in rows])
    high = np.array([r.high for r in rows])
    ax.barh(y, p, color=color, alpha=0.8, height=0.6)
    sampled = np.array([r.method == "monte carlo" for r in rows])
    if sampled.any():
        ax.errorbar(p[sampled], y[sampled], xerr=[p[sampled] - low[sampled],
                                                   high[sampled] - p[sampled]],
                    fmt="none", ecolor="black", capsize=3, lw=1,
                    label=f"{acceptance.confidence:.0%} interval")
    for k, r in enumerate(rows):
        text = f"{r.probability:.3f}" + ("" if r.method == "monte carlo" else " exact")
        if r.probability > 0.8:  # inside the bar, at its end
            ax.text(min(r.low, r.probability) - 0.015, k, text, va="center", ha="right",
                    fontsize=8, color="white")
        else:
            ax.text(r.high + 0.015, k, text, va="center", fontsize=8)
    ax.axvline(acceptance.rule_probability, color="tab:red", ls="--", lw=1.2,
               label=f"the rule passes: {acceptance.rule_probability:.3f}")
    ax.set_yticks(y, [r.party for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0.0, 1.05)
    ax.set_xlabel("probability of accepting the package")
    ax.set_title("Acceptance under uncertainty" + (
        f" ({acceptance.samples} draws)" if acceptance.samples else ""))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16 if len(rows) > 3 else -0.3),
              ncol=2, fontsize=8, frameon=False)
    return ax


@validated(ranks=Instance(RankAcceptability), ax=AX, cmap=Text())
def rank_chart(ranks: RankAcceptability, *, ax: Axes | None = None,
               cmap: str = "Blues_r") -> Axes:
    """How often each candidate package ranks 1st, 2nd, ... and how often it fails.

    Parameters
    ----------
    ranks : RankAcceptability
        From :func:`mutualgains.rank_acceptability`.
    ax : matplotlib Axes, optional
    cmap : str
        Colours of the ranks, first to last (``fails`` is grey).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from mutualgains import rank_acceptability
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> case = with_noise(load_example("harbour"), 0.1)
    >>> ax = rank_chart(rank_acceptability(case, 2, samples=300))
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['rank 1', 'rank 2', 'fails']
    """
    import matplotlib

    k = len(ranks.packages)
    ax = _axes(ax, (7.5, 0.55 * k + 1.8))
    colours = matplotlib.colormaps[cmap](np.linspace(0.05, 0.75, max(k, 1)))
    y = np.arange(k)
    left = np.zeros(k)
    for r in range(k):
        share = ranks.shares[:, r]
        ax.barh(y, share, left=left, color=colours[r], height=0.65, label=f"rank {r + 1}",
                edgecolor="white", lw=0.5)
        for c in range(k):
            if share[c] >= 0.06:
                ax.text(left[c] + share[c] / 2, c, f"{share[c]:.2f}", ha="center",
                        va="center", fontsize=7, color="white" if r < k / 2 else "black")
        left += share
    ax.barh(y, ranks.shares[:, k], left=left, color="0.8", height=0.65, label="fails",
            edgecolor="white", lw=0.5)
    labels = [f"#{c + 1} ({_short(v)})" for c, v in enumerate(ranks.nominal)]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of draws")
    ax.set_ylabel(f"candidate ({ranks.objective} at the case's values)")
    ax.set_title(f"Rank acceptability of the {k} best packages ({ranks.samples} draws)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18 if k < 4 else -0.12),
              ncol=min(k + 1, 6), fontsize=8, frameon=False)
    return ax


def _short(value: float) -> str:
    return f"{value:.4g}"
