"""`steward guard export`: the engine guard's registry file is the Python registry's answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.guard.export import registry_file
from steward.project.registry import read_registry


@pytest.mark.parametrize("env", ["prod", "dev_alice", "ci_17"])
def test_the_file_lists_what_the_registry_says(project_dir: Path, env: str) -> None:
    registry, _ = read_registry(project_dir)
    assert registry is not None
    data = registry_file(registry, env)
    assert data["env"] == env and data["registry"] == "platform/teams.yml"
    for team in data["teams"]:
        assert team["namespaces"] == list(registry.namespaces(team["id"], env))
    assert data["namespaces"] == registry.governed(env, landing=True)
    assert data["production_namespaces"] == registry.governed("prod", landing=True)
    owners = {name: registry.owner_of(name, env) for name in data["namespaces"]}
    assert all(team is not None and team.id == data["namespaces"][n] for n, team in owners.items())


def test_export_writes_the_file(
    project_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "registry.json"
    args = ["guard", "export", "--project-dir", str(project_dir), "--env", "dev"]
    assert main([*args, "--out", str(out), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["path"] == str(out)
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["steward_guard"] == 1
    assert "dev_silver_platform" in written["namespaces"]


def test_an_unwritable_file_is_one_line(
    project_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    out = tmp_path / "file" / "registry.json"
    assert main(["guard", "export", "--project-dir", str(project_dir), "--out", str(out)]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert f"{out}: cannot write the registry file" in line
