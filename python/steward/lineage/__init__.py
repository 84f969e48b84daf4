"""Column lineage: for every column of every node, the upstream columns it is computed
from and how; the columns each node uses in filters, joins, group by and window
partitions; traces upstream and downstream across the project."""

from __future__ import annotations

from steward.lineage.model import (
    USE_KINDS,
    WHOLE,
    ColumnLineage,
    ColumnRef,
    ColumnUse,
    ModelLineage,
    QueryLineage,
)
from steward.lineage.project import ProjectLineage, project_lineage
from steward.lineage.query import LineageError, query_lineage
from steward.lineage.trace import DOWNSTREAM, UPSTREAM, Trace, TraceEdge, model_refs, trace

__all__ = [
    "DOWNSTREAM",
    "UPSTREAM",
    "USE_KINDS",
    "WHOLE",
    "ColumnLineage",
    "ColumnRef",
    "ColumnUse",
    "LineageError",
    "ModelLineage",
    "ProjectLineage",
    "QueryLineage",
    "Trace",
    "TraceEdge",
    "model_refs",
    "project_lineage",
    "query_lineage",
    "trace",
]
