"""A lint reuses what an earlier one rendered (the project's cache, `steward.cache`) and
renders the project once: the findings are those of a lint without any cache, a change
is rendered again, and the column lineage CON003 needs does not render it a second time.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import steward.lint.build as build
from steward.cache import Store, project_store
from steward.contracts.generate import generated_files
from steward.lint import lint
from steward.lint.context import LintContext
from steward.project import load_project
from steward.render.cache import CachedRenderer

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def violations(fixture_dir: Callable[[str], Path], tmp_path: Path) -> Path:
    root = tmp_path / "violations"
    shutil.copytree(fixture_dir("violations"), root, ignore=shutil.ignore_patterns("target"))
    return root


def _lint(root: Path) -> tuple[LintContext, list[Any]]:
    project = load_project(root)
    ctx = build.build_context(project, jobs=1)
    return ctx, list(lint(project, context=ctx, today=TODAY).findings)


def _uncached(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    with monkeypatch.context() as off:
        off.setenv("STEWARD_CACHE", "off")
        ctx, findings = _lint(root)
        assert not isinstance(ctx.renderer, CachedRenderer)
    return findings


def test_a_second_lint_renders_nothing_and_finds_the_same(
    violations: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STEWARD_CACHE", raising=False)
    first, findings = _lint(violations)
    assert isinstance(first.renderer, CachedRenderer)
    nodes = len(first.project.nodes)
    assert (first.renderer.rendered, first.renderer.reused) == (nodes, 0)
    again, findings_again = _lint(violations)
    assert isinstance(again.renderer, CachedRenderer)
    assert (again.renderer.rendered, again.renderer.reused) == (0, nodes)
    assert findings_again == findings == _uncached(violations, monkeypatch)
    assert {f.rule for f in findings} >= {"SQL001", "NS001"}  # the planted violations


def test_an_edited_model_is_rendered_again_with_its_new_finding(
    violations: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STEWARD_CACHE", raising=False)
    _, before = _lint(violations)
    model = next((violations / "models").rglob("silver_*.sql"))
    model.write_text(model.read_text(encoding="utf-8") + "\nselect (\n", encoding="utf-8")
    ctx, after = _lint(violations)
    assert isinstance(ctx.renderer, CachedRenderer)
    assert ctx.renderer.rendered == 1
    new = [f for f in after if f not in before]
    assert [(f.rule, Path(f.path).name) for f in new] == [("SQL001", model.name)]
    assert after == _uncached(violations, monkeypatch)


def test_a_full_lint_renders_the_project_once(
    fixture_dir: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = load_project(fixture_dir("contracts_project"))
    assert project.contracts  # CON003 needs the lineage of the whole project
    ctx = build.build_context(project, jobs=1)
    assert ctx.rendered.complete

    calls: list[Any] = []
    real = build.build_context

    def counted(*args: Any, **kwargs: Any) -> LintContext:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "build_context", counted)
    lint(project, context=ctx, today=TODAY, select={"CON003"})
    assert calls == []


def test_a_change_lint_renders_the_rest_for_lineage_with_its_own_renderer(
    fixture_dir: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STEWARD_CACHE", raising=False)
    root = tmp_path / "contracts"
    shutil.copytree(fixture_dir("contracts_project"), root, ignore=shutil.ignore_patterns("target"))
    _lint(root)  # the cache holds every node
    project = load_project(root)
    assert project.contracts  # CON003 needs the lineage of the whole project
    model = next(n for n in project.models if n.layer == "silver")
    ctx, area = build.changed_context(project, [model.path], jobs=1)
    assert not ctx.rendered.complete and not area.everything
    renderer = ctx.renderer
    assert isinstance(renderer, CachedRenderer)
    lint(project, context=ctx, today=TODAY, select={"CON003"})
    # CON003's lineage took the other nodes from the same renderer: nothing re-resolved,
    # nothing rendered (all were in the cache)
    assert renderer.rendered == 0
    assert renderer.reused == len(area.nodes) + len(project.nodes)


def test_the_generated_contract_yml_is_kept_and_equals_a_fresh_dump(
    fixture_dir: Callable[[str], Path], tmp_path: Path
) -> None:
    project = load_project(fixture_dir("contracts_project"))
    store = Store(tmp_path / "store")
    first = generated_files(project, store)
    assert first and store.misses == len(first)
    again = generated_files(project, store)
    assert again == first and store.hits == len(first)
    plain = generated_files(project, Store(tmp_path / "off", enabled=False))
    assert plain == first


def test_the_project_store_is_on_unless_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STEWARD_CACHE", raising=False)
    assert project_store(tmp_path).enabled
    monkeypatch.setenv("STEWARD_CACHE", "off")
    assert not project_store(tmp_path).enabled
