"""Access from the registry: Unity Catalog grants and GitHub review routing (CODEOWNERS).
Pure functions over the `Project`; the CLI writes or prints what they return."""

from __future__ import annotations

from steward.access.codeowners import (
    CODEOWNERS_PATH,
    codeowners,
    github_handle,
    stale_line,
)
from steward.access.grants import Grant, default_catalog, grants, render_grants

__all__ = [
    "CODEOWNERS_PATH",
    "Grant",
    "codeowners",
    "default_catalog",
    "github_handle",
    "grants",
    "render_grants",
    "stale_line",
]
