"""Health of the data products: is each within its SLA right now? Pure.

A data product (a public model) is healthy when its last build succeeded, no more than
its SLA freshness ago (the contract's `freshness` check, else `meta.sla.freshness_hours`,
else `sla.freshness_hours` of its team's configuration), its tests passed at their last
run, its last load's row count is not an anomaly against its own history
(`steward.ops.anomaly`), and nobody but its team wrote its table (`steward audit`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from steward.ops.anomaly import Anomaly

STALE = "stale"
FAILED_BUILD = "failed_build"
FAILED_TESTS = "failed_tests"
ANOMALY = "anomaly"
FOREIGN_WRITE = "foreign_write"
NEVER_BUILT = "never_built"


@dataclass(frozen=True)
class ProductFacts:
    """What the history says of one product."""

    unique_id: str
    team: str
    sla_hours: float
    sla_source: str
    last_status: str | None = None
    last_success_at: dt.datetime | None = None
    tests: Mapping[str, str] = field(default_factory=dict)
    """test -> status at its last run."""
    anomaly: Anomaly | None = None
    foreign_writes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProductHealth:
    facts: ProductFacts
    age_hours: float | None
    breaches: tuple[tuple[str, str], ...]
    """(kind, what): empty when healthy."""

    @property
    def healthy(self) -> bool:
        return not self.breaches

    @property
    def name(self) -> str:
        return self.facts.unique_id.split(".")[-1]

    def as_dict(self) -> dict[str, Any]:
        f = self.facts
        return {
            "product": f.unique_id,
            "team": f.team,
            "healthy": self.healthy,
            "age_hours": None if self.age_hours is None else round(self.age_hours, 3),
            "sla_hours": f.sla_hours,
            "sla_source": f.sla_source,
            "last_status": f.last_status,
            "last_success_at": f.last_success_at.isoformat() if f.last_success_at else None,
            "tests": dict(sorted(f.tests.items())),
            "row_count": None
            if f.anomaly is None
            else {
                "value": f.anomaly.value,
                "median": f.anomaly.median,
                "mad": f.anomaly.mad,
                "anomalous": f.anomaly.anomalous,
            },
            "foreign_writes": list(f.foreign_writes),
            "breaches": [{"kind": k, "message": m} for k, m in self.breaches],
        }


def evaluate(facts: ProductFacts, now: dt.datetime) -> ProductHealth:
    breaches: list[tuple[str, str]] = []
    age = None
    if facts.last_success_at is None:
        breaches.append((NEVER_BUILT, "never built successfully in this environment"))
    else:
        age = (now - facts.last_success_at).total_seconds() / 3600
        if age > facts.sla_hours:
            breaches.append(
                (
                    STALE,
                    f"last built {age:.1f} h ago, more than its SLA of {facts.sla_hours:g} h "
                    f"({facts.sla_source})",
                )
            )
    if facts.last_status not in (None, "success"):
        breaches.append((FAILED_BUILD, f"its last build ended in {facts.last_status}"))
    failing = sorted(t.split(".")[2] for t, s in facts.tests.items() if s not in ("pass", "warn"))
    if failing:
        breaches.append((FAILED_TESTS, f"tests failing at their last run: {', '.join(failing)}"))
    if facts.anomaly is not None and facts.anomaly.anomalous:
        breaches.append((ANOMALY, f"row-count anomaly: {facts.anomaly.reason}"))
    if facts.foreign_writes:
        breaches.append((FOREIGN_WRITE, "; ".join(facts.foreign_writes)))
    return ProductHealth(facts, age, tuple(breaches))


def evaluate_all(facts: Sequence[ProductFacts], now: dt.datetime) -> list[ProductHealth]:
    return [evaluate(f, now) for f in sorted(facts, key=lambda f: f.unique_id)]
