"""The checks every command makes of the project it reads: that it has something to
check, and that the models it needs render. A model that does not render has unknown
reads and columns, so a graph, lineage, impact or contract check over it would pass
without having looked: the command names each one (file:line and the problem) on stderr
and exits 1."""

from __future__ import annotations

import sys
from collections.abc import Collection

from steward.errors import UserError
from steward.project.model import Project
from steward.render.model import RenderedProject

NEEDED = ("model", "seed", "snapshot")


def require_nodes(project: Project, command: str) -> None:
    """Bad input when the project has no models, seeds or snapshots: nothing to check."""
    if not any(node.resource_type in NEEDED for node in project.nodes.values()):
        raise UserError(
            f"no models here: nothing to {command}; models go in models/<layer>/<team>/ "
            "(or give --project-dir)",
            path=str(project.root / "dbt_project.yml"),
        )


def not_rendering(
    rendered: RenderedProject, only: Collection[str] | None = None
) -> tuple[str, ...]:
    """`path:line:column: model `name` does not render: problem`, for each problem of
    the models, seeds and snapshots (of `only`, when given)."""
    lines: dict[str, None] = {}
    for unique_id, item in rendered.nodes.items():
        node = item.node
        if node.resource_type not in NEEDED or (only is not None and unique_id not in only):
            continue
        for problem in item.problems:
            lines.setdefault(
                f"{problem.position}: {node.resource_type} `{node.name}` does not render: "
                f"{problem.message}"
            )
    return tuple(lines)


def report_unrendered(
    rendered: RenderedProject,
    incomplete: str,
    *,
    only: Collection[str] | None = None,
    at: str | None = None,
    fail: bool = True,
) -> int:
    """Print each model that does not render (`at` a git revision, when not the working
    tree), and that it makes the command's result `incomplete`; 1 when there is one,
    else 0. Not `fail`: a warning (a command that writes what it could, for the gate
    that checks it to fail)."""
    lines = not_rendering(rendered, only)
    where = f"at {at}: " if at else ""
    label = "error" if fail else "warning"
    for line in lines:
        print(f"steward: {label}: {where}{line}", file=sys.stderr)
    if lines:
        print(
            f"steward: {len(lines)} render problem(s) make {incomplete} incomplete (what "
            "those models read and produce is unknown); fix them (`steward lint` checks "
            "every model)",
            file=sys.stderr,
        )
    return 1 if lines and fail else 0
