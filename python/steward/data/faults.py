"""The faults a real feed has: late rows, re-sent duplicate files and malformed rows.

Which rows and files are hit depends only on the seed, the country and the day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from steward.data.readings import Readings
from steward.data.streams import Purpose, stream

LATE_SHARE = 0.01
MAX_LATE_DAYS = 3
MALFORMED_SHARE = 0.001
RESEND_SHARE = 0.05
# From this many rows per day on, every country gets at least one malformed row in a run.
FORCED_MALFORMED_MIN_ROWS_PER_DAY = 1_000


@dataclass(frozen=True, eq=False)
class RowFaults:
    late_days: np.ndarray  # int64 per row: 0 on time, else 1..MAX_LATE_DAYS days late
    malformed: np.ndarray  # int64 per row: 0 well formed, else the kind of corruption


@dataclass(frozen=True)
class Resend:
    """A daily file sent a second time, `offset_days` after its own arrival date."""

    country: str
    day: date
    part: int
    offset_days: int


def row_faults(
    readings: Readings, kinds: int, rng: np.random.Generator, force_malformed: bool
) -> RowFaults:
    """Late and malformed rows of a day; a row is never both, the NL opening row neither."""
    rows = len(readings)
    eligible = ~readings.opening
    late = (rng.random(rows) < LATE_SHARE) & eligible
    late_days = np.where(late, rng.integers(1, MAX_LATE_DAYS + 1, rows), 0)
    candidates = eligible & ~late
    broken = (rng.random(rows) < MALFORMED_SHARE) & candidates
    if force_malformed and not broken.any() and candidates.any():
        broken[rng.choice(np.flatnonzero(candidates))] = True
    malformed = np.where(broken, rng.integers(1, kinds + 1, rows), 0)
    return RowFaults(late_days=late_days, malformed=malformed)


def resend_plan(
    seed: int, parts_per_country: Sequence[tuple[str, int]], days: Sequence[date]
) -> dict[tuple[str, date, int], Resend]:
    """The daily files sent twice: about RESEND_SHARE, and one at least in a multi-day run."""
    plan: dict[tuple[str, date, int], Resend] = {}
    for index, (country, parts) in enumerate(parts_per_country):
        for day in days:
            rng = stream(seed, Purpose.RESEND, index, day.toordinal())
            chosen = rng.random(parts) < RESEND_SHARE
            offsets = rng.integers(0, 2, parts)
            for part in np.flatnonzero(chosen).tolist():
                plan[(country, day, part)] = Resend(country, day, part, int(offsets[part]))
    if not plan and len(days) >= 2:
        rng = stream(seed, Purpose.RESEND, len(parts_per_country))
        country, parts = parts_per_country[int(rng.integers(len(parts_per_country)))]
        day = days[int(rng.integers(len(days)))]
        last = int(rng.integers(parts))
        plan[(country, day, last)] = Resend(country, day, last, int(rng.integers(0, 2)))
    return plan
