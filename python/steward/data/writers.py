"""Files other than the readings: reference master data, ground truth and the manifest."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from steward.data import layout
from steward.data.faults import RowFaults
from steward.data.master import REGIONS, TARIFFS
from steward.data.meters import Fleet
from steward.data.readings import Readings, interval_kwh

METERS_COLUMNS = ("meter_id", "country", "region_id", "tariff_id", "installed_on")
REGIONS_COLUMNS = ("region_id", "region_name", "country", "grid_operator")
TARIFFS_COLUMNS = (
    "tariff_id",
    "country",
    "tariff_name",
    "energy_price_eur_per_kwh",
    "standing_charge_eur_per_month",
    "time_of_use",
    "low_price_eur_per_kwh",
)
TRUTH_SCHEMA = pa.schema(
    [
        pa.field("country", pa.string(), nullable=False),
        pa.field("meter_id", pa.string(), nullable=False),
        pa.field("interval_start_utc", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("interval_minutes", pa.int32(), nullable=False),
        pa.field("kwh", pa.float64(), nullable=False),
        pa.field("delivered", pa.bool_(), nullable=False),
        pa.field("late", pa.bool_(), nullable=False),
        pa.field("arrival_date", pa.date32(), nullable=False),
    ]
)


def write_reference(root: Path, fleets: Sequence[Fleet]) -> None:
    """landing/reference/{meters,regions,tariffs}.csv under `root`."""
    meters: list[tuple[str, ...]] = []
    for fleet in fleets:
        meters.extend(
            zip(
                fleet.ids.to_pylist(),
                [fleet.country.code] * len(fleet),
                fleet.region_ids,
                fleet.tariff_ids,
                [str(d) for d in fleet.installed_on],
                strict=True,
            )
        )
    _write_csv(root / layout.METERS_CSV, METERS_COLUMNS, meters)
    _write_csv(
        root / layout.REGIONS_CSV,
        REGIONS_COLUMNS,
        [(r.region_id, r.region_name, r.country, r.grid_operator) for r in REGIONS],
    )
    _write_csv(
        root / layout.TARIFFS_CSV,
        TARIFFS_COLUMNS,
        [
            (
                t.tariff_id,
                t.country,
                t.tariff_name,
                f"{t.energy_price_eur_per_kwh:.4f}",
                f"{t.standing_charge_eur_per_month:.2f}",
                "true" if t.time_of_use else "false",
                "" if t.low_price_eur_per_kwh is None else f"{t.low_price_eur_per_kwh:.4f}",
            )
            for t in TARIFFS
        ],
    )


def truth_table(fleet: Fleet, day: date, readings: Readings, faults: RowFaults) -> pa.Table:
    """One row per true interval of the day; the NL opening reading closes none."""
    country = fleet.country
    keep = ~readings.opening
    rows = readings.take(keep)
    # An NL reading closes the hour before it; every other row carries its own interval.
    offset = country.interval_minutes * 60 if country.code == "NL" else 0
    arrival = np.datetime64(day, "D") + faults.late_days[keep].astype("timedelta64[D]")
    return pa.table(
        [
            pa.array(np.full(len(rows), country.code)),
            fleet.ids.take(pa.array(rows.meter)),
            pa.array((rows.time - offset) * 1_000_000, type=pa.timestamp("us", tz="UTC")),
            pa.array(np.full(len(rows), country.interval_minutes, np.int32)),
            pa.array(interval_kwh(country.code, rows.interval_units)),
            pa.array(faults.malformed[keep] == 0),
            pa.array(faults.late_days[keep] > 0),
            pa.array(arrival, type=pa.date32()),
        ],
        schema=TRUTH_SCHEMA,
    )


class TruthWriter:
    """truth/intervals.parquet, written a row group per country and day."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(path, TRUTH_SCHEMA, compression="snappy")

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table)

    def __enter__(self) -> TruthWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._writer.close()


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
