"""The typed input and output of a run: its configuration, progress and result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from steward.data import layout
from steward.errors import UserError

DEFAULT_START = date(2026, 3, 28)  # the default 3 days include the EU spring-forward day
MAX_DAYS = 366
MAX_ROWS_PER_DAY = 10_000_000


@dataclass(frozen=True)
class GenerationConfig:
    """What to generate; the same configuration always gives byte-identical files."""

    start: date = DEFAULT_START
    days: int = 3
    rows_per_day: int = 20_000
    seed: int = 42
    out: Path = Path("data")

    def __post_init__(self) -> None:
        if not 1 <= self.days <= MAX_DAYS:
            raise UserError(f"--days must be between 1 and {MAX_DAYS}, got {self.days}")
        if not 1 <= self.rows_per_day <= MAX_ROWS_PER_DAY:
            raise UserError(
                f"--rows-per-day must be between 1 and {MAX_ROWS_PER_DAY}, got {self.rows_per_day}"
            )
        if not 0 <= self.seed < 2**63:
            raise UserError(f"--seed must be a non-negative 64-bit integer, got {self.seed}")

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=i) for i in range(self.days))

    def arguments(self) -> dict[str, Any]:
        """The arguments that decide the content (the output directory does not)."""
        return {
            "start": self.start.isoformat(),
            "days": self.days,
            "rows_per_day": self.rows_per_day,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class ArrivalCount:
    """What landed in one arrival partition of one country; re-sent files count again."""

    arrival_date: date
    files: int
    rows: int  # data rows, headers excluded, malformed rows included
    malformed_rows: int
    late_rows: int


@dataclass(frozen=True)
class DuplicateFile:
    file: str  # path relative to the output directory
    original: str


@dataclass(frozen=True)
class CountrySummary:
    country: str
    meters: int
    intervals: int  # true intervals of all meters over the run (rows of truth/intervals)
    arrivals: tuple[ArrivalCount, ...]
    duplicates: tuple[DuplicateFile, ...]

    @property
    def files(self) -> int:
        return sum(a.files for a in self.arrivals)

    @property
    def landing_rows(self) -> int:
        return sum(a.rows for a in self.arrivals)

    @property
    def late_rows(self) -> int:
        return sum(a.late_rows for a in self.arrivals)

    @property
    def malformed_rows(self) -> int:
        return sum(a.malformed_rows for a in self.arrivals)

    @property
    def duplicate_files(self) -> int:
        return len(self.duplicates)

    def totals(self) -> dict[str, int]:
        return {
            "meters": self.meters,
            "intervals": self.intervals,
            "landing_rows": self.landing_rows,
            "files": self.files,
            "late_rows": self.late_rows,
            "malformed_rows": self.malformed_rows,
            "duplicate_files": self.duplicate_files,
        }


@dataclass(frozen=True)
class GenerationResult:
    config: GenerationConfig
    countries: tuple[CountrySummary, ...]
    seconds: float

    @property
    def landing(self) -> Path:
        return self.config.out / layout.LANDING

    @property
    def truth(self) -> Path:
        return self.config.out / layout.TRUTH

    def country(self, code: str) -> CountrySummary:
        return next(c for c in self.countries if c.country == code)

    def totals(self) -> dict[str, int]:
        keys = self.countries[0].totals().keys()
        return {key: sum(c.totals()[key] for c in self.countries) for key in keys}

    def summary(self) -> dict[str, Any]:
        """The run in one object (`--format json`)."""
        return {
            "out": str(self.config.out),
            "arguments": self.config.arguments(),
            "countries": {c.country: c.totals() for c in self.countries},
            "totals": self.totals(),
            "seconds": round(self.seconds, 3),
        }

    def manifest(self) -> dict[str, Any]:
        """truth/manifest.json: deterministic, so no timings and no output path."""
        return {
            "generator": "steward data generate",
            "arguments": self.config.arguments(),
            "countries": {
                c.country: {
                    **c.totals(),
                    "arrival_dates": {
                        a.arrival_date.isoformat(): {
                            "files": a.files,
                            "rows": a.rows,
                            "malformed_rows": a.malformed_rows,
                            "late_rows": a.late_rows,
                        }
                        for a in c.arrivals
                    },
                    "duplicates": [{"file": d.file, "original": d.original} for d in c.duplicates],
                }
                for c in self.countries
            },
        }


@dataclass(frozen=True)
class DayProgress:
    """Reported after each day: the readings generated per country and the time taken."""

    day: date
    number: int  # 1-based
    days: int
    rows: tuple[tuple[str, int], ...]
    seconds: float
