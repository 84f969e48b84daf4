"""Run dbt in this process, so the embedded Spark session is started once and reused.

dbt's programmatic runner (`dbtRunner`) is used as dbt documents it; its console output
is dbt's own progress output.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from steward.build.context import RunContext, environment
from steward.build.order import build_order, team_graph
from steward.errors import UserError
from steward.lakehouse.java import check_java


@dataclass(frozen=True)
class TeamRun:
    team: str
    success: bool
    statuses: dict[str, int] = field(default_factory=dict)
    skipped_because: str | None = None

    def summary(self) -> str:
        if self.skipped_because:
            return f"{self.team}: skipped ({self.skipped_because})"
        counts = ", ".join(f"{count} {status}" for status, count in sorted(self.statuses.items()))
        return f"{self.team}: {'ok' if self.success else 'FAILED'} ({counts or 'nothing to run'})"


def invoke_dbt(context: RunContext, args: Sequence[str]) -> Any:
    """`dbt <args>` for the project and target of `context`; returns dbt's result object."""
    from dbt.cli.main import dbtRunner

    full_args = [
        *args,
        "--project-dir",
        str(context.project_dir),
        "--target",
        context.target,
    ]
    with environment(context.dbt_environment()):
        return dbtRunner().invoke(full_args)


def check_ready(context: RunContext) -> None:
    """Fail early, with one line, on what would otherwise fail deep inside Spark."""
    if context.target == "local":
        check_java()
    if not context.landing.is_dir():
        raise UserError(
            "no landing data here; run `steward data generate` first (or set STEWARD_LANDING)",
            path=context.landing,
        )
    context.lakehouse.mkdir(parents=True, exist_ok=True)


def parse_manifest(context: RunContext) -> dict[str, Any]:
    result = invoke_dbt(context, ["parse", "--quiet"])
    if not result.success or result.result is None:
        raise UserError(
            f"dbt could not parse the project: {result.exception or 'see the log above'}"
        )
    manifest = result.result.writable_manifest().to_dict()
    return dict(manifest)


def teams_in_order(context: RunContext) -> list[str]:
    return build_order(team_graph(parse_manifest(context)))


def _statuses(result: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result.status, "value", node_result.status))
        counts[status] = counts.get(status, 0) + 1
    return counts


def build_team(context: RunContext, team: str, extra_args: Sequence[str] = ()) -> TeamRun:
    """`dbt build` of exactly the team's models (its dbt group) and their tests."""
    team_context = RunContext(
        project_dir=context.project_dir,
        target=context.target,
        env=context.env,
        team=team,
        lakehouse_dir=context.lakehouse_dir,
        landing_dir=context.landing_dir,
    )
    print(
        f"== steward build: team {team} (target {context.target}) ==", file=sys.stderr, flush=True
    )
    result = invoke_dbt(team_context, ["build", "--select", f"group:{team}", *extra_args])
    if result.result is None and isinstance(result.exception, UserError):
        raise result.exception
    return TeamRun(team=team, success=bool(result.success), statuses=_statuses(result))


def build_teams(
    context: RunContext, teams: Sequence[str], extra_args: Sequence[str] = ()
) -> list[TeamRun]:
    """Build `teams` in the order given; a team that reads from a failed team is skipped."""
    graph = team_graph(parse_manifest(context))
    failed: set[str] = set()
    runs = []
    for team in teams:
        broken = sorted(p for p in graph.predecessors(team) if p in failed) if team in graph else []
        if broken:
            runs.append(
                TeamRun(
                    team,
                    success=False,
                    skipped_because=f"upstream team failed: {', '.join(broken)}",
                )
            )
            failed.add(team)
            continue
        run = build_team(context, team, extra_args)
        runs.append(run)
        if not run.success:
            failed.add(team)
    return runs
