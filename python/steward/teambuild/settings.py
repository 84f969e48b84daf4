"""What the layered configuration (`steward.config`) means for a build.

Before anything runs: a locked key overridden in a file the build reads (rule CFG001), or
a generated `models:` section of dbt_project.yml that is stale (CFG002), stops the build
with one line naming the file and line (exit 2). The environment is resolved (`dev` is
per developer: `dev_<you>`), so the guard, the history and the namespaces all see the
same name. Each team's dbt run gets its Spark settings through the variables the
profile reads; the SLA defaults are what the upstream check holds each producer to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from steward.config import config_env, namespace_env, resolve_for
from steward.config.generate import DBT_PROJECT, stale
from steward.config.locks import LockViolation, lock_violations, node_lock_violations
from steward.config.model import DEFAULTS_PATH, ENVIRONMENTS_DIR, TEAMS_DIR, PlatformConfig
from steward.errors import UserError
from steward.project.namespaces import PROD
from steward.teambuild.context import RunContext

if TYPE_CHECKING:
    from steward.project.model import Project
    from steward.teambuild.order import BuildPlan

SPARK_VARIABLES = {
    "spark.shuffle_partitions": "STEWARD_SHUFFLE_PARTITIONS",
    "spark.driver_memory": "STEWARD_DRIVER_MEMORY",
}
"""Setting -> the variable profiles/profiles.yml reads it from."""
_UNITS = {"k": 1, "m": 1 << 10, "g": 1 << 20, "t": 1 << 30}


def default_env(context: RunContext) -> str:
    """The environment when none is given: prod on the private local target, dev on the
    shared cluster (as profiles/profiles.yml says)."""
    return context.env or (PROD if context.target == "local" else "dev")


def prepare(context: RunContext, plan: BuildPlan, teams: Sequence[str]) -> RunContext:
    """`context` with its environment resolved, after the configuration checks."""
    project = plan.project
    config = project.platform_config
    env = namespace_env(default_env(context), config)
    if config is not None:
        check_config(plan, config, teams, env)
    return dataclasses.replace(context, env=env)


def check_config(plan: BuildPlan, config: PlatformConfig, teams: Sequence[str], env: str) -> None:
    """Refuse a build of `teams` in `env` that would not run as configured."""
    project = plan.project
    overlay = config_env(env, config)
    read = {DEFAULTS_PATH, f"{ENVIRONMENTS_DIR}/{overlay}.yml"}
    read.update(f"{TEAMS_DIR}/{team}.yml" for team in teams)
    found = [v for v in lock_violations(config, project.registry) if v.position.path in read]
    if not found:
        found = _node_violations(plan, config, teams)
    if found:
        first = found[0]
        more = f" (and {len(found) - 1} more; `steward lint --select CFG001` lists them)"
        raise UserError(
            f"{first.message} (rule CFG001){more if len(found) > 1 else ''}",
            path=first.position.path,
            line=first.position.line,
        )
    line = stale(project)
    if line is not None:
        raise UserError(
            "the generated `models:` section is stale against platform/config/ (rule "
            "CFG002): dbt would build with other settings than the layer files say; run "
            "`steward config generate` and commit it",
            path=DBT_PROJECT,
            line=line,
        )


def _node_violations(
    plan: BuildPlan, config: PlatformConfig, teams: Sequence[str]
) -> list[LockViolation]:
    rendered = plan.rendered.nodes.values()
    nodes = [(r.node, r.config, r.config_origins) for r in rendered if r.node.team in teams]
    return node_lock_violations(config, nodes)


def team_settings(
    project: Project, context: RunContext, team: str, teams: Sequence[str]
) -> tuple[tuple[str, str], ...]:
    """The variables of `team`'s dbt run: its Spark settings in the context's environment.
    Driver memory is the process's (the session starts once): the most any team of the
    build asks for."""
    config = project.platform_config
    if config is None or context.env is None:
        return ()
    overlay = config_env(context.env, config)
    mine = resolve_for(config, project.registry, team, overlay)
    memory = max(
        (
            str(resolve_for(config, project.registry, t, overlay).value("spark.driver_memory"))
            for t in (team, *teams)
        ),
        key=_bytes,
    )
    return (
        (SPARK_VARIABLES["spark.shuffle_partitions"], str(mine.value("spark.shuffle_partitions"))),
        (SPARK_VARIABLES["spark.driver_memory"], memory),
    )


def build_settings(
    project: Project, context: RunContext, teams: Sequence[str]
) -> tuple[tuple[tuple[str, str], ...], dict[str, dict[str, str]]]:
    """One invocation of several teams: the variables of its dbt run (the first team's,
    with the most driver memory any team asks for) and each team's session settings,
    which the adapter sets while that team's nodes run."""
    config = project.platform_config
    if config is None or context.env is None or not teams:
        return (), {}
    overlay = config_env(context.env, config)
    per_team = {
        team: {
            "spark.sql.shuffle.partitions": str(
                resolve_for(config, project.registry, team, overlay).value(
                    "spark.shuffle_partitions"
                )
            )
        }
        for team in teams
    }
    return team_settings(project, context, teams[0], teams), per_team


def _bytes(size: str) -> int:
    return int(size[:-1]) * _UNITS[size[-1]]


def sla_defaults(project: Project, env: str | None) -> Mapping[str, timedelta]:
    """Each team's `sla.max_build_age_hours` in `env`: the age past which its products are
    not fit to build on, unless a product's own `meta.sla` says otherwise."""
    config = project.platform_config
    if config is None or project.registry is None or env is None:
        return {}
    overlay = config_env(env, config)
    return {
        team.id: timedelta(
            hours=float(
                resolve_for(config, project.registry, team.id, overlay).value(
                    "sla.max_build_age_hours"
                )
            )
        )
        for team in project.registry.teams
    }
