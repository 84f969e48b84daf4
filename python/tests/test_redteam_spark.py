"""The red team for real: team commercial_analytics attacks silver_platform on the
embedded Spark + Delta, through plain dbt (in-process, STEWARD_TEAM set as a team's
profile would) with the `steward_spark` adapter. Every attack of
fixtures/redteam_cases.yaml must be refused, and leave the victim's Delta version and
content hash as they were. (The same cases go through lint in test_redteam_lint.py.)

One module, one Spark session: the victim is built once, then each case runs in its own
copy of the small playground project.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from steward.cli.main import main as steward_main
from steward.guard import parse
from steward.lakehouse import jars
from steward.teambuild.context import RunContext
from steward.teambuild.order import BuildPlan
from steward.teambuild.runner import together_context

from .redteam import base_project, case_project, load_cases, run_case_dbt
from .spark_support import content_hash, rows, spark

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ENV = "itest_redteam"
VICTIM = f"{ENV}_silver_platform.readings"
ATTACKER = "commercial_analytics"
CASES = load_cases()
LEGITIMATE = load_cases("legitimate")


@dataclass
class Arena:
    base: Path
    work: Path
    lakehouse: Path
    location: str

    def context(self, project: Path, team: str | None) -> RunContext:
        return RunContext(
            project_dir=project,
            env=ENV,
            team=team,
            lakehouse_dir=self.lakehouse,
            landing_dir=self.base / "landing",
        )

    def dbt(self, project: Path, team: str | None, args: list[str]) -> tuple[Any, str]:
        """Run dbt; the result and every error and warning it reported, as one text."""
        return run_case_dbt(self.context(project, team), args, self.location)


def victim_state() -> tuple[int, tuple[int, int], list[str]]:
    """The victim's Delta version and content hash, and what its namespace holds."""
    version = int(rows(f"describe history {VICTIM}")[0]["version"])
    namespace = sorted(r.tableName for r in rows(f"show tables in {ENV}_silver_platform"))
    return version, content_hash(VICTIM), namespace


@pytest.fixture(scope="module")
def arena(
    project_dir: Path, lakehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Arena]:
    work = tmp_path_factory.mktemp("redteam")
    base = base_project(work / "base", project_dir)
    (base / "landing").mkdir()
    patch = pytest.MonkeyPatch()
    patch.setenv("STEWARD_JAR_CACHE", str(jars.default_cache_dir(project_dir)))
    arena = Arena(base, work, lakehouse_dir, location="/nowhere/readings")
    started = time.monotonic()
    result, said = arena.dbt(base, "platform", ["run", "--select", "group:platform"])
    assert result.success, said
    arena.location = rows(f"describe detail {VICTIM}")[0]["location"]
    print(f"\nvictim built in {time.monotonic() - started:.1f} s at {arena.location}")
    yield arena
    patch.undo()


def test_the_legitimate_build_of_the_attacker_passes(arena: Arena) -> None:
    before = victim_state()
    result, said = arena.dbt(arena.base, ATTACKER, ["build", "--select", f"group:{ATTACKER}"])
    assert result.success, said
    assert rows(f"select count(*) from {ENV}_gold_commercial_analytics.daily")[0][0] == 3
    assert victim_state() == before


def test_every_write_carries_who_wrote_it(arena: Arena) -> None:
    for table, team, node in (
        (VICTIM, "platform", "model.redteam.silver_platform__readings"),
        (
            f"{ENV}_gold_commercial_analytics.daily",
            ATTACKER,
            "model.redteam.gold_commercial_analytics__daily",
        ),
    ):
        history = rows(f"describe history {table}")
        metadata = parse(history[0]["userMetadata"])
        assert metadata is not None, history[0]
        assert (metadata.team, metadata.node, metadata.env) == (team, node, ENV)
        assert metadata.invocation_id not in ("", "unknown")
        assert metadata.git_sha


@pytest.mark.parametrize("name", list(CASES))
def test_the_attack_is_refused_and_the_victim_unchanged(
    arena: Arena, name: str, tmp_path: Path
) -> None:
    case = CASES[name]
    project = case_project(arena.base, tmp_path / "project", case)
    before = victim_state()
    if case.get("prepare"):
        result, said = arena.dbt(project, ATTACKER, case["prepare"])
        assert result.success, said

    result, said = arena.dbt(project, ATTACKER, case["command"])

    assert not result.success, f"{name} was not refused:\n{said}"
    assert case["refused"] in said, said
    if case["refused_by"] == "guard":
        assert "steward refused a statement (rule WRT001) for team commercial_analytics" in said
    assert victim_state() == before
    # the attacker's session state (USE, SET) never leaks into the process's session
    assert spark().catalog.currentDatabase() == "default"


NODE_CASES = [
    name
    for name, case in CASES.items()
    if case["refused_by"] == "guard"
    and case["command"][0] != "run-operation"
    and "on-run-start" not in json.dumps(case)
    and case.get("routed_to", ATTACKER) == ATTACKER
]
"""The attacks a node of the attacker sends. A project hook or a run-operation is no
node's: in one invocation of several teams it may do what one of them may
(steward.guard.teams), as it does in that team's own build of a team-by-team run. A file
in another team's folder is that team's node (review routing is its check)."""


@pytest.mark.parametrize("name", NODE_CASES)
def test_in_one_invocation_of_every_team_a_node_is_refused_as_its_team(
    arena: Arena, name: str, tmp_path: Path
) -> None:
    """`steward build --all` runs the victim's team and the attacker's in one dbt
    invocation: the attacker's node is still judged as the attacker's, by both guards."""
    case = CASES[name]
    project = case_project(arena.base, tmp_path / "project", case)
    before = victim_state()
    context, owners = together_context(
        arena.context(project, None), BuildPlan.load(project), {}, ["platform", ATTACKER]
    )
    assert set(owners.values()) == {"platform", ATTACKER}
    if case.get("prepare"):
        result, said = run_case_dbt(context, case["prepare"], arena.location)
        assert result.success, said

    result, said = run_case_dbt(context, case["command"], arena.location)

    assert not result.success, f"{name} was not refused:\n{said}"
    assert case["refused"] in said, said
    assert "steward refused a statement (rule WRT001) for team commercial_analytics" in said
    assert victim_state() == before


@pytest.mark.parametrize("name", list(LEGITIMATE))
def test_what_the_team_may_do_passes(arena: Arena, name: str, tmp_path: Path) -> None:
    case = LEGITIMATE[name]
    project = case_project(arena.base, tmp_path / "project", case)
    before = victim_state()
    for args in (case.get("prepare"), case["command"]):
        if args:
            result, said = arena.dbt(project, ATTACKER, args)
            assert result.success, said
    assert victim_state() == before


def test_a_run_without_a_team_is_read_only(arena: Arena) -> None:
    before = victim_state()
    result, said = arena.dbt(arena.base, None, ["run", "--select", "group:platform"])
    assert not result.success
    assert "no team is set, so the run is read-only" in said
    assert victim_state() == before
    shown, said = arena.dbt(arena.base, None, ["show", "--select", "silver_platform__readings"])
    assert shown.success, said


def test_audit_passes_on_the_guarded_build_and_flags_a_bare_pyspark_write(
    arena: Arena, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "audit",
        "--env",
        ENV,
        "--project-dir",
        str(arena.base),
        "--format",
        "json",
        "--lakehouse",
        str(arena.lakehouse),
        "--landing",
        str(arena.base / "landing"),
    ]
    assert steward_main(args) == 0, capsys.readouterr()
    clean = json.loads(capsys.readouterr().out)
    assert clean["findings"] == [] and clean["summary"]["tables"] >= 2

    # the incident: a notebook, a bare SparkSession, no dbt and no adapter guard (the
    # engine guard, test_engine_guard_spark.py, lets only the owner's session write)
    notebook = spark().newSession()
    notebook.conf.set("spark.steward.registry", spark().conf.get("spark.steward.registry"))
    notebook.conf.set("spark.steward.team", "platform")
    notebook.sql(f"insert into {VICTIM} select 'm9', timestamp'2026-03-28 02:00:00', 9.5")

    assert steward_main(args) == 1
    report = json.loads(capsys.readouterr().out)
    [finding] = report["findings"]
    assert finding["table"] == VICTIM
    assert finding["owner"] == "platform"
    assert finding["operation"] == "WRITE"
    assert "no steward commit metadata" in finding["problem"]
