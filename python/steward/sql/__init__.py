"""Spark SQL analysis with sqlglot: what a statement reads and writes."""

from __future__ import annotations

from steward.sql.analyze import (
    Relation,
    Statement,
    StatementAnalysis,
    Unknown,
    Write,
    analyze,
    parse_error_location,
    relation_of,
)

__all__ = [
    "Relation",
    "Statement",
    "StatementAnalysis",
    "Unknown",
    "Write",
    "analyze",
    "parse_error_location",
    "relation_of",
]
