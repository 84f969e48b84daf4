"""The options every command shares (`steward.cli.options`): --project-dir, --format,
--output, and the exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from steward.cli.main import main

GRIDLITE = Path(__file__).parent / "fixtures" / "gridlite"


def test_grants_and_codeowners_take_project_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p"
    shutil.copytree(GRIDLITE, project)
    assert main(["codeowners", "--project-dir", str(project), "--check"]) == 0
    assert main(["grants", "--project-dir", str(project), "--env", "staging"]) == 0
    assert "GRANT" in capsys.readouterr().out
    out = tmp_path / "grants.sql"
    assert main(["grants", "--project-dir", str(project), "--output", str(out)]) == 0
    assert "GRANT" in out.read_text() and capsys.readouterr().out == ""
    assert main(["grants", str(project), "--project-dir", str(project)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "give one" in err


def test_output_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "graph.json"
    assert (
        main(["graph", "--format", "json", "--project-dir", str(GRIDLITE), "--output", str(out)])
        == 0
    )
    assert json.loads(out.read_text())
    assert main(["rules", "--output", str(tmp_path / "rules.txt")]) == 0
    assert "WRT001" in (tmp_path / "rules.txt").read_text()
    capsys.readouterr()
    assert main(["rules", "WRT001", "--output", str(tmp_path / "missing" / "x.md")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("steward: error: ") and "cannot write" in err and err.count("\n") == 1


def test_a_bad_base_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p"
    shutil.copytree(GRIDLITE, project)
    assert main(["impact", "--base", "nope", "--project-dir", str(project)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "--base" in err and "git" in err


def test_unknown_format_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["lint", "--format", "xml"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
