"""The adapter type of a project's dbt profile (`type: snowflake`), as dbt finds it:
`DBT_PROFILES_DIR`, the project folder (and its `profiles/` or `profile/`), `~/.dbt/`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from steward.errors import UserError
from steward.project.yamlio import load_yaml


def _profiles_files(root: Path) -> list[Path]:
    folders = [Path(os.environ["DBT_PROFILES_DIR"])] if os.environ.get("DBT_PROFILES_DIR") else []
    folders += [root, root / "profiles", root / "profile", Path.home() / ".dbt"]
    return [folder / "profiles.yml" for folder in folders if (folder / "profiles.yml").is_file()]


def adapter_type(root: Path, profile: str | None, target: str | None = None) -> str | None:
    """The `type` of the profile's target (its default target unless `target` is
    given), or None when no profiles.yml names it."""
    for file in _profiles_files(root):
        try:
            data = load_yaml(file)
        except UserError:
            continue
        if not isinstance(data, Mapping):
            continue
        entry = data.get(profile) if profile else None
        if not isinstance(entry, Mapping):
            continue
        outputs = entry.get("outputs")
        if not isinstance(outputs, Mapping) or not outputs:
            continue
        chosen = outputs.get(target or str(entry.get("target") or ""))
        if not isinstance(chosen, Mapping):
            chosen = next(iter(outputs.values()))
        kind = chosen.get("type") if isinstance(chosen, Mapping) else None
        if isinstance(kind, str) and "{" not in kind:
            return kind.strip().lower()
    return None
