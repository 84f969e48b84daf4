"""Data contracts: the dbt yml generated from them, their consumers, breaking changes.

The contracts themselves are read by `steward.project` (`Project.contracts`); everything
here is a function over a loaded project and its column lineage.
"""

from __future__ import annotations

from steward.contracts.breaking import breaking_changes
from steward.contracts.changes import BreakingReport, ContractChange, Violation
from steward.contracts.consumers import (
    ColumnUsage,
    Consumers,
    ExposureConsumer,
    ModelConsumer,
    consumers,
    model_nodes,
)
from steward.contracts.dbt import generated_path, is_generated, model_entry, tests_of
from steward.contracts.diff import diff_contracts
from steward.contracts.generate import (
    GeneratedFile,
    Stale,
    by_model,
    generated_files,
    node_of,
    stale,
)
from steward.contracts.head import head_problems

__all__ = [
    "BreakingReport",
    "ColumnUsage",
    "Consumers",
    "ContractChange",
    "ExposureConsumer",
    "GeneratedFile",
    "ModelConsumer",
    "Stale",
    "Violation",
    "breaking_changes",
    "by_model",
    "consumers",
    "diff_contracts",
    "generated_files",
    "generated_path",
    "head_problems",
    "is_generated",
    "model_entry",
    "model_nodes",
    "node_of",
    "stale",
    "tests_of",
]
