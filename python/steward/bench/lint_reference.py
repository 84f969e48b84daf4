"""The reference project scaled up: its models, yml and contracts copied N times.

`copy_reference_project(source, root, copies)` writes the platform's own project
(`models/`, `contracts/`, `macros/`, `platform/`, `profiles/`, `dbt_project.yml`,
`.github/CODEOWNERS`) into `root`, with every model, source and exposure of the model
folders copied `copies` times. Copy 0 is the project as it is; copy *k* renames each
model `<layer>_<team>__<entity>` to `<layer>_<team>__<entity>_cKK` (its relation
`<layer>_<team>.<entity>_cKK`), and each source, exposure and contract `id` likewise. The teams stay the six of the registry and every model stays in its own team's
folder, so the registry, the folder config and CODEOWNERS hold unchanged, reads keep
their layer and team, and the project lints as clean as the reference one: this is the
project of the issue's measurement ("the reference project copied 34 times, contracts
included", 986 models).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

SHARED = ("dbt_project.yml", "packages.yml", ".github/CODEOWNERS")
"""Files copied once."""
SHARED_DIRS = ("macros", "platform", "profiles", "tests", "seeds", "snapshots", "analyses")
"""Folders copied once (the project's macros, registry, config, profile ...)."""
COPIED_DIRS = ("models", "contracts")
ONCE = ("models/groups.yml", "contracts/README.md")
"""Files of the copied folders that describe the project, not its models."""


@dataclass(frozen=True)
class ReferenceCopy:
    root: Path
    copies: int
    models: tuple[str, ...]
    """Every model's path, relative to `root`."""

    @property
    def model_paths(self) -> tuple[str, ...]:
        return self.models


def _names(source: Path) -> tuple[list[str], list[str], list[str]]:
    """(model names, source, exposure and contract names, relations) of the reference
    project."""
    models = sorted(p.stem for p in (source / "models").rglob("*.sql"))
    others: list[str] = []
    for path in sorted((source / "models").rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("sources", "exposures"):
            others.extend(str(entry["name"]) for entry in data.get(key) or ())
    for path in sorted((source / "contracts").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict) and data.get("id"):
            others.append(str(data["id"]))
    relations = [m.replace("__", ".", 1) for m in models if "__" in m]
    return models, others, relations


def _renamer(models: list[str], others: list[str], relations: list[str]) -> re.Pattern[str]:
    names = sorted({*models, *others, *relations}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")


def _copy_text(text: str, pattern: re.Pattern[str], suffix: str) -> str:
    return pattern.sub(lambda m: m.group(1) + suffix, text)


def _copy_path(rel: str, pattern: re.Pattern[str], suffix: str) -> str:
    folder, _, name = rel.rpartition("/")
    renamed = pattern.sub(lambda m: m.group(1) + suffix, name)
    if renamed == name:  # a team's yml: same folder, another file
        stem, dot, ext = name.partition(".")
        renamed = f"{stem}{suffix}{dot}{ext}"
    return f"{folder}/{renamed}"


def copy_reference_project(source: Path, root: Path, copies: int) -> ReferenceCopy:
    """Write the reference project at `source`, its models copied `copies` times, into
    `root`."""
    if copies < 1:
        raise ValueError("copies must be at least 1")
    pattern = _renamer(*_names(source))
    files: dict[str, str] = {}
    for rel in SHARED:
        if (source / rel).is_file():
            files[rel] = (source / rel).read_text(encoding="utf-8")
    for folder in SHARED_DIRS:
        for path in sorted((source / folder).rglob("*")) if (source / folder).is_dir() else ():
            if path.is_file():
                files[path.relative_to(source).as_posix()] = path.read_text(encoding="utf-8")
    models: list[str] = []
    for folder in COPIED_DIRS:
        for path in sorted((source / folder).rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(source).as_posix()
            text = path.read_text(encoding="utf-8")
            if rel in ONCE:
                files[rel] = text
                continue
            for k in range(copies):
                suffix = f"_c{k:02d}" if k else ""
                target = _copy_path(rel, pattern, suffix) if k else rel
                files[target] = _copy_text(text, pattern, suffix) if k else text
                if target.endswith(".sql") and target.startswith("models/"):
                    models.append(target)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return ReferenceCopy(root, copies, tuple(sorted(models)))


def copies_for(source: Path, models: int) -> int:
    """How many copies of the reference project come closest to `models` models."""
    per_copy = sum(1 for _ in (source / "models").rglob("*.sql")) or 1
    return max(1, round(models / per_copy))
