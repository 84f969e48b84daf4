"""Building the lint context: in parallel or not, the same facts; config read cheaply the
same as from the whole template; sqlglot's compiled build in use; the benchmark's
generated project lints clean."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

import steward.lint.build as build
from steward.bench.lint_project import generate_lint_project
from steward.lint import lint
from steward.project import load_project
from steward.render.renderer import Renderer

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gridbench")
    generate_lint_project(root, models=60)
    return root


def test_generated_project_lints_clean(generated: Path) -> None:
    result = lint(load_project(generated), today=dt.date(2026, 6, 1))
    assert result.findings == ()
    assert result.models == 60


def test_generated_project_is_deterministic(tmp_path: Path) -> None:
    one = generate_lint_project(tmp_path / "a", models=40, seed=3)
    two = generate_lint_project(tmp_path / "b", models=40, seed=3)
    assert one.files == two.files
    for rel in one.files:
        assert (one.root / rel).read_text() == (two.root / rel).read_text()


def test_parallel_build_equals_one_process(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STEWARD_CACHE", "off")  # the forked workers render and analyse
    project = load_project(generated)
    serial = build.build_context(project, jobs=1)
    monkeypatch.setattr(build, "PARALLEL_MIN_NODES", 1)
    parallel = build.build_context(project, jobs=2)
    assert list(parallel.facts) == list(serial.facts)
    assert parallel.facts == serial.facts
    assert parallel.operations == serial.operations
    first = project.nodes[next(iter(project.nodes))]
    assert parallel.facts[first.unique_id].node is first  # nodes are not copied back
    assert lint(project, context=parallel).findings == lint(project, context=serial).findings


@pytest.mark.parametrize("name", ["reference", "gridlite", "violations"])
def test_config_from_tags_equals_config_from_the_whole_template(
    name: str, fixture_dir: Callable[[str], Path]
) -> None:
    project = load_project(PROJECT_DIR if name == "reference" else fixture_dir(name))
    cheap = Renderer(project)
    whole = Renderer(project)
    whole._config_calls = lambda node: None  # type: ignore[method-assign]
    for node in project.nodes.values():
        assert cheap.static_config(node) == whole.static_config(node), node.path


def test_sqlglot_runs_compiled() -> None:
    """sqlglotc replaces sqlglot's parser and tokenizer core with compiled modules."""
    import sqlglot.tokenizer_core

    assert sqlglot.parser.__file__.endswith(".so"), sqlglot.parser.__file__
    assert sqlglot.tokenizer_core.__file__.endswith(".so")
