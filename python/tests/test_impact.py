"""`steward impact`: semantic comparison with a git revision, and what it reaches.

An incident is replayed on a copy of fixtures/gridlite in a temporary git repository:
silver renames a column, the gold model still reads the old name, and the billing
dashboard breaks. (The demo platform's incident: test_demo_impact.py.)
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from steward.cli.main import main
from steward.impact import analyse, compare
from steward.project import load_project
from steward.render import render_project
from tests.rulecases import write_project

GRIDLITE = Path(__file__).parent / "fixtures" / "gridlite"
GOLD = "gold_commercial_analytics__daily_consumption"


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
    """A copy of fixtures/gridlite, committed once."""
    root = tmp_path / "gridlite"
    shutil.copytree(GRIDLITE, root)
    git(root, "init", "-q")
    commit(root, "the platform")
    return root


@pytest.fixture
def incident(platform_repo: Path) -> Path:
    """Silver renames `kwh` to `energy_kwh`; the gold model still reads `kwh`."""
    silver = platform_repo / "models/silver/platform/silver_platform__readings.sql"
    replace_in(silver, "    r.kwh,\n", "    r.kwh as energy_kwh,\n")
    commit(platform_repo, "rename kwh")
    return platform_repo


def run(root: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["impact", "--project-dir", str(root), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@dataclass(frozen=True)
class Incident:
    """What the report of a column rename must say: the change, the reader that breaks
    first, and the team and exposure it reaches further down."""

    changed: frozenset[str]  # the models changed
    renamed: tuple[str, str, str]  # model, old column, new column
    breaks: tuple[str, str, str]  # team, model, column: the reader of the old name
    team: str  # the team whose exposure is reached
    heading: str  # its name, contact and channel, in the markdown
    contact: str
    exposure: str  # unique id
    via: str  # the team's model the exposure is reached through
    reached: tuple[tuple[str, str], ...]  # (model, column) of the team's reached
    unreached: tuple[str, str]


GRIDLITE_INCIDENT = Incident(
    changed=frozenset({"silver_platform__readings"}),
    renamed=("silver_platform__readings", "kwh", "energy_kwh"),
    breaks=("commercial_analytics", GOLD, "kwh"),
    team="commercial_analytics",
    heading="(Commercial analytics) — commercial@gridunion.example · #commercial",
    contact="commercial@gridunion.example",
    exposure="exposure.gridlite.billing_dashboard",
    via=GOLD,
    reached=((GOLD, "kwh"),),
    unreached=(GOLD, "region"),
)


def check_report(report: dict[str, Any], incident: Incident) -> None:
    """The JSON report of `incident`."""
    changes = {c["name"]: c for c in report["changes"]}
    assert set(changes) == incident.changed
    model, old, new = incident.renamed
    assert changes[model]["columns"] == [
        {"column": old, "change": "renamed", "new_name": new, "old_type": None, "new_type": None}
    ]
    (breaking,) = report["breaking"]
    assert f"`{old}` renamed" in breaking["change"]
    assert incident.team in breaking["teams"]
    assert incident.exposure in breaking["exposures"]

    exposures = {e["unique_id"]: e for e in report["exposures"]}
    exposure = exposures[incident.exposure]
    assert exposure["team"] == incident.team
    assert exposure["contact"] == incident.contact
    assert incident.via in exposure["via"]

    teams = {t["team"]: t for t in report["teams"]}
    assert teams[incident.team]["contact"] == incident.contact
    reached = {(r["name"], r["column"]) for r in teams[incident.team]["reached"]}
    assert set(incident.reached) <= reached
    assert incident.unreached not in reached
    # the first consumer that still reads the old name is the one that breaks
    team, model, column = incident.breaks
    first = {(r["name"], r["column"]): r for r in teams[team]["reached"]}
    assert first[(model, column)]["how"] == ["breaks"]


def check_markdown(out: str, incident: Incident) -> None:
    """The markdown report of `incident`, for the pull request."""
    lines = out.splitlines()
    name = incident.exposure.rsplit(".", 1)[1]
    assert lines[0] == "## steward impact"
    assert "**Breaking**" in lines[2] and f"`{name}`" in lines[2]
    assert f"### Team `{incident.team}` {incident.heading}" in lines
    model, column = incident.reached[0]
    assert any(line.startswith(f"| `{model}` | `{column}` |") for line in lines)
    assert f"| `{name}` | dashboard | {incident.team} | {incident.contact} |" in out


def test_incident_names_the_dashboard_and_its_team(
    incident: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        incident, capsys, "--base", "HEAD~", "--format", "json", "--fail-on", "breaking"
    )
    assert code == 1
    check_report(json.loads(out), GRIDLITE_INCIDENT)


def test_incident_markdown_for_the_pull_request(
    incident: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(incident, capsys, "--base", "HEAD~")
    assert code == 0  # without --fail-on the report is informational
    check_markdown(out, GRIDLITE_INCIDENT)


def _section(out: str, heading: str) -> list[str]:
    """The lines of a markdown section, up to the next heading."""
    lines = out.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
    return [line for line in lines[start:end] if line]


def test_breaking_for_lists_teams_and_exposures_apart(
    incident: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exposures = next((incident / "models/gold").rglob("*.yml"))
    replace_in(
        exposures,
        "    type: dashboard\n",
        "    type: dashboard\n    label: Billing dashboard\n    url: https://bi.example/billing\n",
    )
    change = "`silver_platform__readings`: `kwh` renamed to `energy_kwh`"
    code, out, _ = run(incident, capsys, "--base", "HEAD~")
    assert code == 0
    assert out.splitlines()[2].endswith(
        "**Breaking** for 1 team (`commercial_analytics`) and 1 exposure (`billing_dashboard`)."
    )
    assert _section(out, "### Breaking for teams")[2:] == [
        "| `commercial_analytics` (Commercial analytics) | commercial@gridunion.example · "
        f"#commercial | {change} |"
    ]
    assert _section(out, "### Breaking for exposures")[2:] == [
        "| `billing_dashboard` | [Billing dashboard](https://bi.example/billing) | dashboard | "
        f"commercial_analytics | commercial@gridunion.example | {change} |"
    ]
    assert "[Billing dashboard](https://bi.example/billing) |" in "\n".join(
        _section(out, "### Exposures reached")
    )

    code, out, _ = run(incident, capsys, "--base", "HEAD~", "--format", "json")
    report = json.loads(out)
    (team,) = report["breaking_for"]["teams"]
    assert (team["team"], team["contact"], team["changes"]) == (
        "commercial_analytics",
        "commercial@gridunion.example",
        [change],
    )
    (exposure,) = report["breaking_for"]["exposures"]
    assert {k: exposure[k] for k in ("name", "label", "url", "team", "contact", "changes")} == {
        "name": "billing_dashboard",
        "label": "Billing dashboard",
        "url": "https://bi.example/billing",
        "team": "commercial_analytics",
        "contact": "commercial@gridunion.example",
        "changes": [change],
    }
    (reached,) = report["exposures"]
    assert (reached["label"], reached["url"]) == ("Billing dashboard", "https://bi.example/billing")


def test_the_same_rename_followed_by_the_reader_is_not_breaking(
    incident: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = incident / f"models/gold/commercial_analytics/{GOLD}.sql"
    replace_in(gold, "    sum(kwh) as kwh\n", "    sum(energy_kwh) as kwh\n")
    code, out, _ = run(incident, capsys, "--base", "HEAD~", "--fail-on", "breaking")
    assert code == 0, out
    assert "Breaking" not in out


def test_formatting_and_comments_are_not_changes(
    platform_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = platform_repo / "models/silver/platform/silver_platform__meters.sql"
    model.write_text(
        "/* Every meter, one row each (reformatted, identifiers in upper case). */\n"
        "SELECT METER_ID,\n"
        "       REGION,\n"
        "       COUNTRY\n"
        "FROM {{ ref('meter_regions') }}\n"
        "WHERE COUNTRY IN ('{{ var(\"country_codes\") | join(\"', '\") }}')  -- served\n",
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
