"""Helpers of the Spark integration tests: deliver landing days, build, query, hash."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from steward.data.delivery import deliver
from steward.teambuild.context import RunContext
from steward.teambuild.runner import TeamRun, build_teams, teams_in_order

__all__ = [
    "build_all",
    "content_hash",
    "deliver",
    "rows",
    "scalar",
    "spark",
    "tables_of",
    "views_of",
]


def build_all(
    context: RunContext,
    extra_args: list[str] | None = None,
    callbacks: Sequence[Callable[[Any], None]] = (),
) -> list[TeamRun]:
    return build_teams(context, teams_in_order(context), extra_args or [], callbacks=callbacks)


def spark() -> Any:
    """The session dbt started in this process."""
    from pyspark.sql import SparkSession

    return SparkSession.builder.getOrCreate()


def rows(sql: str) -> list[Any]:
    return spark().sql(sql).collect()


def scalar(sql: str) -> Any:
    return rows(sql)[0][0]


def _relations_of(prefix: str) -> list[Any]:
    found = []
    for (schema,) in rows("show schemas"):
        if not schema.startswith(prefix):
            continue
        layer = schema[len(prefix) :].split("_", 1)[0]
        if layer in ("bronze", "silver", "gold"):
            found += [t for t in spark().catalog.listTables(schema) if not t.isTemporary]
    return found


def tables_of(prefix: str) -> list[str]:
    """Every table of the namespaces `<prefix>bronze_*`, `silver_*`, `gold_*` (not their views:
    a view holds no rows of its own, the table under it does)."""
    return sorted(
        f"{t.namespace[-1]}.{t.name}" for t in _relations_of(prefix) if t.tableType != "VIEW"
    )


def views_of(prefix: str) -> set[str]:
    """Every view of those namespaces."""
    return {f"{t.namespace[-1]}.{t.name}" for t in _relations_of(prefix) if t.tableType == "VIEW"}


def content_hash(table: str) -> tuple[int, int]:
    """(rows, an order-independent hash of every column of every row)."""
    count, total = rows(
        f"select count(*), coalesce(sum(cast(xxhash64(*) as decimal(38, 0))), 0) from {table}"
    )[0]
    return int(count), int(total)
