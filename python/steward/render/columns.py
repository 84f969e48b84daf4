"""Columns as `adapter.get_columns_in_relation` gives them: those the project's yml
documents for a model or source (`dbt_utils.star` expands them), quoted in the dialect.

A relation whose columns no yml documents (or that is not the project's) has columns a
lint cannot know. It gets one placeholder column, `UNKNOWN_COLUMNS`, so that a macro
that lists, unions or unpivots them (`dbt_utils.star`, `union_relations`, `unpivot`)
renders SQL of the right shape instead of failing on an empty list, as no warehouse
relation would make it fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from steward.render.renderer import Renderer

UNKNOWN_COLUMNS = "steward__columns_unknown"
"""The one column of a relation whose columns are not known."""

_STRING_TYPES = ("string", "text", "varchar", "character varying", "character", "char")
_INTEGER_TYPES = ("int", "integer", "bigint", "smallint", "tinyint", "int64", "long")
_FLOAT_TYPES = ("float", "double", "real", "float64", "double precision", "float8")
_NUMERIC_TYPES = ("numeric", "decimal", "number", "bignumeric")


def quote(identifier: str) -> str:
    """`identifier` quoted as the project's dialect quotes (`x` on Spark, "x" on Snowflake)."""
    from sqlglot import exp

    from steward.sql import dialect

    return exp.to_identifier(str(identifier), quoted=True).sql(dialect.current())


@dataclass(frozen=True)
class JinjaColumn:
    """A column as `adapter.get_columns_in_relation` gives it (dbt's `Column` API)."""

    name: str
    dtype: str = "string"
    char_size: int | None = None
    numeric_precision: Any = None
    numeric_scale: Any = None

    @property
    def column(self) -> str:
        return self.name

    @property
    def quoted(self) -> str:
        return quote(self.name)

    @property
    def data_type(self) -> str:
        return self.dtype

    @property
    def expanded_data_type(self) -> str:
        return self.dtype

    def _base_type(self) -> str:
        return self.dtype.lower().split("(", 1)[0].strip()

    def is_string(self) -> bool:
        return self._base_type() in _STRING_TYPES

    def is_integer(self) -> bool:
        return self._base_type() in _INTEGER_TYPES

    def is_float(self) -> bool:
        return self._base_type() in _FLOAT_TYPES

    def is_numeric(self) -> bool:
        return self._base_type() in _NUMERIC_TYPES

    def is_number(self) -> bool:
        return self.is_integer() or self.is_float() or self.is_numeric()

    def string_size(self) -> int:
        return int(self.char_size) if self.char_size is not None else 256

    def can_expand_to(self, other_column: Any) -> bool:
        return False

    def literal(self, value: Any) -> str:
        return f"cast({value} as {self.dtype})"


def yml_columns(renderer: Renderer, relation: Any) -> tuple[JinjaColumn, ...]:
    """The columns the yml documents for the model or source `relation` names; the
    placeholder column when none are documented."""
    unique_id = renderer.relation_map.get(str(relation).lower())
    node = renderer.project.nodes.get(unique_id or "")
    source = renderer.project.sources.get(unique_id or "")
    columns: tuple[Any, ...] = ()
    if node is not None and node.properties is not None:
        columns = tuple(node.properties.columns)
    elif source is not None:
        columns = tuple(source.columns)
    if not columns:
        return (JinjaColumn(UNKNOWN_COLUMNS),)
    return tuple(JinjaColumn(c.name, c.data_type or "string") for c in columns)
