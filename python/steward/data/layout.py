"""Where everything goes under the output directory (the contract with the dbt sources)."""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath

from steward.data.master import Country

LANDING = "landing"
TRUTH = "truth"
REFERENCE = PurePosixPath(LANDING, "reference")
METERS_CSV = REFERENCE / "meters.csv"
REGIONS_CSV = REFERENCE / "regions.csv"
TARIFFS_CSV = REFERENCE / "tariffs.csv"
TRUTH_INTERVALS = PurePosixPath(TRUTH, "intervals.parquet")
TRUTH_MANIFEST = PurePosixPath(TRUTH, "manifest.json")


def partition(country: Country, arrival: date) -> PurePosixPath:
    return PurePosixPath(LANDING, country.folder, f"arrival_date={arrival.isoformat()}")


def daily_file(country: Country, day: date, part: int) -> str:
    """`part` counts from 0; names count from 01."""
    return _name(country, day, f"{part + 1:02d}")


def late_file(country: Country, day: date, part: int) -> str:
    return _name(country, day, f"late_{part + 1:02d}")


def resent_file(country: Country, day: date, part: int) -> str:
    """The re-sent copy of `daily_file(country, day, part)`."""
    return _name(country, day, f"resent_{part + 1:02d}")


def _name(country: Country, day: date, suffix: str) -> str:
    return f"readings_{country.folder}_{day:%Y%m%d}_{suffix}.{country.extension}"
