"""`generate(config)`: synthetic landing data of the four countries, with its ground truth.

Per day and country: the interval grid, the consumption, the rows in the landing units,
the faults; then the day's files (a file holds whole meters, up to MAX_ROWS_PER_FILE
rows), the re-sent copies, the late files in later partitions and the truth rows. All of
it is written to a staging directory that replaces `<out>/landing` and `<out>/truth`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from time import perf_counter

import numpy as np

from steward.data import layout
from steward.data.faults import (
    FORCED_MALFORMED_MIN_ROWS_PER_DAY,
    MAX_LATE_DAYS,
    Resend,
    resend_plan,
    row_faults,
)
from steward.data.formats import MALFORMED_KINDS, render
from steward.data.load import consumption_kwh
from steward.data.master import COUNTRIES
from steward.data.meters import Fleet, build_fleet
from steward.data.model import (
    ArrivalCount,
    CountrySummary,
    DayProgress,
    DuplicateFile,
    GenerationConfig,
    GenerationResult,
)
from steward.data.readings import Readings, build_readings
from steward.data.staging import staged_replace
from steward.data.streams import Purpose, stream
from steward.data.timegrid import day_grid
from steward.data.writers import TruthWriter, truth_table, write_json, write_reference

MAX_ROWS_PER_FILE = 50_000

Progress = Callable[[DayProgress], None]


def generate(config: GenerationConfig, progress: Progress | None = None) -> GenerationResult:
    """Write `<out>/landing` and `<out>/truth` (replacing both whole) and describe the run."""
    started = perf_counter()
    fleets = tuple(
        build_fleet(country, config.rows_per_day, config.seed, config.start)
        for country in COUNTRIES
    )
    plan = resend_plan(
        config.seed, [(f.country.code, len(file_meter_ranges(f))) for f in fleets], config.dates
    )
    with staged_replace(config.out, (layout.LANDING, layout.TRUTH)) as root:
        write_reference(root, fleets)
        landing = _Landing(root)
        registers = {f.country.code: f.opening_registers_wh for f in fleets}
        with TruthWriter(root / layout.TRUTH_INTERVALS) as truth:
            for number, day in enumerate(config.dates, start=1):
                day_started = perf_counter()
                rows: list[tuple[str, int]] = []
                for fleet in fleets:
                    run = _DayRun(config, fleet, day, plan, landing, truth)
                    readings, registers[fleet.country.code] = run.deliver(
                        registers[fleet.country.code]
                    )
                    rows.append((fleet.country.code, len(readings)))
                if progress is not None:
                    progress(
                        DayProgress(
                            day, number, config.days, tuple(rows), perf_counter() - day_started
                        )
                    )
        result = GenerationResult(
            config=config,
            countries=tuple(landing.summary(f) for f in fleets),
            seconds=perf_counter() - started,
        )
        write_json(root / layout.TRUTH_MANIFEST, result.manifest())
    return result


def file_meter_ranges(fleet: Fleet) -> list[tuple[int, int]]:
    """The meters of each daily file: whole meters, MAX_ROWS_PER_FILE rows at most."""
    per_file = max(1, MAX_ROWS_PER_FILE // fleet.country.intervals_per_day)
    files = math.ceil(len(fleet) / per_file)
    return [(i * per_file, min(len(fleet), (i + 1) * per_file)) for i in range(files)]


@dataclass
class _Counts:
    files: int = 0
    rows: int = 0
    malformed_rows: int = 0
    late_rows: int = 0


@dataclass
class _Landing:
    """Writes landing files under the staging root and counts what landed where."""

    root: Path
    counts: dict[tuple[str, date], _Counts] = field(default_factory=lambda: defaultdict(_Counts))
    duplicates: dict[str, list[DuplicateFile]] = field(default_factory=lambda: defaultdict(list))
    intervals: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def put(
        self,
        fleet: Fleet,
        arrival: date,
        name: str,
        data: bytes,
        rows: int,
        malformed: int,
        late: int,
    ) -> str:
        relative = layout.partition(fleet.country, arrival) / name
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        counts = self.counts[(fleet.country.code, arrival)]
        counts.files += 1
        counts.rows += rows
        counts.malformed_rows += malformed
        counts.late_rows += late
        return relative.as_posix()

    def malformed_so_far(self, country: str) -> int:
        return sum(c.malformed_rows for (code, _), c in self.counts.items() if code == country)

    def summary(self, fleet: Fleet) -> CountrySummary:
        code = fleet.country.code
        arrivals = tuple(
            ArrivalCount(arrival, c.files, c.rows, c.malformed_rows, c.late_rows)
            for (country, arrival), c in sorted(self.counts.items())
            if country == code
        )
        return CountrySummary(
            code, len(fleet), self.intervals[code], arrivals, tuple(self.duplicates[code])
        )


@dataclass(frozen=True)
class _DayRun:
    config: GenerationConfig
    fleet: Fleet
    day: date
    plan: dict[tuple[str, date, int], Resend]
    landing: _Landing
    truth: TruthWriter

    def deliver(self, registers_wh: np.ndarray) -> tuple[Readings, np.ndarray]:
        """Generate and write the day; returns its rows and the NL registers after it."""
        country = self.fleet.country
        index = COUNTRIES.index(country)
        grid = day_grid(country, self.day)
        kwh = consumption_kwh(
            self.fleet, grid, stream(self.config.seed, Purpose.LOAD, index, self.day.toordinal())
        )
        readings, after = build_readings(
            grid, kwh, registers_wh, with_opening=self.day == self.config.start
        )
        force = (
            self.config.rows_per_day >= FORCED_MALFORMED_MIN_ROWS_PER_DAY
            and self.day == self.config.dates[-1]
            and self.landing.malformed_so_far(country.code) == 0
        )
        faults = row_faults(
            readings,
            MALFORMED_KINDS[country.code],
            stream(self.config.seed, Purpose.FAULTS, index, self.day.toordinal()),
            force,
        )
        table = truth_table(self.fleet, self.day, readings, faults)
        self.truth.write(table)
        self.landing.intervals[country.code] += table.num_rows
        self._daily_files(readings, faults.malformed, faults.late_days == 0)
        self._late_files(readings, faults.malformed, faults.late_days)
        return readings, registers_wh if after is None else after

    def _daily_files(self, readings: Readings, malformed: np.ndarray, on_time: np.ndarray) -> None:
        country = self.fleet.country
        ranges = file_meter_ranges(self.fleet)
        bounds = np.searchsorted(readings.meter, [lo for lo, _ in ranges] + [len(self.fleet)])
        for part in range(len(ranges)):
            rows = np.arange(bounds[part], bounds[part + 1])
            rows = rows[on_time[rows]]
            data = render(country.code, self.fleet.ids, readings.take(rows), malformed[rows])
            broken = int(np.count_nonzero(malformed[rows]))
            name = layout.daily_file(country, self.day, part)
            original = self.landing.put(self.fleet, self.day, name, data, len(rows), broken, 0)
            resend = self.plan.get((country.code, self.day, part))
            if resend is not None:
                arrival = self.day + timedelta(days=resend.offset_days)
                copy = layout.resent_file(country, self.day, part)
                copied = self.landing.put(self.fleet, arrival, copy, data, len(rows), broken, 0)
                self.landing.duplicates[country.code].append(DuplicateFile(copied, original))

    def _late_files(self, readings: Readings, malformed: np.ndarray, late_days: np.ndarray) -> None:
        country = self.fleet.country
        for days_late in range(1, MAX_LATE_DAYS + 1):
            late = np.flatnonzero(late_days == days_late)
            arrival = self.day + timedelta(days=days_late)
            for part, start in enumerate(range(0, len(late), MAX_ROWS_PER_FILE)):
                rows = late[start : start + MAX_ROWS_PER_FILE]
                data = render(country.code, self.fleet.ids, readings.take(rows), malformed[rows])
                name = layout.late_file(country, self.day, part)
                self.landing.put(self.fleet, arrival, name, data, len(rows), 0, len(rows))
