"""The discovery site's data model (Spark-free): what each page shows, from the project,
its graph and lineage, a manifest and a run history the test writes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from steward.docs.health import FAIL, NO_DATA, PASS
from steward.docs.inputs import read_inputs
from steward.docs.model import NodePage, Site
from steward.docs.site import analyse, site_context, site_model
from steward.lineage import UPSTREAM, ColumnRef, trace
from steward.project import load_project
from steward.project.namespaces import namespace
from steward.teambuild.history import NodeState

from .fixture_projects import copy_reference
from .test_docs_helpers import (
    KEY_TEST,
    NOW,
    PRODUCT,
    PRODUCT_ID,
    TARIFFS_ID,
    history_folder,
    platform_history,
    write_history,
    write_manifest,
)


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_reference(tmp_path_factory.mktemp("docs") / "project")
    write_manifest(project)
    platform_history(history_folder(project))
    return project


@pytest.fixture(scope="module")
def analysed(project_copy: Path):  # type: ignore[no-untyped-def]
    project = load_project(project_copy)
    return project, analyse(project)


def _site(project_copy: Path, analysed, history: Path | None = None, now=NOW) -> Site:  # type: ignore[no-untyped-def]
    project, parts = analysed
    inputs = read_inputs(project.root, history or history_folder(project_copy))
    return site_model(site_context(project, inputs, now, None, parts))


@pytest.fixture(scope="module")
def site(project_copy: Path, analysed) -> Site:  # type: ignore[no-untyped-def]
    return _site(project_copy, analysed)


def _page(site: Site, name: str) -> NodePage:
    return next(p for p in site.nodes if p.name == name)


def test_every_model_source_and_exposure_has_a_page(site: Site, analysed) -> None:  # type: ignore[no-untyped-def]
    project, (_, graph, _) = analysed
    assert {p.unique_id for p in site.nodes} == {
        uid for uid, n in graph.nodes.items() if n.resource_type in ("model", "source")
    }
    assert {e.name for e in site.exposures} == {e.name for e in project.exposures}
    assert {t.owner.team for t in site.teams} == set(project.registry.team_ids)
    assert {r.id for r in site.rules} >= {"WRT001", "CON001", "SQL001"}


def test_product_page_names_owner_usage_and_contract(site: Site, analysed) -> None:  # type: ignore[no-untyped-def]
    project, (rendered, _, _) = analysed
    page = _page(site, PRODUCT)
    team = project.registry.team("platform")
    assert page.product and page.access == "public"
    assert (page.owner.contact, page.owner.channel) == (team.contact, team.channel)
    assert page.usage.ref == "{{ ref('silver_platform__readings') }}"
    relations = dict(page.usage.relations)
    assert relations["prod"] == rendered.nodes[PRODUCT_ID].relation_name
    for env in ("dev", "staging"):
        assert relations[env] == f"{namespace('silver', 'platform', env)}.readings"
    partition = rendered.nodes[PRODUCT_ID].config["partition_by"][0]
    assert page.usage.partition_column == partition
    assert f"where {partition} >=" in page.usage.query
    contract = next(c for c in project.contracts if c.model == PRODUCT)
    assert page.contract.path == contract.path
    assert page.contract.sla == contract.sla
    assert page.contract.primary_key == contract.primary_key


def test_columns_carry_types_descriptions_tests_and_constraints(site: Site, analysed) -> None:  # type: ignore[no-untyped-def]
    project, _ = analysed
    page = _page(site, PRODUCT)
    contract = next(c for c in project.contracts if c.model == PRODUCT)
    columns = {c.name: c for c in page.columns}
    for promised in contract.columns:
        shown = columns[promised.name]
        assert shown.data_type == promised.physical_type
        assert shown.description == promised.description
    assert "not null" in columns["meter_id"].constraints
    assert "primary key" in columns["meter_id"].constraints
    # a check constraint shows what it checks, its column names as written
    assert (
        "check: quality_flag in ('measured', 'gap_spanned')" in columns["quality_flag"].constraints
    )
    assert [t.status for t in columns["interval_start_utc"].tests] == [PASS]


def test_consumers_are_derived_from_the_graph(site: Site, analysed) -> None:  # type: ignore[no-untyped-def]
    _, (_, graph, _) = analysed
    page = _page(site, PRODUCT)
    readers = {graph.nodes[d] for d in graph.downstream(PRODUCT_ID)}
    assert {m.link.label for m in page.consumers.models} == {
        n.name for n in readers if n.resource_type == "model"
    }
    assert {t.label for t in page.consumers.teams} == {n.team for n in readers if n.team}
    exposures = graph.exposures_reached({PRODUCT_ID})
    assert {e.label for e in page.consumers.exposures} == {graph.nodes[e].name for e in exposures}
    assert page.graph.downstream_total == len(graph.descendants(PRODUCT_ID))
    assert page.graph.upstream_total == len(graph.ancestors(PRODUCT_ID))
    assert {link.label for link in page.upstream} == {
        graph.nodes[u].label for u in graph.upstream(PRODUCT_ID)
    }


def test_column_lineage_has_upstream_and_used_columns(site: Site, analysed) -> None:  # type: ignore[no-untyped-def]
    _, (_, graph, lineage) = analysed
    page = _page(site, PRODUCT)
    shown = page.column_lineage["kwh"]
    expected = trace(lineage, [ColumnRef(PRODUCT_ID, "kwh")], UPSTREAM)
    labels = {f"{graph.nodes[r.node].label}.{r.column}" for r in expected.refs}
    assert set(shown.upstream) == labels - {f"{PRODUCT}.kwh"}
    used = {
        f"{graph.nodes[u.ref.node].label}.{u.ref.column}"
        for node in expected.nodes
        for u in lineage.models[node].uses
    }
    assert used and set(shown.used) <= used
    labels = {i.id: i.label for i in page.column_graph.nodes}
    roots = [labels[i] for i, role in shown.roles.items() if role == "root"]
    assert roots == [f"{PRODUCT}.kwh"]
    columns = {i.id: i.x for i in page.column_graph.nodes}
    for edge in page.column_graph.edges:  # upstream is drawn left of what it feeds
        if edge.kind == "projection":
            assert columns[edge.source] < columns[edge.target]


def test_health_from_the_run_history(site: Site) -> None:
    readings = _page(site, PRODUCT).health
    assert readings.status == PASS
    assert readings.build_age_hours == 3
    assert {t.status for t in readings.tests} == {PASS}
    tariffs = next(p for p in site.nodes if p.unique_id == TARIFFS_ID).health
    assert tariffs.status == FAIL
    assert "unique_silver_platform__tariffs_tariff_id" in tariffs.reason
    other = _page(site, "gold_commercial_analytics__daily_consumption").health
    assert other.status == NO_DATA
    platform = next(t for t in site.teams if t.owner.team == "platform")
    assert platform.health.failing == 1
    assert [f.label for f in platform.failing] == ["silver_platform__tariffs"]


def test_an_old_build_fails_its_sla(project_copy: Path, analysed) -> None:  # type: ignore[no-untyped-def]
    later = _site(project_copy, analysed, now=NOW + timedelta(days=3))
    health = _page(later, PRODUCT).health
    assert health.status == FAIL
    assert f"{health.max_build_age_hours:g} h" in health.reason


def test_a_broken_history_file_is_a_problem_and_no_data(
    project_copy: Path,
    analysed,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    folder = tmp_path / "runs"
    write_history(folder, "electra", [NodeState(KEY_TEST, "pass", NOW)])
    (folder / "platform.json").write_text('{"team": "platform", "nodes": {', encoding="utf-8")
    site = _site(project_copy, analysed, history=folder)
    problem = next(p for p in site.problems if p.topic == "history")
    assert problem.subject == "platform" and problem.path.endswith("platform.json")
    health = _page(site, PRODUCT).health
    assert health.status == NO_DATA
    assert "cannot be read" in health.reason
    assert any("platform.json" in note for note in _page(site, PRODUCT).notes)


def test_without_history_everything_says_no_data_yet(
    project_copy: Path,
    analysed,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    site = _site(project_copy, analysed, history=tmp_path / "none")
    assert {p.health.status for p in site.nodes if p.health} == {NO_DATA}
    assert not site.problems
    assert all(t.cost.startswith("no data yet") for t in site.teams)


def test_platform_page_has_the_team_graph_and_build_order(site: Site, analysed) -> None:  # type: ignore[no-untyped-def]
    _, (_, graph, _) = analysed
    platform = site.platform
    assert [t.label for t in platform.build_order] == list(graph.team_order())
    x = {i.id: i.x for i in platform.team_graph.nodes}
    for producer, consumer in graph.team_graph.edges:
        assert x[producer] < x[consumer]
    assert len(platform.standings) == len(site.teams)


def test_team_pages_say_what_a_team_reads_and_who_reads_it(site: Site) -> None:
    billing = next(t for t in site.teams if t.owner.team == "commercial_analytics")
    assert "platform" in {r.team.label for r in billing.reads_from}
    platform = next(t for t in site.teams if t.owner.team == "platform")
    assert "commercial_analytics" in {r.team.label for r in platform.read_by}
    assert PRODUCT in {p.label for p in platform.products}
    assert platform.members == ("anna.keller", "jonas.weber")
    assert platform.service_user == "svc_platform"


def test_exposure_pages_reach_their_products(site: Site, analysed) -> None:  # type: ignore[no-untyped-def]
    _, (_, graph, _) = analysed
    dashboard = next(e for e in site.exposures if e.name == "lu_regulator_dashboard")
    assert dashboard.owner.team == "regulatory_reporting"
    assert PRODUCT in {p.label for p in dashboard.products}
    assert dashboard.graph.upstream_total == len(
        graph.ancestors("exposure.gridunion.lu_regulator_dashboard")
    )


def test_without_a_manifest_tests_come_from_the_contract(tmp_path: Path) -> None:
    project = load_project(copy_reference(tmp_path / "project"))
    (project.root / "target").mkdir(exist_ok=True)
    (project.root / "target" / "manifest.json").write_text("{not json", encoding="utf-8")
    inputs = read_inputs(project.root, tmp_path / "none")
    assert [p.topic for p in inputs.problems] == ["manifest"]
    assert "target/manifest.json" in str(inputs.problems[0])
    site = site_model(site_context(project, inputs, NOW))
    page = _page(site, PRODUCT)
    contract = next(c for c in project.contracts if c.model == PRODUCT)
    freshness = contract.freshness
    tested = {c.name for c in page.columns if c.tests}
    assert freshness is not None and freshness.column in tested
    assert any("target/manifest.json" in note for note in page.notes)
