"""Run dbt in this process, so the embedded Spark session is started once and reused.

dbt's programmatic runner (`dbtRunner`) is used as dbt documents it; its console output
is dbt's own progress output.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections import Counter
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from steward.errors import UserError
from steward.guard import teams as build_teams_file
from steward.guard.export import export_for_run
from steward.guard.metadata import git_sha
from steward.lakehouse.java import check_java
from steward.ops import record as ops_record
from steward.ops.events import EventLogCursor
from steward.ops.openlineage import emit_build
from steward.ops.store import OpsStore
from steward.teambuild import history
from steward.teambuild.context import RunContext, environment
from steward.teambuild.order import BuildPlan
from steward.teambuild.settings import (
    build_settings,
    default_env,
    prepare,
    sla_defaults,
    team_settings,
)
from steward.teambuild.upstream import (
    UpstreamProblem,
    check_upstream,
    describe,
    tests_of,
    upstream_products,
)


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
    guard = export_for_run(context.project_dir, context.env, context.target, context.team)
    with environment({**context.dbt_environment(), **guard}):
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


def _invocation_id() -> str:
    """The id of the dbt invocation that just ran (dbt's run_results carry it too)."""
    from dbt_common.invocation import get_invocation_id

    return str(get_invocation_id())


def _event_log(context: RunContext) -> EventLogCursor | None:
    """Where this build's Spark events will be: the end of the event log now, of this
    process's session (the local target) or of the Thrift Server's application (the
    cluster, where the server's log folder is readable from here)."""
    try:
        if context.target != "local":
            from steward.ops.sql import ThriftConnection, server_address

            host, port = server_address()
            connection = ThriftConnection(host, port, "steward-metrics")
            try:
                return EventLogCursor.open_on_server(connection)
            finally:
                connection.close()
        from steward.ops.sql import local_session

        return EventLogCursor.open(local_session(context))
    except Exception as exc:
        ops_record.warn("could not open Spark's event log", exc)
        return None


def _decisions(
    manifest: Mapping[str, Any],
    team: str,
    plan: BuildPlan,
    problems: Sequence[UpstreamProblem],
    ignore_upstream: bool,
) -> list[ops_record.Decision]:
    """The upstream check's verdict on every product `team` reads, for the history."""
    unfit = {p.product: p for p in problems}
    decisions = []
    for product, consumers in sorted(upstream_products(manifest, team, plan.owners).items()):
        problem = unfit.get(product)
        verdict = "ok" if problem is None else ("ignored" if ignore_upstream else "skipped")
        decisions.append(
            ops_record.Decision(
                product,
                plan.owners.get(product) or "unknown",
                verdict,
                problem.reason if problem else None,
                tuple(sorted(consumers)),
            )
        )
    return decisions


def _announce(
    problems: Sequence[UpstreamProblem], contacts: Mapping[str, str], ignore_upstream: bool
) -> list[str]:
    """Say each unhealthy upstream product; the selectors of what is then not built."""
    exclude = []
    for problem in problems:
        line = describe(problem, contacts)
        if ignore_upstream:
            print(f"steward: --ignore-upstream: building anyway; {line}", file=sys.stderr)
        else:
            print(f"steward: {line}", file=sys.stderr)
            exclude.append(f"{problem.product_name}+")
    return exclude


def build_team(
    context: RunContext,
    team: str,
    extra_args: Sequence[str] = (),
    manifest: Mapping[str, Any] | None = None,
    ignore_upstream: bool = False,
    now: datetime | None = None,
    plan: BuildPlan | None = None,
    teams: Sequence[str] = (),
    states: MutableMapping[str, history.NodeState] | None = None,
    callbacks: Sequence[Callable[[Any], None]] = (),
) -> TeamRun:
    """`dbt build` of exactly the team's models (its dbt group) and their tests.

    With a manifest, the upstream products of other teams are checked first (see
    steward.teambuild.upstream): models that depend on an unhealthy one are excluded.
    `states` is the run history's latest node states when the caller has read it (and
    gets this build's); otherwise it is read here. `callbacks` receive dbt's events (see
    `steward.teambuild.statements`). After dbt, the build is recorded in
    the ops tables (`steward.ops.record`); a failure to record is said, never fatal.
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
    started_at = datetime.now(timezone.utc)
    problems: list[UpstreamProblem] = []
    decisions: list[ops_record.Decision] = []
    exclude: list[str] = []
    if manifest is not None:
        problems = check_upstream(
            manifest,
            team,
            history.load_states(team_context) if states is None else states,
            now or started_at,
            plan.owners,
            sla_defaults(plan.project, context.env),
        )
        decisions = _decisions(manifest, team, plan, problems, ignore_upstream)
        exclude += _announce(problems, team_contacts(plan), ignore_upstream)
    args = ["build", "--select", f"group:{team}", *extra_args]
    if exclude:
        args += ["--exclude", *exclude]
    cursor = _event_log(team_context)
    result = invoke_dbt(team_context, args, callbacks)
    invocation_id = _invocation_id()
    if result.result is None:
        if isinstance(result.exception, UserError):
            raise result.exception
        print(f"steward: dbt stopped before building {team}: {result.exception}", file=sys.stderr)
        return TeamRun(team=team, success=False, skipped_because=f"dbt failed: {result.exception}")
    skipped = () if ignore_upstream else tuple(p.product_name for p in problems)
    build = ops_record.Build(
        invocation_id=invocation_id,
        team=team,
        env=default_env(context),
        target=context.target,
        git_sha=git_sha(context.project_dir),
        started_at=started_at,
        finished_at=datetime.now(timezone.utc),
        success=bool(result.success),
        statuses=_statuses(result),
        skipped_upstream=skipped,
        decisions=tuple(decisions),
    )
    try:
        results = ops_record.run_results(context.project_dir, invocation_id, result.result)
        store = OpsStore.open(context, invocation_id)
        rows = ops_record.record_build(store, build, results, manifest or {}, cursor, new=True)
        emit_build(context, build, rows, manifest or {})
    except Exception as exc:  # recording never fails a build
        ops_record.warn(f"could not record build {invocation_id} of team {team}", exc)
    if states is not None:
        for state in history.node_states_of(result.result, build.finished_at):
            if state.status != "skipped":
                states[state.unique_id] = state
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
    callbacks: Sequence[Callable[[Any], None]] = (),
) -> list[TeamRun]:
    """Build `teams` in the order given, each after checking the products it reads. The
    layered configuration is checked first, and `dev` becomes the developer's own
    environment (`steward.teambuild.settings`). On the embedded target several teams are
    one dbt invocation (`build_together`); on a shared server, one invocation a team (its
    engine guard knows a session's team by its user)."""
    plan = plan or BuildPlan.load(context.project_dir)
    if together(context, plan, teams):
        return build_together(context, teams, extra_args, ignore_upstream, plan, callbacks)
    context = prepare(context, plan, teams)
    manifest = parse_manifest(context)
    states = history.load_states(context)
    return [
        build_team(
            context,
            team,
            extra_args,
            manifest=manifest,
            ignore_upstream=ignore_upstream,
            plan=plan,
            teams=teams,
            states=states,
            callbacks=callbacks,
        )
        for team in teams
    ]


FAILED = frozenset({"error", "fail", "runtime error"})
"""Node statuses that fail a build (a test's `warn` does not)."""


def together(context: RunContext, plan: BuildPlan, teams: Sequence[str]) -> bool:
    """Whether `teams` build in one dbt invocation: several teams, the embedded target,
    and a registry (the engine guard's file names every team's namespaces)."""
    return len(teams) > 1 and context.target == "local" and plan.project.registry is not None


def node_teams(
    manifest: Mapping[str, Any], owners: Mapping[str, str | None], teams: Sequence[str]
) -> dict[str, str]:
    """Every node dbt may run for `teams` -> its team: a model's (seed's, snapshot's) as the
    project model resolved it, a test's that of the node it tests."""
    wanted = set(teams)
    found = {
        uid: team
        for uid, team in owners.items()
        if team in wanted and not uid.startswith("source.")
    }
    everything = [*manifest.get("nodes", {}).items(), *manifest.get("unit_tests", {}).items()]
    for unique_id, node in everything:
        team = owners.get(unique_id)
        if team is None and node.get("resource_type") in ("test", "unit_test"):
            parents = [node.get("attached_node"), *(node.get("depends_on") or {}).get("nodes", [])]
            team = next((owners[p] for p in parents if p and owners.get(p)), None)
        if team in wanted:
            found[unique_id] = team
    return found


def _in_run_problems(
    manifest: Mapping[str, Any],
    team: str,
    owners: Mapping[str, str | None],
    teams: Sequence[str],
    statuses: Mapping[str, str],
) -> list[UpstreamProblem]:
    """The products of the other teams of this invocation that failed in it (the model, or
    a test of it with severity error): dbt skipped what reads them."""
    problems = []
    for product, consumers in sorted(upstream_products(manifest, team, owners).items()):
        producer = owners.get(product)
        if producer not in teams or producer == team:
            continue
        reason = None
        if statuses.get(product) in FAILED:
            reason = f"its build in this run ended in {statuses[product]}"
        else:
            failed = [
                t.split(".")[2] for t in tests_of(manifest, product) if statuses.get(t) in FAILED
            ]
            if failed:
                reason = f"its tests failed in this run: {', '.join(failed)}"
        if reason is not None and any(statuses.get(c) == "skipped" for c in consumers):
            problems.append(
                UpstreamProblem(product, str(producer), reason, tuple(sorted(consumers)))
            )
    return problems


def together_context(
    context: RunContext, plan: BuildPlan, manifest: Mapping[str, Any], teams: Sequence[str]
) -> tuple[RunContext, dict[str, str]]:
    """The context of one invocation of `teams` (its environment resolved), after writing
    the file of every node's team for the adapter; and that map."""
    owners = node_teams(manifest, plan.owners, teams)
    variables, per_team = build_settings(plan.project, context, teams)
    teams_file = build_teams_file.write(
        build_teams_file.BuildTeams(tuple(teams), owners, per_team),
        build_teams_file.default_path(context.project_dir, default_env(context)),
    )
    return dataclasses.replace(
        context, team=None, settings=variables, teams_file=teams_file
    ), owners


def build_together(
    context: RunContext,
    teams: Sequence[str],
    extra_args: Sequence[str] = (),
    ignore_upstream: bool = False,
    plan: BuildPlan | None = None,
    callbacks: Sequence[Callable[[Any], None]] = (),
    now: datetime | None = None,
) -> list[TeamRun]:
    """`teams` in one `dbt build`, in dependency order, each node under its own team's
    guard (`steward.guard.teams`); partial parsing survives from run to run and the
    embedded Spark starts once. The products of teams outside the build are checked
    first, as a team's build checks them; a product of a team in the build is checked by
    dbt itself (what reads a failed model or test is skipped), and the skip is named by
    its producer after the run. Recorded as one build a team, of one invocation id."""
    plan = plan or BuildPlan.load(context.project_dir)
    context = prepare(context, plan, teams)
    manifest = parse_manifest(context)
    states = history.load_states(context)
    started_at = datetime.now(timezone.utc)
    contacts = team_contacts(plan)
    sla = sla_defaults(plan.project, context.env)
    before: dict[str, list[UpstreamProblem]] = {}
    exclude: list[str] = []
    for team in teams:
        found = check_upstream(manifest, team, states, now or started_at, plan.owners, sla)
        before[team] = [p for p in found if p.team not in teams]
        exclude += _announce(before[team], contacts, ignore_upstream)
    env = default_env(context)
    run_context, owners = together_context(context, plan, manifest, teams)
    print(
        f"== steward build: teams {' -> '.join(teams)} in one dbt invocation (target "
        f"{context.target}, env {env}) ==",
        file=sys.stderr,
        flush=True,
    )
    args = ["build", "--select", *(f"group:{team}" for team in teams), *extra_args]
    if exclude:
        args += ["--exclude", *sorted(set(exclude))]
    cursor = _event_log(run_context)
    result = invoke_dbt(run_context, args, callbacks)
    invocation_id = _invocation_id()
    if result.result is None:
        if isinstance(result.exception, UserError):
            raise result.exception
        print(f"steward: dbt stopped before building: {result.exception}", file=sys.stderr)
        reason = f"dbt failed: {result.exception}"
        return [TeamRun(team=team, success=False, skipped_because=reason) for team in teams]
    finished_at = datetime.now(timezone.utc)
    node_status = {
        r.node.unique_id: str(getattr(r.status, "value", r.status))
        for r in getattr(result.result, "results", None) or []
    }
    results = ops_record.run_results(context.project_dir, invocation_id, result.result)
    sha = git_sha(context.project_dir)
    runs: list[TeamRun] = []
    builds: list[tuple[ops_record.Build, list[dict[str, Any]]]] = []
    for team in teams:
        mine = {uid: status for uid, status in node_status.items() if owners.get(uid) == team}
        statuses = dict(Counter(mine.values()))
        during = _in_run_problems(manifest, team, plan.owners, teams, node_status)
        for problem in during:
            print(f"steward: {describe(problem, contacts)}", file=sys.stderr)
        decisions = _decisions(manifest, team, plan, before[team], ignore_upstream)
        skipped_now = {p.product: p for p in during}
        decisions = [
            dataclasses.replace(d, decision="skipped", reason=skipped_now[d.product].reason)
            if d.product in skipped_now
            else d
            for d in decisions
        ]
        problems = ([] if ignore_upstream else before[team]) + during
        success = not any(status in FAILED for status in mine.values())
        skipped = tuple(p.product_name for p in problems)
        build = ops_record.Build(
            invocation_id=invocation_id,
            team=team,
            env=env,
            target=context.target,
            git_sha=sha,
            started_at=started_at,
            finished_at=finished_at,
            success=success,
            statuses=statuses,
            skipped_upstream=skipped,
            decisions=tuple(decisions),
        )
        builds.append((build, [r for r in results if owners.get(str(r["unique_id"])) == team]))
        runs.append(TeamRun(team, success, statuses, upstream_problems=tuple(problems)))
    try:
        store = OpsStore.open(context, invocation_id)
        recorded = ops_record.record_builds(store, builds, manifest, cursor, new=True)
        for (build, _), rows in zip(builds, recorded, strict=True):
            emit_build(context, build, rows, manifest, shared=True)
    except Exception as exc:  # recording never fails a build
        ops_record.warn(f"could not record build {invocation_id} of teams {', '.join(teams)}", exc)
    return runs
