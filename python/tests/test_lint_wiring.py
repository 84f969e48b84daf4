"""The lint gate's wiring for users: the pre-commit hook and the pull-request workflow."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_pre_commit_hook() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["steward-lint"]
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["entry"] == "steward lint"


def test_pull_request_workflow() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "sql-lint.yml").read_text())
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    steps = workflow["jobs"]["steward-lint"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert "--constraint constraints.txt" in install["run"]
    runs = [s.get("run", "") for s in steps]
    assert any(
        "--changed-since origin/${{ github.base_ref }}" in r
        and "--format sarif" in r
        and "--output steward.sarif" in r
        for r in runs
    )
    assert any("--format github" in r for r in runs)
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == "steward.sarif"


def test_pre_push_impact_hook() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["steward-impact"]
    assert hook["entry"].startswith("steward impact --fail-on breaking")
    assert hook["args"] == ["--base", "origin/main"]
    assert hook["pass_filenames"] is False
    assert "pre-push" in hook["stages"]
