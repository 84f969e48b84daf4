"""The render cache across runs (`steward.render.cache`): what a change renders again.

Each test writes a small dbt project, renders it once into a fresh store, changes one
file, loads the project again (as the next command would) and renders it through the
same store: the counts say what was rendered again, and the result must equal a render
without any cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.cache import Store
from steward.project import load_project
from steward.render import RenderedProject, render_project
from steward.render.cache import CachedRenderer

FILES = {
    "dbt_project.yml": "name: tiny\nversion: '1.0'\nprofile: tiny\n"
    "models:\n  tiny:\n    +materialized: view\n",
    "models/a.sql": "select 1 as id, {{ shout('x') }} as word\n",
    "models/b.sql": "select id from {{ ref('a') }}\n",
    "models/c.sql": "select 2 as id\n",
    "models/models.yml": "version: 2\nmodels:\n"
    "  - name: a\n    description: The first model.\n"
    "  - name: b\n    description: Reads a.\n"
    "  - name: c\n    description: Alone.\n",
    "macros/shout.sql": "{% macro shout(text) %}upper('{{ text }}'){% endmacro %}\n",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "tiny"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _render(root: Path, store: Store) -> tuple[CachedRenderer, RenderedProject]:
    renderer = CachedRenderer(load_project(root), store)
    return renderer, renderer.render()


def _sql(rendered: RenderedProject, name: str) -> str:
    return rendered.nodes[f"model.tiny.{name}"].sql[0].sql


def _same_as_uncached(root: Path, rendered: RenderedProject) -> None:
    plain = render_project(load_project(root))
    for unique_id, item in plain.nodes.items():
        assert rendered.nodes[unique_id] == item, unique_id


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_second_run_renders_nothing_and_gives_the_same_result(
    project: Path, tmp_path: Path
) -> None:
    store = Store(tmp_path / "store")
    first, _ = _render(project, store)
    assert (first.rendered, first.reused) == (3, 0)
    again, rendered = _render(project, store)
    assert (again.rendered, again.reused) == (0, 3)
    _same_as_uncached(project, rendered)


def test_a_description_change_reuses_every_node(project: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    _render(project, store)
    _edit(project / "models/models.yml", "The first model.", "The first model, revised.")
    again, rendered = _render(project, store)
    assert (again.rendered, again.reused) == (0, 3)
    properties = rendered.nodes["model.tiny.a"].node.properties
    assert properties is not None and properties.description.endswith("revised.")
    _same_as_uncached(project, rendered)


def test_a_macro_change_renders_every_node_again(project: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    _render(project, store)
    _edit(project / "macros/shout.sql", "upper(", "lower(")
    again, rendered = _render(project, store)
    assert (again.rendered, again.reused) == (3, 0)
    assert _sql(rendered, "a") == "select 1 as id, lower('x') as word"
    _same_as_uncached(project, rendered)


def test_a_schema_change_of_a_ref_renders_its_readers_again(project: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    _, before = _render(project, store)
    assert _sql(before, "b") == "select id from prod.a"
    _edit(
        project / "models/models.yml",
        "description: The first model.\n",
        "description: The first model.\n    config:\n      schema: elsewhere\n",
    )
    again, rendered = _render(project, store)
    # a (its config) and b (its ref names a's new relation) again; c is reused
    assert (again.rendered, again.reused) == (2, 1)
    assert _sql(rendered, "b") == "select id from prod_elsewhere.a"
    _same_as_uncached(project, rendered)


def test_an_alias_in_the_code_of_a_ref_renders_its_readers_again(
    project: Path, tmp_path: Path
) -> None:
    store = Store(tmp_path / "store")
    _render(project, store)
    _edit(project / "models/a.sql", "select 1", "{{ config(alias='first') }}\nselect 1")
    again, rendered = _render(project, store)
    assert (again.rendered, again.reused) == (2, 1)
    assert _sql(rendered, "b") == "select id from prod.first"
    _same_as_uncached(project, rendered)


def test_a_var_change_renders_every_node_again(project: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    _render(project, store)
    _edit(project / "dbt_project.yml", "profile: tiny\n", "profile: tiny\nvars:\n  x: 1\n")
    again, _ = _render(project, store)
    assert (again.rendered, again.reused) == (3, 0)
