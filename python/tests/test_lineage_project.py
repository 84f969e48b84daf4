"""Column lineage across a project: fixtures/gridlite end to end, degradation to model-level
edges, and `steward lineage`. (The demo platform's own lineage: test_demo_lineage.py.)"""

from __future__ import annotations

import json
import shutil
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

GRIDLITE = Path(__file__).parent / "fixtures" / "gridlite"
M = "model.gridlite."
SEED = "seed.gridlite.meter_regions"
SOURCE = "source.gridlite.landing_platform"
DASHBOARD = "exposure.gridlite.billing_dashboard"


def ref(name: str, models: str = M) -> ColumnRef:
    """`model.column` (a model of the project whose ids start with `models`), or
    `source.….column`."""
    node, column = name.rsplit(".", 1)
    return ColumnRef(node if node.startswith("source.") else models + node, column)


@pytest.fixture(scope="module")
def gridlite() -> ProjectLineage:
    return project_lineage(render_project(load_project(GRIDLITE)))


def test_every_model_has_lineage(gridlite: ProjectLineage) -> None:
    models = [u for u in gridlite.models if u.startswith("model.")]
    assert len(models) == len(load_project(GRIDLITE).models) == 4
    for unique_id in models:
        model = gridlite.models[unique_id]
        assert model.columns, unique_id
        assert model.missing == (), unique_id
    # a seed's columns come from its CSV: the model reading it resolves each one
    meters = gridlite.models[M + "silver_platform__meters"]
    assert meters.complete
    assert meters.column("region").sources == (ColumnRef(SEED, "region"),)


def test_upstream_of_a_gold_column_reaches_the_source_column(gridlite: ProjectLineage) -> None:
    found = trace(gridlite, [ref("gold_commercial_analytics__daily_consumption.kwh")], UPSTREAM)
    refs = set(found.refs)
    for expected in ("silver_platform__readings.kwh", "bronze_platform__readings.kwh"):
        assert ref(expected) in refs, expected
    assert ColumnRef(f"{SOURCE}.de_readings", "value_wh") in refs
    assert ref("silver_platform__readings.region") not in refs
    bronze = gridlite.column(ref("bronze_platform__readings.kwh"))
    assert bronze is not None and bronze.transform == "expression"  # a macro's arithmetic
    assert ColumnRef(f"{SOURCE}.de_readings", "value_wh") in bronze.sources
    column = gridlite.column(ref("gold_commercial_analytics__daily_consumption.kwh"))
    assert column is not None and column.transform == "aggregate"


def test_downstream_of_a_source_column_reaches_the_exposure(gridlite: ProjectLineage) -> None:
    found = trace(gridlite, [ColumnRef(f"{SOURCE}.de_readings", "value_wh")], DOWNSTREAM)
    refs = set(found.refs)
    assert ref("gold_commercial_analytics__daily_consumption.kwh") in refs
    assert ColumnRef(DASHBOARD, WHOLE) in refs
    assert ref("gold_commercial_analytics__daily_consumption.region") not in refs


def test_join_keys_are_uses_and_reach_consumers_that_select_nothing_from_them(
    gridlite: ProjectLineage,
) -> None:
    uses = {(u.ref, u.kind) for u in gridlite.models[M + "silver_platform__readings"].uses}
    assert (ref("silver_platform__meters.meter_id"), "join") in uses
    assert (ref("bronze_platform__readings.read_at"), "filter") in uses
    assert (ref("bronze_platform__readings.meter_id"), "join") in uses
    found = trace(gridlite, [ref("silver_platform__meters.meter_id")], DOWNSTREAM)
    edges = {(e.target.node, e.kind) for e in found.edges}
    assert (M + "silver_platform__readings", "join") in edges
    assert (DASHBOARD, "exposure") in edges


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
    code = main(["lineage", *argv, "--project-dir", str(GRIDLITE)])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_lineage_upstream_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["gold_commercial_analytics__daily_consumption.kwh", "--upstream"], capsys)
    assert code == 0
    assert out.startswith("gold_commercial_analytics__daily_consumption.kwh  [")
    assert "bronze_platform__readings.kwh" in out
    assert "landing_platform.de_readings.value_wh" in out


@pytest.mark.parametrize("fmt", ["json", "mermaid", "dot"])
def test_cli_lineage_formats(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["silver_platform__readings.kwh", "--downstream", "--format", fmt], capsys)
    assert code == 0
    if fmt == "json":
        document = json.loads(out)
        assert document["direction"] == "downstream"
        assert DASHBOARD in {n["id"] for n in document["nodes"]}
    else:
        assert "gold_commercial_analytics__daily_consumption.kwh" in out


def test_cli_lineage_model_view(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["silver_platform__readings"], capsys)
    assert code == 0
    assert "kwh" in out and "join      silver_platform__meters.meter_id" in out
    code, out, _ = _run(["landing_platform.de_readings.value_wh", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["column"] == "value_wh"


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    """fixtures/gridlite with its dashboard's label and URL declared."""
    root = tmp_path / "gridlite"
    shutil.copytree(GRIDLITE, root)
    yml = next((root / "models/gold").rglob("*.yml"))
    text = yml.read_text(encoding="utf-8")
    assert "    type: dashboard\n" in text
    yml.write_text(
        text.replace(
            "    type: dashboard\n",
            "    type: dashboard\n    label: Billing dashboard\n"
            "    url: https://bi.example/billing\n",
        ),
        encoding="utf-8",
    )
    return root


def test_upstream_of_an_exposure_is_what_it_depends_on(gridlite: ProjectLineage) -> None:
    found = trace(gridlite, [ColumnRef(DASHBOARD, WHOLE)], UPSTREAM)
    gold = ColumnRef(M + "gold_commercial_analytics__daily_consumption", WHOLE)
    assert (gold, ColumnRef(DASHBOARD, WHOLE), "exposure") in {
        (e.source, e.target, e.kind) for e in found.edges
    }
    assert ColumnRef(f"{SOURCE}.de_readings", WHOLE) in found.refs
    one_step = trace(gridlite, [ColumnRef(DASHBOARD, WHOLE)], UPSTREAM, depth=1)
    assert set(one_step.refs) == {ColumnRef(DASHBOARD, WHOLE), gold}


def test_cli_lineage_shows_an_exposures_label_and_url(
    labelled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*argv: str) -> str:
        assert main(["lineage", *argv, "--project-dir", str(labelled)]) == 0
        return capsys.readouterr().out

    out = run("billing_dashboard", "--upstream")
    assert out.startswith(
        "billing_dashboard  [exposure: dashboard · commercial_analytics · Billing dashboard "
        "<https://bi.example/billing>]\n└── gold_commercial_analytics__daily_consumption  ["
    ), out
    assert "landing_platform.de_readings" in out and "exposures reached" not in out
    out = run("silver_platform__readings.kwh", "--downstream")
    assert (
        "exposures reached: billing_dashboard (Billing dashboard <https://bi.example/billing>)"
        in out
    )
    node = next(
        n
        for n in json.loads(
            run("silver_platform__readings.kwh", "--downstream", "--format", "json")
        )["nodes"]
        if n["id"] == DASHBOARD
    )
    assert (node["label"], node["url"]) == ("Billing dashboard", "https://bi.example/billing")
    out = run("silver_platform__readings.kwh", "--downstream", "--format", "mermaid")
    assert '"billing_dashboard<br/>Billing dashboard"' in out
    assert '"https://bi.example/billing" _blank' in out
    assert 'URL="https://bi.example/billing"' in run(
        "silver_platform__readings.kwh", "--downstream", "--format", "dot"
    )
    out = run("billing_dashboard")
    assert "  label: Billing dashboard\n  url: https://bi.example/billing\n" in out
    assert "  depends on: gold_commercial_analytics__daily_consumption" in out


@pytest.mark.parametrize(
    "target",
    [
        "no_such_model",
        "gold_commercial_analytics__daily_consumption.nope",
        "billing_dashboard.kwh",
    ],
)
def test_cli_lineage_bad_target_exits_2_with_one_line(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run([target], capsys)
    assert code == 2 and out == ""
    assert err.startswith("steward: error: ") and err.count("\n") == 1
