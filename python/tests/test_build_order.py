"""The team graph and build order of `steward build --all`, and its input checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.cli.main import main
from steward.errors import UserError
from steward.teambuild.context import RunContext
from steward.teambuild.order import BuildPlan

from .conftest import PROJECT_DIR


def project(tmp_path: Path, *models: tuple[str, str, list[str]]) -> Path:
    """A dbt project whose model `name` lives in `models/silver/<team>/` and refs `parents`."""
    (tmp_path / "dbt_project.yml").write_text("name: p\nversion: '1'\nprofile: p\n")
    for name, team, parents in models:
        folder = tmp_path / "models" / "silver" / team
        folder.mkdir(parents=True, exist_ok=True)
        refs = " union all ".join(f"select * from {{{{ ref('{p}') }}}}" for p in parents)
        (folder / f"{name}.sql").write_text(refs or "select 1 as x")
    return tmp_path


def test_producers_come_before_consumers(tmp_path: Path) -> None:
    plan = BuildPlan.load(
        project(
            tmp_path,
            ("a", "platform", []),
            ("b", "electra", []),
            ("c", "analytics", ["a", "b"]),
            ("d", "ml", ["c"]),
        )
    )
    assert plan.order() == ["electra", "platform", "analytics", "ml"]
    edges = plan.graph.team_graph["platform"]["analytics"]["edges"]
    assert [(e.upstream, e.downstream) for e in edges] == [("model.p.a", "model.p.c")]


def test_a_team_cycle_is_an_error_with_its_path(tmp_path: Path) -> None:
    plan = BuildPlan.load(
        project(tmp_path, ("a", "x", ["c"]), ("b", "y", ["a"]), ("c", "z", ["b"]))
    )
    with pytest.raises(
        UserError, match=r"cycle: x -> y \(a -> b\); y -> z \(b -> c\); z -> x \(c -> a\)"
    ):
        plan.order()


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
