"""Fixture projects built at test time: a base fixture with an overlay laid over it.

`fixtures/<name>_overlay/` holds only what differs from its base fixture: each of its files
replaces or adds the file at the same path.

- `violations`: `gridlite` with one planted violation per rule.
- `contracts_consumers`: `contracts_project` read by a second team, with an exposure
  behind each consumer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = Path(__file__).resolve().parents[2]
REFERENCE_PARTS = (
    "dbt_project.yml",
    "packages.yml",
    "models",
    "macros",
    "contracts",
    "platform",
    "profiles",
    "tests",
    "seeds",
    "snapshots",
    ".github",
)
"""What of the repository is the reference dbt project (not the code, data or caches)."""
OVERLAYS = {"violations": "gridlite", "contracts_consumers": "contracts_project"}


def build_fixture(name: str, dest: Path) -> Path:
    """Materialise the overlay fixture `name` at `dest` (which must not exist yet)."""
    shutil.copytree(FIXTURES / OVERLAYS[name], dest)
    shutil.copytree(FIXTURES / f"{name}_overlay", dest, dirs_exist_ok=True)
    return dest


def copy_reference(dest: Path, parts: tuple[str, ...] = REFERENCE_PARTS) -> Path:
    """A copy of the reference project (the repository's dbt project) at `dest`."""
    dest.mkdir(parents=True)
    for part in parts:
        source = REFERENCE / part
        if source.is_dir():
            shutil.copytree(source, dest / part)
        elif source.is_file():
            shutil.copy2(source, dest / part)
    return dest
