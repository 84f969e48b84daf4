"""`--rows-per-day`: what the generator says it writes is what it writes, day by day, and
a size it cannot meet is refused with the minimum."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from steward.data import GenerationConfig, generate
from steward.data.volume import MIN_ROWS_PER_DAY, check_rows_per_day, volume
from steward.errors import UserError

HEADER = {"de": 1, "nl": 1, "fr": 0}


def rows_by_day(out: Path) -> Counter[date]:
    """Landed readings by the day whose file carries them (late files included, re-sent
    copies left out), counted from the files."""
    days: Counter[date] = Counter()
    for path in (out / "landing").glob("*/arrival_date=*/readings_*"):
        if "_resent_" in path.name:
            continue
        folder, day = path.name.split("_")[1:3]
        if folder == "lu":
            rows = pq.read_metadata(path).num_rows
        else:
            rows = len(path.read_text(encoding="utf-8").splitlines()) - HEADER[folder]
        days[datetime.strptime(day, "%Y%m%d").date()] += rows
    return days


@pytest.mark.parametrize(
    ("rows_per_day", "start", "regular"),
    [
        (192, date(2026, 3, 2), 216),  # the minimum: NL's 20 % rounds to two meters
        (960, date(2026, 3, 28), 960),  # whole meters: met exactly on a regular day
        (1000, date(2026, 10, 24), 960),
        (3000, date(2026, 3, 28), 3072),
        (20_000, date(2026, 3, 28), 19_968),
    ],
)
def test_the_rows_written_are_the_rows_announced(
    tmp_path: Path, rows_per_day: int, start: date, regular: int
) -> None:
    config = GenerationConfig(start=start, days=3, rows_per_day=rows_per_day, out=tmp_path)
    announced = volume(rows_per_day, config.dates)
    generate(config)
    assert announced.regular == regular
    assert rows_by_day(tmp_path) == {d.day: d.total for d in announced.days}


def test_the_calendar_days_are_explained() -> None:
    spring = volume(1000, [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)])
    assert [d.total for d in spring.days] == [968, 944, 960]  # NL opening, DE 92 intervals
    text = spring.explain()
    assert text.startswith("1,000 readings a day asked, 960 written: meters are whole")
    assert "DE 4x96, FR 5x48, NL 8x24, LU 6x24" in text
    assert "2026-03-28 968 (NL's opening readings)" in text
    assert "2026-03-29 944 (DE's spring-forward day, 92 intervals a meter)" in text
    autumn = volume(960, [date(2026, 10, 25)])
    assert autumn.days[0].total == 960 + 4 * 4 + 8  # DE 100 intervals, NL opening
    assert "fall-back" in autumn.explain()
    assert (
        volume(960, [date(2026, 3, 31), date(2026, 4, 1)])
        .explain()
        .endswith("(NL's opening readings)")
    )


def test_below_one_meter_per_country_is_refused() -> None:
    assert MIN_ROWS_PER_DAY == 96 + 48 + 24 + 24
    check_rows_per_day(MIN_ROWS_PER_DAY)
    with pytest.raises(UserError, match="at least 192, got 191"):
        check_rows_per_day(191)
