"""Who may write where, at run time: the namespaces of the running team, from the registry.

A team writes `<prefix><layer>_<team>` for the layers it owns and its landing namespace
`<prefix>landing_<team>`; by path only under its storage prefix, when it has one. The
environment's prefix is `<env>_`, none for `prod` (as `macros/namespaces/` derive it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from steward.errors import UserError
from steward.project.model import Registry

DEFAULT_LAYERS = ("bronze", "silver", "gold", "ops")
LANDING = "landing"
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


def env_prefix(env: str) -> str:
    return "" if env == "prod" else f"{env}_"


@dataclass(frozen=True)
class Owner:
    team: str
    contact: str = ""
    channel: str = ""

    def reach(self) -> str:
        ways = ", ".join(w for w in (self.contact, self.channel) if w)
        return f"team {self.team}" + (f" ({ways})" if ways else "")


@dataclass(frozen=True)
class WritePolicy:
    """What the running team may write. `team=None` is a read-only run."""

    team: str | None
    env: str
    layers: tuple[str, ...] = DEFAULT_LAYERS
    owners: Mapping[str, Owner] = field(default_factory=dict)
    """Every known namespace without the env prefix (`silver_platform`) -> its owner."""
    storage_prefix: str | None = None

    @property
    def prefix(self) -> str:
        return env_prefix(self.env)

    @property
    def namespaces(self) -> tuple[str, ...]:
        """The running team's namespaces, with the environment's prefix."""
        if self.team is None:
            return ()
        names = [f"{layer}_{self.team}" for layer in self.layers]
        names.append(f"{LANDING}_{self.team}")
        return tuple(self.prefix + name for name in names)

    def owns(self, schema: str) -> bool:
        return schema.lower() in self.namespaces

    def owner(self, schema: str) -> Owner | None:
        """The owner of `schema` in this environment (or, unprefixed, in production)."""
        schema = schema.lower()
        if self.prefix and schema.startswith(self.prefix):
            found = self.owners.get(schema[len(self.prefix) :])
            if found is not None:
                return found
        return self.owners.get(schema)

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
        """The policy of `team` in `env`; a team the registry does not know is an error."""
        owners: dict[str, Owner] = {}
        layers: tuple[str, ...] = DEFAULT_LAYERS
        if registry is not None:
            for entry in registry.teams:
                owner = Owner(entry.id, entry.contact, entry.channel)
                for layer in (*entry.layers, LANDING):
                    owners[f"{layer}_{entry.id}"] = owner
            if team is not None:
                known = registry.team(team)
                if known is None:
                    teams = ", ".join(sorted(registry.team_ids))
                    raise UserError(
                        f"team '{team}' (STEWARD_TEAM or the profile's `team`) is not in "
                        f"{registry.path}; the teams are: {teams}"
                    )
                layers = known.layers
        if team is not None and not _TEAM.match(team):
            raise UserError(f"team '{team}' is not a valid team id (lower snake case)")
        return cls(team, env.lower(), tuple(layers), owners, storage_prefix or None)


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
