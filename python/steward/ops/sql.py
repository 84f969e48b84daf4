"""The connection the ops tables are read and written through, on either target.

A local run reads and writes its lakehouse through the process's embedded Spark session
(the one dbt started, or one started here with the profile's own settings, which dbt then
reuses); a cluster run through the Spark Thrift Server, as dbt's `cluster` target does.
Both send the same SQL. Every statement passes `steward.guard.check` with the policy of
the team that owns the ops namespace (the platform), and a write is preceded by the same
Delta commit metadata the dbt adapter sets, so `steward audit` sees the ops tables written
by their owner.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from steward.errors import UserError
from steward.guard import CommitMetadata, WritePolicy, check, git_sha
from steward.guard.decide import START_SCHEMA
from steward.lakehouse.conflicts import with_retries
from steward.teambuild.context import RunContext, environment

Row = dict[str, Any]
_IF_NOT_EXISTS = re.compile(r"^\s*CREATE\s+(SCHEMA|TABLE|VIEW)\s+IF\s+NOT\s+EXISTS\b", re.I)
ENGINE_TEAM = "spark.steward.team"
ENGINE_REGISTRY = "spark.steward.registry"


class Connection(Protocol):
    def query(self, sql: str) -> list[Row]: ...

    def execute(self, sql: str) -> None: ...


class SparkConnection:
    """The embedded session of this process (a session of its own, for its own SETs)."""

    def __init__(self, spark: Any) -> None:
        self.spark = spark

    def query(self, sql: str) -> list[Row]:
        return [row.asDict() for row in self.spark.sql(sql).collect()]

    def execute(self, sql: str) -> None:
        self.spark.sql(sql).collect()


class ThriftConnection:
    """A HiveServer2 session on the Spark Thrift Server of the cluster target."""

    def __init__(self, host: str, port: int, user: str) -> None:
        from pyhive import hive

        self._connection = hive.connect(host=host, port=port, username=user)

    def query(self, sql: str) -> list[Row]:
        cursor = self._connection.cursor()
        cursor.execute(sql)
        names = [column[0].split(".")[-1] for column in cursor.description or ()]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]

    def execute(self, sql: str) -> None:
        self._connection.cursor().execute(sql)

    def close(self) -> None:
        self._connection.close()


def server_address() -> tuple[str, int]:
    """The cluster target's Thrift Server, as profiles/profiles.yml finds it."""
    return (
        os.environ.get("STEWARD_THRIFT_HOST", "127.0.0.1"),
        int(os.environ.get("STEWARD_THRIFT_PORT", "10000")),
    )


def profile_spark_settings(
    context: RunContext, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The local target's `server_side_parameters` of profiles/profiles.yml, rendered as
    dbt renders them for this run (its `env_var`s from the run's variables)."""
    import jinja2
    import yaml

    path = context.project_dir / "profiles" / "profiles.yml"
    if not path.is_file():
        raise UserError("no profiles/profiles.yml: the ops tables are read through it", path=path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    profile: Any = next(iter(data.values()), {}) if isinstance(data, Mapping) else {}
    target = ((profile or {}).get("outputs") or {}).get("local") or {}
    variables = {**os.environ, **context.dbt_environment(), **(extra or {})}

    def env_var(name: str, default: str | None = None) -> str:
        if name in variables:
            return variables[name]
        if default is None:
            raise UserError(f"profiles.yml reads {name}, which is not set")
        return default

    jinja = jinja2.Environment()
    return {
        str(key): jinja.from_string(str(value)).render(env_var=env_var)
        for key, value in (target.get("server_side_parameters") or {}).items()
    }


def local_session(context: RunContext) -> Any:
    """A session of the process's embedded Spark, started with the profile's settings
    when dbt has not started it yet."""
    from pyspark.sql import SparkSession

    existing = SparkSession.getActiveSession() or SparkSession._instantiatedSession
    if existing is None:
        from dbt.adapters.steward_spark.session import IsolatedSession
        from steward.guard.export import export_for_run

        # the session starts once a process: with the engine guard dbt's runs get
        guard = export_for_run(context.project_dir, context.env, context.target, context.team)
        settings = profile_spark_settings(context, guard)
        with environment({**context.dbt_environment(), **guard}):
            return IsolatedSession(settings).spark
    return existing.newSession()


def connect(context: RunContext, as_user: str | None = None) -> Connection:
    """The ops tables' connection; on the cluster target as `as_user` (the ops owner's
    service user, whom the Thrift Server's engine guard lets write them), else as
    STEWARD_THRIFT_USER."""
    if context.target == "local":
        from steward.lakehouse.java import check_java

        check_java()
        return SparkConnection(local_session(context))
    from steward.lakehouse.thrift import check_server

    host, port = server_address()
    check_server(host, port)  # one line (UserError) where the server is not there
    user = as_user or os.environ.get("STEWARD_THRIFT_USER", "dbt")
    return ThriftConnection(host, port, user)


@dataclass
class GuardedConnection:
    """`connection` under the write guard of `policy`: a refused statement raises, and
    each write carries steward's commit metadata (node `steward.ops`)."""

    connection: Connection
    policy: WritePolicy
    invocation_id: str
    project_dir: Any = None
    _schema: str | None = START_SCHEMA
    _metadata: str | None = field(default=None, repr=False)

    def _check(self, sql: str) -> bool:
        verdict = check(sql, self.policy, self._schema)
        if verdict.refusal is not None:
            raise UserError(verdict.refusal.message(self.policy))
        self._schema = verdict.current_schema
        return bool(verdict.writes)

    def query(self, sql: str) -> list[Row]:
        self._check(sql)
        return self.connection.query(sql)

    def execute(self, sql: str) -> None:
        if self._check(sql):
            metadata = CommitMetadata(
                team=self.policy.team or "",
                node="steward.ops",
                invocation_id=self.invocation_id,
                git_sha=git_sha(self.project_dir),
                env=self.policy.env,
            )
            text = metadata.to_json()
            if text != self._metadata:
                self._engine_guard()
                self.connection.execute(metadata.set_statement())
                self._metadata = text
            # the history of teams that build at once lands in the same tables
            with_retries(
                lambda: self.connection.execute(sql),
                "steward's operations tables",
                lambda line: print(f"steward: {line}", file=sys.stderr, flush=True),
                creates=_IF_NOT_EXISTS.search(sql) is not None,
            )
            return
        self.connection.execute(sql)

    def _engine_guard(self) -> None:
        """Tell the engine guard (jvm/steward-guard), where the session has it, who writes
        and where its registry file is (the one `steward guard export` writes)."""
        if not isinstance(self.connection, SparkConnection) or self.project_dir is None:
            return
        conf = self.connection.spark.sparkContext.getConf()
        if "StewardGuardExtension" not in conf.get("spark.sql.extensions", ""):
            return
        from steward.guard import export

        root = Path(self.project_dir)
        path = export.write(
            export.load(root), self.policy.env, export.default_path(root, self.policy.env)
        )
        self.connection.execute(f"SET {ENGINE_REGISTRY} = {path.resolve()}")
        self.connection.execute(f"SET {ENGINE_TEAM} = {self.policy.team}")


# ---- literals -----------------------------------------------------------------------------


def literal(value: Any, kind: str) -> str:
    """`value` as a Spark SQL literal of type `kind` (string, bigint, double, timestamp,
    boolean); NULL typed, so a VALUES list has one type per column."""
    if value is None:
        return f"CAST(NULL AS {kind.upper()})"
    if kind == "string":
        text = str(value).replace("\\", "\\\\").replace("'", "\\'")
        return f"'{text}'"
    if kind == "timestamp":
        micros = int(_utc(value).timestamp() * 1_000_000)
        return f"timestamp_micros({micros})"
    if kind == "boolean":
        return "TRUE" if value else "FALSE"
    if kind == "bigint":
        return f"CAST({int(value)} AS BIGINT)"
    if kind == "double":
        return f"CAST({float(value)!r} AS DOUBLE)"
    raise ValueError(kind)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def from_micros(value: Any) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(int(value) / 1e6, tz=timezone.utc)


def values_table(columns: Sequence[tuple[str, str]], rows: Sequence[Mapping[str, Any]]) -> str:
    """`SELECT * FROM VALUES (...), ... AS s(columns)` of `rows`."""
    body = ",\n  ".join(
        "(" + ", ".join(literal(row.get(name), kind) for name, kind in columns) + ")"
        for row in rows
    )
    names = ", ".join(name for name, _ in columns)
    return f"SELECT * FROM VALUES\n  {body}\n  AS s({names})"
