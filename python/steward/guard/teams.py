"""The teams of one dbt invocation that builds several teams at once (`steward build --all`
on the embedded target).

A single team's build names its team once (STEWARD_TEAM) and the guards apply it to every
statement. A build of every team is one `dbt build`, so the team is a node's: `steward
build` writes this file before dbt starts, with every node's team (a model's from the
project model, a test's from the model it tests) and each team's session settings of the
layered configuration, and names it in STEWARD_BUILD_TEAMS. The adapter then judges each
statement by the team of the node that sends it, and sets that team (and its settings)
on the node's own Spark session for the engine guard. A statement no node sends (dbt's
schema creation, the on-run-start hook, introspection) may do what one of the build's
teams may do, and is judged and tagged as that team.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from steward.errors import UserError

FORMAT = 1
ENV_VAR = "STEWARD_BUILD_TEAMS"


@dataclass(frozen=True)
class BuildTeams:
    teams: tuple[str, ...]
    """The teams of the invocation, in build order."""
    nodes: Mapping[str, str] = field(default_factory=dict)
    """unique id -> team, of every node dbt may run."""
    settings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """team -> Spark session settings set while its nodes run."""

    def team_of(self, unique_id: str | None) -> str | None:
        return self.nodes.get(unique_id) if unique_id else None

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "steward_build_teams": FORMAT,
                    "teams": list(self.teams),
                    "nodes": dict(sorted(self.nodes.items())),
                    "settings": {team: dict(s) for team, s in sorted(self.settings.items())},
                },
                indent=1,
            )
            + "\n"
        )


def default_path(project_dir: Path, env: str) -> Path:
    return project_dir / "target" / "steward" / "guard" / f"build-teams-{env.lower()}.json"


def write(build: BuildTeams, out: Path) -> Path:
    """Write the file atomically (nothing half-written for the adapter to read)."""
    partial = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(build.to_json(), encoding="utf-8")
        partial.replace(out)
    except OSError as exc:
        raise UserError(
            f"cannot write the build's teams file: {exc.strerror}", path=str(out)
        ) from None
    return out


def read(path: Path) -> BuildTeams:
    """The file STEWARD_BUILD_TEAMS names; a missing or malformed one is a UserError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(
            f"cannot read the build's teams file ({ENV_VAR}): {exc.strerror}; run the build "
            f"with `steward build --all`, or unset {ENV_VAR}",
            path=str(path),
        ) from None
    except ValueError as exc:
        raise UserError(
            f"the build's teams file ({ENV_VAR}) is not JSON: {exc}", path=str(path)
        ) from None
    if not isinstance(data, dict) or data.get("steward_build_teams") != FORMAT:
        raise UserError(
            f"the build's teams file ({ENV_VAR}) is not format {FORMAT}; it is written by "
            "`steward build --all`",
            path=str(path),
        )
    teams = data.get("teams")
    nodes = data.get("nodes")
    settings = data.get("settings") or {}
    if (
        not _strings(teams)
        or not teams
        or not isinstance(nodes, dict)
        or not _strings(list(nodes.values()))
        or not set(nodes.values()) <= set(teams)
        or not isinstance(settings, dict)
    ):
        raise UserError(
            f"the build's teams file ({ENV_VAR}) has no `teams`, or a node of a team not "
            "in them; it is written by `steward build --all`",
            path=str(path),
        )
    return BuildTeams(
        tuple(teams),
        {str(k): str(v) for k, v in nodes.items()},
        {str(t): {str(k): str(v) for k, v in (s or {}).items()} for t, s in settings.items()},
    )


def _strings(value: object) -> bool:
    """A list of non-empty strings."""
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


def from_environment() -> BuildTeams | None:
    path = os.environ.get(ENV_VAR, "").strip()
    return read(Path(path)) if path else None
