"""The sqlglot dialect steward reads and writes SQL in: the project's own, from its
profile's adapter type (or `--dialect`); Spark, this platform's engine, by default.

The dialect is one per run (a lint reads one project), so it is set once at the
boundary (`use`) and read where SQL is parsed (`current`); forked workers inherit it.
"""

from __future__ import annotations

DIALECT = "spark"
"""The default: the platform's engine."""

ADAPTER_DIALECTS = {
    "spark": "spark",
    "databricks": "databricks",
    "glue": "spark",
    "trino": "trino",
    "starburst": "trino",
    "athena": "athena",
    "presto": "presto",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "duckdb": "duckdb",
    "motherduck": "duckdb",
    "postgres": "postgres",
    "redshift": "redshift",
    "materialize": "materialize",
    "clickhouse": "clickhouse",
    "sqlserver": "tsql",
    "fabric": "fabric",
    "synapse": "tsql",
    "oracle": "oracle",
    "mysql": "mysql",
    "sqlite": "sqlite",
    "teradata": "teradata",
    "hive": "hive",
    "doris": "doris",
    "starrocks": "starrocks",
    "risingwave": "risingwave",
    "dremio": "dremio",
    "exasol": "exasol",
}
"""dbt adapter type -> sqlglot dialect."""

_NAMES = {"spark": "Spark SQL", "databricks": "Databricks SQL", "tsql": "T-SQL"}
_current = [DIALECT]


def for_adapter(adapter_type: str | None) -> str | None:
    """The dialect of a dbt adapter type (`snowflake` -> `snowflake`), None if unknown."""
    return ADAPTER_DIALECTS.get((adapter_type or "").strip().lower())


def use(dialect: str) -> None:
    """Read and write SQL in `dialect` from now on (a sqlglot dialect name)."""
    import sqlglot

    sqlglot.Dialect.get_or_raise(dialect)
    if dialect != _current[0]:
        from steward.sql.analyze import forget

        forget()  # the analyses cached so far were parsed in the other dialect
    _current[0] = dialect


def current() -> str:
    return _current[0]


def display() -> str:
    """`Spark SQL`, `Snowflake SQL`...: how a message names the dialect."""
    name = _current[0]
    return _NAMES.get(name, f"{name.capitalize()} SQL")
