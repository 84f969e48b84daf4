"""The red team's cases (fixtures/redteam_cases.yaml) and the project each one runs in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml

from steward.access import CODEOWNERS_PATH, codeowners
from steward.project import load_project
from steward.teambuild.context import RunContext
from steward.teambuild.runner import invoke_dbt

FIXTURES = Path(__file__).parent / "fixtures"
CASES_FILE = FIXTURES / "redteam_cases.yaml"
BASE_PROJECT = FIXTURES / "redteam_project"
NAMESPACE_MACROS = ("generate_schema_name", "generate_alias_name", "generate_database_name")


def load_cases(section: str = "cases") -> dict[str, dict[str, Any]]:
    """The attacks (`cases`), or what the attacker may do (`legitimate`)."""
    return dict(yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))[section])


def base_project(dest: Path, project_dir: Path) -> Path:
    """The red team's playground with the platform's own macros, profiles and registry."""
    shutil.copytree(BASE_PROJECT, dest)
    shutil.copytree(project_dir / "macros", dest / "macros")
    shutil.copytree(project_dir / "profiles", dest / "profiles")
    (dest / "platform").mkdir()
    shutil.copy(project_dir / "platform" / "teams.yml", dest / "platform" / "teams.yml")
    (dest / ".github").mkdir()
    (dest / CODEOWNERS_PATH).write_text(codeowners(load_project(dest)), encoding="utf-8")
    return dest


def case_project(base: Path, dest: Path, case: dict[str, Any]) -> Path:
    """`base` plus the files of `case` (and without the namespace macros if it says so)."""
    shutil.copytree(base, dest, ignore=shutil.ignore_patterns("target", "logs"))
    if case.get("bypass_macros"):
        for name in NAMESPACE_MACROS:
            (dest / "macros" / "namespaces" / f"{name}.sql").unlink()
    for rel, text in (case.get("files") or {}).items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest


def run_case_dbt(context: RunContext, args: list[str], location: str) -> tuple[Any, str]:
    """dbt `args` in `context`, with the victim's location as vars; the result and every
    error and warning it reported (events, node messages, the exception), as one text."""
    said: list[str] = []

    def collect(event: Any) -> None:
        if event.info.level in ("error", "warn"):
            said.append(event.info.msg)

    variables = {"victim_root": location.rsplit("/", 1)[0], "victim_location": location}
    result = invoke_dbt(context, [*args, "--vars", json.dumps(variables)], [collect])
    for node in getattr(result.result, "results", None) or []:
        said.append(str(node.message))
    if result.exception is not None:
        said.append(str(result.exception))
    return result, "\n".join(said)
