"""What a query sent at compile time returns in a lint, where no warehouse answers.

Most queries get an empty table, as from an empty warehouse: a macro that reads a
model's own data (`max(loaded_at)` of `this`) then takes its first-build branch. Two
kinds of query decide the *shape* of the SQL instead, and an empty answer would leave a
model with nothing to select:

- a query of the catalog (`information_schema`, `show`, `describe`), which a macro asks
  for the relations to union (`dbt_utils.get_relations_by_pattern`);
- `dbt_utils.get_column_values` (the statement of that name), whose values become the
  columns of a pivot.

Those get one row of placeholders, one per column the query selects (`PLACEHOLDER`
followed by the column's name), so the model renders as it would over one relation or
one value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from steward.render import stubs

PLACEHOLDER = "steward__unknown_"
"""The prefix of a value no warehouse gave: `steward__unknown_table_name`."""

SHAPING_STATEMENTS = frozenset({"get_column_values"})
"""Statements (by name) whose values shape the SQL: `dbt_utils.get_column_values`."""

_CATALOG = re.compile(r"\binformation_schema\b|\A\s*(show|describe)\s", re.I)


class PlaceholderRow(tuple):  # type: ignore[type-arg]
    """An agate row: by position (`row[0]`), by name (`row['name']`, `row.name`)."""

    names: tuple[str, ...] = ()

    def __new__(cls, names: tuple[str, ...]) -> PlaceholderRow:
        row = super().__new__(cls, tuple(f"{PLACEHOLDER}{n}" for n in names))
        row.names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names.index(key)) if key in self.names else None
        return tuple.__getitem__(self, key)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return f"{PLACEHOLDER}{name}"

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self.names else default

    def keys(self) -> tuple[str, ...]:
        return self.names

    def values(self) -> tuple[Any, ...]:
        return tuple(self)


class _Column(list):  # type: ignore[type-arg]
    def values(self) -> list[Any]:
        return list(self)


class PlaceholderTable:
    """An agate table of one `PlaceholderRow`."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.column_names = names
        self.column_types: tuple[Any, ...] = tuple("string" for _ in names)
        self.rows = (PlaceholderRow(names),)

    @property
    def columns(self) -> dict[Any, _Column]:
        columns: dict[Any, _Column] = {}
        for index, name in enumerate(self.column_names):
            columns[name] = columns[index] = _Column([self.rows[0][index]])
        return columns

    def __iter__(self) -> Iterator[PlaceholderRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return 1

    def __getitem__(self, key: Any) -> Any:
        return self.rows[key] if isinstance(key, int) else self.columns.get(key, _Column())

    def __bool__(self) -> bool:
        return True

    def print_table(self, *_: Any, **__: Any) -> str:
        return ""

    def where(self, *_: Any, **__: Any) -> PlaceholderTable:
        return self

    def select(self, *_: Any, **__: Any) -> PlaceholderTable:
        return self


def query_result(sql: str, name: str | None = None) -> stubs.EmptyTable | PlaceholderTable:
    """The table a query answers in a lint (see the module docstring)."""
    if (name is not None and name in SHAPING_STATEMENTS) or _CATALOG.search(sql):
        return PlaceholderTable(selected_columns(sql))
    return stubs.EmptyTable()


def selected_columns(sql: str) -> tuple[str, ...]:
    """The names of the columns `sql` selects (`value` when they cannot be told)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from steward.sql import dialect

    try:
        parsed = sqlglot.parse_one(sql, read=dialect.current())
    except SqlglotError:
        return ("value",)
    select = parsed if isinstance(parsed, exp.Query) else parsed.find(exp.Query)
    names = tuple(s.alias_or_name.strip('"`').lower() for s in getattr(select, "selects", ()))
    return tuple(n for n in names if n and n != "*") or ("value",)
