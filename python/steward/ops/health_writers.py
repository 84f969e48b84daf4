"""`steward health` output: text, json, and the Prometheus text format."""

from __future__ import annotations

import json
from typing import Any

from steward.ops.healthcheck import HealthReport


def as_dict(report: HealthReport) -> dict[str, Any]:
    return {
        "checked_at": report.checked_at.isoformat(),
        "provenance": report.provenance.as_dict(),
        "healthy": report.healthy,
        "audited": report.audited,
        "products": [p.as_dict() for p in report.products],
        "alerts": [a.as_dict() for a in report.alerts],
    }


def to_json(report: HealthReport) -> str:
    return json.dumps(as_dict(report), indent=2) + "\n"


def to_text(report: HealthReport) -> str:
    lines = [
        f"steward health: {len(report.products)} data product(s) at "
        f"{report.checked_at:%Y-%m-%d %H:%M} UTC",
        report.provenance.line(),
    ]
    if not report.audited:
        lines.append("foreign writes: not checked (--no-audit)")
    for product in report.products:
        age = "never" if product.age_hours is None else f"{product.age_hours:.1f} h"
        verdict = "ok" if product.healthy else "BREACH"
        lines.append(
            f"  {verdict:<6} {product.name} (team {product.facts.team}): age {age} of SLA "
            f"{product.facts.sla_hours:g} h, last build {product.facts.last_status or 'none'}"
        )
        for _, message in product.breaches:
            lines.append(f"         - {message}")
    for alert in report.alerts:
        lines.append(
            f"  alert for team {alert.team} ({alert.channel or 'no channel'}): {alert.product}: "
            f"{alert.delivered}"
        )
    lines.append("healthy" if report.healthy else "breach: exit 1")
    return "\n".join(lines) + "\n"


def to_prometheus(report: HealthReport) -> str:
    from prometheus_client import CollectorRegistry, Gauge, generate_latest

    registry = CollectorRegistry()
    labels = ["product", "team"]
    age = Gauge(
        "steward_product_age_hours",
        "Hours since the last successful build",
        labels,
        registry=registry,
    )
    sla = Gauge(
        "steward_product_sla_hours",
        "The product's freshness SLA in hours",
        labels,
        registry=registry,
    )
    healthy = Gauge(
        "steward_product_healthy",
        "1 when the product is within its SLA and healthy",
        labels,
        registry=registry,
    )
    breaches = Gauge(
        "steward_product_breach",
        "1 for each kind of breach the product is in",
        [*labels, "kind"],
        registry=registry,
    )
    for product in report.products:
        key = {"product": product.name, "team": product.facts.team}
        if product.age_hours is not None:
            age.labels(**key).set(product.age_hours)
        sla.labels(**key).set(product.facts.sla_hours)
        healthy.labels(**key).set(1 if product.healthy else 0)
        for kind, _ in product.breaches:
            breaches.labels(kind=kind, **key).set(1)
    return generate_latest(registry).decode("utf-8")


WRITERS = {"text": to_text, "json": to_json, "prometheus": to_prometheus}
