"""Spark SQL analysis with sqlglot: what a statement reads and writes, what is wrong with it."""

from __future__ import annotations

from steward.sql.analyze import (
    Relation,
    Statement,
    StatementAnalysis,
    Unknown,
    Write,
    analyze,
    relation_of,
)
from steward.sql.problems import SqlProblem, first_problem

__all__ = [
    "Relation",
    "SqlProblem",
    "Statement",
    "StatementAnalysis",
    "Unknown",
    "Write",
    "analyze",
    "first_problem",
    "relation_of",
]
