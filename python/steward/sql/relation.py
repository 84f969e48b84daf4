"""A relation named in SQL, from a parsed sqlglot `Table` or from the text of a name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot import exp

from steward.sql import dialect

PATH_FORMATS = frozenset(
    {"delta", "parquet", "csv", "json", "orc", "text", "avro", "binaryfile", "file", "iceberg"}
)


@dataclass(frozen=True)
class Relation:
    """A relation named in SQL, lower-cased; `path` is set for `delta.`/path``-style names."""

    name: str
    schema: str | None = None
    catalog: str | None = None
    path: str | None = None

    @property
    def qualified(self) -> str:
        return ".".join(p for p in (self.catalog, self.schema, self.name) if p)

    @property
    def namespace(self) -> str | None:
        """The schema (`catalog.schema` when a catalog is named)."""
        if self.schema is None:
            return None
        return f"{self.catalog}.{self.schema}" if self.catalog else self.schema

    def __str__(self) -> str:
        return self.path if self.path is not None else self.qualified


def ident(node: exp.Expression | None) -> str | None:
    """The text of a name or literal as written (unquoted), None when there is none."""
    if node is None:
        return None
    if isinstance(node, exp.Identifier):
        return str(node.this)
    if isinstance(node, exp.Literal):
        return str(node.this)
    return node.sql(dialect.current())


def relation_of(table: exp.Table) -> Relation | None:
    """The relation a sqlglot `Table` names; None for table functions such as `range(10)`."""
    if not isinstance(table.this, (exp.Identifier, exp.Literal)):
        return None
    name = str(table.this.this)
    db = ident(table.args.get("db"))
    catalog = ident(table.args.get("catalog"))
    if db is not None and db.lower() in PATH_FORMATS and ("/" in name or ":" in name):
        return Relation(name=name, schema=db.lower(), path=name)
    return Relation(
        name=name.lower(),
        schema=db.lower() if db else None,
        catalog=catalog.lower() if catalog else None,
    )


def relation_from_text(name: str) -> Relation:
    """The relation a dotted name in SQL text names (`a.b`, `` `a`.`b.c` ``, `delta.`/p``)."""
    parts = [p.strip().strip("`") for p in re.split(r"\.(?=(?:[^`]*`[^`]*`)*[^`]*$)", name)]
    is_path = len(parts) == 2 and ("/" in parts[1] or ":" in parts[1])
    if is_path and parts[0].lower() in PATH_FORMATS:
        return Relation(name=parts[1], schema=parts[0].lower(), path=parts[1])
    parts = [p.lower() for p in parts]
    if len(parts) == 1:
        return Relation(parts[0])
    if len(parts) == 2:
        return Relation(parts[1], parts[0])
    return Relation(parts[-1], parts[-2], ".".join(parts[:-2]))
