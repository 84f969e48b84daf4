"""What each node and source is called in the warehouse, as dbt names it.

A node's relation comes from the project's own `generate_database_name` /
`generate_schema_name` / `generate_alias_name` (dbt's defaults when the project has
none); a source's from its yml, whose values may be Jinja.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from steward.project.model import Node, SourceTable
from steward.render import stubs
from steward.render.model import RenderProblem
from steward.render.session import Session, node_dict

if TYPE_CHECKING:
    from steward.render.renderer import Renderer

_NAMING_MACROS = (
    ("generate_database_name", "database"),
    ("generate_schema_name", "schema"),
    ("generate_alias_name", "alias"),
)


def node_relation(
    renderer: Renderer, node: Node, config: dict[str, Any]
) -> tuple[stubs.JinjaRelation, list[RenderProblem]]:
    """The relation of `node` with its resolved `config`, and the problems of the naming
    macros' renders."""
    if node.resource_type == "snapshot" and config.get("target_schema"):
        relation = stubs.JinjaRelation(
            config.get("target_database"),
            str(config["target_schema"]),
            str(config.get("alias") or node.name),
        )
        return relation, []
    target = renderer.target
    session = Session(renderer, node, config, capture=True)
    model = node_dict(node, config)
    defaults = {"database": target.database, "schema": target.schema, "alias": node.name}
    parts = []
    for macro, key in _NAMING_MACROS:
        custom = config.get(key)
        if key == "schema" and custom is None and node.resource_type == "test":
            custom = "dbt_test__audit"  # dbt's default schema of stored test failures
        if custom is None and renderer.contexts.is_dbt_default(macro):
            parts.append(defaults[key])  # what dbt's own macro returns, without a render
            continue
        parts.append(_call_macro(renderer, session, macro, custom, model))
    database, schema, alias = parts
    if schema is None:
        schema = str(config.get("schema") or target.schema)
    if alias is None:
        alias = str(config.get("alias") or node.name)
    return stubs.JinjaRelation(database or None, schema, alias), session.problems


def _call_macro(renderer: Renderer, session: Session, name: str, *args: Any) -> str | None:
    with renderer.running(session):
        try:
            macro = session.context().get(name)
            if not callable(macro):
                return None
            result = macro(*args)
            text = str(result).strip() if result is not None else ""
            return text or None
        except Exception as exc:
            session.problems.append(session.problem(exc))
            return None


def source_relation(renderer: Renderer, source: SourceTable) -> stubs.JinjaRelation:
    """A source's relation; yml values such as `schema: "{{ env }}_landing"` are Jinja,
    rendered as dbt renders them at parse time (target, var, env_var)."""
    relation = renderer.source_relations.get(source.unique_id)
    if relation is None:
        parts = [
            _render_property(renderer, v)
            for v in (source.database, source.schema, source.identifier)
        ]
        relation = stubs.JinjaRelation(parts[0] or None, parts[1], parts[2])
        renderer.source_relations[source.unique_id] = relation
    return relation


def _render_property(renderer: Renderer, value: str | None) -> str | None:
    if value is None or "{" not in value:
        return value
    try:
        template = renderer.property_template(value)
        context = {
            "target": renderer.target.as_context(),
            "env_var": stubs.env_var,
            "var": lambda name, default=None: renderer.contexts.vars_for(renderer.project.name).get(
                name, default
            ),
        }
        return template.render(context).strip()
    except Exception:
        return value
