"""The dependency graph of a dbt project: models, seeds, snapshots, sources and exposures,
with edges from `ref()`, `source()`, hard-coded relation names and exposures; the team
graph aggregated from it; cycles (DEP001) and the team build order."""

from __future__ import annotations

from steward.graph.build import build_graph, exposure_id
from steward.graph.cycles import describe, find_cycles, model_cycles, team_cycles, team_order
from steward.graph.model import BUILDABLE, Cycle, DependencyGraph, Edge, GraphNode

__all__ = [
    "BUILDABLE",
    "Cycle",
    "DependencyGraph",
    "Edge",
    "GraphNode",
    "build_graph",
    "describe",
    "exposure_id",
    "find_cycles",
    "model_cycles",
    "team_cycles",
    "team_order",
]
