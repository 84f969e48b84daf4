"""The schema of `platform/teams.yml`, checked with pydantic (as the contracts are): one
error names the file, the line and what to write instead."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from steward.errors import UserError
from steward.project.model import default_service_user
from steward.project.namespaces import LAYERS
from steward.project.yamlio import LineDict, LineList

TEAM_ID = r"^[a-z][a-z0-9_]*$"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CHANNEL = re.compile(r"^#[a-z0-9][a-z0-9._-]*$")
_GITHUB_TEAM = re.compile(r"^@?[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
KINDS = ("engineering", "analytics", "ml")

_HINTS = {
    "id": "a lower snake case id, e.g. `id: electra`; it names the team's namespaces",
    "name": "the team's name, e.g. `name: Electra Metering data engineering`",
    "kind": f"one of {', '.join(KINDS)}",
    "layers": "the layers the team owns, e.g. `layers: [bronze, silver]`",
    "contact": "an email address the team reads, e.g. `contact: data-fr@example.com`",
    "channel": 'a chat channel starting with #, e.g. `channel: "#data-fr"` (quoted)',
    "github_team": "the GitHub team that reviews the team's folders, e.g. `@org/data-fr`",
    "members": "a list of user names, e.g. `members: [camille.durand]`",
    "service_user": "the user the team's orchestrated builds connect as, e.g. "
    "`service_user: svc_electra`",
    "cost_centre": "the cost centre, e.g. `cost_centre: FR-210`",
}


class TeamSpec(BaseModel):
    """One entry of `teams:`; keys steward does not know are warned about, not refused."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    id: str = Field(pattern=TEAM_ID)
    name: str = Field(min_length=1)
    kind: Literal["engineering", "analytics", "ml"]
    layers: list[str] = Field(min_length=1)
    contact: str
    channel: str = ""
    cost_centre: str = ""
    members: list[str] = Field(default_factory=list)
    service_user: str = Field(default="", pattern=r"^([A-Za-z0-9][A-Za-z0-9._-]*)?$")
    github_team: str = ""

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"`{value}` is not an email address")
        return value

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        if value and not _CHANNEL.match(value):
            raise ValueError(f"`{value}` is not a channel name")
        return value

    @field_validator("github_team")
    @classmethod
    def _github_team(cls, value: str) -> str:
        if value and not _GITHUB_TEAM.match(value):
            raise ValueError(f"`{value}` is not a GitHub team")
        return value


class RegistrySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    teams: list[TeamSpec] = Field(min_length=1)
    layers: list[str] = Field(default_factory=lambda: list(LAYERS))
    """The layers of the project; a team may list only these."""


def _line(data: Any, loc: Sequence[Any]) -> int:
    """The line of the value at `loc` in the YAML (the nearest holder that has one)."""
    line = getattr(data, "line", 1) or 1
    node = data
    for part in loc:
        if isinstance(node, LineDict):
            line = node.key_line(part) if part in node else node.line
            node = node.get(part)
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_line(part)
            node = node[part]
        else:
            break
    return line or 1


def _team_label(data: Any, loc: Sequence[Any]) -> str:
    if len(loc) >= 2 and loc[0] == "teams" and isinstance(loc[1], int):
        teams = data.get("teams") if isinstance(data, Mapping) else None
        if isinstance(teams, list) and loc[1] < len(teams) and isinstance(teams[loc[1]], Mapping):
            team_id = teams[loc[1]].get("id")
            return f"team `{team_id}`: " if team_id else f"team {loc[1] + 1}: "
    return ""


def validate(data: Any, path: str) -> RegistrySpec:
    """The registry as read from `path`, or a `UserError` at the line of the first problem
    (with a count of the others)."""
    if not isinstance(data, Mapping):
        raise UserError("the registry must be a mapping with a `teams:` list", path=path, line=1)
    try:
        spec = RegistrySpec.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        loc = first["loc"]
        field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "teams")
        missing = first["type"] == "missing"
        what = f"`{field}` is required" if missing else f"`{field}`: {_reason(first)}"
        hint = _HINTS.get(field, "")
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise UserError(
            f"{_team_label(data, loc)}{what}{'; write ' + hint if hint else ''}{more}",
            path=path,
            line=_line(data, loc if not missing else loc[:-1]),
        ) from None
    _check_ids_and_layers(spec, data, path)
    _check_users(spec, data, path)
    return spec


def _reason(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


def _check_ids_and_layers(spec: RegistrySpec, data: Any, path: str) -> None:
    seen: dict[str, int] = {}
    for index, team in enumerate(spec.teams):
        line = _line(data, ("teams", index, "id"))
        if team.id in seen:
            raise UserError(
                f"duplicate team id `{team.id}` (first at line {seen[team.id]}): each team "
                "is listed once; merge the two entries",
                path=path,
                line=line,
            )
        seen[team.id] = line
        for position, layer in enumerate(team.layers):
            if layer not in spec.layers:
                raise UserError(
                    f"team `{team.id}`: unknown layer `{layer}` (the layers are "
                    f"{', '.join(spec.layers)}; declare others in a top-level `layers:` list)",
                    path=path,
                    line=_line(data, ("teams", index, "layers", position)),
                )


def _check_users(spec: RegistrySpec, data: Any, path: str) -> None:
    """A user connects as one team: the engine guard maps a Thrift Server session's user
    to the team whose members (or service user) name it."""
    first: dict[str, tuple[str, int]] = {}
    for index, team in enumerate(spec.teams):
        named: list[tuple[str, tuple[Any, ...]]] = [
            (m, ("teams", index, "members", k)) for k, m in enumerate(team.members)
        ]
        build_user = team.service_user or default_service_user(team.id)
        named.append((build_user, ("teams", index, "service_user" if team.service_user else "id")))
        for user, loc in named:
            line = _line(data, loc)
            if user in first and first[user][0] != team.id:
                other, other_line = first[user]
                raise UserError(
                    f"team `{team.id}`: user `{user}` is already a user of team `{other}` "
                    f"(line {other_line}); a user connects as one team: remove one",
                    path=path,
                    line=line,
                )
            first.setdefault(user, (team.id, line))
