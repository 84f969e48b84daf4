"""Lint judges the build of the environment it is asked about (`--env`): relations carry
that environment's prefix, and writes are judged against the teams' namespaces there, as
the run-time guard judges them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from steward.cli.main import main

from .fixture_projects import FIXTURES

HOOK_MODEL = "models/silver/platform/silver_platform__meters.sql"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "gridlite", tmp_path / "p"))


def _lint(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["lint", "--project-dir", str(project), "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("env", ["prod", "dev", "staging", "ci_42"])
def test_the_clean_fixture_is_clean_in_every_environment(
    project: Path, capsys: pytest.CaptureFixture[str], env: str
) -> None:
    code, report = _lint(project, capsys, "--env", env)
    assert (code, report["findings"]) == (0, [])
    assert report["summary"]["models"] > 0


def _with_post_hook(project: Path, sql: str) -> None:
    path = project / HOOK_MODEL
    path.write_text(f'{{{{ config(post_hook="{sql}") }}}}\n' + path.read_text(encoding="utf-8"))


def test_a_dev_build_that_writes_production_is_an_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_post_hook(project, "delete from silver_platform.meters where 1 = 0")
    code, report = _lint(project, capsys, "--env", "dev")
    assert code == 1
    [finding] = [f for f in report["findings"] if f["rule"] == "WRT001"]
    assert finding["path"] == HOOK_MODEL and finding["line"] == 1
    assert "another environment" in finding["message"]
    assert "a `dev` build writes only `dev` namespaces" in finding["message"]
    # the same hook in production writes the team's own namespace
    _code, report = _lint(project, capsys, "--env", "prod")
    assert [f for f in report["findings"] if f["rule"] == "WRT001"] == []


def test_a_write_into_the_environments_own_namespace_is_clean(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_post_hook(project, "delete from dev_silver_platform.meters where 1 = 0")
    _code, report = _lint(project, capsys, "--env", "dev")
    assert [f for f in report["findings"] if f["rule"] == "WRT001"] == []


def test_env_and_target_schema_together_are_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["lint", "--project-dir", str(project), "--env", "dev", "--target-schema", "x"])
    assert code == 2
    assert "--env and --target-schema" in capsys.readouterr().err
