"""The ops tables: their namespace per environment, their columns and keys.

They live in the `ops` namespace of the team that owns the `ops` layer in the registry
(the platform): `ops_platform` in production, `<env>_ops_platform` elsewhere, so an
environment's history never mixes with another's. Every table is keyed by the dbt
invocation id (plus its own key). A build's own rows are appended (its invocation id is
one dbt just made, so no row of it can be there yet); any other write, recording an
invocation again included, is a MERGE on the key, so recording the same build twice
leaves one copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from steward.errors import UserError
from steward.project.model import Registry
from steward.project.namespaces import namespace

OPS_LAYER = "ops"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]

    def ddl(self, schema: str) -> str:
        columns = ", ".join(f"{name} {kind.upper()}" for name, kind in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {schema}.{self.name} ({columns}) USING delta"


INVOCATIONS = Table(
    "invocations",
    (
        ("invocation_id", "string"),
        ("team", "string"),
        ("env", "string"),
        ("target", "string"),
        ("git_sha", "string"),
        ("started_at", "timestamp"),
        ("finished_at", "timestamp"),
        ("status", "string"),
        ("statuses", "string"),
        ("skipped_upstream", "string"),
        ("event_log", "string"),
    ),
    ("invocation_id", "team"),
)
METRIC_COLUMNS = (
    ("tasks", "bigint"),
    ("executor_run_time_ms", "bigint"),
    ("executor_cpu_time_ms", "bigint"),
    ("bytes_read", "bigint"),
    ("bytes_written", "bigint"),
    ("records_written", "bigint"),
    ("shuffle_read_bytes", "bigint"),
    ("shuffle_write_bytes", "bigint"),
    ("peak_memory_bytes", "bigint"),
)
"""Spark's task metrics summed per node (peak memory: the largest task's)."""
NODE_RESULTS = Table(
    "node_results",
    (
        ("invocation_id", "string"),
        ("team", "string"),
        ("unique_id", "string"),
        ("resource_type", "string"),
        ("relation", "string"),
        ("status", "string"),
        ("started_at", "timestamp"),
        ("finished_at", "timestamp"),
        ("execution_seconds", "double"),
        ("rows_affected", "bigint"),
        ("message", "string"),
        ("tested_node", "string"),
        ("failures", "bigint"),
        *METRIC_COLUMNS,
    ),
    ("invocation_id", "unique_id"),
)
"""One row per node an invocation ran (run_results.json), with its Spark metrics (the
event log); the Spark work no node claims is the row `UNATTRIBUTED_NODE`. One table, so
a build costs one MERGE for all its nodes: `test_results` and `node_metrics` are views."""
UNATTRIBUTED_NODE = "steward.unattributed"
UPSTREAM_DECISIONS = Table(
    "upstream_decisions",
    (
        ("invocation_id", "string"),
        ("team", "string"),
        ("product", "string"),
        ("producer", "string"),
        ("decision", "string"),
        ("reason", "string"),
        ("consumers", "string"),
        ("decided_at", "timestamp"),
    ),
    ("invocation_id", "team", "product"),
)
TABLE_STORAGE = Table(
    "table_storage",
    (
        ("measurement_id", "string"),
        ("team", "string"),
        ("unique_id", "string"),
        ("relation", "string"),
        ("measured_at", "timestamp"),
        ("size_bytes", "bigint"),
        ("num_files", "bigint"),
    ),
    ("measurement_id", "relation"),
)
"""DESCRIBE DETAIL of every governed table, each time `steward cost` measures them."""
ALERTS = Table(
    "alerts",
    (
        ("alert_id", "string"),
        ("team", "string"),
        ("channel", "string"),
        ("kind", "string"),
        ("product", "string"),
        ("message", "string"),
        ("raised_at", "timestamp"),
        ("delivered", "string"),
    ),
    ("alert_id",),
)
HEALTH = Table(
    "health",
    (
        ("check_id", "string"),
        ("checked_at", "timestamp"),
        ("product", "string"),
        ("team", "string"),
        ("healthy", "boolean"),
        ("details", "string"),
    ),
    ("check_id", "product"),
)

TABLES = (INVOCATIONS, NODE_RESULTS, UPSTREAM_DECISIONS, TABLE_STORAGE, ALERTS, HEALTH)

_METRICS = ", ".join(name for name, _ in METRIC_COLUMNS)
VIEWS = {
    "test_results": "SELECT invocation_id, team, unique_id, tested_node, status, failures, "
    "finished_at, message FROM {ops}.node_results WHERE resource_type IN ('test', 'unit_test')",
    "node_metrics": f"SELECT invocation_id, team, unique_id, finished_at, {_METRICS} "
    "FROM {ops}.node_results WHERE tasks IS NOT NULL",
}


def ops_owner(registry: Registry | None) -> str:
    """The team that owns the `ops` layer: the one allowed to write the ops tables."""
    owners = [t.id for t in (registry.teams if registry else ()) if OPS_LAYER in t.layers]
    if not owners:
        raise UserError(
            "no team of platform/teams.yml owns the `ops` layer, so there is nowhere to keep "
            "the run history: add `ops` to the platform team's `layers:`"
        )
    return owners[0]


def ops_schema(registry: Registry | None, env: str) -> str:
    return namespace(OPS_LAYER, ops_owner(registry), env)


def merge(schema: str, table: Table, rows: Sequence[dict[str, object]]) -> str:
    """One MERGE of `rows` on the table's key: recording a row twice keeps one copy."""
    from steward.ops.sql import values_table

    on = " AND ".join(f"t.{k} = s.{k}" for k in table.key)
    return (
        f"MERGE INTO {schema}.{table.name} t USING ({values_table(table.columns, rows)}) s "
        f"ON {on} WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
    )


def append(schema: str, table: Table, rows: Sequence[dict[str, object]]) -> str:
    """One INSERT of `rows` (new keys only: see `OpsStore.write`), columns named."""
    from steward.ops.sql import values_table

    names = ", ".join(name for name, _ in table.columns)
    return f"INSERT INTO {schema}.{table.name} ({names}) {values_table(table.columns, rows)}"
