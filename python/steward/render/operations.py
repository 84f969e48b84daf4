"""What runs outside any node: `on-run-start`/`on-run-end` hooks and the operations
(macros no node or hook calls, run with `dbt run-operation`), each rendered in a
project-level context; and the syntax check of the macro files."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType
from typing import TYPE_CHECKING

import jinja2
import jinja2.nodes

from steward.project.model import MacroFile, Node, Position
from steward.render import stubs
from steward.render.jinja_env import MACRO_PREFIX, MacroReturn, UnresolvedMacro
from steward.render.model import RenderedSql, RenderProblem
from steward.render.session import Session
from steward.render.usage import operation_macros

if TYPE_CHECKING:
    from steward.render.renderer import Renderer


def render_operations(renderer: Renderer) -> Iterator[RenderedSql]:
    """The SQL of the on-run hooks and of the operations; an operation's unresolved
    macros go to `renderer.operation_problems`."""
    dbt_project = renderer.project.dbt_project
    holder = _holder(renderer, "hooks", "dbt_project.yml")
    for hook in (*dbt_project.on_run_start, *dbt_project.on_run_end):
        session = Session(
            renderer, holder, {}, hook=hook, relation_override=stubs.JinjaRelation(None, None, None)
        )
        sql = renderer.render_hook(session, hook)
        if sql:
            yield RenderedSql(sql, hook.kind, hook.position)
        yield from session.statements
    for file, name, _line in operation_macros(renderer.project, renderer.usage):
        yield from _render_operation(renderer, file, name)


def check_macro_files(renderer: Renderer) -> list[RenderProblem]:
    """A syntax error of each project or package macro file."""
    problems = []
    for file in renderer.project.macro_files:
        if file.internal:
            continue
        try:
            renderer.macro_template(file)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(
                RenderProblem(
                    f"Jinja syntax error: {exc.message}", Position(file.path, exc.lineno or 1)
                )
            )
    return problems


def _holder(renderer: Renderer, name: str, path: str) -> Node:
    """A node for a session that renders no node."""
    project_name = renderer.project.name
    return Node(
        unique_id=f"operation.{project_name}.{name}",
        resource_type="operation",
        name=name,
        package=project_name,
        path=path,
        fqn=(project_name, name),
        language="sql",
        raw_code="",
        config=MappingProxyType({}),
        config_origins=MappingProxyType({}),
    )


def _render_operation(renderer: Renderer, file: MacroFile, name: str) -> Iterator[RenderedSql]:
    """`dbt run-operation NAME`: the macro called alone, every argument without a
    default given a placeholder (statements naming one are the guard's to judge)."""
    required = _required_arguments(renderer.env, file, name)
    try:
        module = renderer.contexts.module(file, file.package)
        macro = getattr(module, f"{MACRO_PREFIX}{name}", None)
    except jinja2.TemplateSyntaxError:
        return  # SQL001 reports the file
    if macro is None or required is None:
        return
    holder = _holder(renderer, name, file.path)
    session = Session(renderer, holder, {}, relation_override=stubs.JinjaRelation(None, None, None))
    with renderer.running(session):
        try:
            macro(*(stubs.Placeholder(arg) for arg in required))
        except MacroReturn:
            pass
        except UnresolvedMacro as exc:
            renderer.operation_problems.append(session.problem(exc))
        except Exception:
            pass  # a macro refusing placeholder arguments, as it should
    for statement in session.statements:
        if not stubs.Placeholder.named_in(statement.sql):
            yield RenderedSql(statement.sql, "operation", statement.position)


def _required_arguments(env: jinja2.Environment, file: MacroFile, name: str) -> list[str] | None:
    """The arguments of macro `name` in `file` that have no default."""
    try:
        ast = env.parse(file.source)
    except jinja2.TemplateSyntaxError:
        return None
    for macro in ast.find_all(jinja2.nodes.Macro):
        if macro.name == f"{MACRO_PREFIX}{name}":
            names = [arg.name for arg in macro.args]
            return names[: len(names) - len(macro.defaults)]
    return None
