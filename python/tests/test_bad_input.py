"""Every bad input gets a clear answer: the exit code, and one message that names the file
and line and says what to do; never a traceback, never a silent exit 0.

The cases are data, one YAML file an area under `bad_input/`, each case:

    name:
      base: reference | gridlite | empty   # the project to start from (a copy)
      git: true                             # commit the base first (for --base REF)
      files: {path: text | null}            # write (or, null, delete) files
      edit:                                 # or change text in place
        - {file: path, replace: old, with: new}
      run: [lint, --select, NOPE]           # the steward command; --project-dir is added
      exit: 2
      says: ["platform/teams.yml:3", "duplicate team id"]   # words in the output
      says_not: ["Traceback"]                                # optional

`says` must each appear in what the command printed (stdout and stderr together).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.cli.main import main

from .fixture_projects import FIXTURES, copy_reference

CASE_DIR = Path(__file__).parent / "bad_input"


def _cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for file in sorted(CASE_DIR.glob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for name, case in (data.get("cases") or {}).items():
            cases.append((f"{file.stem}:{name}", case))
    return cases


CASES = _cases()


def _base(case: dict[str, Any], dest: Path) -> Path:
    base = case.get("base", "reference")
    if base == "reference":
        copy_reference(dest)
    elif base == "empty":
        dest.mkdir()
    else:
        shutil.copytree(FIXTURES / base, dest)
    return dest


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def _apply(case: dict[str, Any], root: Path) -> None:
    for rel, text in (case.get("files") or {}).items():
        path = root / rel
        if text is None:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for edit in case.get("edit") or ():
        path = root / edit["file"]
        text = path.read_text(encoding="utf-8")
        assert edit["replace"] in text, f"{edit['file']} has no `{edit['replace']}`"
        path.write_text(text.replace(edit["replace"], edit["with"], 1), encoding="utf-8")


def test_there_are_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize(("name", "case"), CASES, ids=[name for name, _ in CASES])
def test_bad_input(
    name: str, case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _base(case, tmp_path / "project")
    if case.get("git"):
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "base")
    _apply(case, root)
    args = [str(a).replace("{project}", str(root)) for a in case["run"]]
    if "--project-dir" not in args and not case.get("no_project_dir"):
        args += ["--project-dir", str(root)]
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    out = capsys.readouterr()
    printed = out.out + out.err
    assert code == case["exit"], f"{name}: exit {code}, printed:\n{printed[-3000:]}"
    for words in case.get("says") or ():
        assert str(words) in printed, f"{name}: `{words}` not in:\n{printed[-3000:]}"
    for words in ("Traceback", *(case.get("says_not") or ())):
        assert str(words) not in printed, f"{name}: `{words}` printed:\n{printed[-3000:]}"
