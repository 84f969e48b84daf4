"""A content-addressed store on disk: JSON values by (kind, key), reused across runs.

`Store(root).get(kind, key)` / `.put(kind, key, value)`: `key` is the hash of everything
the value is a function of (`key_of(...)`), so an entry is never stale, only unused; a
value is JSON (what `json.dumps` takes). The store's `version` (steward's and sqlglot's
versions and a digest of steward's own source files by default) is part of every path: a
new release of either, or any edit of steward's code, reads none of the old entries.

An entry of another version is never read again: the first entry a version writes of a
kind removes that kind's folders of every other version (`prune`), so the store does not
grow with each upgrade or edit.

Safe under concurrent writers: each value is written to a temporary file in the entry's
folder and moved into place with `os.replace`, so a reader sees a whole entry or none.
The store is best effort: an entry that cannot be read (missing, truncated by a full
disk, written by something else) is a miss, and a failed write is ignored; neither ever
fails the command.

`project_store(root)` is the project's store, `target/steward/cache/` (dbt's target
folder; the store keeps itself out of git with a `.gitignore` of `*`, as pytest's and
ruff's caches do); `STEWARD_CACHE=off` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

ENV = "STEWARD_CACHE"
PROJECT_DIR = ("target", "steward", "cache")


@functools.lru_cache(maxsize=1)
def default_version() -> str:
    """What the cached values depend on besides their key: the code that computes them
    (steward's source files by name, size and modification time: a checkout that edits
    the renderer reads no entry the old one wrote)."""
    import sqlglot

    from steward import __version__

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return f"steward-{__version__}-sqlglot-{sqlglot.__version__}-{digest.hexdigest()[:12]}"


def key_of(*parts: Any) -> str:
    """The hash of `parts` (JSON-able: strings, numbers, lists, mappings), as hex."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store:
    """JSON values by (kind, key) under `root/<kind>/<version>/`."""

    def __init__(self, root: Path, version: str | None = None, enabled: bool = True) -> None:
        self.root = root
        self.version = version or default_version()
        self.enabled = enabled
        self.hits = 0
        self.misses = 0

    def path(self, kind: str, key: str) -> Path:
        return self.root / kind / self.version / key[:2] / f"{key}.json"

    def get(self, kind: str, key: str) -> Any | None:
        """The value stored, or None (never stored, unreadable, or the store is off)."""
        if not self.enabled:
            return None
        try:
            text = self.path(kind, key).read_text(encoding="utf-8")
            value = json.loads(text)
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store `value` (JSON-able) atomically; a failure to write is ignored."""
        if not self.enabled:
            return
        target = self.path(kind, key)
        try:
            if not target.parent.is_dir():
                if not (self.root / kind / self.version).is_dir():
                    self.prune(kind)
                target.parent.mkdir(parents=True, exist_ok=True)
                self._ignore()
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(value, out, separators=(",", ":"), ensure_ascii=False)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except (OSError, TypeError, ValueError):
            return

    def prune(self, kind: str) -> None:
        """Remove `kind`'s entries of every other version (steward's own folders only)."""
        folder = self.root / kind
        try:
            others = [p for p in folder.iterdir() if p.name != self.version]
        except OSError:
            return
        for other in others:
            if other.is_dir() and other.name.startswith("steward-"):
                shutil.rmtree(other, ignore_errors=True)

    def _ignore(self) -> None:
        """Keep the store out of git wherever it is (as pytest's and ruff's caches do)."""
        marker = self.root / ".gitignore"
        if not marker.exists():
            marker.write_text("# created by steward: a cache, never committed\n*\n")


def disabled() -> Store:
    """A store that keeps nothing."""
    return Store(Path(os.devnull), version="off", enabled=False)


def project_store(project_root: Path) -> Store:
    """The store of the project at `project_root`: `target/steward/cache/`, unless
    `STEWARD_CACHE` is `off` (or `0`, `false`, `no`)."""
    if os.environ.get(ENV, "").strip().lower() in ("off", "0", "false", "no"):
        return disabled()
    return Store(project_root.joinpath(*PROJECT_DIR))


__all__ = ["Store", "default_version", "disabled", "key_of", "project_store"]
