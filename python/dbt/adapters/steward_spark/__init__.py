"""`steward_spark`: dbt-spark with a write guard on every statement.

A dbt adapter plugin that extends dbt-spark (as dbt-databricks does): profile
`type: steward_spark`, the credentials of dbt-spark plus the running `team` (default
STEWARD_TEAM) and an optional `storage_prefix`. Its connection manager checks each
statement with `steward.guard` before it is sent, and sets the Delta commit metadata
before each write. Macros dispatch to dbt-spark's (`steward_spark__` first, then `spark__`).
"""

from dbt.adapters.base import AdapterPlugin

from dbt.adapters.steward_spark.connections import (
    StewardSparkConnectionManager,
    StewardSparkCredentials,
)
from dbt.adapters.steward_spark.impl import StewardSparkAdapter
from dbt.include import steward_spark

__all__ = [
    "Plugin",
    "StewardSparkAdapter",
    "StewardSparkConnectionManager",
    "StewardSparkCredentials",
]

Plugin = AdapterPlugin(
    adapter=StewardSparkAdapter,  # type: ignore[arg-type]
    credentials=StewardSparkCredentials,
    include_path=steward_spark.PACKAGE_PATH,
    dependencies=["spark"],
)
