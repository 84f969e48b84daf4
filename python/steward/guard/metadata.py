"""Who wrote a Delta version: the commit metadata the guard sets before every write.

The guard issues `SET spark.databricks.delta.commitInfo.userMetadata = <json>` on the
connection before each write, so `DESCRIBE HISTORY` shows, for every version, the team,
the dbt node, the dbt invocation and the git commit of the code that wrote it.
`steward audit` reads it back with `parse`.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from steward import git
from steward.errors import UserError
from steward.guard.policy import COMMIT_METADATA_KEY

MARK = "steward"
"""The key that tells steward's metadata from anyone else's."""


@dataclass(frozen=True)
class CommitMetadata:
    team: str
    node: str
    invocation_id: str
    git_sha: str
    env: str

    def to_json(self) -> str:
        # compact, and free of `;` (Spark's SET value ends at the first one)
        text = json.dumps({MARK: 1, **asdict(self)}, separators=(",", ":"), sort_keys=True)
        return text.replace(";", ",")

    def set_statement(self) -> str:
        return f"SET {COMMIT_METADATA_KEY} = {self.to_json()}"


def parse(text: str | None) -> CommitMetadata | None:
    """The steward metadata of a commit, or None when it has none (or someone else's)."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get(MARK) != 1:
        return None
    try:
        return CommitMetadata(
            team=str(data["team"]),
            node=str(data["node"]),
            invocation_id=str(data["invocation_id"]),
            git_sha=str(data["git_sha"]),
            env=str(data["env"]),
        )
    except KeyError:
        return None


@lru_cache(maxsize=16)
def git_sha(root: Path | None) -> str:
    """The commit being run: STEWARD_GIT_SHA or GITHUB_SHA if set, else `git rev-parse`
    in `root`, else `unknown` (with `+dirty` when the work tree has changes)."""
    for name in ("STEWARD_GIT_SHA", "GITHUB_SHA"):
        if os.environ.get(name):
            return os.environ[name]
    if root is None:
        return "unknown"
    try:
        return git.head(root, timeout=10)
    except UserError:
        return "unknown"
