"""Graph layouts computed at build time, so the browser only draws (Cytoscape's `preset`).

A layered layout of a DAG (Sugiyama's idea, kept small): each node's column is its
longest path from a source (networkx's topological order), nodes within a column are
ordered by the mean position of their neighbours in the previous column (a few sweeps
down and up reduce crossings), then spaced evenly. A cycle (a project with DEP001) is
broken where it closes, so a layout always exists.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from statistics import fmean
from typing import TypeVar

import networkx as nx

X_GAP = 280.0
Y_GAP = 64.0
SWEEPS = 4
N = TypeVar("N", bound=Hashable)


def _acyclic(graph: nx.DiGraph) -> nx.DiGraph:
    if nx.is_directed_acyclic_graph(graph):
        return graph
    graph = graph.copy()
    while not nx.is_directed_acyclic_graph(graph):
        graph.remove_edge(*nx.find_cycle(graph)[-1][:2])
    return graph


def columns_of(graph: nx.DiGraph) -> dict[Hashable, int]:
    """Each node's column: its longest path from a node without inputs."""
    column: dict[Hashable, int] = {}
    for node in nx.topological_sort(graph):
        column[node] = max((column[p] + 1 for p in graph.predecessors(node)), default=0)
    return column


def _sweep(
    layers: list[list[N]],
    neighbours: Callable[[N], Iterable[N]],
    order: Iterable[int],
) -> None:
    """Reorder each layer of `order` by the mean rank of its neighbours already placed."""
    rank: dict[N, int] = {}
    for index in order:
        layer = layers[index]
        members = set(layer)
        before = {node: position for position, node in enumerate(layer)}

        def key(
            node: N, members: set[N] = members, before: dict[N, int] = before
        ) -> tuple[float, int]:
            known = [rank[n] for n in neighbours(node) if n in rank and n not in members]
            return (fmean(known) if known else float(before[node]), before[node])

        layer.sort(key=key)
        rank.update((node, position) for position, node in enumerate(layer))


def layered(
    nodes: Iterable[N],
    edges: Iterable[tuple[N, N]],
    sort_key: Callable[[N], str] = str,
    fixed_columns: Mapping[N, int] | None = None,
) -> dict[N, tuple[float, float]]:
    """Positions (x, y) of `nodes`, upstream on the left. `fixed_columns` pins nodes to
    a column (e.g. hops from a page's node) instead of the longest path."""
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((a, b) for a, b in edges if a != b)
    graph = _acyclic(graph)
    column = dict(fixed_columns) if fixed_columns is not None else columns_of(graph)
    if not column:
        return {}
    first = min(column.values())
    layers: list[list[N]] = [[] for _ in range(max(column.values()) - first + 1)]
    for node in sorted(graph.nodes, key=sort_key):
        layers[column.get(node, first) - first].append(node)
    undirected = graph.to_undirected(as_view=True)
    # the neighbours once, as lists: the sweeps ask for them many times
    adjacent = {node: list(undirected.neighbors(node)) for node in graph.nodes}
    for sweep in range(SWEEPS):
        down = range(len(layers)) if sweep % 2 == 0 else range(len(layers) - 1, -1, -1)
        _sweep(layers, adjacent.__getitem__, down)
    positions: dict[N, tuple[float, float]] = {}
    for index, layer in enumerate(layers):
        offset = (len(layer) - 1) * Y_GAP / 2
        for position, node in enumerate(layer):
            positions[node] = (index * X_GAP, position * Y_GAP - offset)
    return positions
