"""Python models: their `dbt.ref`/`dbt.source` calls and the SQL they send, read from the
syntax tree (a Python model is never executed by steward). A call resolves as the same
call in Jinja does (`refs.py`)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from steward.project.model import Node, Position
from steward.render.model import RefCall, RenderedSql, RenderProblem
from steward.render.refs import NOTHING, call_display, resolve_ref, resolve_source

if TYPE_CHECKING:
    from steward.render.renderer import Renderer

_SQL_METHODS = frozenset({"sql"})
_WRITE_METHODS = {"saveAsTable": "INSERT OVERWRITE TABLE", "insertInto": "INSERT INTO"}


def _const(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def render_python_model(
    node: Node, renderer: Renderer
) -> tuple[list[RenderedSql], list[RefCall], list[RenderProblem]]:
    statements: list[RenderedSql] = []
    refs: list[RefCall] = []
    problems: list[RenderProblem] = []
    try:
        tree = ast.parse(node.raw_code, filename=node.path)
    except SyntaxError as exc:
        problems.append(
            RenderProblem(
                f"Python syntax error: {exc.msg}",
                Position(node.path, exc.lineno or 1, exc.offset or 1),
            )
        )
        return statements, refs, problems
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            continue
        method = call.func.attr
        position = Position(node.path, call.lineno, call.col_offset + 1)
        args = [_const(a) for a in call.args]
        owner = call.func.value
        if isinstance(owner, ast.Name) and owner.id == "dbt" and method in ("ref", "source"):
            if any(a is None for a in args):
                continue
            names = [str(a) for a in args]
            if method == "ref":
                found = resolve_ref(renderer, names[-1] if names else "")
            else:
                found = resolve_source(renderer, *names[:2]) if len(names) >= 2 else NOTHING
            if found.unique_id is None:
                problems.append(
                    RenderProblem(
                        f"dbt.{call_display(method, names)} names nothing in the project",
                        position,
                    )
                )
            relation = found.relation.render().lower() if found.relation else ""
            refs.append(RefCall(method, tuple(names), found.unique_id, relation, position))
        elif method in _SQL_METHODS and args and args[0] is not None:
            statements.append(RenderedSql(args[0], "python", position))
        elif method in _SQL_METHODS and call.args:
            statements.append(RenderedSql("EXECUTE IMMEDIATE dynamic_sql", "python", position))
        elif method in _WRITE_METHODS and args and args[0] is not None:
            statements.append(
                RenderedSql(f"{_WRITE_METHODS[method]} {args[0]} SELECT 1", "python", position)
            )
    return statements, refs, problems
