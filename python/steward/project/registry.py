"""The ownership registry `platform/teams.yml` and the reviewed `platform/exceptions.yml`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from steward.errors import UserError
from steward.project.model import LoadIssue, Position, Registry, RuleException, Team
from steward.project.registry_schema import validate
from steward.project.yamlio import LineDict, load_yaml

REGISTRY_PATH = "platform/teams.yml"
EXCEPTIONS_PATH = "platform/exceptions.yml"
TEAM_KEYS = frozenset(
    {
        "id",
        "name",
        "kind",
        "layers",
        "contact",
        "channel",
        "cost_centre",
        "members",
        "service_user",
        "description",
        "slack",
        "email",
        "github_team",
    }
)
EXCEPTION_KEYS = frozenset({"rule", "model", "reason", "owner", "expires"})


def _warn(message: str, path: str, line: int) -> LoadIssue:
    return LoadIssue("YML001", "warning", message, Position(path, line))


def read_registry(root: Path) -> tuple[Registry | None, list[LoadIssue]]:
    """The registry of the project at `root` (None without one), validated
    (`registry_schema`); unknown keys of a team are YML001 warnings."""
    file = root / REGISTRY_PATH
    if not file.is_file():
        return None, []
    data = load_yaml(file, REGISTRY_PATH)
    spec = validate(data, REGISTRY_PATH)
    issues: list[LoadIssue] = []
    teams: list[Team] = []
    for entry, team in zip(data["teams"], spec.teams, strict=True):
        issues.extend(
            _warn(f"unknown key `{key}` in team `{team.id}`", REGISTRY_PATH, entry.key_line(key))
            for key in entry
            if key not in TEAM_KEYS
        )
        teams.append(
            Team(
                id=team.id,
                position=Position(REGISTRY_PATH, entry.line),
                name=team.name,
                kind=team.kind,
                layers=tuple(team.layers),
                contact=team.contact,
                channel=team.channel,
                cost_centre=team.cost_centre,
                members=tuple(team.members),
                service_user=team.service_user,
                github_team=team.github_team,
            )
        )
    return Registry(REGISTRY_PATH, tuple(teams)), issues


def _date(value: Any, line: int) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UserError(
            f"`expires` must be a date (YYYY-MM-DD), got {value!r}",
            path=EXCEPTIONS_PATH,
            line=line,
        ) from None


def read_exceptions(root: Path) -> tuple[tuple[RuleException, ...], list[LoadIssue]]:
    file = root / EXCEPTIONS_PATH
    if not file.is_file():
        return (), []
    data = load_yaml(file, EXCEPTIONS_PATH)
    entries = data.get("exceptions") if isinstance(data, Mapping) else data
    if entries is None:
        return (), []
    if not isinstance(entries, list):
        raise UserError("expected a list under `exceptions:`", path=EXCEPTIONS_PATH, line=1)
    result: list[RuleException] = []
    issues: list[LoadIssue] = []
    for entry in entries:
        line = getattr(entry, "line", 1)
        if not isinstance(entry, LineDict):
            raise UserError("an exception must be a mapping", path=EXCEPTIONS_PATH, line=line)
        missing = [k for k in ("rule", "model", "reason", "owner") if not entry.get(k)]
        if missing:
            raise UserError(
                f"exception lacks {', '.join(missing)} (rule, model, reason, owner and "
                "expires are required)",
                path=EXCEPTIONS_PATH,
                line=line,
            )
        issues.extend(
            _warn(f"unknown key `{key}` in an exception", EXCEPTIONS_PATH, entry.key_line(key))
            for key in entry
            if key not in EXCEPTION_KEYS
        )
        result.append(
            RuleException(
                rule=str(entry["rule"]),
                model=str(entry["model"]),
                reason=str(entry["reason"]),
                owner=str(entry["owner"]),
                expires=_date(entry.get("expires"), entry.key_line("expires")),
                position=Position(EXCEPTIONS_PATH, line),
            )
        )
    return tuple(result), issues
