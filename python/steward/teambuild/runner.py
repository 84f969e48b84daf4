"""Run dbt in this process, so the embedded Spark session is started once and reused.

dbt's programmatic runner (`dbtRunner`) is used as dbt documents it; its console output
is dbt's own progress output.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from steward.errors import UserError
from steward.guard.metadata import git_sha
from steward.lakehouse.java import check_java
from steward.teambuild import history
from steward.teambuild.context import RunContext, environment
from steward.teambuild.order import BuildPlan
from steward.teambuild.settings import default_env, prepare, sla_defaults, team_settings
from steward.teambuild.upstream import UpstreamProblem, check_upstream, describe


@dataclass(frozen=True)
class TeamRun:
    team: str
    success: bool
    statuses: dict[str, int] = field(default_factory=dict)
    skipped_because: str | None = None
    upstream_problems: tuple[UpstreamProblem, ...] = ()

    def summary(self) -> str:
        if self.skipped_because:
            return f"{self.team}: skipped ({self.skipped_because})"
        counts = ", ".join(f"{count} {status}" for status, count in sorted(self.statuses.items()))
        line = f"{self.team}: {'ok' if self.success else 'FAILED'} ({counts or 'nothing to run'})"
        if self.upstream_problems:
            products = ", ".join(p.product_name for p in self.upstream_problems)
            line += f"; skipped what reads unhealthy upstream {products}"
        return line


def invoke_dbt(
    context: RunContext, args: Sequence[str], callbacks: Sequence[Callable[[Any], None]] = ()
) -> Any:
    """`dbt <args>` for the project and target of `context`; returns dbt's result object.
    `callbacks` receive every event dbt fires (as `dbtRunner(callbacks=...)`)."""
    from dbt.cli.main import dbtRunner

    full_args = [
        *args,
        "--project-dir",
        str(context.project_dir),
        "--target",
        context.target,
    ]
    with environment(context.dbt_environment()):
        return dbtRunner(callbacks=list(callbacks)).invoke(full_args)


def check_ready(context: RunContext) -> None:
    """Fail early, with one line, on what would otherwise fail deep inside Spark."""
    if context.target == "local":
        check_java()
    else:
        from steward.lakehouse.thrift import check_server

        check_server(
            os.environ.get("STEWARD_THRIFT_HOST", "127.0.0.1"),
            int(os.environ.get("STEWARD_THRIFT_PORT", "10000")),
        )
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
    return BuildPlan.load(context.project_dir).order()


def _statuses(result: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result.status, "value", node_result.status))
        counts[status] = counts.get(status, 0) + 1
    return counts


def team_contacts(plan: BuildPlan) -> dict[str, str]:
    """team -> "contact, channel" from the registry (empty when there is none)."""
    registry = plan.project.registry
    if registry is None:
        return {}
    return {
        team.id: ", ".join(part for part in (team.contact, team.channel) if part)
        for team in registry.teams
    }


def build_team(
    context: RunContext,
    team: str,
    extra_args: Sequence[str] = (),
    manifest: Mapping[str, Any] | None = None,
    ignore_upstream: bool = False,
    now: datetime | None = None,
    plan: BuildPlan | None = None,
    teams: Sequence[str] = (),
) -> TeamRun:
    """`dbt build` of exactly the team's models (its dbt group) and their tests.

    With a manifest, the upstream products of other teams are checked first (see
    steward.teambuild.upstream): models that depend on an unhealthy one are excluded.
    """
    plan = plan or BuildPlan.load(context.project_dir)
    team_context = dataclasses.replace(
        context, team=team, settings=team_settings(plan.project, context, team, teams)
    )
    print(
        f"== steward build: team {team} (target {context.target}, env {default_env(context)}) ==",
        file=sys.stderr,
        flush=True,
    )
    problems: list[UpstreamProblem] = []
    exclude: list[str] = []
    if manifest is not None:
        problems = check_upstream(
            manifest,
            team,
            history.load_states(context),
            now or datetime.now(timezone.utc),
            plan.owners,
            sla_defaults(plan.project, context.env),
        )
        contacts = team_contacts(plan)
        for problem in problems:
            line = describe(problem, contacts)
            if ignore_upstream:
                print(f"steward: --ignore-upstream: building anyway; {line}", file=sys.stderr)
            else:
                print(f"steward: {line}", file=sys.stderr)
                exclude.append(f"{problem.product.split('.')[-1]}+")
    args = ["build", "--select", f"group:{team}", *extra_args]
    if exclude:
        args += ["--exclude", *exclude]
    result = invoke_dbt(team_context, args)
    if result.result is None:
        if isinstance(result.exception, UserError):
            raise result.exception
        print(f"steward: dbt stopped before building {team}: {result.exception}", file=sys.stderr)
        return TeamRun(team=team, success=False, skipped_because=f"dbt failed: {result.exception}")
    skipped = () if ignore_upstream else tuple(p.product_name for p in problems)
    run = history.RunRecord(
        git_sha=git_sha(context.project_dir),
        finished_at=datetime.now(timezone.utc),
        success=bool(result.success),
        statuses=_statuses(result),
        skipped_upstream=skipped,
    )
    history.record(context, team, history.node_states_of(result.result), run)
    return TeamRun(
        team=team,
        success=bool(result.success),
        statuses=_statuses(result),
        upstream_problems=() if ignore_upstream else tuple(problems),
    )


def build_teams(
    context: RunContext,
    teams: Sequence[str],
    extra_args: Sequence[str] = (),
    ignore_upstream: bool = False,
    plan: BuildPlan | None = None,
) -> list[TeamRun]:
    """Build `teams` in the order given, each after checking the products it reads. The
    layered configuration is checked first, and `dev` becomes the developer's own
    environment (`steward.teambuild.settings`)."""
    plan = plan or BuildPlan.load(context.project_dir)
    context = prepare(context, plan, teams)
    manifest = parse_manifest(context)
    return [
        build_team(
            context,
            team,
            extra_args,
            manifest=manifest,
            ignore_upstream=ignore_upstream,
            plan=plan,
            teams=teams,
        )
        for team in teams
    ]
