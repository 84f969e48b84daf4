"""The registry file of the engine guard (the Spark session extension in jvm/steward-guard).

`registry_file(registry, env)` is the registry's answer to "who writes where" in one
environment, as JSON the extension reads from `spark.steward.registry`: every team's
namespaces (`Registry.namespaces`, landing included), the owner of every governed namespace
of the environment and of production (`Registry.governed`). The Python guard asks the same
`Registry`, so the two guards cannot disagree on a name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from steward.errors import UserError
from steward.project.model import Registry, default_service_user
from steward.project.namespaces import PROD, env_prefix
from steward.project.registry import REGISTRY_PATH, read_registry
from steward.teambuild.context import ENV_NAME

FORMAT = 1
EXTENSION_CLASS = "steward.spark.guard.StewardGuardExtension"
"""What to append to `spark.sql.extensions`."""
JAR = Path(__file__).resolve().parents[3] / "jvm" / "steward-guard" / "target" / "steward-guard.jar"
"""The extension's jar in steward's source tree (built by `make setup`)."""
REGISTRY_ENV_VAR = "STEWARD_GUARD_REGISTRY"
JAR_ENV_VAR = "STEWARD_GUARD_JAR"
"""The variables profiles.yml reads `spark.steward.registry` and the jar from."""


def registry_file(registry: Registry, env: str | Sequence[str]) -> dict[str, Any]:
    """The file for one environment, or for several that one shared server serves (each
    team then writes its namespaces of each of them)."""
    envs = [e.lower() for e in ([env] if isinstance(env, str) else env)]
    if not envs:
        raise UserError("the engine guard's registry needs at least one environment")
    governed: dict[str, str] = {}
    for name in envs:
        governed.update(registry.governed(name, landing=True))
    return {
        "steward_guard": FORMAT,
        "registry": registry.path or f"none (no {REGISTRY_PATH}: a team owns every layer)",
        "env": ", ".join(envs),
        "prefix": env_prefix(envs[0]),
        "teams": [
            {
                "id": team.id,
                "contact": team.contact,
                "channel": team.channel,
                "members": list(team.users),  # the guard maps a session user by these
                "namespaces": [ns for name in envs for ns in registry.namespaces(team.id, name)],
            }
            for team in registry.teams
        ],
        "namespaces": governed,
        "production_namespaces": registry.governed(PROD, landing=True),
    }


def default_path(project_dir: Path, env: str) -> Path:
    return project_dir / "target" / "steward" / "guard" / f"registry-{env.lower()}.json"


def load(project_dir: Path) -> Registry:
    registry, _ = read_registry(project_dir)
    if registry is None:
        raise UserError(
            f"no {REGISTRY_PATH} in {project_dir}: the engine guard needs the registry of teams"
        )
    return registry


def write(registry: Registry, env: str | Sequence[str], out: Path) -> Path:
    """Write the file atomically (a session may read it at any moment)."""
    text = json.dumps(registry_file(registry, env), indent=2, sort_keys=True) + "\n"
    partial = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        partial.replace(out)
    except OSError as exc:
        raise UserError(f"cannot write the registry file: {exc.strerror}", path=str(out)) from None
    return out


THRIFT_USER_ENV_VAR = "STEWARD_THRIFT_USER"


def cluster_user(project_dir: Path, team: str | None) -> dict[str, str]:
    """On the cluster target the Thrift Server's engine guard knows a session's team only
    from its user: a team's build connects as the team's service user (`service_user` in
    the registry), unless STEWARD_THRIFT_USER names someone (an engineer's own build)."""
    if team is None or os.environ.get(THRIFT_USER_ENV_VAR):
        return {}
    registry, _ = read_registry(project_dir)
    entry = registry.team(team) if registry is not None else None
    return {THRIFT_USER_ENV_VAR: entry.build_user if entry else default_service_user(team)}


def server_conf(registry_file: Path, jar: Path = JAR) -> dict[str, str]:
    """The Spark settings that load the engine guard into a shared server (a Thrift
    Server): Delta's extension and steward's, the registry file, and the team of each
    session taken from its user (a client's `SET spark.steward.team` is ignored)."""
    if not jar.is_file():
        raise UserError(
            f"the engine guard's jar {jar} is not built; run `make setup` (it builds it once "
            "with Maven)"
        )
    return {
        "spark.sql.extensions": f"io.delta.sql.DeltaSparkSessionExtension,{EXTENSION_CLASS}",
        "spark.steward.registry": str(registry_file.resolve()),
        # Spark's Thrift Server runs each session's statements as its user (Hive's
        # hive.server2.enable.doAs, on by default), which is what the guard reads
        "spark.steward.team.fromUser": "true",
    }


def server_envs(chosen: Sequence[str] | None) -> list[str]:
    """The environments a shared server serves: those chosen (`--env`, repeatable), else
    STEWARD_ENV, else dev (the cluster target's default)."""
    envs = list(chosen) if chosen else [os.environ.get("STEWARD_ENV") or "dev"]
    for env in envs:
        if not ENV_NAME.match(env):
            raise UserError(
                f"environment '{env}' is not a valid name: use lower snake case, e.g. dev, "
                "staging, prod"
            )
    return envs


def export_for_server(project_dir: Path, folder: Path, envs: Sequence[str]) -> Path | None:
    """The registry file a shared server of environments `envs` reads, written into its
    folder (`folder`/guard/registry.json); None for a project without a registry (then
    the server runs without the engine guard)."""
    envs = server_envs(envs)
    registry, _ = read_registry(project_dir)
    if registry is None:
        return None
    return write(registry, envs, folder / "guard" / "registry.json")


def export_for_run(
    project_dir: Path, env: str | None, target: str = "local", team: str | None = None
) -> dict[str, str]:
    """Before dbt starts: the file for `env` (None: the profile's, STEWARD_ENV or prod), and
    the variables that point the profile at it and at the jar (the `local` target; a
    cluster loads its own). A project without a registry gets the one the Python guard
    assumes (`team` owns its namespaces of every layer); without a team either, no file, so
    the extension refuses every write, as the Python guard does."""
    if target != "local":
        return cluster_user(project_dir, team)
    if not JAR.is_file():
        raise UserError(
            f"the engine guard's jar {JAR} is not built; run `make setup` (it builds it once "
            "with Maven)"
        )
    env = env or os.environ.get("STEWARD_ENV") or PROD
    variables = {JAR_ENV_VAR: str(JAR)}
    registry, _ = read_registry(project_dir)
    if registry is None and team:
        registry = Registry.implicit(team)
    if registry is not None:
        path = write(registry, env, default_path(project_dir, env))
        variables[REGISTRY_ENV_VAR] = str(path.resolve())
    return variables
