"""Frozen results of column lineage.

A `ColumnRef` names a column of a node (a model, seed, snapshot or source by unique id;
in `query_lineage` results, a relation name). The column `*` stands for "the whole
relation": lineage that could not be resolved to a column degrades to it.
"""

from __future__ import annotations

from dataclasses import dataclass

WHOLE = "*"
USE_KINDS = ("filter", "join", "group_by", "window")
TRANSFORMS = ("identity", "rename", "expression", "aggregate", "window", "constant", "unknown")


@dataclass(frozen=True, order=True)
class ColumnRef:
    node: str
    column: str

    @property
    def whole(self) -> bool:
        return self.column == WHOLE


@dataclass(frozen=True)
class ColumnLineage:
    """One output column: the upstream columns it is computed from, and how.

    `transform` is `identity` (passed through), `rename`, `expression`, `aggregate`,
    `window`, `constant` (no input column) or `unknown`; `resolved` is False when part of
    it could not be traced to a column (then `sources` holds whole-relation refs and
    `note` says why)."""

    name: str
    sources: tuple[ColumnRef, ...]
    transform: str
    expression: str = ""
    data_type: str | None = None
    resolved: bool = True
    note: str | None = None
    definition: tuple[str, ...] = ()
    """The expressions from this column down to its inputs, aliases dropped: two columns
    with the same definition compute the same thing."""
    sql_type: str | None = None
    """The type the SQL yields (a cast, or its input's type passed through), whatever the
    yml declares; `data_type` is the declared type when there is one."""


@dataclass(frozen=True, order=True)
class ColumnUse:
    """An upstream column the query uses outside its projection: in a filter (`where`,
    `having`, `qualify`), a join condition, a `group by` or a window's `partition by`."""

    ref: ColumnRef
    kind: str


@dataclass(frozen=True)
class QueryLineage:
    """The lineage of one query, in the relation names the SQL uses."""

    columns: tuple[ColumnLineage, ...]
    uses: tuple[ColumnUse, ...] = ()
    complete: bool = True
    problems: tuple[str, ...] = ()

    def column(self, name: str) -> ColumnLineage | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None


@dataclass(frozen=True)
class ModelLineage:
    """The lineage of one node, in unique ids. `complete` is False when the node has
    columns not listed (an unexpanded `*`, or SQL that could not be analysed); `missing`
    lists the upstream columns it reads that their producer does not have."""

    unique_id: str
    columns: tuple[ColumnLineage, ...]
    uses: tuple[ColumnUse, ...] = ()
    complete: bool = True
    problems: tuple[str, ...] = ()
    missing: tuple[ColumnRef, ...] = ()
    analysed: bool = True

    def column(self, name: str) -> ColumnLineage | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.name != WHOLE)
