"""The run-time write guard: the decision on each statement, the policy it applies and the
commit metadata it sets. The dbt adapter `steward_spark` (python/dbt/adapters/) calls it
for every statement dbt sends to Spark."""

from __future__ import annotations

from steward.guard.decide import Refusal, Verdict, check, first_line
from steward.guard.metadata import CommitMetadata, git_sha, parse
from steward.guard.policy import (
    ALLOWED_SETTINGS,
    COMMIT_METADATA_KEY,
    WritePolicy,
    env_prefix,
)

__all__ = [
    "ALLOWED_SETTINGS",
    "COMMIT_METADATA_KEY",
    "CommitMetadata",
    "Refusal",
    "Verdict",
    "WritePolicy",
    "check",
    "env_prefix",
    "first_line",
    "git_sha",
    "parse",
]
