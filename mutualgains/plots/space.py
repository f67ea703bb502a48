"""The utility space of two parties: every package, the exact frontier, the bargaining solutions.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> ax = utility_space(load_example("harbour"), ["Port", "City"])
>>> ax.get_xlabel(), ax.get_ylabel()
('Port', 'City')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.model.arguments import CASE
from mutualgains.params import Integer, Maybe, Names, validated
from mutualgains.plots.axes import (
    AX,
    MARKERS,
    SOLUTION_NAMES,
    axes_or_new,
    caption,
    fit_limits,
    legend_outside,
    mark_points,
    wrap_title,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from mutualgains.model import Case

__all__ = ["DENSE", "SOLUTIONS", "package_points", "solution_points", "utility_space"]

SOLUTIONS: tuple[str, ...] = ("joint", "nash", "ks", "egalitarian")
"""The bargaining solutions :func:`utility_space` marks by default (objectives of
:func:`mutualgains.solve`); their markers are :data:`mutualgains.plots.axes.MARKERS`."""

DENSE = 20_000
"""Above this many distinct points, packages are drawn as a density (hexagonal bins)."""


def two_parties(case: Case, parties: Sequence[str] | None) -> list[str]:
    """The two parties to plot (default: the first two); UsageError otherwise.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> two_parties(load_example("harbour"), None)
    ['Port', 'City']
    """
    from mutualgains.errors import UsageError

    names = list(case.party_names[:2] if parties is None else parties)
    if len(names) != 2 or len(set(names)) != 2 or any(p not in case.party_names for p in names):
        raise UsageError(f"parties: need two different parties of the case, got {names} "
                         f"(parties: {', '.join(case.party_names)})")
    return names


def package_points(case: Case, parties: Sequence[str], *,
                   max_packages: int = 200_000) -> tuple[np.ndarray, np.ndarray, int, int] | None:
    """The distinct utility pairs of the packages that fail and of those that pass.

    Many packages share a pair of utilities: each pair is kept once, so a case
    of 200,000 packages draws a few thousand points. ``None`` when the case has
    more than ``max_packages`` packages (they are not enumerated).

    Returns
    -------
    (failing, passing, n_failing, n_passing)
        Two arrays of distinct ``(u_a, u_b)`` rows and the package counts.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> failing, passing, n_fail, n_pass = package_points(load_example("harbour"),
    ...                                                   ["Port", "City"])
    >>> n_fail + n_pass, n_pass, len(passing) <= n_pass
    (432, 115, True)
    """
    from mutualgains.analysis.agenda import package_blocks

    if case.n_packages > max_packages:
        return None
    cols = [case.party_names.index(p) for p in parties]
    failing, passing = [], []
    n_fail = n_pass = 0
    for u, ok in package_blocks(case):
        pair = np.round(u[:, cols], 9)
        failing.append(np.unique(pair[~ok], axis=0))
        passing.append(np.unique(pair[ok], axis=0))
        n_pass += int(ok.sum())
        n_fail += int((~ok).sum())
    return (np.unique(np.concatenate(failing), axis=0), np.unique(np.concatenate(passing), axis=0),
            n_fail, n_pass)


def solution_points(case: Case, solutions: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
    """Solve ``case`` for each objective: the results that have a package, and those without.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> found, missing = solution_points(load_example("harbour"), ["joint", "nash"])
    >>> sorted(found), missing
    (['joint', 'nash'], [])
    """
    from mutualgains.analysis.solve import solve

    found: dict[str, Any] = {}
    missing: list[str] = []
    for objective in solutions:
        result = solve(case, objective)
        if result.package is None:
            missing.append(objective)
        else:
            found[objective] = result
    return found, missing


def _draw_packages(ax: Axes, points: np.ndarray, count: int, *, passes: bool) -> None:
    label = f"{'passes' if passes else 'does not pass'} ({count:,} package" \
            f"{'' if count == 1 else 's'})"
    if not len(points):
        return
    if len(points) > DENSE:
        ax.hexbin(points[:, 0], points[:, 1], gridsize=70, mincnt=1, bins="log",
                  cmap="Blues" if passes else "Greys", alpha=0.8 if passes else 0.5,
                  linewidths=0, zorder=2 if passes else 1, label="_nolegend_")
        ax.scatter([], [], marker="h", color="tab:blue" if passes else "0.6",
                   label=label + ", density")  # the legend entry
        return
    ax.scatter(points[:, 0], points[:, 1], s=12 if passes else 7, linewidths=0,
               color="tab:blue" if passes else "0.8", alpha=0.55 if passes else 1.0,
               zorder=2 if passes else 1, label=label, rasterized=len(points) > 2000)


@validated(case=CASE, parties=Maybe(Names(min_length=2)), ax=AX, solutions=SOLUTION_NAMES,
           max_packages=Integer(low=0))
def utility_space(case: Case, parties: Sequence[str] | None = None, *, ax: Axes | None = None,
                  solutions: Sequence[str] = SOLUTIONS, max_packages: int = 200_000) -> Axes:
    """Two parties' utilities over every package, the exact frontier and the bargaining solutions.

    Grey dots: packages that do not pass; blue: packages that pass (each
    distinct pair of utilities once; above :data:`DENSE` distinct pairs, a
    density). The line is the exact Pareto frontier of the passing packages
    (:func:`mutualgains.pareto_frontier`): the staircase of what can be attained.
    Dashed lines: the two parties' thresholds (BATNA plus margin). The marked
    points are the packages chosen by ``solutions`` (objectives of
    :func:`mutualgains.solve`); solutions that choose the same point are drawn
    nested and named together. The axis ranges fit the packages, the frontier
    and the solutions; a threshold far from them is named in the legend
    instead of stretching the plot. Packages are drawn only when the case has
    at most ``max_packages``; the frontier and the solutions always.

    Parameters
    ----------
    case : Case
    parties : two party names, optional
        x and y (default: the first two parties).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    solutions : sequence of str
        Objectives to mark (default :data:`SOLUTIONS`).
    max_packages : int, default 200_000
        Enumerate and draw the packages only up to this many.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> ax = utility_space(load_example("harbour"), ["Port", "City"])
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:3]
    ['does not pass (317 packages)', 'passes (115 packages)', 'frontier (6 points)']
    """
    from mutualgains.analysis.frontier import pareto_frontier

    names = two_parties(case, parties)
    ax = axes_or_new(ax, (8.0, 5.5))
    xs: list[float] = []
    ys: list[float] = []
    packages = package_points(case, names, max_packages=max_packages)
    if packages is not None:
        failing, passing, n_fail, n_pass = packages
        _draw_packages(ax, failing, n_fail, passes=False)
        _draw_packages(ax, passing, n_pass, passes=True)
        for block in (failing, passing):
            xs += block[:, 0].tolist()
            ys += block[:, 1].tolist()
    frontier = pareto_frontier(case, names, ties=False).utilities()
    if len(frontier):
        order = np.argsort(frontier[:, 0])
        # "pre": between two points the attainable staircase drops at the left one
        ax.step(frontier[order, 0], frontier[order, 1], where="pre", color="tab:blue",
                linewidth=1.6, marker="o", markersize=4, markeredgecolor="black",
                markeredgewidth=0.5, zorder=3,
                label=f"frontier ({len(frontier)} point{'' if len(frontier) == 1 else 's'})")
        xs += frontier[:, 0].tolist()
        ys += frontier[:, 1].tolist()
    found, missing = solution_points(case, solutions)
    points = {name: (float(r.scores[names[0]]), float(r.scores[names[1]]))
              for name, r in found.items()}
    xs += [p[0] for p in points.values()]
    ys += [p[1] for p in points.values()]
    thresholds = [float(case.party(p).batna + case.margin) for p in names]
    for k in range(2):  # a threshold near the data is brought into view
        data = xs if k == 0 else ys
        if data:
            low, high = min(data), max(data)
            if low - (high - low) / 2 <= thresholds[k] <= high + (high - low) / 2:
                data.append(thresholds[k])
    fit_limits(ax, xs, ys)
    limits = (ax.get_xlim(), ax.get_ylim())
    words = []
    for k, name in enumerate(names):
        (ax.axvline if k == 0 else ax.axhline)(thresholds[k], color="0.3", linestyle="--",
                                               linewidth=1, zorder=0)
        off = not limits[k][0] <= thresholds[k] <= limits[k][1]
        words.append(f"{name} ≥ {thresholds[k]:g}" + (" (off the chart)" if off else ""))
    ax.plot([], [], color="0.3", linestyle="--", linewidth=1,
            label="thresholds: " + ", ".join(words))
    mark_points(ax, points, markers=MARKERS)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    legend_outside(ax)
    wrap_title(ax, f"{case.name}: utilities of {names[0]} and {names[1]}")
    notes = []
    if packages is None:
        notes.append(f"{case.n_packages:,} packages, more than max_packages={max_packages:,}: "
                     "only the frontier and the solutions are drawn.")
    if missing:
        notes.append(f"No package passes for: {', '.join(missing)}.")
    if notes:
        caption(ax, " ".join(notes))
    return ax
