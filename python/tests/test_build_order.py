"""The team graph and build order of `steward build --all`, and its input checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from steward.cli.main import main
from steward.errors import UserError
from steward.teambuild.context import RunContext
from steward.teambuild.order import build_order, team_graph

from .conftest import PROJECT_DIR


def model(name: str, group: str, parents: list[str]) -> dict[str, Any]:
    return {
        "unique_id": f"model.p.{name}",
        "resource_type": "model",
        "group": group,
        "fqn": ["p", "silver", group, name],
        "depends_on": {"nodes": [f"model.p.{p}" for p in parents]},
    }


def manifest(*models: dict[str, Any]) -> dict[str, Any]:
    return {"nodes": {m["unique_id"]: m for m in models}}


def test_producers_come_before_consumers() -> None:
    graph = team_graph(
        manifest(
            model("a", "platform", []),
            model("b", "electra", []),
            model("c", "analytics", ["a", "b"]),
            model("d", "ml", ["c"]),
        )
    )
    assert build_order(graph) == ["electra", "platform", "analytics", "ml"]
    assert graph["platform"]["analytics"]["models"] == [("model.p.a", "model.p.c")]


def test_a_team_cycle_is_an_error_with_its_path() -> None:
    graph = team_graph(
        manifest(model("a", "x", ["c"]), model("b", "y", ["a"]), model("c", "z", ["b"]))
    )
    with pytest.raises(
        UserError, match=r"cycle: (x -> y -> z -> x|y -> z -> x -> y|z -> x -> y -> z)"
    ):
        build_order(graph)


def test_bad_environment_name_is_refused() -> None:
    with pytest.raises(UserError, match="not a valid name"):
        RunContext(project_dir=PROJECT_DIR, env="Prod-1")


def test_environment_for_dbt_points_at_the_project_folders(tmp_path: Path) -> None:
    context = RunContext(project_dir=PROJECT_DIR, env="dev", team="electra", lakehouse_dir=tmp_path)
    env = context.dbt_environment()
    assert env["DBT_PROFILES_DIR"] == str(PROJECT_DIR / "profiles")
    assert env["STEWARD_ENV"] == "dev" and env["STEWARD_TEAM"] == "electra"
    assert env["STEWARD_LAKEHOUSE"] == str(tmp_path.resolve())
    assert all(Path(p).is_file() for p in env["STEWARD_DELTA_JARS"].split(","))


def test_build_without_landing_data_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["build", "--team", "electra", "--landing", str(tmp_path / "none")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "steward data generate" in err[0]


@pytest.mark.slow
def test_build_of_an_unknown_team_names_the_known_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["build", "--team", "nosuch", "--landing", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "team 'nosuch' has no models" in err and "electra" in err
