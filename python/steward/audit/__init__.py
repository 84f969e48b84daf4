"""`steward audit`: who wrote each version of every governed Delta table."""

from __future__ import annotations

from steward.audit.collect import collect_history, governed_schemas
from steward.audit.history import AuditFinding, AuditReport, Commit, judge

__all__ = ["AuditFinding", "AuditReport", "Commit", "collect_history", "governed_schemas", "judge"]
