"""Row-count anomaly against a product's own history: median and MAD. Pure.

A load is anomalous when it is far from the product's usual load in both senses: more
than `z` robust standard deviations from the median (MAD scaled by 1.4826, the robust
z-score of Iglewicz and Hoaglin, 3.5 by default), and more than `change_pct` per cent of
the median (`anomaly.row_count_change_pct` of the layered configuration), so a product
whose loads never vary is not flagged for a one-row difference.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

MAD_SCALE = 1.4826
DEFAULT_Z = 3.5
MIN_HISTORY = 5
"""Earlier loads needed before a load can be judged."""


@dataclass(frozen=True)
class Anomaly:
    value: float
    median: float
    mad: float
    robust_z: float | None
    change_pct: float | None
    anomalous: bool
    reason: str


def judge(
    history: Sequence[float], value: float, change_pct: float, z: float = DEFAULT_Z
) -> Anomaly | None:
    """`value` against the earlier loads `history`; None when there are too few."""
    if len(history) < MIN_HISTORY:
        return None
    median = statistics.median(history)
    mad = statistics.median(abs(x - median) for x in history)
    deviation = abs(value - median)
    robust_z = None if mad == 0 else deviation / (MAD_SCALE * mad)
    change = None if median == 0 else 100.0 * deviation / abs(median)
    far = deviation > 0 if robust_z is None else robust_z > z
    large = (value != 0) if change is None else change > change_pct
    anomalous = far and large
    reason = (
        f"{value:g} rows against a median of {median:g} (MAD {mad:g}"
        + (f", robust z {robust_z:.1f}" if robust_z is not None else "")
        + (f", {change:.0f} % off" if change is not None else "")
        + ")"
    )
    return Anomaly(value, median, mad, robust_z, change, anomalous, reason)
