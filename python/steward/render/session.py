"""The state of rendering one node, hook or operation, and where its code runs.

The Jinja contexts and macro modules are built once per package and shared by every
session (see `context.py`): what they hand to templates (`config`, `this`, `ref`,
`run_query` ...) acts on the renderer's current session, so a thousand models do not
build a thousand contexts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jinja2

from steward.project.model import Hook, Node, Position
from steward.render import stubs
from steward.render.jinja_env import (
    CompilerError,
    UnresolvedMacro,
    template_position,
    traceback_positions,
)
from steward.render.model import RefCall, RenderedSql, RenderProblem

if TYPE_CHECKING:
    from steward.render.renderer import Renderer

# template names that are no project file: dbt's own macros, and hooks (whose position
# is the hook's, in a yml or `config()` call)
INTERNAL_PREFIX = "internal:"
HOOK_PREFIX = "hook:"


@dataclass
class Session:
    """The state of rendering one node (or one hook, or one operation)."""

    renderer: Renderer
    node: Node
    config: dict[str, Any]
    incremental: bool = False
    capture: bool = False
    relation_override: stubs.JinjaRelation | None = None
    statements: list[RenderedSql] = field(default_factory=list)
    refs: list[RefCall] = field(default_factory=list)
    problems: list[RenderProblem] = field(default_factory=list)
    macros: set[str] = field(default_factory=set)
    results: dict[str, Any] = field(default_factory=dict)
    hook: Hook | None = None
    model: dict[str, Any] | None = None

    def relation(self) -> stubs.JinjaRelation:
        if self.relation_override is not None:
            return self.relation_override
        known = self.renderer.relations.get(self.node.unique_id)
        if known is not None and not self.capture:
            return known
        return stubs.JinjaRelation(None, "__this__", self.node.name)

    def position(self) -> Position:
        """Where the Jinja code running now is, in a project file (node first)."""
        frames = template_position()
        for filename, line in frames:
            if filename == self.node.path:
                return Position(filename, line)
            if filename.startswith(HOOK_PREFIX) and self.hook is not None:
                return self.hook.position
        for filename, line in frames:
            if filename and not filename.startswith(INTERNAL_PREFIX):
                return Position(filename, line)
        return self.node.position

    def statement_position(self) -> Position:
        """Where a statement is issued: the innermost project file on the stack."""
        for filename, line in template_position():
            if filename.startswith(HOOK_PREFIX) and self.hook is not None:
                return self.hook.position
            if filename and not filename.startswith(INTERNAL_PREFIX):
                return Position(filename, line)
        return self.node.position

    def record(self, sql: str, kind: str) -> None:
        if sql.strip():
            self.statements.append(
                RenderedSql(sql.strip(), kind, self.statement_position(), self.incremental)
            )

    def context(self, package: str | None = None) -> dict[str, Any]:
        return self.renderer.contexts.of(package or self.node.package)

    def problem(self, exc: BaseException) -> RenderProblem:
        """`exc`, raised while this session rendered, as a problem at a project line."""
        position = self.node.position
        inner = None
        for filename, line in traceback_positions(exc):
            if filename == self.node.path:
                position = Position(filename, line)
                break
            if filename.startswith(HOOK_PREFIX) and self.hook is not None:
                position = self.hook.position
                break
            if inner is None and filename and not filename.startswith(INTERNAL_PREFIX):
                inner = Position(filename, line)
        if isinstance(exc, jinja2.TemplateSyntaxError):
            if exc.filename == self.node.path:
                position = Position(self.node.path, exc.lineno or 1)
            return RenderProblem(f"Jinja syntax error: {exc.message}", position)
        if isinstance(exc, UnresolvedMacro):
            return RenderProblem(
                f"macro `{exc.name}` cannot be resolved (not in the project, its local "
                "packages or dbt; is a package missing?)",
                position,
                exc.name,
            )
        where = f" (in {inner})" if inner is not None and inner != position else ""
        if isinstance(exc, CompilerError):
            return RenderProblem(f"compilation error{where}: {exc}", position)
        return RenderProblem(f"does not render{where}: {type(exc).__name__}: {exc}", position)


def node_dict(node: Node, config: Mapping[str, Any]) -> dict[str, Any]:
    """The node as dbt hands it to macros (`model`, `generate_schema_name(..., node)`)."""
    path = "/".join(node.path.split("/")[1:])
    return {
        "name": node.name,
        "unique_id": node.unique_id,
        "fqn": list(node.fqn),
        "resource_type": node.resource_type,
        "package_name": node.package,
        "path": path,
        "original_file_path": node.path,
        "config": config,
        "tags": list(config.get("tags") or []),
        "meta": dict(config.get("meta") or {}),
        "raw_code": node.raw_code,
        "language": node.language,
        "schema": config.get("schema"),
        "alias": config.get("alias") or node.name,
        "database": config.get("database"),
        "columns": {},
    }
