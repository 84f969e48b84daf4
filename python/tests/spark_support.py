"""Helpers of the Spark integration tests: deliver landing days, build, query, hash."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from steward.data.delivery import deliver
from steward.teambuild.context import RunContext
from steward.teambuild.runner import TeamRun, build_teams, teams_in_order

__all__ = ["build_all", "content_hash", "deliver", "rows", "scalar", "spark", "tables_of"]


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


def tables_of(prefix: str) -> list[str]:
    """Every table of the namespaces `<prefix>bronze_*`, `silver_*`, `gold_*`."""
    names = []
    for (schema,) in rows("show schemas"):
        if not schema.startswith(prefix):
            continue
        layer = schema[len(prefix) :].split("_", 1)[0]
        if layer not in ("bronze", "silver", "gold"):
            continue
        for row in rows(f"show tables in {schema}"):
            if not row.isTemporary:
                names.append(f"{schema}.{row.tableName}")
    return sorted(names)


def content_hash(table: str) -> tuple[int, int]:
    """(rows, an order-independent hash of every column of every row)."""
    count, total = rows(
        f"select count(*), coalesce(sum(cast(xxhash64(*) as decimal(38, 0))), 0) from {table}"
    )[0]
    return int(count), int(total)
