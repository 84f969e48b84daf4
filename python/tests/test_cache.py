"""`steward.cache`: the content-addressed store on disk (get/put by kind and key)."""

from __future__ import annotations

import multiprocessing
import subprocess
from pathlib import Path

import pytest

from steward.cache import Store, disabled, key_of, project_store


def test_a_value_put_is_got_back_by_kind_and_key(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache", version="v1")
    key = key_of("select 1", {"a": ["x", "y"]})
    assert store.get("lineage", key) is None
    store.put("lineage", key, {"columns": [["a", "x"]], "complete": True, "note": None})
    assert store.get("lineage", key) == {"columns": [["a", "x"]], "complete": True, "note": None}
    assert store.get("render", key) is None  # kinds do not share entries
    again = Store(tmp_path / "cache", version="v1")  # another run
    assert again.get("lineage", key) == {"columns": [["a", "x"]], "complete": True, "note": None}


def test_keys_are_the_hash_of_the_content() -> None:
    assert key_of("a", {"x": 1, "y": 2}) == key_of("a", {"y": 2, "x": 1})
    assert key_of("a", ["x", "y"]) != key_of("a", ["y", "x"])
    assert len(key_of("anything")) == 64


def test_another_version_reads_none_of_the_entries(tmp_path: Path) -> None:
    Store(tmp_path, version="steward-1-sqlglot-30").put("lineage", key_of(1), [1])
    assert Store(tmp_path, version="steward-1-sqlglot-31").get("lineage", key_of(1)) is None
    assert Store(tmp_path).version.startswith("steward-")


def test_a_new_version_s_first_entry_removes_the_old_versions_of_its_kind(
    tmp_path: Path,
) -> None:
    old = Store(tmp_path, version="steward-1-sqlglot-30")
    old.put("lineage", key_of(1), [1])
    old.put("render", key_of(1), [1])
    (tmp_path / "lineage" / "notes").mkdir()  # not steward's: left alone
    new = Store(tmp_path, version="steward-1-sqlglot-31")
    new.put("lineage", key_of(2), [2])
    assert sorted(p.name for p in (tmp_path / "lineage").iterdir()) == [
        "notes",
        "steward-1-sqlglot-31",
    ]
    assert old.path("render", key_of(1)).is_file()  # another kind: pruned by its own put
    assert new.get("lineage", key_of(2)) == [2]


def test_an_unreadable_entry_is_a_miss(tmp_path: Path) -> None:
    store = Store(tmp_path, version="v1")
    store.put("lineage", key_of(1), {"a": 1})
    store.path("lineage", key_of(1)).write_text('{"a": ', encoding="utf-8")  # truncated
    assert store.get("lineage", key_of(1)) is None
    store.put("lineage", key_of(2), {"not json": object()})  # ignored, not raised
    assert store.get("lineage", key_of(2)) is None


def _writer(args: tuple[str, int]) -> int:
    root, worker = args
    store = Store(Path(root), version="v1")
    for i in range(200):
        store.put("kind", key_of("shared"), {"worker": worker, "i": i, "pad": "x" * 5000})
        value = store.get("kind", key_of("shared"))
        assert value is not None and len(value["pad"]) == 5000  # never half written
    return worker


def test_concurrent_writers_never_leave_a_partial_entry(tmp_path: Path) -> None:
    with multiprocessing.get_context("fork").Pool(4) as pool:
        assert sorted(pool.map(_writer, [(str(tmp_path), w) for w in range(4)])) == [0, 1, 2, 3]
    entries = list(tmp_path.rglob("*.json"))
    assert len(entries) == 1 and not list(tmp_path.rglob(".tmp-*"))


def test_the_project_store_is_under_target_and_out_of_git(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    store = project_store(tmp_path)
    store.put("lineage", key_of(1), [1])
    assert store.root == tmp_path / "target" / "steward" / "cache"
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""


def test_the_store_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_CACHE", "off")
    store = project_store(tmp_path)
    store.put("lineage", key_of(1), [1])
    assert store.get("lineage", key_of(1)) is None
    assert not (tmp_path / "target").exists()
    off = disabled()
    off.put("lineage", key_of(1), [1])
    assert off.get("lineage", key_of(1)) is None
