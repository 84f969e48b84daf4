"""The session method with one SparkSession per dbt connection.

dbt-spark's session method runs every statement on the process's one SparkSession, so a
`SET` or `USE` on one thread changes what every other thread's statements do. The guard
tracks the current schema and the commit metadata per connection, which is only sound if
the session state is per connection, as it is on the thrift method (a Hive session each).
`SparkSession.newSession()` gives that: the same SparkContext, catalog and cache, its own
SQL configuration, current schema and temporary views.
"""

from __future__ import annotations

import os
from typing import Any

from dbt.adapters.spark.session import Cursor
from dbt_common.events.contextvars import get_node_info
from dbt_common.exceptions import DbtRuntimeError
from pyspark.sql import SparkSession
from pyspark.sql.utils import AnalysisException


class IsolatedCursor(Cursor):
    def __init__(self, spark: SparkSession) -> None:
        super().__init__()
        self._spark = spark

    def execute(self, sql: str, *parameters: Any) -> None:
        if parameters:
            sql = sql % parameters
        _tag_jobs(self._spark)
        try:
            self._df = self._spark.sql(sql)
        except AnalysisException as exc:
            raise DbtRuntimeError(str(exc)) from exc


def _tag_jobs(spark: SparkSession) -> None:
    """Name the dbt node and invocation in the properties of the Spark jobs this thread
    starts next, so the event log attributes their metrics (steward.ops.events)."""
    from dbt_common.invocation import get_invocation_id

    context = spark.sparkContext
    context.setLocalProperty("steward.node", (get_node_info() or {}).get("unique_id"))
    context.setLocalProperty("steward.invocation", str(get_invocation_id()))


class IsolatedSession:
    """Stands in for dbt-spark's session `Connection`: hands out cursors on its own
    SparkSession, made from the process's session (started with the profile's settings
    when there is none yet)."""

    def __init__(self, server_side_parameters: dict[str, str]) -> None:
        event_log = server_side_parameters.get("spark.eventLog.dir")
        if event_log:  # Spark refuses to start without the folder
            os.makedirs(event_log.removeprefix("file:"), exist_ok=True)
        builder = SparkSession.builder.enableHiveSupport()
        for key, value in server_side_parameters.items():
            builder = builder.config(key, value)
        self.spark = builder.getOrCreate().newSession()
        # the profile's runtime settings (time zone, ANSI off, ...) hold here as well
        for key, value in server_side_parameters.items():
            if self.spark.conf.isModifiable(key):
                self.spark.conf.set(key, value)

    def cursor(self) -> IsolatedCursor:
        return IsolatedCursor(self.spark)
