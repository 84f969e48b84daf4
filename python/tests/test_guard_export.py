"""`steward guard export`: the engine guard's registry file is the Python registry's answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.guard.export import export_for_run, export_for_server, registry_file, server_conf
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


def test_a_shared_server_file_covers_each_environment_it_serves(project_dir: Path) -> None:
    registry, _ = read_registry(project_dir)
    assert registry is not None
    data = registry_file(registry, ["dev", "ci_17"])
    assert data["env"] == "dev, ci_17"
    platform = next(t for t in data["teams"] if t["id"] == "platform")
    assert "dev_silver_platform" in platform["namespaces"]
    assert "ci_17_silver_platform" in platform["namespaces"]
    assert "silver_platform" not in platform["namespaces"]  # production stays out
    assert data["namespaces"]["ci_17_gold_commercial_analytics"] == "commercial_analytics"
    assert data["namespaces"]["dev_silver_electra"] == "electra"


def test_a_session_user_maps_to_one_team_members_and_service_user(project_dir: Path) -> None:
    registry, _ = read_registry(project_dir)
    assert registry is not None
    users = {t["id"]: t["members"] for t in registry_file(registry, "dev")["teams"]}
    assert users["platform"] == ["anna.keller", "jonas.weber", "svc_platform"]
    assert users["commercial_analytics"][-1] == "svc_commercial_analytics"
    everyone = [user for team in users.values() for user in team]
    assert len(everyone) == len(set(everyone))


def test_a_cluster_build_connects_as_its_team_service_user(
    project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STEWARD_THRIFT_USER", raising=False)
    assert export_for_run(project_dir, "dev", "cluster", "electra") == {
        "STEWARD_THRIFT_USER": "svc_electra"
    }
    assert export_for_run(project_dir, "dev", "cluster", None) == {}
    monkeypatch.setenv("STEWARD_THRIFT_USER", "camille.durand")  # an engineer's own build
    assert export_for_run(project_dir, "dev", "cluster", "electra") == {}


def test_a_server_registry_lands_in_its_folder(project_dir: Path, tmp_path: Path) -> None:
    path = export_for_server(project_dir, tmp_path / "cluster", ["dev", "staging"])
    assert path == tmp_path / "cluster" / "guard" / "registry.json"
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["env"] == "dev, staging"
    conf = server_conf(path)
    assert conf["spark.steward.registry"] == str(path.resolve())
    assert conf["spark.steward.team.fromUser"] == "true"
    assert conf["spark.sql.extensions"].split(",") == [
        "io.delta.sql.DeltaSparkSessionExtension",
        "steward.spark.guard.StewardGuardExtension",
    ]


def test_a_project_without_registry_runs_its_server_without_guard(tmp_path: Path) -> None:
    assert export_for_server(tmp_path, tmp_path / "cluster", ["dev"]) is None


def test_export_for_several_environments_needs_a_file(
    project_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["guard", "export", "--project-dir", str(project_dir), "--env", "dev", "--env", "ci"]
    assert main(args) == 2
    assert "several --env need --out" in capsys.readouterr().err
    out = tmp_path / "registry.json"
    assert main([*args, "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["env"] == "dev, ci"
