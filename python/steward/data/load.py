"""The consumption model: a daily load shape per segment, scaled per meter, with noise.

Households are low at night and peak in the morning and (higher) in the evening, and use
a little more at weekends; commercial meters run a business-hours plateau on weekdays
over a base load, and mostly the base load at weekends. Every value is positive.
"""

from __future__ import annotations

import numpy as np

from steward.data.meters import Fleet
from steward.data.timegrid import DayGrid

NOISE_SHAPE = 6.0  # gamma noise: mean 1, coefficient of variation 1/sqrt(6)
DAY_SIGMA = 0.2  # lognormal day-to-day variation of a meter
BUSINESS_BASE = 0.35  # fridges, servers, lighting: the share of a weekday's mean power
BUSINESS_WEEKEND_LEVEL = 0.2


def consumption_kwh(fleet: Fleet, grid: DayGrid, rng: np.random.Generator) -> np.ndarray:
    """kWh of every (meter, interval) of the day, shape (meters, intervals)."""
    midpoint = (grid.local_hour + grid.minutes / 120) % 24
    household = household_shape(midpoint, grid.weekend)
    business = business_shape(midpoint, grid.weekend)
    shape = np.where(fleet.business[:, None], business[None, :], household[None, :])
    mean_kw = fleet.daily_kwh / 24 * rng.lognormal(-(DAY_SIGMA**2) / 2, DAY_SIGMA, len(fleet))
    noise = rng.gamma(NOISE_SHAPE, 1 / NOISE_SHAPE, shape.shape)
    return mean_kw[:, None] * shape * noise * (grid.minutes / 60)


def household_shape(hour: np.ndarray, weekend: np.ndarray) -> np.ndarray:
    """Relative power of a household; the mean over a weekday is 1."""
    return _household_raw(hour, weekend) / _HOUSEHOLD_WEEKDAY_MEAN


def business_shape(hour: np.ndarray, weekend: np.ndarray) -> np.ndarray:
    """Relative power of a commercial meter; the mean over a weekday is 1."""
    level = np.where(weekend, BUSINESS_WEEKEND_LEVEL, 1.0)
    return BUSINESS_BASE + (1 - BUSINESS_BASE) * level * _opening(hour) / _OPENING_WEEKDAY_MEAN


def _household_raw(hour: np.ndarray, weekend: np.ndarray) -> np.ndarray:
    weekday = 0.30 + 0.8 * _bump(hour, 7.3, 1.1) + 0.3 * _bump(hour, 12.5, 1.8)
    weekday = weekday + 1.4 * _bump(hour, 19.2, 1.9)
    saturday_sunday = 0.30 + 0.55 * _bump(hour, 9.5, 1.8) + 0.4 * _bump(hour, 13.0, 2.5)
    saturday_sunday = saturday_sunday + 1.3 * _bump(hour, 19.0, 2.2)
    return np.where(weekend, saturday_sunday, weekday)


def _opening(hour: np.ndarray) -> np.ndarray:
    return _sigmoid((hour - 7.5) * 2.0) * _sigmoid((18.5 - hour) * 2.0)


def _bump(hour: np.ndarray, centre: float, width: float) -> np.ndarray:
    distance = np.abs(hour - centre)
    distance = np.minimum(distance, 24 - distance)  # midnight wraps around
    return np.exp(-0.5 * (distance / width) ** 2)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


_MINUTES = np.arange(0, 24, 1 / 60)
_HOUSEHOLD_WEEKDAY_MEAN = float(_household_raw(_MINUTES, np.zeros(_MINUTES.shape, bool)).mean())
_OPENING_WEEKDAY_MEAN = float(_opening(_MINUTES).mean())
