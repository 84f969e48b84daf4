"""Who may write where, at run time: the namespaces of the running team, from the registry.

Which namespaces a team writes is the registry's answer (`Registry.namespaces`: the
layers it owns and its landing namespace, with the environment's prefix), the same one
lint, audit and grants read; by path only under its storage prefix, when it has one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from steward.errors import UserError
from steward.project.model import Registry, Team
from steward.project.namespaces import LANDING, LAYERS, env_prefix

__all__ = [
    "ALLOWED_SETTINGS",
    "COMMIT_METADATA_KEY",
    "LANDING",
    "LAYERS",
    "SESSION_CATALOG",
    "WritePolicy",
    "env_prefix",
    "normalise_path",
]

SESSION_CATALOG = "spark_catalog"
COMMIT_METADATA_KEY = "spark.databricks.delta.commitInfo.userMetadata"
"""Set by the guard itself before every write; a statement may not set it (forgery)."""

ALLOWED_SETTINGS: frozenset[str] = frozenset(
    {
        # dbt-spark's insert_overwrite strategy sets it before its INSERT OVERWRITE
        "spark.sql.sources.partitionOverwriteMode",
        # tuning that changes neither where data goes nor what protects it
        "spark.sql.shuffle.partitions",
        "spark.sql.adaptive.enabled",
        "spark.sql.adaptive.coalescePartitions.enabled",
    }
)
"""The configuration keys a statement may SET or RESET. Anything else (Delta's retention
check, catalogs, legacy flags, the commit metadata) could switch a protection off; add a
key here only after review."""

_TEAM = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class WritePolicy:
    """What the running team may write: the registry's answer for `team` in `env`.
    `team=None` is a read-only run."""

    team: str | None
    env: str
    registry: Registry
    storage_prefix: str | None = None

    @property
    def prefix(self) -> str:
        return env_prefix(self.env)

    @property
    def namespaces(self) -> tuple[str, ...]:
        """The running team's namespaces, with the environment's prefix."""
        return self.registry.namespaces(self.team, self.env)

    def owns(self, schema: str) -> bool:
        return self.registry.owns(self.team, schema, self.env)

    def owner(self, schema: str) -> Team | None:
        """The owner of `schema` in this environment (or, unprefixed, in production)."""
        return self.registry.owner_of(schema, self.env)

    def path_allowed(self, path: str) -> bool:
        if not self.storage_prefix or self.team is None:
            return False
        return _under(normalise_path(path), normalise_path(self.storage_prefix))

    @classmethod
    def for_team(
        cls,
        team: str | None,
        env: str,
        registry: Registry | None,
        storage_prefix: str | None = None,
    ) -> WritePolicy:
        """The policy of `team` in `env`; a team the registry does not know is an error.
        Without a registry, the team owns its namespaces of every layer."""
        if team is not None and not _TEAM.match(team):
            raise UserError(f"team '{team}' is not a valid team id (lower snake case)")
        if registry is None:
            registry = Registry.implicit(team) if team is not None else Registry("", ())
        elif team is not None and registry.team(team) is None:
            teams = ", ".join(sorted(registry.team_ids))
            raise UserError(
                f"team '{team}' (STEWARD_TEAM or the profile's `team`) is not in "
                f"{registry.path}; the teams are: {teams}"
            )
        return cls(team, env.lower(), registry, storage_prefix or None)


def normalise_path(path: str) -> str:
    """A path or URI, comparable by prefix: `file:` dropped, `..` resolved, no trailing /."""
    text = path.strip()
    if text.startswith("file://"):
        text = text[len("file://") :]
    elif text.startswith("file:"):
        text = text[len("file:") :]
    if "://" in text:
        scheme, rest = text.split("://", 1)
        parts: list[str] = []
        for part in rest.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        return f"{scheme.lower()}://" + "/".join(parts)
    return os.path.normpath(os.path.abspath(text))


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")
