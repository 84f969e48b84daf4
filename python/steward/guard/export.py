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
from pathlib import Path
from typing import Any

from steward.errors import UserError
from steward.project.model import Registry
from steward.project.namespaces import PROD, env_prefix
from steward.project.registry import REGISTRY_PATH, read_registry

FORMAT = 1
EXTENSION_CLASS = "steward.spark.guard.StewardGuardExtension"
"""What to append to `spark.sql.extensions`."""
JAR = Path(__file__).resolve().parents[3] / "jvm" / "steward-guard" / "target" / "steward-guard.jar"
"""The extension's jar in steward's source tree (built by `make setup`)."""
REGISTRY_ENV_VAR = "STEWARD_GUARD_REGISTRY"
JAR_ENV_VAR = "STEWARD_GUARD_JAR"
"""The variables profiles.yml reads `spark.steward.registry` and the jar from."""


def registry_file(registry: Registry, env: str) -> dict[str, Any]:
    env = env.lower()
    return {
        "steward_guard": FORMAT,
        "registry": registry.path or f"none (no {REGISTRY_PATH}: a team owns every layer)",
        "env": env,
        "prefix": env_prefix(env),
        "teams": [
            {
                "id": team.id,
                "contact": team.contact,
                "channel": team.channel,
                "members": list(team.members),
                "namespaces": list(registry.namespaces(team.id, env)),
            }
            for team in registry.teams
        ],
        "namespaces": registry.governed(env, landing=True),
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


def write(registry: Registry, env: str, out: Path) -> Path:
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


def export_for_run(
    project_dir: Path, env: str | None, target: str = "local", team: str | None = None
) -> dict[str, str]:
    """Before dbt starts: the file for `env` (None: the profile's, STEWARD_ENV or prod), and
    the variables that point the profile at it and at the jar (the `local` target; a
    cluster loads its own). A project without a registry gets the one the Python guard
    assumes (`team` owns its namespaces of every layer); without a team either, no file, so
    the extension refuses every write, as the Python guard does."""
    if target != "local":
        return {}
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
