"""The intervals of one country's day, in UTC, with their local clock time.

A DE day is a local Europe/Berlin day, so it has 92 quarter hours on the spring-forward
day and 100 on the fall-back day; the other countries deliver by UTC day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np

from steward.data.master import Country

LOCAL_DAY_COUNTRIES = frozenset({"DE"})


@dataclass(frozen=True, eq=False)
class DayGrid:
    country: Country
    day: date
    starts: np.ndarray  # int64 epoch seconds of each interval start
    local_hour: np.ndarray  # float: local clock time of the start, in hours (0 <= h < 24)
    weekend: np.ndarray  # bool: the local day of the start is a Saturday or a Sunday

    @property
    def minutes(self) -> int:
        return self.country.interval_minutes

    def __len__(self) -> int:
        return len(self.starts)


def day_grid(country: Country, day: date) -> DayGrid:
    step = country.interval_minutes * 60
    first, end = day_bounds(country, day)
    starts = np.arange(first, end, step, dtype=np.int64)
    zone = ZoneInfo(country.timezone)
    local = [datetime.fromtimestamp(int(s), zone) for s in starts]
    return DayGrid(
        country=country,
        day=day,
        starts=starts,
        local_hour=np.array([t.hour + t.minute / 60 for t in local]),
        weekend=np.array([t.weekday() >= 5 for t in local]),
    )


def day_bounds(country: Country, day: date) -> tuple[int, int]:
    """Epoch seconds of the first instant of the day and of the next day."""
    zone = ZoneInfo(country.timezone) if country.code in LOCAL_DAY_COUNTRIES else timezone.utc
    first = datetime.combine(day, time(), zone)
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    return int(first.timestamp()), int(end.timestamp())
