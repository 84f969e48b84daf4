"""The brief's incident, replayed on a copy of the demo platform in a temporary git
repository: the Dutch bronze ingestion renames a register column (and its bronze
consumers follow), silver does not, and the Luxembourg regulator's dashboard breaks.
(`steward impact` itself is tested on fixture projects in test_impact.py.)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.test_impact import Incident, check_markdown, check_report, commit, git, replace_in, run

PROJECT_PARTS = ("dbt_project.yml", "packages.yml", "models", "macros", "platform", "tests")
BRONZE_NL = "models/bronze/dutchgrid"
LU_DASHBOARD = "gold_regulatory_reporting__lu_dashboard"
DEMO_INCIDENT = Incident(
    changed=frozenset({"bronze_dutchgrid__nl_readings_parsed", "bronze_dutchgrid__nl_readings"}),
    renamed=("bronze_dutchgrid__nl_readings", "register_t1_kwh", "register_low_kwh"),
    breaks=("dutchgrid", "silver_dutchgrid__register_readings", "register_t1_kwh"),
    team="regulatory_reporting",
    heading="(Regulatory reporting) — regulatory@gridunion.example · #regulatory-reporting",
    contact="regulatory@gridunion.example",
    exposure="exposure.gridunion.lu_regulator_dashboard",
    via=LU_DASHBOARD,
    reached=((LU_DASHBOARD, "kwh_per_meter"), (LU_DASHBOARD, "total_kwh")),
    unreached=(LU_DASHBOARD, "region_name"),
)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def incident(tmp_path: Path, project_dir: Path) -> Path:
    """A copy of the demo platform, committed; then bronze renames `register_t1_kwh` to
    `register_low_kwh`, and silver still reads it."""
    root = tmp_path / "platform"
    root.mkdir()
    for part in PROJECT_PARTS:
        source = project_dir / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        elif source.is_file():
            shutil.copy2(source, root / part)
    git(root, "init", "-q")
    commit(root, "the platform")
    for name in (
        "bronze_dutchgrid__nl_readings_parsed.sql",
        "bronze_dutchgrid__nl_readings.sql",
        "_dutchgrid__models.yml",
    ):
        replace_in(root / BRONZE_NL / name, "register_t1_kwh", "register_low_kwh")
    commit(root, "rename the low-tariff register")
    return root


def test_incident_names_the_lu_dashboard_and_regulatory_reporting(
    incident: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        incident, capsys, "--base", "HEAD~", "--format", "json", "--fail-on", "breaking"
    )
    assert code == 1
    check_report(json.loads(out), DEMO_INCIDENT)


def test_incident_markdown_for_the_pull_request(
    incident: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(incident, capsys, "--base", "HEAD~")
    assert code == 0  # without --fail-on the report is informational
    check_markdown(out, DEMO_INCIDENT)


def test_the_same_rename_followed_through_silver_is_not_breaking(
    incident: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    silver = incident / "models/silver/dutchgrid/silver_dutchgrid__register_readings.sql"
    replace_in(
        silver,
        "        register_t1_kwh,\n        register_t2_kwh,\n        _arrival_date",
        "        register_low_kwh as register_t1_kwh,\n        register_t2_kwh,\n"
        "        _arrival_date",
    )
    code, out, _ = run(incident, capsys, "--base", "HEAD~", "--fail-on", "breaking")
    assert code == 0, out
    assert "Breaking" not in out
