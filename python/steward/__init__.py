"""steward: governance for dbt projects that many teams share on Spark."""

__version__ = "0.1.0"
