"""The interaction graph of a case's issues and a tree decomposition of it.

Two issues interact when a ``requires`` or ``excludes`` relation links their
options, or when both appear in one synergy's condition (a synergy over ``k``
issues is a clique). Everything else about a case is a sum over issues: scores,
and a total budget, which couples all issues only through one more coordinate
(the cost), not through edges.

A tree decomposition of small width lets the dynamic program of
:mod:`mutualgains.engine.treedp` work bag by bag. NetworkX' heuristics give it
(:func:`networkx.algorithms.approximation.treewidth_min_fill_in` and
``treewidth_min_degree``); the smaller width is used, ties to min-fill-in, and
the elimination order is read off the decomposition (leaves first, issues in
ascending order within a bag), so the same case always gets the same order.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> d = decompose(load_example("harbour"))
>>> d.width, d.largest_bag, len(d.order)
(0, 4, 5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mutualgains.model import Case

if TYPE_CHECKING:  # networkx is imported when a graph is built
    import networkx as nx

__all__ = ["Decomposition", "decompose", "interaction_graph"]


def interaction_graph(case: Case) -> nx.Graph:
    """Issues as nodes (their position in the case), interactions as edges.

    Each edge has the attribute ``kinds``: the sorted kinds of relation that
    link the two issues (``requires``, ``excludes``, ``synergy``). Node
    attributes: ``name`` and ``options`` (how many).

    Examples
    --------
    >>> from mutualgains import Case, Issue, Party
    >>> from mutualgains.model.relations import Excludes
    >>> case = Case([Party("A")], [Issue(n, ["out", "in"]) for n in "abc"], {},
    ...             excludes=[Excludes({"a": "in"}, {"c": "in"})])
    >>> sorted(interaction_graph(case).edges(data="kinds"))
    [(0, 2, ('excludes',))]
    """
    import networkx as nx

    graph = nx.Graph()
    for k, issue in enumerate(case.issues):
        graph.add_node(k, name=issue.name, options=len(issue.options))
    for (a, b), found in sorted(_links(case).items()):
        graph.add_edge(a, b, kinds=tuple(sorted(found)))
    return graph


def _links(case: Case) -> dict[tuple[int, int], set[str]]:
    """The kinds of relation that link each pair of issues (positions, lower first)."""
    position = {name: k for k, name in enumerate(case.issue_names)}
    kinds: dict[tuple[int, int], set[str]] = {}

    def link(a: int, b: int, kind: str) -> None:
        if a != b:
            kinds.setdefault((min(a, b), max(a, b)), set()).add(kind)

    for r in case.requires:
        for name in r.needs:
            link(position[r.option[0]], position[name], "requires")
    for e in case.excludes:
        link(position[e.a[0]], position[e.b[0]], "excludes")
    for s in case.synergy:
        members = sorted(position[i] for i in s.when)
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                link(members[x], members[y], "synergy")
    return kinds


@dataclass(frozen=True)
class Decomposition:
    """How the dynamic program will eliminate the issues.

    Attributes
    ----------
    width : int
        Width of the tree decomposition (largest bag minus one; 0 when no two
        issues interact, -1 without issues).
    heuristic : str
        ``min_fill_in`` or ``min_degree``: the NetworkX heuristic that gave it.
    order : tuple of int
        Issues (case positions) in the order they are eliminated.
    bags : tuple of tuple of int
        For each eliminated issue, the issues it is combined with at that step
        (itself first).
    largest_bag : int
        The most option combinations of one bag: an upper bound on the
        distinct keys of one table of the program.
    assignments : int
        Option combinations summed over the bags.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> decompose(load_example("harbour")).bags[:2]
    ((0,), (1,))
    """

    width: int
    heuristic: str
    order: tuple[int, ...]
    bags: tuple[tuple[int, ...], ...]
    largest_bag: int
    assignments: int


def decompose(case: Case, graph: nx.Graph | None = None) -> Decomposition:
    """A tree decomposition of the interaction graph and the elimination order it gives.

    Examples
    --------
    >>> from mutualgains import Case, Issue, Party
    >>> from mutualgains.model.relations import Synergy
    >>> case = Case([Party("A")], [Issue(n, ["out", "in"]) for n in "abcd"], {},
    ...             synergy=[Synergy({"a": "in", "b": "in", "c": "in"}, {"A": 5})])
    >>> d = decompose(case)
    >>> d.width, d.largest_bag
    (2, 8)
    """
    sizes = [len(i.options) for i in case.issues]
    if not sizes:
        return Decomposition(-1, "min_fill_in", (), (), 1, 1)
    if graph is None and not _links(case):  # no interactions: the case's order, no graph
        return Decomposition(width=0, heuristic="min_fill_in", order=tuple(range(len(sizes))),
                             bags=tuple((k,) for k in range(len(sizes))),
                             largest_bag=max(sizes), assignments=sum(sizes))
    graph = interaction_graph(case) if graph is None else graph
    from networkx.algorithms.approximation import treewidth_min_degree, treewidth_min_fill_in

    fill_width, fill_tree = treewidth_min_fill_in(graph)
    degree_width, degree_tree = treewidth_min_degree(graph)
    if degree_width < fill_width:
        heuristic, tree = "min_degree", degree_tree
    else:
        heuristic, tree = "min_fill_in", fill_tree
    # without interactions any order is exact: take the case's (Nemhauser-Ullmann)
    order = list(range(len(sizes))) if not graph.number_of_edges() else _elimination_order(tree)
    bags = _bags(graph, order)
    combos = [math.prod(sizes[i] for i in bag) for bag in bags]
    return Decomposition(width=max(len(b) for b in bags) - 1, heuristic=heuristic,
                         order=tuple(order), bags=tuple(bags), largest_bag=max(combos),
                         assignments=sum(combos))


def _elimination_order(tree: nx.Graph) -> list[int]:
    """Leaves first: each bag's issues that its parent lacks, in ascending order.

    The root is the bag holding the lowest issue; children are visited in
    ascending order of their lowest issue, so the order depends on the case only.
    """
    bags = [b for b in tree.nodes if b]
    if not bags:
        return []
    root = min(bags, key=lambda b: (min(b), len(b)))
    order: list[int] = []
    seen: set[int] = set()
    # an iterative post-order walk: (bag, parent, children expanded yet?)
    stack: list[tuple[frozenset, frozenset, bool]] = [(root, frozenset(), False)]
    while stack:
        bag, parent, expanded = stack.pop()
        if not expanded:
            stack.append((bag, parent, True))
            children = sorted((c for c in tree.neighbors(bag) if c != parent and c),
                              key=lambda c: (min(c), len(c), sorted(c)))
            stack.extend((child, bag, False) for child in reversed(children))
            continue
        for issue in sorted(bag - parent):
            if issue not in seen:
                seen.add(issue)
                order.append(issue)
    return order


def _bags(graph: nx.Graph, order: list[int]) -> list[tuple[int, ...]]:
    """Eliminate in ``order`` on a copy of ``graph``: each issue with its neighbours then."""
    adjacency = {v: set(graph.neighbors(v)) for v in graph.nodes}
    bags = []
    for v in order:
        near = sorted(adjacency[v])
        bags.append((v, *near))
        for a in near:
            adjacency[a].discard(v)
            adjacency[a].update(u for u in near if u != a)
        del adjacency[v]
    return bags
