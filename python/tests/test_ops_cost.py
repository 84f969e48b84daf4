"""Cost allocation (no Spark): every policy charges all of the measured cost, and moves a
shared product's cost to its readers as the policy says."""

from __future__ import annotations

import datetime as dt

import pytest

from steward.ops.cost import (
    BYTES_PER_GB,
    DAYS_PER_MONTH,
    POLICIES,
    Product,
    Rates,
    StorageSample,
    Usage,
    allocate,
    storage_days,
)

D1, D2 = dt.date(2026, 3, 30), dt.date(2026, 3, 31)
UNTIL = dt.date(2026, 4, 1)
RATES = Rates(compute_core_hour=0.08, storage_gb_month=0.021)
SILVER = "model.p.silver_platform__readings"
USAGE = [
    Usage(D1, "platform", SILVER, 3_600_000, 10),  # one core-hour
    Usage(D1, "platform", "model.p.bronze_platform__raw", 1_800_000, 0),
    Usage(D1, "billing", "model.p.gold_billing__invoices", 360_000, 300),
    Usage(D2, "forecast", "model.p.gold_forecast__features", 720_000, 100),
]
PRODUCTS = {
    SILVER: Product(
        SILVER,
        "platform",
        {
            "billing": ("model.p.gold_billing__invoices",),
            "forecast": ("model.p.gold_forecast__features",),
        },
    )
}
SAMPLES = [
    StorageSample(
        dt.datetime(2026, 3, 30, 6, tzinfo=dt.timezone.utc), "platform", SILVER, 2 * BYTES_PER_GB
    ),
]


def report(policy: str):  # type: ignore[no-untyped-def]
    return allocate(USAGE, SAMPLES, PRODUCTS, RATES, policy, D1, UNTIL)


@pytest.mark.parametrize("policy", POLICIES)
def test_every_policy_allocates_the_whole_measured_cost(policy: str) -> None:
    result = report(policy)
    ok, line = result.check
    assert ok and "= 100.00 % (ok)" in line
    compute = (3_600_000 + 1_800_000 + 360_000 + 720_000) / 3_600_000 * 0.08
    storage = 2 * 2 / DAYS_PER_MONTH * 0.021  # 2 GB held for two days
    assert result.measured == pytest.approx(compute + storage)
    assert sum(t["total"] for t in result.by_team().values()) == pytest.approx(result.measured)


def test_producer_pays_under_central() -> None:
    teams = report("central").by_team()
    assert teams["platform"]["compute"] == pytest.approx(1.5 * 0.08)
    assert teams["billing"]["compute"] == pytest.approx(0.1 * 0.08)


def test_even_splits_the_shared_product_between_its_readers() -> None:
    teams = report("even").by_team()
    silver = 0.08 + 2 * 2 / DAYS_PER_MONTH * 0.021
    assert teams["platform"]["total"] == pytest.approx(0.5 * 0.08)  # its own bronze only
    assert teams["billing"]["total"] == pytest.approx(0.1 * 0.08 + silver / 2)
    assert teams["forecast"]["total"] == pytest.approx(0.2 * 0.08 + silver / 2)


def test_proportional_splits_by_the_readers_bytes_read() -> None:
    teams = report("proportional").by_team()
    silver = 0.08 + 2 * 2 / DAYS_PER_MONTH * 0.021
    assert teams["billing"]["total"] == pytest.approx(0.1 * 0.08 + silver * 0.75)
    assert teams["forecast"]["total"] == pytest.approx(0.2 * 0.08 + silver * 0.25)


def test_a_product_nobody_read_stays_with_its_producer() -> None:
    unread = {SILVER: Product(SILVER, "platform", {"billing": ("model.p.other",)})}
    result = allocate(USAGE, SAMPLES, unread, RATES, "proportional", D1, UNTIL)
    assert result.by_team()["platform"]["compute"] == pytest.approx(1.5 * 0.08)
    assert result.check[0]


def test_storage_holds_the_latest_size_from_its_first_sample_on() -> None:
    later = StorageSample(
        dt.datetime(2026, 3, 31, 12, tzinfo=dt.timezone.utc), "platform", SILVER, BYTES_PER_GB
    )
    held = storage_days([*SAMPLES, later], dt.date(2026, 3, 29), UNTIL)
    assert [(day, round(gb * DAYS_PER_MONTH, 6)) for day, _, _, gb in held] == [
        (D1, 2.0),
        (D2, 1.0),
    ]


def test_by_day_sums_to_the_total_and_the_range_end_is_excluded() -> None:
    result = allocate(USAGE, SAMPLES, PRODUCTS, RATES, "even", D1, D2)
    assert set(result.by_day()) == {D1}
    assert sum(sum(t.values()) for t in result.by_day().values()) == pytest.approx(result.allocated)
