"""The relations between options (requires, excludes, synergy, precedes) as a layered chart.

Only the options that some relation involves are drawn, each as a box naming its
issue and option. Columns follow the direction of ``requires`` and ``precedes``
(an option stands right of what it needs or follows), boxes within a column are
ordered to keep edges short (barycentre sweeps), and the figure is sized from the
number of columns and the tallest column, so a case of 16 or 50 issues stays
readable. The options without any relation are named under the chart.

Examples
--------
>>> from mutualgains import Case, Issue, Party, Requires
>>> case = Case([Party("A")], [Issue("t", ["out", "in"]), Issue("p", ["no", "yes"])], {},
...             requires=[Requires({"t": "in"}, {"p": "yes"})])
>>> layered_layout(case.dependency_graph())
{('p', 'yes'): (0, 0.0), ('t', 'in'): (1, 0.0)}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from mutualgains.model.arguments import CASE
from mutualgains.params import validated
from mutualgains.plots.axes import (
    AX,
    axes_or_new,
    caption,
    fit_size,
    legend_outside,
    wrap,
    wrap_title,
)

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    from matplotlib.axes import Axes

    from mutualgains.model import Case

__all__ = ["EDGE_STYLES", "Node", "dependency_chart", "layered_layout"]

Node: TypeAlias = tuple[str, str]
"""An option of the dependency graph: ``(issue, option)``."""

EDGE_STYLES: dict[str, dict[str, Any]] = {
    "requires": {"color": "black", "style": "solid", "rad": 0.15, "arrow": "-|>",
                 "directed": True},
    "precedes": {"color": "tab:blue", "style": "solid", "rad": -0.15, "arrow": "-|>",
                 "directed": True},
    "excludes": {"color": "tab:red", "style": "dashed", "rad": 0.3, "arrow": "-",
                 "directed": False},
    "synergy": {"color": "tab:green", "style": "dotted", "rad": -0.3, "arrow": "-",
                "directed": False},
}
"""How :func:`dependency_chart` draws each kind of relation (arcs bend differently per
kind, so two relations between the same options stay apart)."""

_BOX_WIDTH = 0.8  # of a column
_BOX_HEIGHT = 0.72  # of a row
_WRAP = 20  # characters per line in a box
_LISTED = 12  # unrelated options named under the chart before "and N more"


def _directed(graph: nx.MultiDiGraph, nodes: list[Node]) -> nx.DiGraph:
    import networkx as nx

    directed = nx.DiGraph()
    directed.add_nodes_from(nodes)
    directed.add_edges_from((u, v) for u, v, kind in graph.edges(keys=True)
                            if EDGE_STYLES[kind]["directed"])
    return directed


def _columns(graph: nx.MultiDiGraph, nodes: list[Node]) -> dict[Node, int]:
    """Longest-path layering of the directed relations (cycles collapsed into one layer).

    An option's column is one more than the deepest of its prerequisites, so a
    directed relation always points right.
    """
    import networkx as nx

    directed = _directed(graph, nodes)
    condensed = nx.condensation(directed)
    depth: dict[int, int] = {}
    for group in nx.topological_sort(condensed):
        depth[group] = max((depth[g] + 1 for g in condensed.predecessors(group)), default=0)
    return {n: depth[condensed.graph["mapping"][n]] for n in nodes}


def _barycentre(node: Node, column: int, place: dict[Node, float],
                columns: dict[Node, int], neighbours: dict[Node, set[Node]],
                rank: dict[Node, int]) -> tuple[float, int]:
    """The average row of ``node``'s neighbours in other columns (its own row without any)."""
    near = [place[m] for m in neighbours[node] if columns[m] != column]
    return (sum(near) / len(near) if near else place[node], rank[node])


def _order(columns: dict[Node, int], neighbours: dict[Node, set[Node]],
           rank: dict[Node, int]) -> dict[int, list[Node]]:
    """The boxes of each column, top to bottom: case order, then barycentre sweeps."""
    layers: dict[int, list[Node]] = {}
    for node in sorted(columns, key=lambda n: rank[n]):
        layers.setdefault(columns[node], []).append(node)
    for sweep in range(4):  # left to right, right to left, twice
        keys = sorted(layers) if sweep % 2 == 0 else sorted(layers, reverse=True)
        place = {n: i - (len(layers[c]) - 1) / 2 for c in layers for i, n in
                 enumerate(layers[c])}
        for c in keys:
            def key(node: Node, c: int = c, place: dict[Node, float] = place) -> tuple[float, int]:
                return _barycentre(node, c, place, columns, neighbours, rank)
            layers[c].sort(key=key)
            place.update({n: i - (len(layers[c]) - 1) / 2 for i, n in enumerate(layers[c])})
    return layers


def layered_layout(graph: nx.MultiDiGraph) -> dict[Node, tuple[int, float]]:
    """Positions ``(column, row)`` of the options that some relation involves.

    Columns: longest-path layers of the directed relations (``requires`` from
    the needed option to the one that needs it, ``precedes`` from before to
    after), so every arrow points right; options in a cycle of requirements
    share a column. Rows: within a column, centred on 0 and ordered by the
    average row of the neighbours in other columns (ties in case order).
    Options without relations are left out. The positions come column by
    column, top to bottom.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> pos = layered_layout(load_example("regional").dependency_graph())
    >>> len(pos), max(c for c, _ in pos.values())
    (10, 2)
    >>> pos[("land consolidation", "in")][0], pos[("visitor centre", "in")][0]
    (0, 2)
    """
    import networkx as nx

    rank = {n: k for k, n in enumerate(graph.nodes)}
    flipped = nx.MultiDiGraph()
    flipped.add_nodes_from(graph.nodes)
    for u, v, kind in graph.edges(keys=True):
        # requires points from the option to what it needs: lay out the needed one first
        flipped.add_edge(*((v, u) if kind == "requires" else (u, v)), key=kind)
    nodes = [n for n in graph.nodes if graph.degree(n) > 0]
    columns = _columns(flipped, nodes)
    neighbours: dict[Node, set[Node]] = {n: set() for n in nodes}
    for u, v in graph.edges():
        if u != v:
            neighbours[u].add(v)
            neighbours[v].add(u)
    layers = _order(columns, neighbours, rank)
    return {n: (c, float(len(layers[c]) - 1) / 2 - i) for c in sorted(layers)
            for i, n in enumerate(layers[c])}


def _edges(graph: nx.MultiDiGraph) -> dict[str, list[tuple[Node, Node]]]:
    """Each kind's edges, symmetric kinds once per pair, requires from needed to needing."""
    out: dict[str, list[tuple[Node, Node]]] = {}
    for kind, style in EDGE_STYLES.items():
        edges = [(u, v) for u, v, key in graph.edges(keys=True) if key == kind and u != v]
        if not style["directed"]:
            edges = sorted({tuple(sorted(e, key=str)) for e in edges}, key=str)
        out[kind] = edges
    return out


def _no_relations(ax: Axes, case: Case) -> Axes:
    ax.set_axis_off()
    ax.text(0.5, 0.5, "No relations between options\n(no requires, excludes, synergy or "
                      "precedes in this case)", ha="center", va="center", fontsize=10,
            transform=ax.transAxes, color="0.3")
    wrap_title(ax, f"{case.name}: dependencies between options")
    return ax


@validated(case=CASE, ax=AX)
def dependency_chart(case: Case, *, ax: Axes | None = None) -> Axes:
    """The options that relations involve, as boxes in layers, and the relations as edges.

    ``requires``: black arrows from the needed option to the one that needs it;
    ``precedes``: blue arrows from the earlier to the later project;
    ``excludes``: red dashed lines; ``synergy``: green dotted lines (see
    :data:`EDGE_STYLES`). Boxes read ``issue: option``; their layout is
    :func:`layered_layout`. The options without any relation are named under the
    chart; a case without relations says so instead of drawing anything.

    Parameters
    ----------
    case : Case
    ax : matplotlib Axes, optional
        Where to draw; a new figure (sized from the layers) when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from mutualgains import Case, Excludes, Issue, Party, Requires
    >>> case = Case([Party("A")], [Issue("t", ["out", "in"]), Issue("p", ["no", "yes"])], {},
    ...             requires=[Requires({"t": "in"}, {"p": "yes"})],
    ...             excludes=[Excludes({"t": "out"}, {"p": "yes"})])
    >>> ax = dependency_chart(case)
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())
    ['excludes', 'requires']
    >>> sorted(t.get_text() for t in ax.texts[:-1])  # the boxes, then the caption
    ['p: yes', 't: in', 't: out']
    >>> ax.texts[-1].get_text().startswith("requires: the arrow points from the needed")
    True
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    graph = case.dependency_graph()
    pos = layered_layout(graph)
    if not pos:
        return _no_relations(axes_or_new(ax, (6.0, 2.0)), case)
    n_columns = 1 + max(c for c, _ in pos.values())
    tallest = max(sum(1 for c, _ in pos.values() if c == k) for k in range(n_columns))
    labels = {n: wrap(f"{n[0]}: {n[1]}", _WRAP) for n in pos}
    lines = max(label.count("\n") + 1 for label in labels.values())
    row_inches = 0.22 * lines + 0.3
    ax = axes_or_new(ax, (fit_size(n_columns, each=2.3, base=1.5, low=5.0, high=40.0),
                          fit_size(tallest, each=row_inches, base=1.6, low=2.6, high=40.0)))
    for node, (x, y) in pos.items():
        ax.add_patch(FancyBboxPatch((x - _BOX_WIDTH / 2, y - _BOX_HEIGHT / 2), _BOX_WIDTH,
                                    _BOX_HEIGHT, boxstyle="round,pad=0,rounding_size=0.08",
                                    facecolor="white", edgecolor="0.35", linewidth=0.8,
                                    zorder=3))
        ax.text(x, y, labels[node], ha="center", va="center", fontsize=8, zorder=4)
    used = []
    for kind, edges in _edges(graph).items():
        style = EDGE_STYLES[kind]
        if kind == "requires":
            edges = [(v, u) for u, v in edges]  # drawn from the needed option
        for u, v in edges:
            (xu, yu), (xv, yv) = pos[u], pos[v]
            if xu == xv:  # same column: out of the right sides, bending right
                start, end = (xu + _BOX_WIDTH / 2, yu), (xv + _BOX_WIDTH / 2, yv)
                rad = -0.6 if yu > yv else 0.6
            else:
                side = 1 if xv > xu else -1
                start = (xu + side * _BOX_WIDTH / 2, yu)
                end = (xv - side * _BOX_WIDTH / 2, yv)
                rad = style["rad"] if abs(xv - xu) > 1 or yu != yv else style["rad"] / 3
            ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style["arrow"],
                                         connectionstyle=f"arc3,rad={rad}",
                                         color=style["color"], linestyle=style["style"],
                                         linewidth=1.2, mutation_scale=12, zorder=2,
                                         shrinkA=0, shrinkB=0))
        if edges:
            used.append(Line2D([], [], color=style["color"], linestyle=style["style"],
                               label=kind))
    ys = [y for _, y in pos.values()]
    ax.set_xlim(-0.6, n_columns - 0.4)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    legend_outside(ax, handles=used)
    wrap_title(ax, f"{case.name}: dependencies between options")
    notes = []
    kinds = {line.get_label() for line in used}
    if "requires" in kinds:
        notes.append("requires: the arrow points from the needed option to the one that "
                     "needs it.")
    if "precedes" in kinds:
        notes.append("precedes: the arrow points from the earlier project to the later.")
    alone = [i.name for i in case.issues if not any((i.name, o) in pos for o in i.options)]
    if alone:
        listed = ", ".join(alone[:_LISTED]) + (f" and {len(alone) - _LISTED} more"
                                                if len(alone) > _LISTED else "")
        notes.append(f"Issues without relations, not drawn: {listed}.")
    caption(ax, " ".join(notes))
    return ax
