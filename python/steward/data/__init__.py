"""Deterministic synthetic landing data of GridUnion's four countries, with ground truth.

`generate(GenerationConfig(...))` writes `<out>/landing` (the four native formats and the
reference master data) and `<out>/truth` (every true interval, and a manifest of what
landed where), and returns a `GenerationResult`.
"""

from __future__ import annotations

from steward.data.generator import generate
from steward.data.master import COUNTRIES, REGIONS, TARIFFS, Country, Region, Tariff
from steward.data.model import (
    ArrivalCount,
    CountrySummary,
    DayProgress,
    DuplicateFile,
    GenerationConfig,
    GenerationResult,
)

__all__ = [
    "COUNTRIES",
    "REGIONS",
    "TARIFFS",
    "ArrivalCount",
    "Country",
    "CountrySummary",
    "DayProgress",
    "DuplicateFile",
    "GenerationConfig",
    "GenerationResult",
    "Region",
    "Tariff",
    "generate",
]
