"""What rendering produces: frozen records of SQL, references and problems per node."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from steward.project.model import Node, Position, Project
from steward.render.stubs import JinjaRelation


@dataclass(frozen=True)
class Target:
    """The dbt target rendered for. Lint renders for production: relation names are then
    the canonical `<layer>_<team>.<entity>` that hard-coded SQL would use."""

    name: str = "prod"
    schema: str = "prod"
    type: str = "spark"
    database: str | None = None
    profile_name: str = "steward"
    threads: int = 1

    def as_context(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "target_name": self.name,
            "schema": self.schema,
            "type": self.type,
            "database": self.database,
            "profile_name": self.profile_name,
            "threads": self.threads,
            "method": "session",
            "host": "localhost",
            "user": "steward",
        }


@dataclass(frozen=True)
class RenderedSql:
    """One piece of SQL that would run: a model body (per `is_incremental()` branch), a
    hook, or a statement issued through `run_query`/`statement`/`adapter.execute`."""

    sql: str
    kind: str
    position: Position
    incremental: bool | None = None


@dataclass(frozen=True)
class RefCall:
    kind: str
    args: tuple[str, ...]
    target: str | None
    relation: str
    position: Position

    @property
    def display(self) -> str:
        return f"{self.kind}({', '.join(repr(a) for a in self.args)})"


@dataclass(frozen=True)
class RenderProblem:
    message: str
    position: Position
    macro: str | None = None


@dataclass(frozen=True)
class RenderedNode:
    node: Node
    config: Mapping[str, Any]
    config_origins: Mapping[str, Position]
    relation: JinjaRelation | None
    sql: tuple[RenderedSql, ...] = ()
    statements: tuple[RenderedSql, ...] = ()
    refs: tuple[RefCall, ...] = ()
    macros: frozenset[str] = frozenset()
    problems: tuple[RenderProblem, ...] = ()

    @property
    def relation_name(self) -> str | None:
        return self.relation.render().lower() if self.relation is not None else None


@dataclass(frozen=True)
class RenderedProject:
    project: Project
    target: Target
    nodes: Mapping[str, RenderedNode]
    operations: tuple[RenderedSql, ...] = ()
    problems: tuple[RenderProblem, ...] = ()
    relations: Mapping[str, str] = field(default_factory=dict)
    rendered: frozenset[str] | None = None
    """The nodes rendered (None: all); the others are known by config and relation only."""

    @property
    def complete(self) -> bool:
        """Whether every node was rendered."""
        return self.rendered is None or self.rendered >= self.nodes.keys()
