"""The rows a country delivers for one day, in the units its landing format carries.

Values are integers of the format's last decimal (DE and LU 0.0001 kWh, FR 0.1 W,
NL registers in Wh = 0.001 kWh), so the ground truth is exactly what a reader can parse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from steward.data.timegrid import DayGrid

UNITS_PER_KWH: dict[str, int] = {"DE": 10_000, "FR": 20_000, "NL": 1_000, "LU": 10_000}
NL_LOW_TARIFF_FROM_HOUR = 23  # T1 runs 23:00-06:59 local, and all weekend
NL_LOW_TARIFF_UNTIL_HOUR = 7


@dataclass(frozen=True, eq=False)
class Readings:
    """Rows meter by meter, in time order; all arrays are aligned by row."""

    meter: np.ndarray  # int64 index into the fleet
    time: np.ndarray  # int64 epoch seconds: the interval start; NL: the moment of the reading
    values: np.ndarray  # int64 landing units: (rows,), or (rows, 2) for the NL registers T1, T2
    interval_units: np.ndarray  # int64 consumption of the interval the row carries or closes
    opening: np.ndarray  # bool: the NL opening reading, which closes no interval

    def __len__(self) -> int:
        return len(self.meter)

    def take(self, index: np.ndarray) -> Readings:
        return Readings(
            meter=self.meter[index],
            time=self.time[index],
            values=self.values[index],
            interval_units=self.interval_units[index],
            opening=self.opening[index],
        )


def interval_kwh(country: str, units: np.ndarray) -> np.ndarray:
    """kWh exactly as a reader derives it from the landing value."""
    if country == "FR":
        return (units / 10) / 2000  # the 1-decimal watts over half an hour
    return units / UNITS_PER_KWH[country]


def build_readings(
    grid: DayGrid, kwh: np.ndarray, registers_wh: np.ndarray | None, with_opening: bool
) -> tuple[Readings, np.ndarray | None]:
    """The day's rows, and for NL the registers after the day (the next day's start)."""
    code = grid.country.code
    units = np.rint(kwh * UNITS_PER_KWH[code]).astype(np.int64)
    meters, intervals = units.shape
    if code != "NL":
        return (
            Readings(
                meter=np.repeat(np.arange(meters, dtype=np.int64), intervals),
                time=np.tile(grid.starts, meters),
                values=units.ravel(),
                interval_units=units.ravel(),
                opening=np.zeros(units.size, dtype=bool),
            ),
            None,
        )
    if registers_wh is None:
        raise ValueError("NL readings need the registers at the start of the day")
    return _register_readings(grid, units, registers_wh, with_opening)


def nl_low_tariff(grid: DayGrid) -> np.ndarray:
    """Per interval: T1 (low) when it starts 23:00-06:59 local or on a local weekend day."""
    hour = np.floor(grid.local_hour)
    night = (hour >= NL_LOW_TARIFF_FROM_HOUR) | (hour < NL_LOW_TARIFF_UNTIL_HOUR)
    return night | grid.weekend


def _register_readings(
    grid: DayGrid, units: np.ndarray, registers_wh: np.ndarray, with_opening: bool
) -> tuple[Readings, np.ndarray]:
    meters, intervals = units.shape
    low = nl_low_tariff(grid)
    increments = np.stack([units * low, units * ~low], axis=2)  # (meters, intervals, 2)
    values = registers_wh[:, None, :] + np.cumsum(increments, axis=1)
    times = grid.starts + grid.minutes * 60  # a reading closes its interval
    consumption = units
    opening = np.zeros((meters, intervals), dtype=bool)
    if with_opening:
        values = np.concatenate([registers_wh[:, None, :], values], axis=1)
        times = np.concatenate([grid.starts[:1], times])
        consumption = np.concatenate([np.zeros((meters, 1), np.int64), units], axis=1)
        opening = np.concatenate([np.ones((meters, 1), bool), opening], axis=1)
    rows_per_meter = values.shape[1]
    readings = Readings(
        meter=np.repeat(np.arange(meters, dtype=np.int64), rows_per_meter),
        time=np.tile(times, meters),
        values=values.reshape(-1, 2),
        interval_units=consumption.ravel(),
        opening=opening.ravel(),
    )
    return readings, values[:, -1, :].copy()
