"""Interactive pictures for notebooks: hover a point to see its package and every party's gains.

Drawn with plotly (``pip install "mutualgains[interactive]"``), imported only when a
figure is made. plotly because its figures need no running server or widget
extension: a figure is plain JSON that JupyterLab, Jupyter Notebook, VS Code and
exported HTML files (``fig.write_html``) render with hover, zoom and pan, also in a
notebook opened later without its kernel; WebGL scatter keeps thousands of points
fluid. Each function returns a ``plotly.graph_objects.Figure``.

:func:`utility_space_figure`
    The utility space of two parties, as :func:`mutualgains.plots.utility_space`:
    packages (one point per distinct pair of utilities; hovering a passing one
    shows a package there and its gains), the frontier and the solutions.
:func:`frontier_figure`
    The points of a :class:`~mutualgains.analysis.frontier.Frontier`: hover for
    each point's package and gains.

Examples
--------
>>> from mutualgains import pareto_frontier
>>> from mutualgains.io.examples import load_example
>>> fig = frontier_figure(pareto_frontier(load_example("harbour"), ["Port", "City"]))
>>> fig.data[0].name, len(fig.data[0].x)
('frontier (6 points)', 6)
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.analysis.frontier import Frontier
from mutualgains.model.arguments import CASE
from mutualgains.params import Instance, Integer, Maybe, Names, validated
from mutualgains.plots.axes import SOLUTION_NAMES
from mutualgains.plots.space import SOLUTIONS, solution_points, two_parties

if TYPE_CHECKING:  # pragma: no cover
    from mutualgains.model import Case

__all__ = ["frontier_figure", "hover_text", "utility_space_figure"]

MAX_HOVER_ISSUES = 24
"""A hover label lists at most this many issues of a package (then "... N more")."""

_SYMBOLS = {"joint": "square", "nash": "star", "ks": "diamond", "egalitarian": "triangle-up",
            "leximin": "triangle-down"}


def _graph_objects() -> Any:
    try:
        import plotly.graph_objects as go
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError('interactive plots need plotly: pip install '
                          '"mutualgains[interactive]"') from err
    return go


def _number(value: float) -> str:
    return f"{value:.6g}"


def hover_text(title: str, scores: Mapping[str, float], gains: Mapping[str, float],
               package: Mapping[str, str] | None = None) -> str:
    """The hover label of one point: a title, each party's score and gain, the package.

    Every name is HTML-escaped (plotly renders hover labels as HTML).

    Examples
    --------
    >>> print(hover_text("joint", {"A<1>": 3.0}, {"A<1>": 1.0}, {"i": "x"}))
    <b>joint</b><br>A&lt;1&gt;: 3 (gain +1)<br><br>i = x
    """
    lines = [f"<b>{html.escape(title)}</b>"]
    lines += [f"{html.escape(p)}: {_number(s)} (gain {float(gains[p]):+.6g})"
              for p, s in scores.items()]
    if package:
        items = list(package.items())
        lines.append("")
        lines += [f"{html.escape(i)} = {html.escape(o)}" for i, o in items[:MAX_HOVER_ISSUES]]
        if len(items) > MAX_HOVER_ISSUES:
            lines.append(f"... {len(items) - MAX_HOVER_ISSUES} more issues")
    return "<br>".join(lines)


def _case_hover(case: Case, title: str, choice: Sequence[int]) -> str:
    u = case.utility_vector(list(choice))
    scores = {p: float(u[k]) for k, p in enumerate(case.party_names)}
    gains = {p: float(u[k] - case.batnas[k]) for k, p in enumerate(case.party_names)}
    return hover_text(title, scores, gains, case.package_from_indices(list(choice)))


def _distinct_packages(case: Case, cols: list[int], max_packages: int) -> tuple[
        dict[tuple[float, float], int], dict[tuple[float, float], list[int]],
        dict[tuple[float, float], list[int]]] | None:
    """Distinct utility pairs: failing pairs with counts, passing pairs with one package each."""
    from mutualgains.analysis.agenda import package_blocks

    if case.n_packages > max_packages:
        return None
    sizes = [len(i.options) for i in case.issues]
    fail: dict[tuple[float, float], int] = {}
    ok: dict[tuple[float, float], list[int]] = {}  # pair -> [count, first package's row]
    start = 0
    for u, passes in package_blocks(case):
        pairs = np.round(u[:, cols], 9)
        for mask, store in ((~passes, None), (passes, ok)):
            rows = np.flatnonzero(mask)
            if not len(rows):
                continue
            keys, first, counts = np.unique(pairs[rows], axis=0, return_index=True,
                                            return_counts=True)
            for key, f, c in zip(map(tuple, keys.tolist()), first, counts, strict=True):
                if store is None:
                    fail[key] = fail.get(key, 0) + int(c)
                elif key in ok:
                    ok[key][0] += int(c)
                else:
                    ok[key] = [int(c), start + int(rows[f])]
        start += len(u)
    choices = {key: [int(i) for i in np.unravel_index(row, sizes)] if sizes else []
               for key, (_, row) in ok.items()}
    return fail, ok, choices


@validated(case=CASE, parties=Maybe(Names(min_length=2)), solutions=SOLUTION_NAMES,
           max_packages=Integer(low=0))
def utility_space_figure(case: Case, parties: Sequence[str] | None = None, *,
                         solutions: Sequence[str] = SOLUTIONS,
                         max_packages: int = 200_000) -> Any:
    """The utility space of two parties, to explore by hovering.

    Grey: packages that do not pass (hover: how many packages share the
    point and their utilities); blue: packages that pass (hover: how many, and one of them with
    every party's score and gain); the frontier (hover: its package); the
    bargaining solutions. Packages are enumerated only up to ``max_packages``.

    Parameters
    ----------
    case : Case
    parties : two party names, optional
        x and y (default: the first two parties).
    solutions : sequence of str
        Objectives of :func:`mutualgains.solve` to mark.
    max_packages : int, default 200_000

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> fig = utility_space_figure(load_example("harbour"), ["Port", "City"])
    >>> [trace.name for trace in fig.data][:3]
    ['does not pass (317 packages)', 'passes (115 packages)', 'frontier (6 points)']
    >>> "compensation = " in fig.data[2].hovertext[0]
    True
    """
    from mutualgains.analysis.frontier import pareto_frontier

    go = _graph_objects()
    names = two_parties(case, parties)
    cols = [case.party_names.index(p) for p in names]
    fig = go.Figure()
    found = _distinct_packages(case, cols, max_packages)
    if found is not None:
        fail, ok, choices = found
        if fail:
            xy = np.array(list(fail), dtype=float)
            fig.add_trace(go.Scattergl(  # a template, not a label per point: keeps it small
                x=xy[:, 0], y=xy[:, 1], mode="markers", customdata=list(fail.values()),
                marker={"size": 5, "color": "lightgray"},
                name=f"does not pass ({sum(fail.values()):,} packages)",
                hovertemplate=(f"does not pass: %{{customdata:,}} package(s)<br>"
                               f"{html.escape(names[0])} %{{x:.6g}}, "
                               f"{html.escape(names[1])} %{{y:.6g}}<extra></extra>")))
        if ok:
            xy = np.array(list(ok), dtype=float)
            fig.add_trace(go.Scattergl(
                x=xy[:, 0], y=xy[:, 1], mode="markers", hoverinfo="text",
                marker={"size": 6, "color": "rgba(31,119,180,0.6)"},
                name=f"passes ({sum(c for c, _ in ok.values()):,} packages)",
                hovertext=[_case_hover(case, f"passes: {c:,} package{'s' * (c != 1)} here; one "
                                       "of them" if c > 1 else "passes", choices[key])
                           for key, (c, _) in ok.items()]))
    frontier = pareto_frontier(case, names, ties=False)
    fig.add_trace(_frontier_trace(go, frontier, names))
    results, _ = solution_points(case, solutions)
    for objective, result in results.items():
        fig.add_trace(go.Scatter(
            x=[float(result.scores[names[0]])], y=[float(result.scores[names[1]])],
            mode="markers", name=objective, hoverinfo="text",
            marker={"symbol": _SYMBOLS.get(objective, "circle"), "size": 13,
                    "line": {"width": 1, "color": "black"}},
            hovertext=[hover_text(objective, result.scores, result.gains, result.package)]))
    for k, name in enumerate(names):
        threshold = float(case.party(name).batna + case.margin)
        line = {"dash": "dash", "color": "gray", "width": 1}
        if k == 0:
            fig.add_vline(x=threshold, line=line)
        else:
            fig.add_hline(y=threshold, line=line)
    _layout(fig, f"{case.name}: utilities of {names[0]} and {names[1]} (dashed: thresholds)",
            names)
    return fig


def _frontier_trace(go: Any, frontier: Frontier, names: Sequence[str]) -> Any:
    points = sorted(frontier.points, key=lambda p: p.scores[names[0]])
    n = len(points)
    return go.Scatter(
        x=[p.scores[names[0]] for p in points], y=[p.scores[names[1]] for p in points],
        mode="lines+markers", line={"shape": "vh", "color": "#1f77b4"},
        marker={"size": 7, "line": {"width": 1, "color": "black"}}, hoverinfo="text",
        name=f"frontier ({n} point{'' if n == 1 else 's'})",
        hovertext=[hover_text(f"frontier point {k + 1} of {n}", p.scores, p.gains, p.package)
                   for k, p in enumerate(points)])


def _layout(fig: Any, title: str, names: Sequence[str]) -> None:
    fig.update_layout(title={"text": html.escape(title), "font": {"size": 14}},
                      xaxis_title=html.escape(names[0]), yaxis_title=html.escape(names[1]),
                      template="plotly_white", hovermode="closest", width=820, height=560,
                      legend={"x": 1.02, "y": 1, "xanchor": "left"})


@validated(frontier=Instance(Frontier), parties=Maybe(Names(min_length=2)))
def frontier_figure(frontier: Frontier, parties: Sequence[str] | None = None) -> Any:
    """The points of a frontier over two of its parties; hover for each point's package.

    Parameters
    ----------
    frontier : Frontier
        From :func:`mutualgains.pareto_frontier`.
    parties : two party names, optional
        The axes (default: the frontier's first two parties). For a frontier
        over more parties the other parties' scores and gains are in the hover
        label.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> from mutualgains import pareto_frontier
    >>> from mutualgains.io.examples import load_example
    >>> frontier = pareto_frontier(load_example("harbour"), ["Port", "City", "Union"])
    >>> fig = frontier_figure(frontier, ["City", "Union"])
    >>> fig.layout.xaxis.title.text, fig.data[0].mode
    ('City', 'markers')
    """
    from mutualgains.errors import UsageError

    go = _graph_objects()
    names = list(frontier.parties[:2] if parties is None else parties)
    if len(names) != 2 or len(set(names)) != 2 or any(p not in frontier.parties for p in names):
        raise UsageError(f"parties: need two different parties of the frontier, got {names} "
                         f"(frontier parties: {', '.join(frontier.parties)})")
    fig = go.Figure()
    trace = _frontier_trace(go, frontier, names)
    if len(frontier.parties) > 2:  # a projection: the staircase would mislead
        trace.mode, trace.line = "markers", None
    fig.add_trace(trace)
    _layout(fig, f"{frontier.case_name or 'frontier'}: frontier over "
                 f"{', '.join(frontier.parties)} ({frontier.status})", names)
    return fig
