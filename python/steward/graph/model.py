"""The dependency graph: nodes with their owner and access, edges with how they were made.

`DependencyGraph` is frozen; its networkx views (`nx`, `team_graph`) are built once, on
first use. Node ids are dbt's unique ids (`model.<project>.<name>`,
`source.<project>.<source>.<table>`, `exposure.<project>.<name>`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from steward.errors import UserError
from steward.project.model import Position, Registry

if TYPE_CHECKING:
    import networkx as nx

BUILDABLE = ("model", "seed", "snapshot")
EDGE_KINDS = ("ref", "source", "hard_coded", "exposure")


@dataclass(frozen=True)
class GraphNode:
    unique_id: str
    name: str
    resource_type: str
    path: str
    team: str | None = None
    layer: str | None = None
    access: str | None = None
    relation: str | None = None
    materialized: str | None = None

    @property
    def label(self) -> str:
        """The name a person types: the model name, `source.table`, the exposure name."""
        if self.resource_type == "source":
            return ".".join(self.unique_id.split(".")[2:])
        return self.name


@dataclass(frozen=True)
class Edge:
    """`upstream` is read by `downstream`; `kind` says how (`hard_coded`: the SQL names the
    relation instead of calling `ref()`/`source()`)."""

    upstream: str
    downstream: str
    kind: str
    relation: str | None = None
    position: Position | None = None

    @property
    def hard_coded(self) -> bool:
        return self.kind == "hard_coded"


@dataclass(frozen=True)
class Cycle:
    """A cycle of models or of teams: `path` is closed (first == last); `edges[i]` is the
    model edge behind the hop `path[i] -> path[i + 1]`."""

    kind: str
    path: tuple[str, ...]
    edges: tuple[Edge, ...]


@dataclass(frozen=True, eq=False)
class DependencyGraph:
    nodes: Mapping[str, GraphNode]
    edges: tuple[Edge, ...]
    registry: Registry | None = None
    problems: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Lower-cased name a person types (`GraphNode.label`) -> unique id."""

    # ---- networkx views ------------------------------------------------------------
    @functools.cached_property
    def digraph(self) -> nx.DiGraph:
        """Every node; an edge upstream -> downstream carries `edges`, the `Edge`s behind it."""
        import networkx as nx

        graph = nx.DiGraph()
        for unique_id, node in self.nodes.items():
            graph.add_node(unique_id, node=node)
        for edge in self.edges:
            if graph.has_edge(edge.upstream, edge.downstream):
                graph.edges[edge.upstream, edge.downstream]["edges"].append(edge)
            else:
                graph.add_edge(edge.upstream, edge.downstream, edges=[edge])
        return graph

    @functools.cached_property
    def team_graph(self) -> nx.DiGraph:
        """Teams; an edge producer -> consumer when a buildable node of the consumer reads a
        node of the producer. `edges` holds the model edges behind it, `hard_coded` whether
        any of them is hard-coded. Exposures are consumers, not builds: not in this view."""
        import networkx as nx

        graph = nx.DiGraph()
        if self.registry is not None:
            graph.add_nodes_from(team.id for team in self.registry.teams)
        for node in self.nodes.values():
            if node.team is not None and node.resource_type != "exposure":
                graph.add_node(node.team)
        for edge in self.edges:
            up, down = self.nodes[edge.upstream], self.nodes[edge.downstream]
            if down.resource_type not in BUILDABLE:
                continue
            if up.team is None or down.team is None or up.team == down.team:
                continue
            if graph.has_edge(up.team, down.team):
                data = graph.edges[up.team, down.team]
                data["edges"].append(edge)
                data["hard_coded"] = data["hard_coded"] or edge.hard_coded
            else:
                graph.add_edge(up.team, down.team, edges=[edge], hard_coded=edge.hard_coded)
        return graph

    # ---- lookups -----------------------------------------------------------------------
    def node(self, unique_id: str) -> GraphNode:
        return self.nodes[unique_id]

    def resolve(self, name: str) -> str:
        """The unique id of `name`: a unique id, a model/seed/snapshot/exposure name, or
        `source_name.table`; a `UserError` naming what exists otherwise."""
        if name in self.nodes:
            return name
        found = self.labels.get(name.lower())
        if found is not None:
            return found
        close = sorted(label for label in self.labels if name.lower() in label)[:5]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UserError(f"no model, source, seed, snapshot or exposure named `{name}`{hint}")

    def team_of(self, unique_id: str | None) -> str | None:
        node = self.nodes.get(unique_id or "")
        return node.team if node is not None else None

    def upstream(self, unique_id: str) -> Iterator[str]:
        yield from self.digraph.predecessors(unique_id)

    def downstream(self, unique_id: str) -> Iterator[str]:
        yield from self.digraph.successors(unique_id)

    def ancestors(self, unique_id: str) -> frozenset[str]:
        import networkx as nx

        return frozenset(nx.ancestors(self.digraph, unique_id))

    def descendants(self, unique_id: str) -> frozenset[str]:
        import networkx as nx

        return frozenset(nx.descendants(self.digraph, unique_id))

    def exposures_reached(self, unique_ids: set[str] | frozenset[str]) -> tuple[str, ...]:
        """The exposures depending, directly or not, on any of `unique_ids`."""
        reached: set[str] = set()
        for unique_id in unique_ids:
            if unique_id not in self.digraph:
                continue
            for other in (unique_id, *self.descendants(unique_id)):
                if self.nodes[other].resource_type == "exposure":
                    reached.add(other)
        return tuple(sorted(reached))

    def edges_between(self, upstream: str, downstream: str) -> tuple[Edge, ...]:
        if not self.digraph.has_edge(upstream, downstream):
            return ()
        return tuple(self.digraph.edges[upstream, downstream]["edges"])

    def topological_order(self) -> tuple[str, ...]:
        """Every node, producers first (ties by id); cycles are broken where they close."""
        import networkx as nx

        graph = self.digraph
        if not nx.is_directed_acyclic_graph(graph):
            graph = graph.copy()
            for cycle in self.cycles():
                if cycle.kind == "model" and graph.has_edge(*cycle.path[-2:]):
                    graph.remove_edge(*cycle.path[-2:])
            while not nx.is_directed_acyclic_graph(graph):
                graph.remove_edge(*nx.find_cycle(graph)[-1][:2])
        return tuple(nx.lexicographical_topological_sort(graph))

    # ---- cycles and order ------------------------------------------------------------
    def cycles(self) -> tuple[Cycle, ...]:
        from steward.graph.cycles import find_cycles

        return find_cycles(self)

    def team_order(self) -> tuple[str, ...]:
        from steward.graph.cycles import team_order

        return team_order(self)
