"""The brief's incident, replayed on a copy of the demo platform in a temporary git
repository: the Dutch bronze ingestion renames a register column (and its bronze
consumers follow), silver does not, and the Luxembourg regulator's dashboard breaks.
(`steward impact` itself is tested on fixture projects in test_impact.py.)
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml

from steward.cli.main import main
from tests.fixture_projects import copy_reference
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


@pytest.fixture
def incident(tmp_path: Path) -> Path:
    """A copy of the demo platform, committed; then bronze renames `register_t1_kwh` to
    `register_low_kwh`, and silver still reads it."""
    root = copy_reference(tmp_path / "platform", PROJECT_PARTS)
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


def test_incident_names_the_dashboards_label_url_and_contact_apart_from_the_teams(
    incident: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(incident, capsys, "--base", "HEAD~")
    assert code == 0
    lines = out.splitlines()
    teams = lines[lines.index("### Breaking for teams") : lines.index("### Breaking for exposures")]
    assert any(
        line.startswith("| `regulatory_reporting` (Regulatory reporting) |") for line in teams
    )
    assert not any("lu_regulator_dashboard" in line for line in teams)
    dashboard = next(line for line in lines if line.startswith("| `lu_regulator_dashboard` |"))
    assert dashboard.startswith(
        "| `lu_regulator_dashboard` | [Luxembourg regulator dashboard (ILR)]"
        "(https://bi.gridunion.example/dashboards/lu-regulator) | dashboard | "
        "regulatory_reporting | regulatory@gridunion.example |"
    )
    code, out, _ = run(incident, capsys, "--base", "HEAD~", "--format", "json")
    exposures = {e["name"]: e for e in json.loads(out)["breaking_for"]["exposures"]}
    assert exposures["lu_regulator_dashboard"]["label"] == "Luxembourg regulator dashboard (ILR)"
    assert exposures["lu_regulator_dashboard"]["url"] == (
        "https://bi.gridunion.example/dashboards/lu-regulator"
    )


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


def test_the_pull_request_workflow_stops_the_incident(
    incident: Path, project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The impact step of .github/workflows/impact.yml, run as CI would run it (the base
    branch is the commit before the rename), exits 1 naming the dashboard, its team and
    the team's contact; its markdown is what the job summary shows."""
    workflow = yaml.safe_load((project_dir / ".github/workflows/impact.yml").read_text())
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    steps = workflow["jobs"]["impact"]["steps"]
    step = next(s for s in steps if "steward impact" in s.get("run", ""))
    argv = shlex.split(step["run"].replace("origin/${{ github.base_ref }}", "HEAD~"))
    assert argv[:2] == ["steward", "impact"] and "--fail-on" in argv
    output = incident / "impact.md"
    argv = [str(output) if a == "impact.md" else a for a in argv]
    assert main([*argv[1:], "--project-dir", str(incident)]) == 1
    report = output.read_text(encoding="utf-8")
    assert "lu_regulator_dashboard" in report
    assert "regulatory_reporting" in report or "Regulatory reporting" in report
    assert DEMO_INCIDENT.contact in report
    summary = next(s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary.get("if") == "always()" and "impact.md" in summary["run"]
