"""Plots of results, drawn with matplotlib (an optional dependency: ``mutualgains[plot]``).

matplotlib is imported when a plot is drawn, never on ``import mutualgains``.
Every function takes ``ax=None`` (a new figure when it is None) and returns the
Axes it drew on.

:func:`gantt_chart`
    The schedule of a :class:`~mutualgains.phasing.run.PhaseResult`: one bar per
    scheduled project from its start to its finish period.
:func:`spend_chart`
    Spend per period against the budget (and the money available with
    carry-over), with the cumulative value realised per party on a second axis.
:func:`utility_space`
    Two parties' utilities: every package, those that pass, the exact frontier,
    the BATNA lines and the joint, Nash, Kalai-Smorodinsky and egalitarian points.
:func:`gains_chart`
    Three or more parties: each party's gain under several bargaining solutions.
:func:`dependency_chart`
    Options as nodes (one column per issue) and their requires, excludes,
    synergy and precedes relations as differently styled edges.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import mutualgains as mg
>>> from mutualgains.phasing import phase
>>> case = mg.load_example("regional")
>>> plan = phase(case, mg.solve(case).package)
>>> ax = gantt_chart(plan)
>>> len(ax.patches)
16
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.analysis.solve import OBJECTIVES
from mutualgains.model.arguments import CASE
from mutualgains.params import (
    AnyOf,
    Choice,
    Constraint,
    Flag,
    Instance,
    Integer,
    ListOf,
    Maybe,
    Names,
    Real,
    Text,
    validated,
)
from mutualgains.phasing.result import PhaseResult

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["dependency_chart", "gains_chart", "gantt_chart", "spend_chart", "utility_space"]

SOLUTIONS = {"joint": "s", "nash": "*", "ks": "D", "egalitarian": "^"}
"""Bargaining solutions marked by :func:`utility_space`, with their markers."""


class _AxesOrNone(Constraint):
    """``ax=``: None or a matplotlib Axes (matplotlib is imported only to check one)."""

    def accepts(self, value: Any) -> bool:
        if value is None:
            return True
        try:
            from matplotlib.axes import Axes
        except ImportError:  # pragma: no cover - depends on the environment
            return False
        return isinstance(value, Axes)

    def describe(self) -> str:
        return "None or a matplotlib Axes"


_AX = _AxesOrNone()
_SOLUTIONS = ListOf(Choice(OBJECTIVES))
_RESULT = Instance(PhaseResult)


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("plots need matplotlib: pip install 'mutualgains[plot]'") from err
    return plt


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=size)
    return ax


@validated(result=_RESULT, ax=_AX, deferred=Flag(),
           color=AnyOf((Text(), ListOf(Real(low=0, high=1), min_length=3))))
def gantt_chart(result: PhaseResult, *, ax: Axes | None = None, deferred: bool = True,
                color: str = "tab:blue") -> Axes:
    """A Gantt chart of a phasing schedule: one bar per scheduled project.

    Projects are listed top to bottom by start period. A bar covers the periods
    in which the project runs; its label is the project's weighted value.
    Deferred projects are named below the axis when ``deferred`` is true.

    Parameters
    ----------
    result : PhaseResult
        The outcome of :func:`mutualgains.phase`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    deferred : bool, default True
        Name the deferred projects in a note under the chart.
    color : str
        Bar colour.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import mutualgains as mg
    >>> from mutualgains.phasing import phase
    >>> case = mg.load_example("regional")
    >>> ax = gantt_chart(phase(case, mg.solve(case).package))
    >>> ax.get_yticklabels()[0].get_text()
    'flood warning app'
    """
    frame = result.schedule
    n = len(frame)
    ax = _axes(ax, (9.0, 1.0 + 0.35 * max(n, 1)))
    rows = np.arange(n)
    # period t spans [t - 0.5, t + 0.5] on the x axis, so a bar covers start..finish
    lefts = frame["start"].to_numpy(dtype=float) - 0.5
    widths = frame["duration"].to_numpy(dtype=float)
    bars = ax.barh(rows, widths, left=lefts, height=0.6, color=color, alpha=0.8,
                   edgecolor="black", linewidth=0.5)
    for bar, value in zip(bars, frame["value"], strict=True):
        ax.annotate(f"{value:g}", (bar.get_x() + bar.get_width(), bar.get_y() +
                                   bar.get_height() / 2), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7)
    ax.set_yticks(rows, list(frame["project"]))
    ax.set_ylim(max(n, 1) - 0.5, -0.5)  # first start on top
    ax.set_xlim(0.5, result.periods + 0.5 + max(0.8, 0.08 * result.periods))  # room for labels
    ax.axvline(result.periods + 0.5, color="gray", linestyle="--", linewidth=1)
    ax.set_xticks(range(1, result.periods + 1))
    ax.set_xlabel("period")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"{result.case_name or 'schedule'}: {result.status.value}"
                 + (f", discounted value {result.discounted_value:.4g}"
                    if result.discounted_value is not None else ""))
    if deferred:
        late = result.deferred
        if len(late):
            ax.text(0.0, -0.12, "deferred: " + ", ".join(late["project"]),
                    transform=ax.transAxes, fontsize=8, va="top", wrap=True)
    return ax


@validated(result=_RESULT, ax=_AX, parties=Maybe(Names()), weighted=Flag())
def spend_chart(result: PhaseResult, *, ax: Axes | None = None,
                parties: list[str] | None = None, weighted: bool = False) -> Axes:
    """Spend per period against the budget, with the cumulative value per party.

    Bars: money spent per period. Steps: the period's budget, and the money
    available with what is carried over. Lines on the right axis (returned
    Axes' ``right_ax`` attribute): each party's cumulative value realised.

    Parameters
    ----------
    result : PhaseResult
        The outcome of :func:`mutualgains.phase`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    parties : list of str, optional
        The parties to draw a value line for (default: all).
    weighted : bool, default False
        Also draw the weighted total (dashed).

    Returns
    -------
    matplotlib.axes.Axes
        The spending axes; the value lines are on ``ax.right_ax``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import mutualgains as mg
    >>> from mutualgains.phasing import phase
    >>> case = mg.load_example("regional")
    >>> ax = spend_chart(phase(case, mg.solve(case).package))
    >>> len(ax.containers[0]), len(ax.right_ax.get_lines())
    (10, 6)
    """
    if parties is None:
        parties = list(result.parties)
    unknown = [p for p in parties if p not in result.parties]
    if unknown:
        from mutualgains.errors import UsageError

        raise UsageError(f"parties: unknown party {unknown[0]!r} "
                         f"(parties: {', '.join(result.parties)})")
    ax = _axes(ax, (9.0, 4.5))
    spend = result.spend
    periods = spend["period"].to_numpy()
    edges = np.arange(len(periods) + 1) + 0.5
    ax.bar(periods, spend["spend"], width=0.7, color="lightgray", edgecolor="gray",
           label="spend")
    ax.stairs(spend["budget"], edges, baseline=None, color="black", linewidth=1.5,
              label="budget")
    if result.carry_over > 0:
        ax.stairs(spend["available"], edges, baseline=None, color="black", linestyle=":",
                  linewidth=1.2,
                  label="available (with carry-over)")
    top = float(max(spend["available"].max(), spend["spend"].max(), 1e-9))
    ax.set_ylim(0, 1.45 * top)  # room for the legend
    ax.set_xlabel("period")
    ax.set_ylabel("money")
    ax.set_xticks(periods)
    right = ax.twinx()
    cumulative = result.cumulative
    lines: list[Any] = []
    for party in parties:
        (line,) = right.plot(periods, cumulative[party], marker="o", markersize=3,
                             label=party)
        lines.append(line)
    if weighted:
        (line,) = right.plot(periods, cumulative["weighted"], color="black", linestyle="--",
                             label="weighted total")
        lines.append(line)
    right.set_ylabel("cumulative value")
    low, high = right.get_ylim()
    right.set_ylim(low, high + 0.45 * (high - low))
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles + lines, labels + [ln.get_label() for ln in lines], fontsize=7,
              loc="upper left", ncol=2)
    ax.set_title(f"{result.case_name or 'schedule'}: spend, budget and value realised")
    ax.right_ax = right
    return ax


@validated(case=CASE, parties=Maybe(Names(min_length=2)), ax=_AX, solutions=_SOLUTIONS,
           max_packages=Integer(low=0))
def utility_space(case: Any, parties: Any = None, *, ax: Axes | None = None,
                  solutions: Any = tuple(SOLUTIONS), max_packages: int = 200_000) -> Axes:
    """Two parties' utilities over every package, the frontier and the bargaining solutions.

    Grey dots are packages that do not pass, blue ones packages that pass; the
    line is the exact Pareto frontier of the passing packages
    (:func:`mutualgains.pareto_frontier`); dashed lines are the two parties'
    thresholds (BATNA plus margin); the marked points are the packages chosen by
    ``solutions`` (objectives of :func:`mutualgains.solve`). Packages are drawn
    only when there are at most ``max_packages``; the frontier and the solutions
    always.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from mutualgains.io.examples import load_example
    >>> ax = utility_space(load_example("harbour"), ["Port", "City"])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Port', 'City')
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())
    ['does not pass', 'egalitarian', 'frontier', 'joint', 'ks', 'nash', 'passes']
    """
    from mutualgains.analysis.agenda import package_blocks
    from mutualgains.analysis.frontier import pareto_frontier
    from mutualgains.analysis.solve import solve
    from mutualgains.errors import UsageError

    names = list(case.party_names[:2] if parties is None else parties)
    if len(names) != 2 or any(p not in case.party_names for p in names):
        raise UsageError(f"parties: need two parties of the case, got {names}")
    cols = [case.party_names.index(p) for p in names]
    ax = _axes(ax, (6.5, 5.5))
    if case.n_packages <= max_packages:
        blocks = list(package_blocks(case))
        u = np.concatenate([b[0] for b in blocks])[:, cols]
        ok = np.concatenate([b[1] for b in blocks])
        ax.scatter(u[~ok, 0], u[~ok, 1], s=8, color="0.8", label="does not pass", zorder=1)
        ax.scatter(u[ok, 0], u[ok, 1], s=10, color="tab:blue", alpha=0.6, label="passes",
                   zorder=2)
    frontier = pareto_frontier(case, names, ties=False).utilities()
    if len(frontier):
        order = np.argsort(frontier[:, 0])
        ax.step(frontier[order, 0], frontier[order, 1], where="post", color="tab:blue",
                linewidth=1.5, label="frontier", zorder=3)
    for k, name in enumerate(names):
        threshold = float(case.party(name).batna + case.margin)
        (ax.axvline if k == 0 else ax.axhline)(threshold, color="0.3", linestyle="--",
                                               linewidth=1, zorder=0)
    for objective in solutions:
        result = solve(case, objective)
        if result.package is not None:
            ax.scatter([result.scores[names[0]]], [result.scores[names[1]]],
                       marker=SOLUTIONS.get(objective, "o"), s=110, edgecolor="black",
                       zorder=4, label=objective)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_title(f"{case.name}: utilities (dashed: thresholds)")
    ax.legend(loc="best", fontsize=8)
    return ax


@validated(case=CASE, ax=_AX, solutions=_SOLUTIONS)
def gains_chart(case: Any, *, ax: Axes | None = None, solutions: Any = tuple(SOLUTIONS)) -> Axes:
    """Each party's gain (utility minus BATNA) under several bargaining solutions.

    One group of bars per party, one bar per solution; for three or more
    parties, where a utility plane no longer fits.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from mutualgains.io.examples import load_example
    >>> ax = gains_chart(load_example("harbour"))
    >>> len(ax.patches), [t.get_text() for t in ax.get_xticklabels()][:2]
    (20, ['Port', 'City'])
    """
    from mutualgains.analysis.solve import solve

    names = list(case.party_names)
    ax = _axes(ax, (max(6.0, 1.4 * len(names)), 4.5))
    width = 0.8 / max(1, len(solutions))
    x = np.arange(len(names))
    for k, objective in enumerate(solutions):
        result = solve(case, objective)
        if result.package is None:
            continue
        ax.bar(x + (k - (len(solutions) - 1) / 2) * width,
               [result.gains[p] for p in names], width, label=objective)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=20, ha="right")
    ax.set_ylabel("gain over BATNA")
    ax.set_title(f"{case.name}: gains under each solution")
    ax.legend(fontsize=8)
    return ax


_EDGE_STYLES = {  # arcs bend differently per kind so relations between the same options show
    "requires": {"color": "black", "style": "solid", "rad": 0.2, "arrow": "-|>"},
    "excludes": {"color": "tab:red", "style": "dashed", "rad": 0.45, "arrow": "-"},
    "synergy": {"color": "tab:green", "style": "dotted", "rad": -0.45, "arrow": "-"},
    "precedes": {"color": "tab:blue", "style": "solid", "rad": -0.2, "arrow": "-|>"},
}


@validated(case=CASE, ax=_AX)
def dependency_chart(case: Any, *, ax: Axes | None = None) -> Axes:
    """Options as nodes, one column per issue; relations as styled edges.

    requires: black arrows; excludes: red dashed; synergy: green dotted;
    precedes: blue arrows. Options without any relation are drawn small.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from mutualgains import Case, Excludes, Issue, Party, Requires
    >>> case = Case([Party("A")], [Issue("t", ["out", "in"]), Issue("p", ["no", "yes"])], {},
    ...             requires=[Requires({"t": "in"}, {"p": "yes"})],
    ...             excludes=[Excludes({"t": "out"}, {"p": "yes"})])
    >>> ax = dependency_chart(case)
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())
    ['excludes', 'requires']
    """
    import networkx as nx
    from matplotlib.lines import Line2D

    graph = case.dependency_graph()
    ax = _axes(ax, (max(6.0, 1.8 * len(case.issues)), 4.5))
    pos = {}
    for k, issue in enumerate(case.issues):
        for j, option in enumerate(issue.options):
            pos[(issue.name, option)] = (k, -j - 0.3 * (k % 2))  # stagger: arcs stay apart
    linked = {n for e in graph.edges() for n in e}
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=[500 if n in linked else 120
                                                        for n in graph.nodes],
                           node_color="white", edgecolors="0.3")
    nx.draw_networkx_labels(graph, pos, ax=ax, labels={n: n[1] for n in graph.nodes},
                            font_size=7)
    used = []
    for kind, style in _EDGE_STYLES.items():
        edges = [(u, v) for u, v, key in graph.edges(keys=True) if key == kind]
        if kind in ("excludes", "synergy"):  # symmetric: draw each pair once
            edges = list({tuple(sorted(e)) for e in edges})
        if not edges:
            continue
        nx.draw_networkx_edges(graph, pos, edgelist=edges, ax=ax, edge_color=style["color"],
                               style=style["style"], arrows=True, arrowstyle=style["arrow"],
                               connectionstyle=f"arc3,rad={style['rad']}", node_size=500)
        used.append(Line2D([], [], color=style["color"], linestyle=style["style"], label=kind))
    for k, issue in enumerate(case.issues):
        ax.text(k, 0.6, issue.name, ha="center", va="bottom", fontsize=8, fontweight="bold")
    ax.set_ylim(-max(len(i.options) for i in case.issues) - 0.2, 1.2)
    ax.set_axis_off()
    if used:
        ax.legend(handles=used, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_title(f"{case.name}: dependencies between options")
    return ax
