"""The loaded project kept between runs (`steward.project.snapshot`): reused only while
nothing it was read from changed, and never trusted unless signed by the user's key.
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
from pathlib import Path

import pytest

from steward.project import loader, snapshot
from steward.project.loader import load_project, read_project

FILES = {
    "dbt_project.yml": "name: tiny\nversion: '1.0'\nprofile: tiny\n"
    "models:\n  tiny:\n    +schema: \"{{ env_var('TINY_SCHEMA', 'core') }}\"\n",
    "packages.yml": "packages:\n  - local: ../shared_pkg\n",
    "models/a.sql": "select 1 as id\n",
    "models/b.sql": "select id from {{ ref('a') }}\n",
    "models/models.yml": "version: 2\nmodels:\n  - name: a\n    description: One.\n",
    "../shared_pkg/dbt_project.yml": "name: shared_pkg\nversion: '1.0'\n",
    "../shared_pkg/macros/m.sql": "{% macro m() %}1{% endmacro %}\n",
}


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv("STEWARD_CACHE", raising=False)
    monkeypatch.delenv("TINY_SCHEMA", raising=False)
    project = tmp_path / "tiny"
    for name, text in FILES.items():
        path = (project / name).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return project


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The loads that read the files (a snapshot's reuse reads none)."""
    seen: list[Path] = []

    def counted(root: Path) -> loader.Project:
        seen.append(root)
        return read_project(root)

    monkeypatch.setattr(loader, "read_project", counted)
    return seen


def test_a_second_load_is_the_snapshot_and_equals_reading_the_files(
    root: Path, reads: list[Path]
) -> None:
    first = load_project(root)
    again = load_project(root)
    assert len(reads) == 1
    assert again == first == read_project(root)
    assert again is not first  # from the snapshot file, not a memo of this process


def test_an_edit_of_the_same_size_at_once_is_seen(root: Path, reads: list[Path]) -> None:
    load_project(root)
    (root / "models/a.sql").write_text("select 2 as id\n", encoding="utf-8")
    project = load_project(root)
    assert len(reads) == 2
    assert project.nodes["model.tiny.a"].raw_code == "select 2 as id\n"


def test_a_new_and_a_removed_model_are_seen(root: Path, reads: list[Path]) -> None:
    load_project(root)
    (root / "models/c.sql").write_text("select 3 as id\n", encoding="utf-8")
    assert "model.tiny.c" in load_project(root).nodes
    (root / "models/b.sql").unlink()
    assert "model.tiny.b" not in load_project(root).nodes
    assert len(reads) == 3


def test_an_edit_in_a_local_package_outside_the_root_is_seen(root: Path, reads: list[Path]) -> None:
    load_project(root)
    macro = (root / "../shared_pkg/macros/m.sql").resolve()
    macro.write_text("{% macro m() %}2{% endmacro %}\n", encoding="utf-8")
    project = load_project(root)
    assert len(reads) == 2
    assert any("2{% endmacro" in f.source for f in project.macro_files if f.package == "shared_pkg")


def test_an_environment_variable_the_project_file_reads_is_part_of_it(
    root: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = lambda: load_project(root).nodes["model.tiny.a"].config.get("schema")  # noqa: E731
    assert schema() == "core"
    monkeypatch.setenv("TINY_SCHEMA", "billing")
    assert schema() == "billing"
    assert schema() == "billing"
    assert len(reads) == 2


class _Planted:
    ran = False

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (_Planted._run, ())

    @staticmethod
    def _run() -> None:
        _Planted.ran = True


def test_a_snapshot_not_signed_by_the_users_key_is_never_unpickled(
    root: Path, reads: list[Path]
) -> None:
    load_project(root)
    path = snapshot._entry_path(snapshot.project_store(root), root)
    assert path.is_file()
    body = pickle.dumps(_Planted())
    forged = hmac.new(b"someone else's key", body, hashlib.sha256).digest()
    path.write_bytes(forged + body)
    project = load_project(root)
    assert not _Planted.ran
    assert len(reads) == 2 and "model.tiny.a" in project.nodes


def test_no_snapshot_when_the_cache_is_off(
    root: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STEWARD_CACHE", "off")
    load_project(root)
    load_project(root)
    assert len(reads) == 2
    assert not (root / "target").exists()
