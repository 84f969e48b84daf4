"""Materialise a rule case (the base project plus the case's files) into a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).parent / "rules"


def base_files() -> dict[str, str | None]:
    return yaml.safe_load((RULES_DIR / "_base.yaml").read_text(encoding="utf-8"))


def write_project(folder: Path, files: dict[str, Any] | None, base: bool = True) -> Path:
    merged: dict[str, Any] = dict(base_files()) if base else {}
    merged.update(files or {})
    for rel, text in merged.items():
        if text is None:
            continue
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def load_cases() -> list[tuple[str, str, dict[str, Any]]]:
    cases = []
    for file in sorted(RULES_DIR.glob("*.yaml")):
        if file.name.startswith("_"):
            continue
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for name, case in data["cases"].items():
            cases.append((data["rule"], name, case))
    return cases
