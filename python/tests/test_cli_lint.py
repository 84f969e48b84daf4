"""`steward lint` end to end: exit codes, formats, --team, paths and --changed-since."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from steward.bench.lint_project import generate_lint_project
from steward.cli import lint as lint_command
from steward.errors import UserError
from steward.git import changed_files
from steward.lint import LintContext, lint, restrict
from steward.lint.build import build_context, changed_context
from steward.lint.scope import keep_affected, scope_of
from steward.project import load_project

FIXTURES = Path(__file__).parent / "fixtures"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="steward")
    lint_command.register(parser.add_subparsers())
    args = parser.parse_args(["lint", *argv])
    try:
        code = args.handler(args)
    except UserError as exc:  # what steward.cli.main does
        print(f"steward: error: {exc}", file=__import__("sys").stderr)
        code = 2
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_project_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(FIXTURES / "gridlite")], capsys)
    assert code == 0
    assert "0 error(s)" in out


def test_json_format(capsys: pytest.CaptureFixture[str], violations_dir: Path) -> None:
    code, out, _ = run([str(violations_dir), "--format", "json"], capsys)
    assert code == 1
    document = json.loads(out)
    assert set(document) == {"findings", "summary"}
    first = document["findings"][0]
    assert list(first) == ["rule", "severity", "path", "line", "column", "model", "team", "message"]
    assert document["summary"]["errors"] >= 10


def test_github_format(capsys: pytest.CaptureFixture[str], violations_dir: Path) -> None:
    code, out, _ = run(["--project-dir", str(violations_dir), "--format", "github"], capsys)
    assert code == 1
    line = next(x for x in out.splitlines() if "title=WRT001" in x)
    assert line.startswith(
        "::error file=models/gold/commercial_analytics/"
        "gold_commercial_analytics__raw_fr.sql,line=1,col=34,title=WRT001::"
    )


def test_team_and_path_filters(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, violations_dir: Path
) -> None:
    out_file = tmp_path / "out.json"
    code, _, _ = run(
        [
            str(violations_dir),
            "--team",
            "platform",
            "--format",
            "json",
            "--output",
            str(out_file),
        ],
        capsys,
    )
    findings = json.loads(out_file.read_text())["findings"]
    assert code == 1
    assert findings and {f["team"] for f in findings} == {"platform"}
    root = violations_dir
    code, out, _ = run([str(root / "models" / "gold" / "finance"), "--format", "json"], capsys)
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["NS002"]


def test_unknown_team_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(FIXTURES / "gridlite"), "--team", "nobody"], capsys)
    assert code == 2
    assert "no such team" in err


def test_invalid_yaml_is_one_line_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "gridlite", project)
    (project / "models" / "gold" / "commercial_analytics" / "_models.yml").write_text(
        "version: 2\nmodels:\n  - name: x\n    config: {a: 1\n"
    )
    code, out, err = run([str(project)], capsys)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "models/gold/commercial_analytics/_models.yml:" in err
    assert "Traceback" not in err


def test_without_registry_one_note_and_the_rest_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], violations_dir: Path
) -> None:
    project = tmp_path / "p"
    shutil.copytree(violations_dir, project)
    (project / "platform" / "teams.yml").unlink()
    code, out, _ = run([str(project), "--format", "json"], capsys)
    document = json.loads(out)
    rules = {f["rule"] for f in document["findings"]}
    assert rules <= {"SQL001", "REF001", "DEP001", "YML001", "EXC001"}
    assert {"SQL001", "REF001", "DEP001"} <= rules
    assert len(document["summary"]["notes"]) == 1
    assert "platform/teams.yml" in document["summary"]["notes"][0]
    assert code == 1


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_changed_since_equals_full_run_restricted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "gridlite", root)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    # the change: platform's silver readings becomes private, and its SQL names a table
    yml = root / "models" / "silver" / "platform" / "_models.yml"
    yml.write_text(
        yml.read_text().replace(
            "access: public\n      contract", "access: private\n      contract", 1
        )
    )
    model = root / "models" / "silver" / "platform" / "silver_platform__readings.sql"
    model.write_text(
        model.read_text().replace(
            "left join meters", "left join legacy.meters as lm on 1 = 1\nleft join meters"
        )
    )
    code, out, _ = run([str(root), "--changed-since", "HEAD", "--format", "json"], capsys)
    changed = json.loads(out)

    project = load_project(root)
    ctx = build_context(project, jobs=1)
    full = lint(project, context=ctx)
    area = scope_of(ctx, changed_files(root, "HEAD"))
    expected = keep_affected(full.findings, ctx, area)
    assert [tuple(f.values()) for f in changed["findings"]] == [
        tuple(f.as_dict().values()) for f in expected
    ]
    rules = {(f["rule"], f["model"]) for f in changed["findings"]}
    # the changed model's own finding, and the downstream reader's graph finding
    assert ("REF001", "silver_platform__readings") in rules
    assert ("REF002", "gold_commercial_analytics__daily_consumption") in rules
    assert code == 1
    result = restrict(full, ctx, changed_since="HEAD")
    assert result.findings == tuple(expected)
    # the change's own run rendered only what it can affect
    fast, fast_area = changed_context(project, changed_files(root, "HEAD"), jobs=1)
    assert fast_area == area
    assert fast.rendered.rendered == area.nodes < frozenset(project.nodes)


@pytest.mark.parametrize("layer", ["bronze", "silver", "gold"])
def test_changed_since_on_a_generated_project(tmp_path: Path, layer: str) -> None:
    """One changed model of a multi-team project: the findings equal the full run's
    restricted to the change, and only the model and its readers are rendered."""
    root = tmp_path / "repo"
    bench = generate_lint_project(root, models=60)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    model = next(m for m in bench.models if m.layer == layer and (m.public or layer == "bronze"))
    path = root / model.path
    # the change: a hard-coded read, and (for silver and gold) the model turns private
    path.write_text(
        path.read_text().replace(
            "select", "select (select max(x) from legacy.meters) as legacy_x,", 1
        )
    )
    yml = path.parent / f"_{model.team}__models.yml"
    yml.write_text(
        yml.read_text().replace(
            f"- name: {model.name}\n", f"- name: {model.name}\n    config: {{access: private}}\n", 1
        )
    )
    project = load_project(root)
    files = changed_files(root, "HEAD")
    fast, area = changed_context(project, files, jobs=1)
    ctx = build_context(project, jobs=1)
    full = lint(project, context=ctx)
    assert area == scope_of(ctx, files)
    found = keep_affected(lint(project, context=fast).findings, fast, area)
    assert found == keep_affected(full.findings, ctx, area)
    assert ("REF001", model.name) in {(f.rule, f.model) for f in found}
    readers = {m.name for m in bench.models if model.name in m.upstream}
    rendered = {project.nodes[uid].name for uid in area.nodes}
    assert rendered >= {model.name} | readers
    assert len(rendered) < len(project.nodes) / 2


def test_changed_since_bad_ref_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "gridlite", root)
    _git(root, "init", "-q")
    code, _, err = run([str(root), "--changed-since", "no-such-ref"], capsys)
    assert code == 2
    assert "git" in err


def test_rule_that_crashes_becomes_an_error_finding() -> None:
    from steward.lint.rule import rule

    @rule("XXX001", "always crashes")
    def crashing(ctx: LintContext) -> list[object]:
        raise RuntimeError("boom")

    project = load_project(FIXTURES / "gridlite")
    from steward.lint.rules import all_rules

    result = lint(project, rules=(*all_rules(), crashing), today=dt.date(2026, 6, 1))
    assert [f.rule for f in result.findings] == ["XXX001"]
    assert "crashed" in result.findings[0].message


@pytest.mark.parametrize("fixture", ["violations", "gridlite"])
def test_changed_since_any_single_file_equals_full_run(
    tmp_path: Path, fixture: str, fixture_dir: Callable[[str], Path]
) -> None:
    """Each file of a fixture changed alone (cycles, private reads, hooks, yml, macros):
    the change's own run gives the full run's findings restricted to the change."""
    root = tmp_path / "repo"
    shutil.copytree(fixture_dir(fixture), root)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    project = load_project(root)
    ctx = build_context(project, jobs=1)
    full = lint(project, context=ctx, today=dt.date(2026, 6, 1))
    changed = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file()
        and ".git" not in p.parts
        and p.suffix in (".sql", ".yml")
        and "platform" in p.parts
    )
    assert len(changed) >= 4
    for rel in changed:
        area = scope_of(ctx, [rel])
        fast, fast_area = changed_context(project, [rel], jobs=1)
        assert fast_area == area, rel
        found = lint(project, context=fast, today=dt.date(2026, 6, 1)).findings
        assert keep_affected(found, fast, area) == keep_affected(full.findings, ctx, area), rel
