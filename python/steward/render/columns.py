"""Columns as `adapter.get_columns_in_relation` gives them: those the project's yml
documents for a model or source (`dbt_utils.star` expands them), quoted in the dialect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from steward.render.renderer import Renderer


def quote(identifier: str) -> str:
    """`identifier` quoted as the project's dialect quotes (`x` on Spark, "x" on Snowflake)."""
    from sqlglot import exp

    from steward.sql import dialect

    return exp.to_identifier(str(identifier), quoted=True).sql(dialect.current())


@dataclass(frozen=True)
class JinjaColumn:
    """A column as `adapter.get_columns_in_relation` gives it, from the yml."""

    name: str
    dtype: str = "string"

    @property
    def column(self) -> str:
        return self.name

    @property
    def quoted(self) -> str:
        return quote(self.name)

    @property
    def data_type(self) -> str:
        return self.dtype


def yml_columns(renderer: Renderer, relation: Any) -> tuple[JinjaColumn, ...]:
    """The columns the yml documents for the model or source `relation` names."""
    unique_id = renderer.relation_map.get(str(relation).lower())
    node = renderer.project.nodes.get(unique_id or "")
    source = renderer.project.sources.get(unique_id or "")
    if node is not None and node.properties is not None:
        columns = node.properties.columns
    elif source is not None:
        columns = source.columns
    else:
        return ()
    return tuple(JinjaColumn(c.name, c.data_type or "string") for c in columns)
