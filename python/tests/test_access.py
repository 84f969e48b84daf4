"""Grants and review routing from the registry: pure functions over the project
(fixtures/gridlite; the demo's committed CODEOWNERS is checked in test_demo_platform.py)."""

from __future__ import annotations

from pathlib import Path

from steward.access import CODEOWNERS_PATH, codeowners, grants, render_grants, stale_line
from steward.cli.main import main
from steward.project import load_project

GRIDLITE = Path(__file__).parent / "fixtures" / "gridlite"
PROJECT = load_project(GRIDLITE)
TEAMS = sorted(PROJECT.registry.team_ids)  # type: ignore[union-attr]


def test_owners_write_only_their_namespaces() -> None:
    writes = [g for g in grants(PROJECT, "prod") if {"MODIFY", "CREATE TABLE"} & set(g.privileges)]
    for grant in writes:
        schema = grant.securable.split(".")[1]
        layer, _, team = schema.partition("_")
        assert team == grant.principal, grant
        assert layer in ("bronze", "silver", "gold", "ops", "landing")
    assert {g.securable for g in writes if g.principal == "commercial_analytics"} == {
        "gridlite.gold_commercial_analytics",
        "gridlite.landing_commercial_analytics",
    }


def test_every_team_reads_every_public_product_and_nothing_private() -> None:
    selects = {
        (g.securable, g.principal) for g in grants(PROJECT, "prod") if g.securable_type == "TABLE"
    }
    for team in TEAMS:
        if team != "platform":
            assert ("gridlite.silver_platform.readings", team) in selects
        assert ("gridlite.bronze_platform.readings", team) not in selects  # private
    assert ("gridlite.silver_platform.readings", "platform") not in selects  # owner: schema


def test_every_team_uses_the_catalog_of_its_environment() -> None:
    catalogs = {
        (g.securable, g.principal) for g in grants(PROJECT, "dev") if g.securable_type == "CATALOG"
    }
    assert catalogs == {("gridlite_dev", team) for team in TEAMS}
    text = render_grants(PROJECT, "dev")
    assert (
        "GRANT USE SCHEMA, CREATE TABLE, MODIFY, SELECT ON SCHEMA "
        "gridlite_dev.dev_silver_electra TO `electra`;" in text
    )
    assert "GRANT SELECT ON TABLE gridlite_dev.dev_silver_platform.readings TO `electra`;" in text


def test_codeowners_routes_each_teams_folders_to_the_team() -> None:
    text = codeowners(PROJECT)
    lines = dict(line.split() for line in text.splitlines() if line and not line.startswith("#"))
    assert lines["*"] == "@gridlite/platform"
    assert lines["/models/gold/commercial_analytics/"] == "@gridlite/commercial-analytics"
    assert lines["/contracts/electra/"] == "@gridlite/electra"
    assert lines["/platform/config/teams/electra.yml"] == "@gridlite/electra"
    assert "/models/silver/commercial_analytics/" not in lines  # not a layer it owns


def test_the_committed_codeowners_is_current() -> None:
    committed = (PROJECT.root / CODEOWNERS_PATH).read_text(encoding="utf-8")
    assert stale_line(committed, codeowners(PROJECT)) is None


def test_stale_line() -> None:
    assert stale_line(None, "a\n") == 1
    assert stale_line("a\nb\n", "a\nb\n") is None
    assert stale_line("a\nx\n", "a\nb\n") == 2
    assert stale_line("a\n", "a\nb\n") == 2


def test_codeowners_command_writes_then_checks(tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "p"
    shutil.copytree(GRIDLITE, project)
    (project / CODEOWNERS_PATH).unlink()
    assert main(["codeowners", str(project), "--check"]) == 1
    assert main(["codeowners", str(project)]) == 0
    assert main(["codeowners", str(project), "--check"]) == 0
    assert main(["grants", str(project), "--env", "staging"]) == 0
