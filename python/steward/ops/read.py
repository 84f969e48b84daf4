"""The read API of the ops tables for other parts of steward (the discovery site): the
latest health of each product, the cost per team, the latest state of each node. Each
answer says where it came from; an environment without ops tables answers empty."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from steward.ops.sql import from_micros
from steward.ops.store import OpsStore
from steward.teambuild.context import RunContext

_LATEST_HEALTH = """
SELECT product, team, healthy, details, unix_micros(checked_at) AS checked FROM (
  SELECT *, row_number() OVER (PARTITION BY product ORDER BY checked_at DESC) AS newest
  FROM {ops}.health
) WHERE newest = 1
"""


def latest_health(context: RunContext) -> dict[str, Any]:
    """{"source", "products": {unique_id: {healthy, team, checked_at, details}}} from the
    last `steward health` of each product."""
    store = OpsStore.open(context)
    products = {}
    for row in store.query(_LATEST_HEALTH):
        checked = from_micros(row["checked"])
        products[str(row["product"])] = {
            "team": row["team"],
            "healthy": bool(row["healthy"]),
            "checked_at": checked.isoformat() if checked else None,
            "details": json.loads(row["details"] or "{}"),
        }
    return {"source": store.where, "products": products}


def cost_per_team(
    context: RunContext, since: dt.date, until: dt.date, policy: str | None = None
) -> dict[str, Any]:
    """`steward cost --format json` of the range, as a mapping."""
    from steward.ops.chargeback import chargeback
    from steward.ops.cost_writers import as_dict

    report, provenance = chargeback(context, since, until, policy)
    return as_dict(report, provenance)


def node_states(context: RunContext) -> dict[str, Any]:
    """{"source", "states": {unique_id: NodeState}}: the run history as the upstream check
    reads it."""
    from steward.teambuild import history

    store = OpsStore.open(context)
    return {"source": store.where, "states": history.load_states(context)}
