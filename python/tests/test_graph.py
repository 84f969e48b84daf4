"""`steward.graph`: nodes, edges (ref, source, hard-coded, exposure), teams, cycles, order
(on fixtures/gridlite and rule-case projects; the demo's own graph: test_demo_graph.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.errors import UserError
from steward.graph import DependencyGraph, build_graph, describe
from steward.graph.writers import NODE_WRITERS, TEAM_WRITERS
from steward.lint import lint
from steward.project import load_project
from steward.render import render_project
from tests.rulecases import write_project

GRIDLITE = Path(__file__).parent / "fixtures" / "gridlite"
M = "model.gridlite."
DASHBOARD = "exposure.gridlite.billing_dashboard"

# team electra reads platform by ref(); platform reads electra back by a hard-coded name
CROSS_TEAM_CYCLE = {
    "models/silver/electra/silver_electra__mix.sql": 'select * from {{ ref("silver_platform__readings") }}\n',
    "models/silver/platform/silver_platform__fr.sql": "select *\nfrom silver_electra.mix\n",
    "models/silver/electra/_models.yml": (
        "version: 2\nmodels:\n"
        "  - name: silver_electra__readings\n    config: {access: public}\n"
        "  - name: silver_electra__mix\n    config: {access: public}\n"
    ),
}


@pytest.fixture(scope="module")
def gridlite() -> DependencyGraph:
    return build_graph(render_project(load_project(GRIDLITE)))


def _graph(folder: Path, files: dict[str, str | None]) -> DependencyGraph:
    return build_graph(render_project(load_project(write_project(folder, files))))


def test_nodes_teams_and_access(gridlite: DependencyGraph) -> None:
    kinds = {n.resource_type for n in gridlite.nodes.values()}
    assert kinds == {"model", "seed", "snapshot", "source", "exposure"}
    silver = gridlite.nodes[M + "silver_platform__readings"]
    assert (silver.team, silver.layer, silver.access) == ("platform", "silver", "public")
    bronze = gridlite.nodes[M + "bronze_platform__readings"]
    assert (bronze.team, bronze.layer, bronze.access) == ("platform", "bronze", "private")
    source = gridlite.nodes["source.gridlite.landing_platform.de_readings"]
    assert source.team == "platform"
    assert source.relation == "landing_platform.de_readings"
    exposure = gridlite.nodes[DASHBOARD]
    assert exposure.team == "commercial_analytics"
    assert gridlite.problems == ()


def test_edges(gridlite: DependencyGraph) -> None:
    kinds = {e.kind for e in gridlite.edges}
    assert kinds == {"ref", "source", "exposure"}  # gridlite names nothing by hand
    assert set(gridlite.upstream(DASHBOARD)) == {M + "gold_commercial_analytics__daily_consumption"}
    assert gridlite.exposures_reached({M + "bronze_platform__readings"}) == (DASHBOARD,)
    assert gridlite.exposures_reached({M + "silver_platform__meters"}) == (DASHBOARD,)


def test_team_graph_and_order(gridlite: DependencyGraph) -> None:
    assert set(gridlite.team_graph.edges) == {("platform", "commercial_analytics")}
    # producers first; teams free to go at the same time go by name
    assert gridlite.team_order() == ("electra", "platform", "commercial_analytics")
    assert gridlite.cycles() == ()


def test_resolve_names(gridlite: DependencyGraph) -> None:
    assert gridlite.resolve("silver_platform__readings") == M + "silver_platform__readings"
    assert gridlite.resolve("landing_platform.de_readings") == (
        "source.gridlite.landing_platform.de_readings"
    )
    assert gridlite.resolve("billing_dashboard") == DASHBOARD
    with pytest.raises(UserError, match="did you mean"):
        gridlite.resolve("silver_platform__reading")


def test_hard_coded_reference_is_an_edge_marked_as_such(tmp_path: Path) -> None:
    graph = _graph(
        tmp_path,
        {
            "models/gold/commercial_analytics/gold_commercial_analytics__consumption.sql": "select *\nfrom silver_platform.readings\n",
        },
    )
    (edge,) = graph.edges_between(
        "model.case.silver_platform__readings", "model.case.gold_commercial_analytics__consumption"
    )
    assert edge.hard_coded and edge.relation == "silver_platform.readings"
    assert edge.position is not None and edge.position.line == 2


def test_cross_team_cycle_through_a_hard_coded_reference(tmp_path: Path) -> None:
    graph = _graph(tmp_path, CROSS_TEAM_CYCLE)
    (cycle,) = [c for c in graph.cycles() if c.kind == "team"]
    assert cycle.path == ("electra", "platform", "electra")
    assert [e.hard_coded for e in cycle.edges] == [True, False]
    assert describe(graph, cycle) == (
        "electra -> platform (silver_electra__mix -> silver_platform__fr, hard-coded); "
        "platform -> electra (silver_platform__readings -> silver_electra__mix)"
    )
    with pytest.raises(UserError, match="cycle: electra -> platform"):
        graph.team_order()
    # the lint gate reports it with the path, where the cycle closes
    found = [f for f in lint(load_project(tmp_path)).findings if f.rule == "DEP001"]
    assert [(f.path, f.line) for f in found] == [
        ("models/silver/electra/silver_electra__mix.sql", 1)
    ]
    assert "teams form a cycle: electra -> platform" in found[0].message


def test_model_cycle_through_a_hard_coded_reference(tmp_path: Path) -> None:
    graph = _graph(
        tmp_path,
        {
            "models/silver/platform/silver_platform__meters.sql": 'select * from {{ ref("silver_platform__readings") }}\n',
            "models/silver/platform/silver_platform__readings.sql": 'select * from {{ ref("bronze_platform__readings") }}\n'
            "union all\nselect * from silver_platform.meters\n",
        },
    )
    (cycle,) = graph.cycles()
    assert cycle.kind == "model"
    assert describe(graph, cycle) == (
        "silver_platform__meters -> silver_platform__readings -> silver_platform__meters"
    )
    assert cycle.edges[0].hard_coded


@pytest.mark.parametrize("fmt", sorted(NODE_WRITERS))
def test_writers(gridlite: DependencyGraph, fmt: str) -> None:
    nodes, teams = NODE_WRITERS[fmt](gridlite), TEAM_WRITERS[fmt](gridlite)
    assert "silver_platform__readings" in nodes and "commercial_analytics" in teams
    if fmt == "json":
        document = json.loads(nodes)
        assert {"nodes", "edges", "cycles", "problems"} <= set(document)
        assert json.loads(teams)["teams"][0]["contact"]
    if fmt == "dot":
        assert nodes.startswith("digraph") and teams.rstrip().endswith("}")
    if fmt == "mermaid":
        assert nodes.startswith("flowchart LR")


def test_cli_graph(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--order", "--project-dir", str(GRIDLITE)]) == 0
    assert capsys.readouterr().out.splitlines()[:3] == [
        "1. electra",
        "2. platform",
        "3. commercial_analytics",
    ]
    assert main(["graph", "--teams", "--format", "json", "--project-dir", str(GRIDLITE)]) == 0
    assert json.loads(capsys.readouterr().out)["edges"]


def test_cli_graph_cycle_exits_1_and_order_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path, CROSS_TEAM_CYCLE)
    assert main(["graph", "--teams", "--project-dir", str(tmp_path)]) == 1
    assert "cycle: electra -> platform" in capsys.readouterr().out
    assert main(["graph", "--order", "--project-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DEP001" in err
    assert main(["graph", "--order", "--format", "dot", "--project-dir", str(tmp_path)]) == 2


@pytest.mark.parametrize("command", ["graph", "lineage", "impact"])
def test_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert f"usage: steward {command}" in capsys.readouterr().out


def test_impact_outside_git_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, {})
    assert main(["impact", "--base", "HEAD", "--project-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("steward: error: git ") and err.count("\n") == 1
