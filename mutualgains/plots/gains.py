"""Each party's gain under several bargaining solutions (three or more parties).

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> ax = gains_chart(load_example("harbour"), solutions=("joint", "nash"))
>>> [t.get_text() for t in ax.get_legend().get_texts()]
['joint', 'nash']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.model.arguments import CASE
from mutualgains.params import validated
from mutualgains.plots.axes import (
    AX,
    SOLUTION_NAMES,
    axes_or_new,
    caption,
    fit_size,
    legend_outside,
    pyplot,
    wrap,
    wrap_title,
)
from mutualgains.plots.space import SOLUTIONS, solution_points
from mutualgains.tolerance import TOLERANCE

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from mutualgains.model import Case

__all__ = ["gains_chart", "same_packages"]


def same_packages(results: dict[str, Any]) -> list[tuple[str, ...]]:
    """Objectives grouped by the package they chose, first appearance first.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.plots.space import solution_points
    >>> found, _ = solution_points(load_example("regional"), ["joint", "nash", "ks"])
    >>> same_packages(found)
    [('joint', 'nash', 'ks')]
    """
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for name, result in results.items():
        groups.setdefault(tuple(sorted(result.package.items())), []).append(name)
    return [tuple(g) for g in groups.values()]


@validated(case=CASE, ax=AX, solutions=SOLUTION_NAMES)
def gains_chart(case: Case, *, ax: Axes | None = None,
                solutions: Sequence[str] = SOLUTIONS) -> Axes:
    """Each party's gain (utility minus BATNA) under several bargaining solutions.

    One group of bars per party, one bar per distinct package: solutions that
    choose the same package share a bar (its legend entry names them all);
    when every solution chooses the same package, the title says so and the
    one set of bars carries its values. A gain of
    zero is marked on the axis and labelled ``0``, so it is not mistaken for a
    missing bar. For three or more parties, where a utility plane no longer fits.

    Parameters
    ----------
    case : Case
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    solutions : sequence of str
        Objectives of :func:`mutualgains.solve` (default: joint, nash, ks, egalitarian).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> ax = gains_chart(load_example("harbour"))
    >>> len(ax.patches), [t.get_text() for t in ax.get_xticklabels()][:2]
    (20, ['Port', 'City'])
    >>> ax = gains_chart(load_example("regional"))
    >>> ax.get_legend() is None, "all choose the same package" in ax.get_title()
    (True, True)
    """
    names = list(case.party_names)
    found, missing = solution_points(case, solutions)
    groups = same_packages(found)
    same = len(groups) == 1 and len(groups[0]) > 1
    width_in = fit_size(len(names), each=max(1.05, 0.3 * len(groups)),
                        base=1.5 if same else 3.2, low=6.0, high=20.0)
    ax = axes_or_new(ax, (width_in, 4.5))
    width = 0.8 / max(1, len(groups))
    x = np.arange(len(names))
    colours = pyplot().rcParams["axes.prop_cycle"].by_key()["color"]
    for k, group in enumerate(groups):
        gains = np.array([float(found[group[0]].gains[p]) for p in names])
        where = x + (k - (len(groups) - 1) / 2) * width
        colour = colours[k % len(colours)]
        bars = ax.bar(where, gains, width, label=" = ".join(group), color=colour,
                      edgecolor="black", linewidth=0.4)
        if same:  # one series: its values can be read off the bars
            ax.bar_label(bars, fmt="%.4g", fontsize=8, padding=2)
        zero = np.abs(gains) <= TOLERANCE
        if zero.any():  # a zero-height bar: a tick on the axis and a 0 above it
            ax.scatter(where[zero], np.zeros(zero.sum()), marker="_", s=(72 * width * 0.9) ** 2
                       / 4, color=colour, linewidths=3, zorder=4)
            for w in where[zero]:
                ax.annotate("0", (w, 0), xytext=(0, 3), textcoords="offset points",
                            ha="center", va="bottom", fontsize=8, color=colour)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels([wrap(n, 14) for n in names], fontsize=9)
    ax.set_ylabel("gain over BATNA")
    title = f"{case.name}: gains under each solution"
    if same:
        title += (f": {', '.join(groups[0][:-1])} and {groups[0][-1]} all choose the same "
                  "package")
    if groups and not same:
        legend_outside(ax, title="solution")
    wrap_title(ax, title)
    if missing:
        caption(ax, f"No package passes for: {', '.join(missing)}.")
    return ax
