"""The demo platform's contracts: every public model has one, each is valid ODCS, the
generated yml is committed and current, and the types are those the SQL produces.
(How steward reads and generates contracts: test_contracts_load.py and
test_contracts_generate.py, on fixture projects.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from steward.cli.main import main
from steward.project import load_project

from .conftest import PROJECT_DIR
from .test_contracts_load import assert_round_trips, contract_facts

CONTRACTS = sorted((PROJECT_DIR / "contracts").rglob("*.yaml"))
PUBLIC = {
    "silver_platform__readings",
    "silver_platform__meters",
    "silver_platform__regions",
    "silver_platform__tariffs",
    "silver_electra__readings",
    "silver_dutchgrid__readings",
    "gold_commercial_analytics__daily_consumption",
    "gold_commercial_analytics__de_monthly_billing",
    "gold_ml_forecasting__hourly_region_load_features",
    "gold_regulatory_reporting__country_kpis",
    "gold_regulatory_reporting__lu_dashboard",
}


@pytest.mark.parametrize("path", CONTRACTS, ids=[p.stem for p in CONTRACTS])
def test_demo_contract_round_trips_through_the_odcs_package(path: Path) -> None:
    assert_round_trips(path, PROJECT_DIR)


def test_every_public_model_of_the_demo_has_a_contract(project_dir: Path) -> None:
    project = load_project(project_dir)
    assert project.contract_issues == ()
    assert {c.model for c in project.contracts} == PUBLIC
    public = {n.dbt_name for n in project.models if n.access == "public"}
    assert public == PUBLIC


def test_contract_types_match_what_the_sql_produces(project_dir: Path) -> None:
    """The Spark types of the contracts are what the models' SQL casts to (checked for
    real by dbt's contract enforcement in test_pipeline_spark.py)."""
    project = load_project(project_dir)
    readings = next(c for c in project.contracts if c.model == "silver_platform__readings")
    assert contract_facts(readings, "kwh", "interval_minutes") == (
        {"kwh": "decimal(18,6)", "interval_minutes": "int"},
        ("meter_id", "interval_start_utc"),
        2 * 1440,
        "arrival_date",
    )


def test_the_committed_generated_files_are_current(
    project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["contracts", "generate", "--check", "--project-dir", str(project_dir)]) == 0
    assert "11 generated file(s) up to date" in capsys.readouterr().out


def test_the_readings_are_read_by_three_teams_and_two_exposures(
    project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project_dir / "models/silver/platform/silver_platform__readings.contract.yml"
    [model] = yaml.safe_load(path.read_text(encoding="utf-8"))["models"]
    assert "consumers" not in model["config"]["meta"]  # computed, never committed
    capsys.readouterr()
    argv = ["contracts", "consumers", "silver_platform__readings", "--format", "json"]
    assert main([*argv, "--project-dir", str(project_dir)]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["teams"] == ["commercial_analytics", "ml_forecasting", "regulatory_reporting"]
    assert {e["name"] for e in found["exposures"]} == {
        "demand_forecast_training",
        "lu_regulator_dashboard",
    }
    team_yml = (project_dir / "models/silver/platform/_platform__models.yml").read_text()
    assert "silver_platform__readings" not in yaml.safe_load(team_yml)["models"].__repr__()
