"""Alerts for the owning team of a product in breach: a row in the ops table `alerts`
(with the team's channel from the registry) and, where the configuration names a webhook
(`alerts.webhook_env`: the NAME of the variable that holds the URL), a JSON POST."""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from steward.ops import tables
from steward.ops.health import ProductHealth
from steward.ops.store import OpsStore

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Alert:
    alert_id: str
    team: str
    channel: str | None
    kind: str
    product: str
    message: str
    raised_at: str
    delivered: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _post(url: str, payload: dict[str, Any]) -> str:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return f"posted ({response.status})"
    except (urllib.error.URLError, OSError) as exc:
        return f"webhook failed: {exc}"


def _settings(project: Any, team: str, env: str) -> tuple[str | None, str | None]:
    """(the configured channel, the webhook URL) of `team` in `env`."""
    from steward.config import config_env, resolve_for

    config = project.platform_config
    if config is None:
        return None, None
    resolved = resolve_for(config, project.registry, team, config_env(env, config))
    variable = resolved.value("alerts.webhook_env")
    url = os.environ.get(str(variable)) if variable else None
    return resolved.value("alerts.channel"), url or None


def raise_alerts(
    store: OpsStore,
    project: Any,
    env: str,
    check_id: str,
    products: Sequence[ProductHealth],
    now: dt.datetime,
) -> list[Alert]:
    """One alert per product in breach, for its team; recorded, and posted when a
    webhook is configured."""
    registry = project.registry
    alerts = []
    for product in products:
        if product.healthy:
            continue
        team = product.facts.team
        member = registry.team(team) if registry is not None else None
        configured, url = _settings(project, team, env)
        channel = (member.channel if member is not None else None) or configured
        kinds = ",".join(kind for kind, _ in product.breaches)
        message = f"{product.name} ({env}): " + "; ".join(m for _, m in product.breaches)
        payload = {
            "team": team,
            "channel": channel,
            "product": product.facts.unique_id,
            "env": env,
            "kinds": kinds.split(","),
            "text": message,
            "raised_at": now.isoformat(),
        }
        delivered = _post(url, payload) if url else "no webhook configured"
        alerts.append(
            Alert(
                f"{check_id}:{product.facts.unique_id}",
                team,
                channel,
                kinds,
                product.facts.unique_id,
                message,
                now.isoformat(),
                delivered,
            )
        )
    store.write(
        tables.ALERTS,
        [
            {
                **a.as_dict(),
                "raised_at": now,
            }
            for a in alerts
        ],
    )
    return alerts
