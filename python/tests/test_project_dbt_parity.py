"""Our config resolution equals `dbt parse`'s manifest on the gridlite fixture (slow: runs
dbt in a subprocess; no warehouse is touched)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from steward.project import load_project
from steward.render import Target, render_project

FIXTURES = Path(__file__).parent / "fixtures"
PROFILE = """\
gridlite:
  target: prod
  outputs:
    prod:
      type: spark
      method: session
      host: localhost
      schema: default
"""
KEYS = (
    "materialized",
    "schema",
    "alias",
    "database",
    "tags",
    "meta",
    "access",
    "group",
    "unique_key",
    "incremental_strategy",
    "file_format",
    "contract",
)


def _dbt(args: list[str], project: Path, profiles: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dbt.cli.main",
            *args,
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(profiles),
        ],
        capture_output=True,
        text=True,
        cwd=project,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def _normal(value: object) -> object:
    if isinstance(value, dict):
        value = {k: _normal(v) for k, v in value.items() if v not in (None, [], {})}
    return value if value not in ([], {}) else None


@pytest.mark.slow
def test_configs_and_relations_equal_dbt_parse(tmp_path: Path) -> None:
    project_dir = tmp_path / "gridlite"
    shutil.copytree(FIXTURES / "gridlite", project_dir)
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "profiles.yml").write_text(PROFILE)
    _dbt(["deps"], project_dir, profiles)
    _dbt(["parse"], project_dir, profiles)
    manifest = json.loads((project_dir / "target" / "manifest.json").read_text())

    rendered = render_project(load_project(project_dir), Target(name="prod", schema="default"))
    compared = 0
    for unique_id, ours in rendered.nodes.items():
        theirs = manifest["nodes"].get(unique_id)
        if theirs is None or ours.node.resource_type == "test":
            continue
        compared += 1
        config = theirs["config"]
        for key in KEYS:
            if key == "contract":
                assert bool((ours.config.get(key) or {}).get("enforced")) == bool(
                    config[key]["enforced"]
                ), unique_id
                continue
            assert _normal(ours.config.get(key)) == _normal(config.get(key)) or (
                key == "materialized" and ours.config.get(key) is None
            ), (unique_id, key, ours.config.get(key), config.get(key))
        for kind in ("pre-hook", "post-hook"):
            hooks = [
                h.get("sql") if isinstance(h, dict) else h for h in ours.config.get(kind) or []
            ]
            assert hooks == [h["sql"] for h in config[kind]], (unique_id, kind)
        if ours.relation is not None:
            assert ours.relation.schema == theirs["schema"], unique_id
            assert ours.relation.identifier == theirs["alias"], unique_id
    assert compared >= 6
