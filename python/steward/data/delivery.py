"""Delivering generated landing data day by day, as if the files were arriving.

The generator writes every arrival day at once; a test or a benchmark that replays the
platform's daily runs copies the arrival partitions up to a given day into the landing
folder the pipeline reads.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path


def arrival_day(relative: Path) -> date | None:
    """The arrival date of a landed file from its `arrival_date=YYYY-MM-DD` folder."""
    for part in relative.parts:
        if part.startswith("arrival_date="):
            return date.fromisoformat(part.split("=", 1)[1])
    return None


def deliver(generated_landing: Path, landing: Path, through: date) -> list[Path]:
    """Copy the files that have arrived by `through` (and the master data); return the new ones."""
    delivered = []
    for source in sorted(generated_landing.rglob("*")):
        if not source.is_file():
            continue
        relative = source.relative_to(generated_landing)
        arrived = arrival_day(relative)
        if arrived is not None and arrived > through:
            continue
        target = landing / relative
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        delivered.append(target)
    return delivered
