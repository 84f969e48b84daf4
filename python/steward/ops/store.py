"""The ops tables of one environment on one target: create, write (MERGE), read.

Reads of an environment that has no ops tables yet return nothing (an empty history),
and create nothing.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from steward.guard import WritePolicy
from steward.ops.sql import Connection, GuardedConnection, Row, connect
from steward.ops.tables import TABLES, VIEWS, Table, append, merge, ops_owner, ops_schema
from steward.project.registry import read_registry
from steward.teambuild.context import RunContext
from steward.teambuild.settings import default_env

_ENSURED: set[tuple[str, str, str]] = set()
"""(project, target, schema) whose tables this process created or found."""


@dataclass
class OpsStore:
    context: RunContext
    schema: str
    connection: Connection
    invocation_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @classmethod
    def open(cls, context: RunContext, invocation_id: str | None = None) -> OpsStore:
        registry = read_registry(context.project_dir)[0]
        env = default_env(context)
        owner = ops_owner(registry)
        invocation = invocation_id or str(uuid.uuid4())
        owner_team = registry.team(owner) if registry is not None else None
        connection = GuardedConnection(
            connect(context, as_user=owner_team.build_user if owner_team else None),
            WritePolicy.for_team(owner, env, registry),
            invocation,
            context.project_dir,
        )
        return cls(context, ops_schema(registry, env), connection, invocation)

    @property
    def where(self) -> str:
        """Where the data comes from, for a report's provenance line."""
        place = (
            f"lakehouse {self.context.lakehouse}"
            if self.context.target == "local"
            else "the cluster's Thrift Server"
        )
        return f"Delta tables {self.schema}.* ({place}, target {self.context.target})"

    def ensure(self) -> None:
        """The ops tables and views, created where missing (two cheap statements ask
        first: a build in a new process finds them without nine DDL statements)."""
        key = (str(self.context.project_dir), self.context.target, self.schema)
        if key in _ENSURED or self.exists():
            return
        self.connection.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
        for table in TABLES:
            self.connection.execute(table.ddl(self.schema))
        for name, body in VIEWS.items():
            self.connection.execute(
                f"CREATE VIEW IF NOT EXISTS {self.schema}.{name} AS "
                + body.replace("{ops}", self.schema)
            )
        _ENSURED.add(key)

    def write(self, table: Table, rows: Sequence[Mapping[str, Any]], *, new: bool = False) -> None:
        """MERGE `rows` on the table's key (recording a row again keeps one copy); a
        concurrent writer's conflict is retried. `new`: no row of these keys can be in the
        table yet (the rows of an invocation this process just ran, recorded once), so
        they are appended: a blind append is a fifth of a MERGE's cost (no join with the
        table) and never conflicts with another writer's."""
        if not rows:
            return
        self.ensure()
        plain = [dict(r) for r in rows]
        statement = append(self.schema, table, plain) if new else merge(self.schema, table, plain)
        for attempt in range(3):
            try:
                self.connection.execute(statement)
                return
            except Exception as exc:  # Delta's ConcurrentAppendException and kin
                if "Concurrent" not in str(exc) or attempt == 2:
                    raise
                time.sleep(0.5 * (attempt + 1))

    def exists(self) -> bool:
        """Whether the environment has ops tables (asked without an error when not)."""
        key = (str(self.context.project_dir), self.context.target, self.schema)
        if key in _ENSURED:
            return True
        found = self.connection.query(f"SHOW SCHEMAS LIKE '{self.schema}'")
        if not found:
            return False
        names = {
            str(r.get("tableName")) for r in self.connection.query(f"SHOW TABLES IN {self.schema}")
        }
        if all(table.name in names for table in TABLES) and set(VIEWS) <= names:
            _ENSURED.add(key)
            return True
        return False

    def query(self, sql: str) -> list[Row]:
        """`sql` over the ops tables (`{ops}` stands for the schema); none yet: []."""
        if "{ops}" in sql and not self.exists():
            return []
        return self.connection.query(sql.replace("{ops}", self.schema))
