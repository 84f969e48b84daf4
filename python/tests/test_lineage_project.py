"""Column lineage across a project: the reference platform end to end, degradation to
model-level edges, and `steward lineage`."""

from __future__ import annotations

import json
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
from tests.rulecases import write_project

REFERENCE = Path(__file__).resolve().parents[2]
M = "model.gridunion."


def ref(name: str) -> ColumnRef:
    node, column = name.rsplit(".", 1)
    return ColumnRef(node if node.startswith("source.") else M + node, column)


@pytest.fixture(scope="module")
def reference() -> ProjectLineage:
    return project_lineage(render_project(load_project(REFERENCE)))


def test_every_model_of_the_reference_has_lineage(reference: ProjectLineage) -> None:
    models = [u for u in reference.models if u.startswith("model.")]
    assert len(models) == 29
    for unique_id in models:
        model = reference.models[unique_id]
        assert model.columns, unique_id
        assert model.missing == (), unique_id
    # the master-data CSVs are parsed into a struct whose fields sqlglot can't see: the
    # lineage says so, and the silver models reading them still resolve their columns
    assert not reference.models[M + "bronze_platform__meters"].complete
    meters = reference.models[M + "silver_platform__meters"]
    assert meters.complete
    assert meters.column("region_id").sources == (ref("bronze_platform__meters.region_id"),)


def test_lu_dashboard_kwh_per_meter_upstream_reaches_the_dutch_registers(
    reference: ProjectLineage,
) -> None:
    found = trace(
        reference, [ref("gold_regulatory_reporting__lu_dashboard.kwh_per_meter")], UPSTREAM
    )
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
    nl = reference.column(ref("silver_dutchgrid__readings.kwh"))
    assert nl is not None and nl.transform == "window"  # lag() over the registers
    assert set(nl.sources) == {
        ref("silver_dutchgrid__register_readings.register_t1_kwh"),
        ref("silver_dutchgrid__register_readings.register_t2_kwh"),
    }
    column = reference.column(ref("gold_regulatory_reporting__lu_dashboard.kwh_per_meter"))
    assert column is not None
    # the type its contract declares (the generated yml), else the SQL's cast
    assert column.transform == "aggregate"
    assert (column.data_type or "").replace(" ", "") == "decimal(18,6)"


def test_downstream_of_a_dutch_register_reaches_the_lu_dashboard(reference: ProjectLineage) -> None:
    found = trace(reference, [ref("bronze_dutchgrid__nl_readings.register_t1_kwh")], DOWNSTREAM)
    refs = set(found.refs)
    assert ref("gold_regulatory_reporting__lu_dashboard.kwh_per_meter") in refs
    assert ColumnRef("exposure.gridunion.lu_regulator_dashboard", WHOLE) in refs
    assert ref("gold_regulatory_reporting__lu_dashboard.region_name") not in refs


def test_join_keys_are_uses_and_reach_consumers_that_select_nothing_from_them(
    reference: ProjectLineage,
) -> None:
    uses = {
        (u.ref, u.kind)
        for u in reference.models[M + "gold_regulatory_reporting__lu_dashboard"].uses
    }
    assert (ref("silver_platform__meters.meter_id"), "join") in uses
    assert (ref("silver_platform__readings.country"), "filter") in uses
    assert (ref("silver_platform__regions.region_id"), "join") in uses
    found = trace(reference, [ref("silver_platform__meters.meter_id")], DOWNSTREAM)
    edges = {(e.target.node, e.kind) for e in found.edges}
    assert (M + "gold_regulatory_reporting__lu_dashboard", "join") in edges
    assert ("exposure.gridunion.lu_regulator_dashboard", "exposure") in edges


def test_what_cannot_be_analysed_degrades_to_model_level_edges(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "models/silver/platform/silver_platform__odd.sql": "select a, from {{ ref('bronze_platform__readings') }} where\n",
            "models/silver/platform/silver_platform__py.py": "def model(dbt, session):\n    return dbt.ref('bronze_platform__readings')\n",
            "models/silver/platform/_models.yml": (
                "version: 2\nmodels:\n  - name: silver_platform__readings\n"
                "    config: {access: public}\n  - name: silver_platform__odd\n"
                "    columns: [{name: a}]\n"
            ),
        },
    )
    lineage = project_lineage(render_project(load_project(tmp_path)))
    bronze = ColumnRef("model.case.bronze_platform__readings", WHOLE)
    odd = lineage.models["model.case.silver_platform__odd"]
    assert not odd.analysed and not odd.complete
    assert odd.column("a") is not None and odd.column("a").sources == (bronze,)
    assert "model-level lineage only" in odd.problems[0]
    python = lineage.models["model.case.silver_platform__py"]
    assert python.column(WHOLE).sources == (bronze,)
    assert "Python model" in python.problems[0]
    # and the trace still goes through them
    found = trace(lineage, [ColumnRef("model.case.silver_platform__odd", "a")], UPSTREAM)
    assert bronze in found.refs


def test_a_column_read_from_a_producer_that_lacks_it_is_missing(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "models/silver/platform/silver_platform__readings.sql": 'select meter_id, kwh from {{ ref("bronze_platform__readings") }}\n',
            "models/gold/commercial_analytics/gold_commercial_analytics__consumption.sql": 'select meter_id, kwh_total from {{ ref("silver_platform__readings") }}\n',
        },
    )
    lineage = project_lineage(render_project(load_project(tmp_path)))
    gold = lineage.models["model.case.gold_commercial_analytics__consumption"]
    assert gold.missing == (ColumnRef("model.case.silver_platform__readings", "kwh_total"),)


# ---- the command ---------------------------------------------------------------------------
def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["lineage", *argv, "--project-dir", str(REFERENCE)])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_lineage_upstream_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        ["gold_regulatory_reporting__lu_dashboard.kwh_per_meter", "--upstream"], capsys
    )
    assert code == 0
    assert out.startswith("gold_regulatory_reporting__lu_dashboard.kwh_per_meter  [")
    assert "silver_dutchgrid__register_readings.register_t1_kwh" in out
    assert "landing_dutchgrid.nl_readings.value" in out


@pytest.mark.parametrize("fmt", ["json", "mermaid", "dot"])
def test_cli_lineage_formats(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["silver_platform__readings.kwh", "--downstream", "--format", fmt], capsys)
    assert code == 0
    if fmt == "json":
        document = json.loads(out)
        assert document["direction"] == "downstream"
        assert "exposure.gridunion.lu_regulator_dashboard" in {n["id"] for n in document["nodes"]}
    else:
        assert "gold_regulatory_reporting__lu_dashboard.kwh_per_meter" in out


def test_cli_lineage_model_view(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["gold_regulatory_reporting__lu_dashboard"], capsys)
    assert code == 0
    assert "kwh_per_meter" in out and "join      silver_platform__meters.meter_id" in out
    code, out, _ = _run(["landing_dutchgrid.nl_readings.value", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["column"] == "value"


@pytest.mark.parametrize(
    "target",
    ["no_such_model", "gold_regulatory_reporting__lu_dashboard.nope", "lu_regulator_dashboard.kwh"],
)
def test_cli_lineage_bad_target_exits_2_with_one_line(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run([target], capsys)
    assert code == 2 and out == ""
    assert err.startswith("steward: error: ") and err.count("\n") == 1
