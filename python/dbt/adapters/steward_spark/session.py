"""The session method with one SparkSession per dbt connection.

dbt-spark's session method runs every statement on the process's one SparkSession, so a
`SET` or `USE` on one thread changes what every other thread's statements do. The guard
tracks the current schema and the commit metadata per connection, which is only sound if
the session state is per connection, as it is on the thrift method (a Hive session each).
`SparkSession.newSession()` gives that: the same SparkContext, catalog and cache, its own
SQL configuration, current schema and temporary views.
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.spark.session import Cursor
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
        try:
            self._df = self._spark.sql(sql)
        except AnalysisException as exc:
            raise DbtRuntimeError(str(exc)) from exc


class IsolatedSession:
    """Stands in for dbt-spark's session `Connection`: hands out cursors on its own
    SparkSession, made from the process's session (started with the profile's settings
    when there is none yet)."""

    def __init__(self, server_side_parameters: dict[str, str]) -> None:
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
