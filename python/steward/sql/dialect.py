"""The one sqlglot dialect steward reads and writes SQL in."""

from __future__ import annotations

DIALECT = "spark"
