"""What a change breaks downstream: compare the project at a base revision with the
working tree, semantically, and follow every change to the columns, teams and exposures
that depend on it."""

from __future__ import annotations

from steward.impact.compare import ProjectState, analyse, compare, compare_columns, sql_edits
from steward.impact.downstream import impact
from steward.impact.model import (
    BreakingChange,
    ColumnChange,
    ExposureImpact,
    Impact,
    ModelChange,
    Reached,
    TeamImpact,
)

__all__ = [
    "BreakingChange",
    "ColumnChange",
    "ExposureImpact",
    "Impact",
    "ModelChange",
    "ProjectState",
    "Reached",
    "TeamImpact",
    "analyse",
    "compare",
    "compare_columns",
    "impact",
    "sql_edits",
]
