"""The meter fleet of a country: native ids, region, tariff, size and register start values."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from steward.data.master import COUNTRIES, Country, regions_of, tariffs_of
from steward.data.streams import Purpose, stream

HOUSEHOLD_KWH_PER_DAY = 8.5
BUSINESS_KWH_PER_DAY = 55.0


@dataclass(frozen=True, eq=False)
class Fleet:
    """The meters of one country, sorted by id; arrays are aligned by meter."""

    country: Country
    ids: pa.StringArray
    region_ids: tuple[str, ...]  # per meter
    tariff_ids: tuple[str, ...]  # per meter
    business: np.ndarray  # bool
    daily_kwh: np.ndarray  # float, the meter's mean consumption per day
    installed_on: np.ndarray  # datetime64[D]
    opening_registers_wh: np.ndarray  # int64 (meters, 2): NL T1 and T2 at the start

    def __len__(self) -> int:
        return len(self.ids)


def meter_count(country: Country, rows_per_day: int) -> int:
    exact = country.share * rows_per_day / country.intervals_per_day
    return max(1, math.floor(exact + 0.5))


def build_fleet(country: Country, rows_per_day: int, seed: int, start: date) -> Fleet:
    rng = stream(seed, Purpose.FLEET, COUNTRIES.index(country))
    count = meter_count(country, rows_per_day)
    ids = _native_ids(country.code, count, rng)
    regions = regions_of(country.code)
    region_index = rng.permutation(_proportional(count, [r.weight for r in regions]))
    business = rng.random(count) < country.business_share
    tariff_ids = _tariffs(country.code, business, rng)
    daily_kwh = np.where(
        business,
        BUSINESS_KWH_PER_DAY * rng.lognormal(-0.32, 0.8, count),
        HOUSEHOLD_KWH_PER_DAY * rng.lognormal(-0.125, 0.5, count),
    )
    age_days = rng.integers(30, 12 * 365, count)
    installed_on = np.datetime64(start, "D") - age_days.astype("timedelta64[D]")
    opening = rng.integers(1_000_000, 50_000_000, (count, 2), endpoint=True, dtype=np.int64)
    return Fleet(
        country=country,
        ids=pa.array(ids, type=pa.string()),
        region_ids=tuple(regions[i].region_id for i in region_index),
        tariff_ids=tariff_ids,
        business=business,
        daily_kwh=daily_kwh,
        installed_on=installed_on,
        opening_registers_wh=opening,
    )


def _proportional(count: int, weights: list[float]) -> np.ndarray:
    """Indices 0..len(weights)-1 in proportion to the weights (each one once it fits)."""
    cumulative = np.cumsum(weights) / sum(weights)
    positions = (np.arange(count) + 0.5) / count
    return np.minimum(np.searchsorted(cumulative, positions), len(weights) - 1)


def _tariffs(country: str, business: np.ndarray, rng: np.random.Generator) -> tuple[str, ...]:
    offered = tariffs_of(country)
    chosen = np.empty(len(business), dtype=object)
    for segment in (False, True):
        candidates = [t for t in offered if t.business == segment] or list(offered)
        weights = np.array([t.weight for t in candidates])
        picks = rng.choice(
            len(candidates), int(np.sum(business == segment)), p=weights / weights.sum()
        )
        chosen[business == segment] = [candidates[i].tariff_id for i in picks]
    return tuple(chosen)


def _native_ids(country: str, count: int, rng: np.random.Generator) -> list[str]:
    """Unique ids in each country's own scheme, sorted."""
    if country == "DE":
        numbers = np.sort(rng.choice(10**12, count, replace=False))
        return [f"DE{n:012d}" for n in numbers]
    if country == "FR":
        numbers = np.sort(rng.choice(9 * 10**13, count, replace=False)) + 10**13
        return [f"{n:014d}" for n in numbers]
    if country == "NL":
        numbers = np.sort(rng.choice(10**14, count, replace=False))
        return [_ean18(f"871{n:014d}") for n in numbers]
    numbers = np.sort(rng.choice(10**10, count, replace=False))
    return [f"LU{n:010d}" for n in numbers]


def _ean18(first17: str) -> str:
    """Append the GS1 check digit (weights 3,1,3,... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(first17)))
    return first17 + str((10 - total % 10) % 10)
