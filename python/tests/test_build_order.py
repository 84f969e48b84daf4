"""The team graph and build order of `steward build --all`, and its input checks."""

from __future__ import annotations

import dataclasses
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


def test_full_checks_reach_the_tests_and_each_team_s_process(tmp_path: Path) -> None:
    """`--full-checks`: STEWARD_FULL_CHECKS for the where-scope macro, and passed on to
    the team processes of `--parallel`; without it the variable is not set."""
    from steward.teambuild.parallel import team_command

    context = RunContext(project_dir=PROJECT_DIR, lakehouse_dir=tmp_path)
    assert "STEWARD_FULL_CHECKS" not in context.dbt_environment()
    full = dataclasses.replace(context, full_checks=True)
    assert full.dbt_environment()["STEWARD_FULL_CHECKS"] == "1"
    assert "--full-checks" in team_command(full, "electra", (), False)
    assert "--full-checks" not in team_command(context, "electra", (), False)


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


def test_parallel_waves_start_a_team_once_everything_it_reads_has_built(tmp_path: Path) -> None:
    from steward.teambuild.parallel import producers_of, waves

    plan = BuildPlan.load(
        project(
            tmp_path,
            ("a", "platform", []),
            ("b", "electra", []),
            ("c", "analytics", ["a", "b"]),
            ("d", "ml", ["a"]),
            ("e", "billing", ["c", "d"]),
        )
    )
    order = plan.order()
    assert waves(plan, order) == [["electra", "platform"], ["analytics", "ml"], ["billing"]]
    assert producers_of(plan, order)["billing"] == {"analytics", "ml"}
    # a team left out of the build is not waited for
    assert producers_of(plan, ["analytics", "billing"])["analytics"] == set()


def test_the_reference_platform_builds_in_three_waves() -> None:
    from steward.teambuild.parallel import waves

    plan = BuildPlan.load(PROJECT_DIR)
    assert waves(plan, plan.order()) == [
        ["dutchgrid", "electra"],
        ["platform"],
        ["commercial_analytics", "ml_forecasting", "regulatory_reporting"],
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["build", "--all", "--parallel"], "--parallel needs --target cluster"),
        (["build", "--team", "electra", "--parallel", "--target", "cluster"], "use it with --all"),
    ],
)
def test_parallel_is_refused_where_it_cannot_work(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--project-dir", str(PROJECT_DIR)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_a_delta_conflict_is_recognised_by_name_and_nothing_else_is() -> None:
    from steward.lakehouse.conflicts import delta_conflict

    assert (
        delta_conflict(
            "[DELTA_CONCURRENT_APPEND.WITHOUT_HINT] ConcurrentAppendException: Files were "
            "added to the root of the table by a concurrent update."
        )
        == "DELTA_CONCURRENT_APPEND"
    )
    assert delta_conflict("[DELTA_METADATA_CHANGED] MetadataChangedException") == (
        "DELTA_METADATA_CHANGED"
    )
    assert delta_conflict("[TABLE_OR_VIEW_NOT_FOUND] The table `x` cannot be found") is None


def test_a_conflict_is_retried_a_bounded_number_of_times_and_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from steward.lakehouse import conflicts

    monkeypatch.setattr(conflicts, "pause", lambda attempt: 0.0)
    monkeypatch.setenv("STEWARD_CONFLICT_RETRIES", "2")
    said: list[str] = []
    attempts: list[int] = []

    def loses_twice() -> str:
        attempts.append(1)
        if len(attempts) <= 2:
            raise RuntimeError("[DELTA_CONCURRENT_APPEND] Files were added by a concurrent update")
        return "committed"

    assert conflicts.with_retries(loses_twice, "t", said.append) == "committed"
    assert len(attempts) == 3
    assert [line.split(" for ")[0] for line in said] == [
        "Delta write conflict (DELTA_CONCURRENT_APPEND)"
    ] * 2
    assert "retry 2 of 2" in said[-1]

    attempts.clear()

    def always_loses() -> str:
        attempts.append(1)
        raise RuntimeError("[DELTA_CONCURRENT_APPEND] again")

    with pytest.raises(RuntimeError, match="DELTA_CONCURRENT_APPEND"):
        conflicts.with_retries(always_loses, "t", said.append)
    assert len(attempts) == 3  # the first try and two retries, then the error stands

    attempts.clear()

    def other_error() -> str:
        attempts.append(1)
        raise RuntimeError("[TABLE_OR_VIEW_NOT_FOUND]")

    with pytest.raises(RuntimeError, match="TABLE_OR_VIEW_NOT_FOUND"):
        conflicts.with_retries(other_error, "t", said.append)
    assert len(attempts) == 1  # never retried


def test_a_concurrent_create_is_retried_only_for_an_idempotent_create(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two teams' first builds in an environment create the ops tables at the same moment:
    the loser's `CREATE TABLE IF NOT EXISTS` is sent again (and then finds the table);
    anything else that meets a non-empty location is not."""
    from steward.lakehouse import conflicts

    monkeypatch.setattr(conflicts, "pause", lambda attempt: 0.0)
    race = (
        "[DELTA_CREATE_TABLE_WITH_NON_EMPTY_LOCATION] Cannot create table "
        "('`dev_ops_platform`.`invocations`'). The associated location is not empty"
    )
    attempts: list[int] = []
    said: list[str] = []

    def loses_the_race_once() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError(race)
        return "exists"

    assert conflicts.with_retries(loses_the_race_once, "t", said.append, creates=True) == "exists"
    assert len(attempts) == 2
    assert said[0].startswith("concurrent create (DELTA_CREATE_TABLE_WITH_NON_EMPTY_LOCATION)")
    attempts.clear()
    with pytest.raises(RuntimeError, match="NON_EMPTY_LOCATION"):
        conflicts.with_retries(loses_the_race_once, "t", said.append)
    assert len(attempts) == 1


@pytest.mark.parametrize(
    ("message", "name"),
    [
        (
            "[DELTA_CREATE_TABLE_WITH_NON_EMPTY_LOCATION] Cannot create table "
            "('`ci_ops_platform`.`invocations`'). The associated location is not empty",
            "DELTA_CREATE_TABLE_WITH_NON_EMPTY_LOCATION",
        ),
        # Delta's own check after it wrote the log, met on a Thrift Server (CI, 2 cores)
        (
            "org.apache.hive.service.cli.HiveSQLException: Error running query: "
            "[DELTA_TABLE_ALREADY_EXISTS] Table `ci_ops_platform`.`invocations` already exists.",
            "DELTA_TABLE_ALREADY_EXISTS",
        ),
        (
            "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view "
            "`ci_ops_platform`.`invocations` because it already exists.",
            "TABLE_OR_VIEW_ALREADY_EXISTS",
        ),
        ("[SCHEMA_ALREADY_EXISTS] Cannot create schema `ci_ops_platform`", "SCHEMA_ALREADY_EXISTS"),
    ],
)
def test_each_way_a_concurrent_create_fails_is_a_race(message: str, name: str) -> None:
    from steward.lakehouse.conflicts import create_race

    assert create_race(message) == name
