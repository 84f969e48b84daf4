"""Frozen results of an impact analysis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

COLUMN_CHANGES = ("added", "removed", "renamed", "retyped", "changed")
BREAKING = ("removed", "renamed", "retyped")


@dataclass(frozen=True)
class ColumnChange:
    """`change`: added, removed, renamed (`new_name` set), retyped (`old_type` ->
    `new_type`) or changed (computed differently)."""

    column: str
    change: str
    new_name: str | None = None
    old_type: str | None = None
    new_type: str | None = None

    @property
    def breaking(self) -> bool:
        return self.change in BREAKING

    def describe(self) -> str:
        if self.change == "renamed":
            return f"`{self.column}` renamed to `{self.new_name}`"
        if self.change == "retyped":
            return f"`{self.column}` retyped {self.old_type} -> {self.new_type}"
        return f"`{self.column}` {self.change}"


@dataclass(frozen=True)
class ModelChange:
    """A node added, removed or changed between base and head. `edits` counts sqlglot's
    semantic diff of the SQL; `logic` is set when filters, joins, group by or window
    partitions changed; `access` holds (base, head) when the access changed."""

    unique_id: str
    name: str
    team: str | None
    change: str
    columns: tuple[ColumnChange, ...] = ()
    edits: int = 0
    logic: bool = False
    access: tuple[str | None, str | None] | None = None

    @property
    def breaking_columns(self) -> tuple[ColumnChange, ...]:
        return tuple(c for c in self.columns if c.breaking)

    @property
    def narrowed(self) -> bool:
        return (
            self.access is not None and self.access[0] == "public" and (self.access[1] != "public")
        )


@dataclass(frozen=True)
class Reached:
    """A column (or, `column` None, a whole node) downstream of a change.

    `how` says how it depends on the change: `breaks` (it reads a column or model that is
    gone), `computed` (computed from a changed column), a use kind (`join`, `filter`,
    `group_by`, `window`), or `model` (it reads an affected node)."""

    unique_id: str
    column: str | None
    how: tuple[str, ...]
    via: tuple[str, ...]


@dataclass(frozen=True)
class TeamImpact:
    team: str | None
    name: str
    contact: str
    channel: str
    reached: tuple[Reached, ...]
    exposures: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExposureImpact:
    """An exposure reached, with its owning team's contact and the models it is reached
    through."""

    unique_id: str
    name: str
    type: str
    team: str | None
    contact: str
    via: tuple[str, ...]
    label: str = ""
    url: str = ""


@dataclass(frozen=True)
class BreakingChange:
    """A breaking change with who it breaks: other teams and exposures downstream."""

    change: str
    model: str
    teams: tuple[str, ...]
    exposures: tuple[str, ...]


@dataclass(frozen=True)
class Impact:
    base: str
    changes: tuple[ModelChange, ...]
    teams: tuple[TeamImpact, ...]
    exposures: tuple[ExposureImpact, ...]
    breaking: tuple[BreakingChange, ...]
    labels: tuple[tuple[str, str], ...] = ()
    """(unique id, display name) of every node named in the result."""

    @property
    def is_breaking(self) -> bool:
        return bool(self.breaking)

    def _broken(self, whom: Callable[[BreakingChange], tuple[str, ...]]) -> dict[str, list[str]]:
        """Team or exposure (as `whom` names them) -> the breaking changes reaching it."""
        found: dict[str, list[str]] = {}
        for item in self.breaking:
            for name in whom(item):
                found.setdefault(name, []).append(item.change)
        return dict(sorted(found.items()))

    def breaking_teams(self) -> tuple[tuple[TeamImpact, tuple[str, ...]], ...]:
        """Each other team a breaking change reaches, with the changes that break it."""
        known = {t.team: t for t in self.teams}
        return tuple(
            (known.get(team) or TeamImpact(team, team, "", "", ()), tuple(changes))
            for team, changes in self._broken(lambda b: b.teams).items()
        )

    def breaking_exposures(self) -> tuple[tuple[ExposureImpact, tuple[str, ...]], ...]:
        """Each exposure a breaking change reaches, with the changes that break it."""
        known = {e.unique_id: e for e in self.exposures}
        return tuple(
            (
                known.get(uid) or ExposureImpact(uid, self.label(uid), "", None, "", ()),
                tuple(changes),
            )
            for uid, changes in self._broken(lambda b: b.exposures).items()
        )

    def label(self, unique_id: str) -> str:
        return dict(self.labels).get(unique_id, unique_id.split(".")[-1])
