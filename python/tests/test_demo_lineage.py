"""Column lineage of the demo platform: every model resolves, and the Luxembourg dashboard
traces back to the Dutch registers. (How steward derives project lineage is tested on
fixture projects in test_lineage_project.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.cli.main import main
from steward.lineage import (
    DOWNSTREAM,
    UPSTREAM,
    WHOLE,
    ColumnRef,
    ProjectLineage,
    project_lineage,
    trace,
)
from steward.project import load_project
from steward.render import render_project

from .test_lineage_project import ref as column_ref

M = "model.gridunion."


def ref(name: str) -> ColumnRef:
    return column_ref(name, M)


@pytest.fixture(scope="module")
def demo(project_dir: Path) -> ProjectLineage:
    return project_lineage(render_project(load_project(project_dir)))


def test_every_model_of_the_demo_has_lineage(demo: ProjectLineage) -> None:
    models = [u for u in demo.models if u.startswith("model.")]
    assert len(models) == 29
    for unique_id in models:
        model = demo.models[unique_id]
        assert model.columns, unique_id
        assert model.missing == (), unique_id
    # the master-data CSVs are parsed into a struct whose fields sqlglot can't see: the
    # lineage says so, and the silver models reading them still resolve their columns
    assert not demo.models[M + "bronze_platform__meters"].complete
    meters = demo.models[M + "silver_platform__meters"]
    assert meters.complete
    assert meters.column("region_id").sources == (ref("bronze_platform__meters.region_id"),)


def test_lu_dashboard_kwh_per_meter_upstream_reaches_the_dutch_registers(
    demo: ProjectLineage,
) -> None:
    found = trace(demo, [ref("gold_regulatory_reporting__lu_dashboard.kwh_per_meter")], UPSTREAM)
    refs = set(found.refs)
    for expected in (
        "silver_platform__readings.kwh",
        "silver_platform__readings.meter_id",
        "silver_dutchgrid__readings.kwh",
        "silver_dutchgrid__register_readings.register_t1_kwh",
        "silver_dutchgrid__register_readings.register_t2_kwh",
        "bronze_dutchgrid__nl_readings.register_t1_kwh",
        "bronze_dutchgrid__nl_readings_parsed.register_t2_kwh",
        "bronze_platform__lu_readings.kwh",
        "silver_electra__readings.kwh",
    ):
        assert ref(expected) in refs, expected
    assert ColumnRef("source.gridunion.landing_dutchgrid.nl_readings", "value") in refs
    assert ColumnRef("source.gridunion.landing_platform.lu_readings", "kwh") in refs
    nl = demo.column(ref("silver_dutchgrid__readings.kwh"))
    assert nl is not None and nl.transform == "window"  # lag() over the registers
    assert set(nl.sources) == {
        ref("silver_dutchgrid__register_readings.register_t1_kwh"),
        ref("silver_dutchgrid__register_readings.register_t2_kwh"),
    }
    column = demo.column(ref("gold_regulatory_reporting__lu_dashboard.kwh_per_meter"))
    assert column is not None
    # the type its contract declares (the generated yml), else the SQL's cast
    assert column.transform == "aggregate"
    assert (column.data_type or "").replace(" ", "") == "decimal(18,6)"


def test_downstream_of_a_dutch_register_reaches_the_lu_dashboard(demo: ProjectLineage) -> None:
    found = trace(demo, [ref("bronze_dutchgrid__nl_readings.register_t1_kwh")], DOWNSTREAM)
    refs = set(found.refs)
    assert ref("gold_regulatory_reporting__lu_dashboard.kwh_per_meter") in refs
    assert ColumnRef("exposure.gridunion.lu_regulator_dashboard", WHOLE) in refs
    assert ref("gold_regulatory_reporting__lu_dashboard.region_name") not in refs


def test_join_keys_are_uses_and_reach_consumers_that_select_nothing_from_them(
    demo: ProjectLineage,
) -> None:
    uses = {
        (u.ref, u.kind) for u in demo.models[M + "gold_regulatory_reporting__lu_dashboard"].uses
    }
    assert (ref("silver_platform__meters.meter_id"), "join") in uses
    assert (ref("silver_platform__readings.country"), "filter") in uses
    assert (ref("silver_platform__regions.region_id"), "join") in uses
    found = trace(demo, [ref("silver_platform__meters.meter_id")], DOWNSTREAM)
    edges = {(e.target.node, e.kind) for e in found.edges}
    assert (M + "gold_regulatory_reporting__lu_dashboard", "join") in edges
    assert ("exposure.gridunion.lu_regulator_dashboard", "exposure") in edges


def test_upstream_of_the_lu_regulator_dashboard(
    demo: ProjectLineage, project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dashboard = ColumnRef("exposure.gridunion.lu_regulator_dashboard", WHOLE)
    refs = set(trace(demo, [dashboard], UPSTREAM).refs)
    for model in (
        "gold_regulatory_reporting__lu_dashboard",
        "gold_regulatory_reporting__country_kpis",
        "silver_platform__readings",
        "silver_dutchgrid__register_readings",
    ):
        assert ColumnRef(M + model, WHOLE) in refs, model
    assert ColumnRef("source.gridunion.landing_dutchgrid.nl_readings", WHOLE) in refs
    assert (
        main(["lineage", "lu_regulator_dashboard", "--upstream", "--project-dir", str(project_dir)])
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith(
        "lu_regulator_dashboard  [exposure: dashboard · regulatory_reporting · Luxembourg "
        "regulator dashboard (ILR) <https://bi.gridunion.example/dashboards/lu-regulator>]\n"
    ), out
    assert "├── gold_regulatory_reporting__country_kpis  [regulatory_reporting" in out
    assert "landing_dutchgrid.nl_readings" in out
