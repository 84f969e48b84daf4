"""Read the commit history of the governed tables through dbt.

The audit runs `dbt run-operation steward_audit_history` (a macro of the steward_spark
adapter) with the project's own profile, so it reads the same lakehouse on either target
(the embedded session or the Thrift Server) and runs under the guard without a team, that
is read-only. The macro reports each commit as a debug event; the callback collects them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from steward.audit.history import Commit
from steward.errors import UserError
from steward.project.model import Registry
from steward.teambuild.context import RunContext
from steward.teambuild.runner import invoke_dbt

MARK = "steward-audit "
TABLE_MARK = "steward-audit-table "


def governed_schemas(registry: Registry, env: str) -> dict[str, str]:
    """Every table namespace of the registry in `env` -> the team that owns it (landing
    namespaces hold views, which have no Delta history)."""
    return registry.governed(env, landing=False)


def collect_history(
    context: RunContext, schemas: Mapping[str, str]
) -> tuple[list[Commit], list[str]]:
    """The commits of every Delta table in `schemas`, and the tables seen."""
    commits: list[Commit] = []
    tables: list[str] = []

    def collect(event: Any) -> None:
        message = getattr(event.info, "msg", "")
        if message.startswith(MARK):
            data = json.loads(message[len(MARK) :])
            commits.append(
                Commit(
                    data["table"],
                    int(data["version"]),
                    data["timestamp"],
                    data["operation"],
                    data.get("user_metadata"),
                )
            )
        elif message.startswith(TABLE_MARK):
            tables.append(json.loads(message[len(TABLE_MARK) :])["table"])

    audit_context = RunContext(
        project_dir=context.project_dir,
        target=context.target,
        env=context.env,
        team=None,
        lakehouse_dir=context.lakehouse_dir,
        landing_dir=context.landing_dir,
    )
    args = [
        "run-operation",
        "steward_audit_history",
        "--args",
        json.dumps({"schemas": sorted(schemas)}),
        "--quiet",
    ]
    result = invoke_dbt(audit_context, args, [collect])
    if not result.success:
        raise UserError(
            f"dbt could not read the table history: {result.exception or 'see the log above'}"
        )
    return commits, tables
