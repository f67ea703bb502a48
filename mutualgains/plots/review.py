"""The picture of a deal review (matplotlib, an optional dependency: ``mutualgains[plot]``).

:func:`review_chart`
    One row per party: the deal's gain (a bar from the BATNA), what the best Pareto
    improvement adds (a hatched extension), the most the party could gain with
    nobody worse off (a tick), and the party's gain under each bargaining solution
    (markers).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import mutualgains as mg
>>> case = mg.load_example("harbour")
>>> ax = review_chart(mg.review_deal(case, case.package_from_indices([0, 1, 1, 1, 2])))
>>> [t.get_text() for t in ax.get_yticklabels()][:2]
['Port', 'City']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mutualgains.analysis.review import DealReview
from mutualgains.params import Instance, validated
from mutualgains.plots.axes import AX, MARKERS, axes_or_new

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


__all__ = ["review_chart"]

# solution markers in colours that the deal's (blue, red, green) do not use
_COLOURS = {"joint": "black", "nash": "gold", "ks": "tab:cyan", "egalitarian": "tab:orange",
            "leximin": "tab:gray"}


@validated(review=Instance(DealReview), ax=AX)
def review_chart(review: DealReview, *, ax: Axes | None = None) -> Axes:
    """Each party's gain under the deal, what is left on the table, and the solutions.

    Parameters
    ----------
    review : DealReview
        The outcome of :func:`mutualgains.review_deal`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import mutualgains as mg
    >>> case = mg.load_example("harbour")
    >>> ax = review_chart(mg.review_deal(case, mg.solve(case).package))
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())[:3]
    ['deal', 'egalitarian', 'joint']
    """
    parties = list(review.gains)
    n = len(parties)
    ax = axes_or_new(ax, (8.0, 1.4 + 0.6 * n))
    rows = np.arange(n)
    gains = np.array([float(review.gains[p]) for p in parties])
    left = np.array([float(review.left_on_table.get(p) or 0.0) for p in parties])
    colors = ["tab:blue" if review.accepted[p] else "tab:red" for p in parties]
    ax.barh(rows, gains, height=0.5, color=colors, alpha=0.8, edgecolor="black",
            linewidth=0.5, label="deal", zorder=2)
    if left.any():
        ax.barh(rows, left, left=gains, height=0.5, facecolor="none", edgecolor="tab:green",
                hatch="///", linewidth=0.8, label=f"left on the table ({review.rule})",
                zorder=2)
    most = [(k, float(value)) for k, p in enumerate(parties)
            if (value := review.most_for.get(p)) is not None and value > 0]
    if most:
        ax.scatter([gains[k] + m for k, m in most], [k for k, _ in most], marker="|", s=400,
                   color="tab:green", linewidths=2, zorder=3,
                   label="most for the party, nobody worse off")
    offsets = np.linspace(-0.18, 0.18, max(len(review.solutions), 1))
    for (objective, result), dy in zip(review.solutions.items(), offsets, strict=False):
        if result.package is None:
            continue
        ax.scatter([float(result.gains[p]) for p in parties], rows + dy,
                   marker=MARKERS.get(objective, "o"), s=45, edgecolor="black",
                   color=_COLOURS.get(objective, "0.5"), linewidths=0.6, zorder=4,
                   label=objective)
    ax.axvline(0.0, color="0.3", linestyle="--", linewidth=1)
    ax.margins(x=0.04)
    ax.set_yticks(rows, parties)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlabel("gain over the BATNA (red: rejects the deal)")
    verdict = {True: "Pareto-optimal", False: "improvable", None: "optimality unknown"}[
        review.pareto_optimal]
    ax.set_title(f"{review.case_name or 'deal'}: {'passes' if review.passes else 'fails'}, "
                 f"{verdict}")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.1 / max(n, 1)), ncol=4,
              fontsize=8, frameon=False)
    return ax
