"""How many readings a run writes, known before it runs.

A meter is whole and delivers every interval of its day (DE 96 quarter hours, FR 48 half
hours, NL and LU 24 hours), so `--rows-per-day N` is met in whole meter-days: each country
gets round(share x N / its intervals a day) meters, at least one. A day then has N readings
to within half a meter-day per country, and some days differ by their calendar: DE's
spring-forward day has 92 quarter hours a meter and its fall-back day 100, and the first
day's NL file carries an opening reading per meter (the register values the first hour is
measured from). Below one meter per country (192 a day) the asked size cannot be met.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from steward.data.master import COUNTRIES, Country
from steward.data.meters import meter_count
from steward.data.timegrid import day_bounds
from steward.errors import UserError

MIN_ROWS_PER_DAY = sum(country.intervals_per_day for country in COUNTRIES)
"""One meter per country: DE 96 + FR 48 + NL 24 + LU 24 readings."""

OPENING_COUNTRIES = frozenset({"NL"})
"""Countries whose first day also carries an opening reading per meter."""


def intervals_on(country: Country, day: date) -> int:
    first, end = day_bounds(country, day)
    return (end - first) // (country.interval_minutes * 60)


@dataclass(frozen=True)
class DayVolume:
    day: date
    rows: tuple[tuple[str, int], ...]  # per country, in COUNTRIES order
    notes: tuple[str, ...]  # why the day differs from a regular one

    @property
    def total(self) -> int:
        return sum(n for _, n in self.rows)


@dataclass(frozen=True)
class Volume:
    """The readings a run writes: `asked` a day, `regular` on a day without a calendar
    exception, and each day's own count."""

    asked: int
    meters: tuple[tuple[str, int], ...]
    days: tuple[DayVolume, ...]

    @property
    def regular(self) -> int:
        counts = dict(self.meters)
        return sum(counts[c.code] * c.intervals_per_day for c in COUNTRIES)

    def explain(self) -> str:
        """Why the days have the readings they have, in one sentence."""
        counts = dict(self.meters)
        split = ", ".join(f"{c.code} {counts[c.code]}x{c.intervals_per_day}" for c in COUNTRIES)
        if self.regular == self.asked:
            text = f"{self.asked:,} readings a day ({split})"
        else:
            text = (
                f"{self.asked:,} readings a day asked, {self.regular:,} written: meters are "
                f"whole and deliver a whole day ({split})"
            )
        exceptions = [f"{d.day} {d.total:,} ({'; '.join(d.notes)})" for d in self.days if d.notes]
        return text + (f"; {', '.join(exceptions)}" if exceptions else "")

    def summary(self) -> dict[str, object]:
        return {
            "asked": self.asked,
            "regular_day": self.regular,
            "days": {d.day.isoformat(): d.total for d in self.days},
        }


def check_rows_per_day(rows_per_day: int) -> None:
    """Bad input when not even one meter per country fits in `rows_per_day`."""
    if rows_per_day < MIN_ROWS_PER_DAY:
        raise UserError(
            f"--rows-per-day must be at least {MIN_ROWS_PER_DAY}, got {rows_per_day}: "
            "each country has at least one meter and a meter delivers a whole day "
            "(DE 96 + FR 48 + NL 24 + LU 24 readings)"
        )


def volume(rows_per_day: int, dates: Sequence[date]) -> Volume:
    """What `generate` writes for `rows_per_day` over `dates` (the first is the start)."""
    meters = tuple((c.code, meter_count(c, rows_per_day)) for c in COUNTRIES)
    counts = dict(meters)
    days = []
    for index, day in enumerate(dates):
        rows: list[tuple[str, int]] = []
        notes: list[str] = []
        for country in COUNTRIES:
            intervals = intervals_on(country, day)
            if intervals != country.intervals_per_day:
                change = "spring-forward" if intervals < country.intervals_per_day else "fall-back"
                notes.append(f"{country.code}'s {change} day, {intervals} intervals a meter")
            opening = 1 if index == 0 and country.code in OPENING_COUNTRIES else 0
            if opening:
                notes.append(f"{country.code}'s opening readings")
            rows.append((country.code, counts[country.code] * (intervals + opening)))
        days.append(DayVolume(day, tuple(rows), tuple(notes)))
    return Volume(rows_per_day, meters, tuple(days))
