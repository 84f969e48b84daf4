"""The demo platform's dependency graph: its nodes, exposures, team graph and build order.
(How steward builds a graph is tested on fixture projects in test_graph.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.graph import DependencyGraph, build_graph
from steward.project import load_project
from steward.render import render_project


@pytest.fixture(scope="module")
def demo(project_dir: Path) -> DependencyGraph:
    return build_graph(render_project(load_project(project_dir)))


def test_demo_nodes_teams_and_access(demo: DependencyGraph) -> None:
    kinds = {n.resource_type for n in demo.nodes.values()}
    assert kinds == {"model", "source", "exposure"}
    silver = demo.nodes["model.gridunion.silver_dutchgrid__readings"]
    assert (silver.team, silver.layer, silver.access) == ("dutchgrid", "silver", "public")
    source = demo.nodes["source.gridunion.landing_dutchgrid.nl_readings"]
    assert source.team == "dutchgrid"
    assert source.relation == "landing_dutchgrid.nl_readings"
    exposure = demo.nodes["exposure.gridunion.lu_regulator_dashboard"]
    assert exposure.team == "regulatory_reporting"
    assert demo.problems == ()


def test_demo_edges(demo: DependencyGraph) -> None:
    kinds = {e.kind for e in demo.edges}
    assert kinds == {"ref", "source", "exposure"}  # the demo names nothing by hand
    assert set(demo.upstream("exposure.gridunion.lu_regulator_dashboard")) == {
        "model.gridunion.gold_regulatory_reporting__lu_dashboard",
        "model.gridunion.gold_regulatory_reporting__country_kpis",
    }
    reached = demo.exposures_reached({"model.gridunion.bronze_dutchgrid__nl_readings"})
    assert reached == (
        "exposure.gridunion.demand_forecast_training",
        "exposure.gridunion.lu_regulator_dashboard",
    )


def test_demo_team_graph_and_order(demo: DependencyGraph) -> None:
    assert set(demo.team_graph.edges) == {
        ("dutchgrid", "platform"),
        ("electra", "platform"),
        ("platform", "commercial_analytics"),
        ("platform", "regulatory_reporting"),
        ("platform", "ml_forecasting"),
    }
    assert demo.team_order() == (
        "dutchgrid",
        "electra",
        "platform",
        "commercial_analytics",
        "ml_forecasting",
        "regulatory_reporting",
    )
    assert demo.cycles() == ()
