"""`steward.project.load_project`: files into one frozen Project, with positions."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from steward.errors import UserError
from steward.project import load_project

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def project():  # type: ignore[no-untyped-def]
    return load_project(FIXTURES / "gridlite")


def test_nodes_sources_exposures_groups(project) -> None:  # type: ignore[no-untyped-def]
    names = sorted(n.name for n in project.models)
    assert names == [
        "bronze_platform__readings",
        "gold_commercial_analytics__daily_consumption",
        "silver_platform__meters",
        "silver_platform__readings",
    ]
    kinds = sorted({n.resource_type for n in project.nodes.values()})
    assert kinds == ["model", "seed", "snapshot", "test"]
    assert project.source("landing_platform", "de_readings").schema == "landing_platform"
    assert [e.name for e in project.exposures] == ["billing_dashboard"]
    assert sorted(g.name for g in project.groups) == ["commercial_analytics", "platform"]
    assert [p.name for p in project.packages] == ["grid_utils"]
    assert project.registry is not None
    assert project.registry.team("electra").layers == ("bronze", "silver")


def test_project_is_frozen(project) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(dataclasses.FrozenInstanceError):
        project.registry = None
    with pytest.raises(TypeError):
        project.nodes["x"] = None


def test_folder_cascade_yml_and_precedence(project) -> None:  # type: ignore[no-untyped-def]
    node = project.node_by_name("silver_platform__readings")
    assert node.config["materialized"] == "incremental"
    assert node.config["file_format"] == "delta"
    assert node.config["tags"] == ["silver"]
    assert node.config["access"] == "public"
    assert node.config_origins["materialized"].path == "dbt_project.yml"
    assert node.config_origins["access"].path == "models/silver/platform/_models.yml"
    (hook,) = node.post_hooks
    assert hook.sql == "optimize {{ this }}"
    assert (hook.position.path, hook.position.line) == ("dbt_project.yml", 32)
    gold = project.node_by_name("gold_commercial_analytics__daily_consumption")
    assert gold.config["materialized"] == "table"
    assert gold.post_hooks == ()


def test_project_hooks_and_vars(project) -> None:  # type: ignore[no-untyped-def]
    dbt_project = project.dbt_project
    assert [h.position.line for h in dbt_project.on_run_start] == [18]
    assert dbt_project.vars["reading_lookback_days"] == 3


def test_macros_are_indexed(project) -> None:  # type: ignore[no-untyped-def]
    by_path = {f.path: f for f in project.macro_files if not f.internal}
    assert by_path["local_packages/grid_utils/macros/kwh.sql"].macros == (
        ("to_kwh", 1),
        ("max_loaded_at", 5),
    )
    assert any(f.internal for f in project.macro_files)


def test_invalid_yaml_raises_user_error_with_line(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "gridlite", root)
    (root / "platform" / "teams.yml").write_text("teams:\n  - id: x\n   name: y\n")
    with pytest.raises(UserError) as info:
        load_project(root)
    assert info.value.path == "platform/teams.yml"
    assert info.value.line == 3


def test_no_project_is_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        load_project(tmp_path)


def test_unknown_keys_are_warnings_not_crashes(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "gridlite", root)
    project_file = root / "dbt_project.yml"
    project_file.write_text(
        project_file.read_text().replace(
            '      +tags: ["gold"]', '      +tags: ["gold"]\n      +materialised: view'
        )
    )
    project = load_project(root)
    messages = [i.message for i in project.issues]
    assert any("`+materialised`" in m for m in messages)
