"""Chargeback: what each team's use of the cluster and the lakehouse cost. Pure.

Compute is the executor run time of every node a team built (core-hours: a task holds
one core for its run time) times the rate per core-hour; storage is each table's size
(DESCRIBE DETAIL, sampled) held over the days of the range, in GB-months, times the rate
per GB-month. Each cost starts with the team whose build or table it is.

A shared product (a model other teams read) moves its cost to its readers by the
configured `cost.shared_policy`:

- `central`: the producer pays (nothing moves);
- `proportional`: split by the bytes each reading team's nodes read in the range (the
  producer keeps it when nobody read it);
- `even`: split evenly between the reading teams.

Whatever the policy, the allocations add up to the measured cost: `CostReport.check`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

POLICIES = ("central", "proportional", "even")
POLICY_WORDS = {
    "central": "producer pays",
    "proportional": "split by the consumers' bytes read",
    "even": "split evenly between the consumers",
}
MS_PER_HOUR = 3_600_000
BYTES_PER_GB = 1_000_000_000
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class Rates:
    compute_core_hour: float
    storage_gb_month: float
    currency: str = "EUR"


@dataclass(frozen=True)
class Usage:
    """One node's Spark work in one build."""

    day: dt.date
    team: str
    node: str
    run_time_ms: int
    bytes_read: int

    @property
    def core_hours(self) -> float:
        return self.run_time_ms / MS_PER_HOUR


@dataclass(frozen=True)
class StorageSample:
    measured_at: dt.datetime
    team: str
    node: str
    size_bytes: int


@dataclass(frozen=True)
class Product:
    """A model other teams read: its producer and, per reading team, its reading nodes."""

    node: str
    producer: str
    readers: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Charge:
    """An amount one team is charged, for a kind of cost on a day, and why."""

    day: dt.date
    team: str
    kind: str  # compute | storage
    node: str
    amount: float
    quantity: float  # core-hours or GB-months
    shared_from: str | None = None
    """The producer, when this is a share of a shared product's cost."""


@dataclass(frozen=True)
class CostReport:
    since: dt.date
    until: dt.date
    policy: str
    rates: Rates
    measured: float
    charges: tuple[Charge, ...]

    @property
    def allocated(self) -> float:
        return sum(c.amount for c in self.charges)

    @property
    def check(self) -> tuple[bool, str]:
        """Do the allocations add up to the measured cost? (ok, the line that says so)"""
        share = 100.0 if self.measured == 0 else 100.0 * self.allocated / self.measured
        ok = abs(self.allocated - self.measured) <= 1e-9 * max(1.0, abs(self.measured))
        line = (
            f"reconciliation: allocated {self.allocated:.6f} of measured {self.measured:.6f} "
            f"{self.rates.currency} = {share:.2f} % ({'ok' if ok else 'MISMATCH'})"
        )
        return ok, line

    def by_team(self) -> dict[str, dict[str, float]]:
        """team -> {compute, storage, total}."""
        teams: dict[str, dict[str, float]] = defaultdict(
            lambda: {"compute": 0.0, "storage": 0.0, "total": 0.0}
        )
        for charge in self.charges:
            teams[charge.team][charge.kind] += charge.amount
            teams[charge.team]["total"] += charge.amount
        return dict(sorted(teams.items()))

    def by_day(self) -> dict[dt.date, dict[str, float]]:
        """day -> team -> amount."""
        days: dict[dt.date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for charge in self.charges:
            days[charge.day][charge.team] += charge.amount
        return {day: dict(teams) for day, teams in sorted(days.items())}


def days(since: dt.date, until: dt.date) -> list[dt.date]:
    """The days of the range, `until` excluded."""
    return [since + dt.timedelta(days=i) for i in range((until - since).days)]


def storage_days(
    samples: Iterable[StorageSample], since: dt.date, until: dt.date
) -> list[tuple[dt.date, str, str, float]]:
    """(day, team, node, GB-months) of every table on each day of the range: its size is
    that of its latest sample by the end of the day (none before its first sample)."""
    by_node: dict[str, list[StorageSample]] = defaultdict(list)
    for sample in samples:
        by_node[sample.node].append(sample)
    held = []
    for node, found in sorted(by_node.items()):
        found.sort(key=lambda s: s.measured_at)
        for day in days(since, until):
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.timezone.utc)
            latest = [s for s in found if s.measured_at < end]
            if latest:
                last = latest[-1]
                gb_months = last.size_bytes / BYTES_PER_GB / DAYS_PER_MONTH
                held.append((day, last.team, node, gb_months))
    return held


def _shares(product: Product, usage: Sequence[Usage], policy: str) -> dict[str, float] | None:
    """The reading teams' shares of `product`'s cost (summing to 1); None: the producer
    keeps it."""
    readers = {team: nodes for team, nodes in product.readers.items() if team != product.producer}
    if policy == "central" or not readers:
        return None
    if policy == "even":
        return {team: 1.0 / len(readers) for team in sorted(readers)}
    read: dict[str, float] = {}
    for team, nodes in readers.items():
        wanted = set(nodes)
        read[team] = float(sum(u.bytes_read for u in usage if u.team == team and u.node in wanted))
    total = sum(read.values())
    if total <= 0:
        return None
    return {team: amount / total for team, amount in sorted(read.items()) if amount > 0}


def allocate(
    usage: Sequence[Usage],
    storage: Iterable[StorageSample],
    products: Mapping[str, Product],
    rates: Rates,
    policy: str,
    since: dt.date,
    until: dt.date,
) -> CostReport:
    """Every cost of the range charged to a team under `policy`."""
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy}")
    in_range = [u for u in usage if since <= u.day < until]
    items: list[Charge] = [
        Charge(
            u.day, u.team, "compute", u.node, u.core_hours * rates.compute_core_hour, u.core_hours
        )
        for u in in_range
    ]
    items += [
        Charge(day, team, "storage", node, gb * rates.storage_gb_month, gb)
        for day, team, node, gb in storage_days(storage, since, until)
    ]
    measured = sum(c.amount for c in items)
    shares = {node: _shares(p, in_range, policy) for node, p in products.items()}
    charges: list[Charge] = []
    for item in items:
        split = shares.get(item.node)
        if not split:
            charges.append(item)
            continue
        teams = list(split.items())
        given = 0.0
        for i, (team, share) in enumerate(teams):
            # the last share takes the rounding remainder: the split adds up exactly
            amount = item.amount - given if i == len(teams) - 1 else item.amount * share
            given += amount
            charges.append(
                Charge(
                    item.day,
                    team,
                    item.kind,
                    item.node,
                    amount,
                    item.quantity * share,
                    shared_from=item.team,
                )
            )
    return CostReport(since, until, policy, rates, measured, tuple(charges))
