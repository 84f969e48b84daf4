"""`steward impact`: semantic comparison with a git revision, and what it reaches.

The brief's incident is replayed on a copy of the reference platform in a temporary git
repository: the Dutch bronze ingestion renames a register column (and its bronze
consumers follow), silver does not, and the Luxembourg regulator's dashboard breaks.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.impact import analyse, compare
from steward.project import load_project
from steward.render import render_project
from tests.rulecases import write_project

REFERENCE = Path(__file__).resolve().parents[2]
PROJECT_PARTS = ("dbt_project.yml", "packages.yml", "models", "macros", "platform", "tests")
BRONZE_NL = "models/bronze/dutchgrid"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=steward", "-c", "user.email=steward@example", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def platform_repo(tmp_path: Path) -> Path:
    """A copy of the reference platform, committed once."""
    root = tmp_path / "platform"
    root.mkdir()
    for part in PROJECT_PARTS:
        source = REFERENCE / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        elif source.is_file():
            shutil.copy2(source, root / part)
    git(root, "init", "-q")
    commit(root, "the platform")
    return root


@pytest.fixture
def incident(platform_repo: Path) -> Path:
    """Bronze renames `register_t1_kwh` to `register_low_kwh`; silver still reads it."""
    for name in (
        "bronze_dutchgrid__nl_readings_parsed.sql",
        "bronze_dutchgrid__nl_readings.sql",
        "_dutchgrid__models.yml",
    ):
        replace_in(platform_repo / BRONZE_NL / name, "register_t1_kwh", "register_low_kwh")
    commit(platform_repo, "rename the low-tariff register")
    return platform_repo


def run(root: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["impact", "--project-dir", str(root), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_incident_names_the_lu_dashboard_and_regulatory_reporting(
    incident: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        incident, capsys, "--base", "HEAD~", "--format", "json", "--fail-on", "breaking"
    )
    assert code == 1
    report = json.loads(out)
    changes = {c["name"]: c for c in report["changes"]}
    assert set(changes) == {"bronze_dutchgrid__nl_readings_parsed", "bronze_dutchgrid__nl_readings"}
    renamed = [c for c in changes["bronze_dutchgrid__nl_readings"]["columns"]]
    assert renamed == [
        {
            "column": "register_t1_kwh",
            "change": "renamed",
            "new_name": "register_low_kwh",
            "old_type": None,
            "new_type": None,
        }
    ]
    (breaking,) = report["breaking"]
    assert "register_t1_kwh" in breaking["change"]
    assert "regulatory_reporting" in breaking["teams"]
    assert "exposure.gridunion.lu_regulator_dashboard" in breaking["exposures"]

    exposures = {e["name"]: e for e in report["exposures"]}
    dashboard = exposures["lu_regulator_dashboard"]
    assert dashboard["team"] == "regulatory_reporting"
    assert dashboard["contact"] == "regulatory@gridunion.example"
    assert "gold_regulatory_reporting__lu_dashboard" in dashboard["via"]

    teams = {t["team"]: t for t in report["teams"]}
    regulatory = teams["regulatory_reporting"]
    assert regulatory["contact"] == "regulatory@gridunion.example"
    columns = {(r["name"], r["column"]) for r in regulatory["reached"]}
    assert ("gold_regulatory_reporting__lu_dashboard", "kwh_per_meter") in columns
    assert ("gold_regulatory_reporting__lu_dashboard", "total_kwh") in columns
    assert ("gold_regulatory_reporting__lu_dashboard", "region_name") not in columns
    # the first consumer that still reads the old name is the one that breaks
    dutch = {(r["name"], r["column"]): r for r in teams["dutchgrid"]["reached"]}
    assert dutch[("silver_dutchgrid__register_readings", "register_t1_kwh")]["how"] == ["breaks"]


def test_incident_markdown_for_the_pull_request(
    incident: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(incident, capsys, "--base", "HEAD~")
    assert code == 0  # without --fail-on the report is informational
    lines = out.splitlines()
    assert lines[0] == "## steward impact"
    assert "**Breaking**" in lines[2] and "`lu_regulator_dashboard`" in lines[2]
    assert (
        "### Team `regulatory_reporting` (Regulatory reporting) — "
        "regulatory@gridunion.example · #regulatory-reporting" in lines
    )
    assert any(
        line.startswith("| `gold_regulatory_reporting__lu_dashboard` | `kwh_per_meter` |")
        for line in lines
    )
    assert (
        "| `lu_regulator_dashboard` | dashboard | regulatory_reporting | "
        "regulatory@gridunion.example |" in out
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


def test_formatting_and_comments_are_not_changes(
    platform_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = platform_repo / "models/silver/platform/silver_platform__meters.sql"
    model.write_text(
        "{{ config(materialized='table') }}\n"
        "/* Every meter, one row each (reformatted, identifiers in upper case). */\n"
        "WITH LANDED AS (\n"
        "  SELECT TRIM(METER_ID) AS METER_ID, UPPER(TRIM(COUNTRY)) AS COUNTRY,\n"
        "         TRIM(REGION_ID) AS REGION_ID, TRIM(TARIFF_ID) AS TARIFF_ID, INSTALLED_ON,\n"
        "         ROW_NUMBER() OVER (PARTITION BY TRIM(METER_ID)\n"
        "                            ORDER BY _FILE_MODIFIED_AT DESC) AS _RANK\n"
        "  FROM {{ ref('bronze_platform__meters') }}\n"
        "  WHERE METER_ID IS NOT NULL  -- no id, no meter\n"
        ")\n"
        "SELECT METER_ID, COUNTRY, REGION_ID, TARIFF_ID, INSTALLED_ON FROM LANDED\n"
        "WHERE _RANK = 1\n",
        encoding="utf-8",
    )
    code, out, _ = run(platform_repo, capsys, "--base", "HEAD", "--fail-on", "breaking")
    assert code == 0
    assert "No model changed against `HEAD`." in out


def test_bad_base_exits_2_with_one_line(
    platform_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(platform_repo, capsys, "--base", "no-such-branch")
    assert code == 2 and out == ""
    assert err.startswith("steward: error: git ") and err.count("\n") == 1


# ---- column changes, on the small rule-case project --------------------------------------
def _states(tmp_path: Path, before: dict[str, str | None], after: dict[str, str | None]):
    base = analyse(render_project(load_project(write_project(tmp_path / "base", before))))
    head = analyse(render_project(load_project(write_project(tmp_path / "head", after))))
    return base, head


SILVER = "models/silver/platform/silver_platform__readings.sql"
SILVER_YML = "models/silver/platform/_models.yml"


def test_added_removed_retyped_and_changed_columns(tmp_path: Path) -> None:
    yml = (
        "version: 2\nmodels:\n  - name: silver_platform__readings\n"
        "    config: {access: public}\n    columns:\n"
        "      - {name: kwh, data_type: 'decimal(18,6)'}\n"
    )
    base, head = _states(
        tmp_path,
        {
            SILVER: "select meter_id, kwh, kwh * 2 as double_kwh, reading_date\n"
            'from {{ ref("bronze_platform__readings") }}\n',
            SILVER_YML: yml,
        },
        {
            SILVER: "select meter_id, kwh, kwh * 3 as double_kwh, 1 as version\n"
            'from {{ ref("bronze_platform__readings") }}\n',
            SILVER_YML: yml.replace("decimal(18,6)", "decimal(9,2)"),
        },
    )
    changes, _ = compare(base, head)
    by_name = {c.name: c for c in changes}
    change = by_name["silver_platform__readings"]
    found = {(c.column, c.change) for c in change.columns}
    assert found == {
        ("reading_date", "removed"),
        ("version", "added"),
        ("kwh", "retyped"),
        ("double_kwh", "changed"),
    }
    retyped = next(c for c in change.columns if c.change == "retyped")
    assert (retyped.old_type, retyped.new_type) == ("decimal(18,6)", "decimal(9,2)")
    assert change.edits > 0
    # the gold model selects * from it: its SQL is the same, its columns are not
    gold = by_name["gold_commercial_analytics__consumption"]
    assert gold.edits == 0
    assert {(c.column, c.change) for c in gold.columns} >= {
        ("reading_date", "removed"),
        ("version", "added"),
    }


def test_a_removed_model_breaks_its_readers(tmp_path: Path) -> None:
    from steward.impact import impact

    base, head = _states(
        tmp_path,
        {},
        {
            "models/silver/platform/silver_platform__readings.sql": None,
            "models/silver/platform/_models.yml": None,
        },
    )
    result = impact(base, head, "main")
    assert [(c.name, c.change) for c in result.changes] == [
        ("silver_platform__readings", "removed")
    ]
    (breaking,) = result.breaking
    assert breaking.teams == ("commercial_analytics",)
