"""A loaded project kept between runs: the next command that finds the same files loads
the `Project` from one file instead of reading and validating every yml again.

Loading a 1,000-model project reads and parses about 1,100 yml files and validates its
contracts (about 2 s here); unpickling its snapshot takes a tenth of that. The snapshot
is used only when everything the load read is as it was:

- the content (SHA-256) of every file under the folders the loader reads: the project
  root's own files, the dbt paths of `dbt_project.yml` (models, macros, seeds,
  snapshots, tests, analyses, as written there or dbt's defaults), `platform/`,
  `contracts/`, `.github/`, `dbt_packages/` and each local package of `packages.yml`.
  A file added, removed or edited, even within the same second, changes the digest;
- the environment variables the load's Jinja read (`env_var` in `dbt_project.yml`),
  with their values;
- steward's code and the versions of sqlglot, dbt-core and dbt-spark (whose macros the
  project carries), through the store's version (`steward.cache.default_version`).

A snapshot is a pickle, and unpickling runs code, so a snapshot is trusted only with a
valid HMAC (SHA-256) under a key kept outside the project, in the user's cache folder
(`$XDG_CACHE_HOME/steward/snapshot.key`, created on first use, mode 0600): a file
committed into `target/` or written by anyone without that key is ignored. One entry a
project root, replaced atomically; `STEWARD_CACHE=off` turns snapshots off, as it does
the other caches.
"""

from __future__ import annotations

import copyreg
import hashlib
import hmac
import os
import pickle
import secrets
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from steward.cache import Store, key_of, project_store
from steward.project import config_jinja
from steward.project.model import Project

KIND = "project"
FOLDERS = ("platform", "contracts", ".github", "dbt_packages")
"""Folders the loader reads whatever `dbt_project.yml` says."""
DBT_PATHS = {
    "model-paths": "models",
    "macro-paths": "macros",
    "seed-paths": "seeds",
    "snapshot-paths": "snapshots",
    "test-paths": "tests",
    "analysis-paths": "analyses",
}
SKIPPED = frozenset({".git", "target", "logs", "node_modules", "__pycache__"})


def _mapping_proxy(values: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(values)


def _reduce_mapping_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return _mapping_proxy, (dict(proxy),)


copyreg.pickle(MappingProxyType, _reduce_mapping_proxy)  # type: ignore[arg-type]
"""The project's frozen mappings (and what holds them) can be pickled: for snapshots and
for the forked workers of lint and docs."""


# ---- what the load reads ----------------------------------------------------------------
def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _folders(root: Path) -> list[Path]:
    project = _yaml(root / "dbt_project.yml")
    project = project if isinstance(project, dict) else {}
    names = list(FOLDERS)
    for key, default in DBT_PATHS.items():
        value = project.get(key, [default])
        names.extend(str(v) for v in (value if isinstance(value, list) else [value]))
    folders = [root / name for name in dict.fromkeys(names)]
    packages = _yaml(root / "packages.yml")
    entries = packages.get("packages") if isinstance(packages, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and "local" in entry:
            folders.append((root / str(entry["local"])).resolve())
    return folders


def _files(folder: Path) -> Iterator[Path]:
    for path, directories, files in os.walk(folder):
        directories[:] = sorted(d for d in directories if d not in SKIPPED)
        for name in sorted(files):
            yield Path(path) / name


def _installed() -> str:
    """The versions of what a load reads besides the project: dbt's own macros, the
    contract standard's schema, the YAML parser."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("dbt-core", "dbt-spark", "open-data-contract-standard", "pyyaml"):
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=none")
    return ",".join(found)


def fingerprint(root: Path) -> str:
    """The digest of every file the load of the project at `root` may read."""
    digest = hashlib.sha256(f"{root}\0{_installed()}".encode())
    paths = [p for p in sorted(root.iterdir()) if p.is_file()]
    for folder in _folders(root):
        paths.extend(_files(folder))
    for path in paths:
        try:
            content = path.read_bytes()
        except OSError:
            content = b"\0unreadable"
        digest.update(f"\0{path}\0{len(content)}\0".encode())
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


# ---- the key that signs snapshots --------------------------------------------------------
def _key_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "steward" / "snapshot.key"


def _signing_key() -> bytes | None:
    path = _key_path()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(32))
        return path.read_bytes()
    except FileExistsError:  # another process made it first
        return path.read_bytes()
    except OSError:
        return None


# ---- entries -----------------------------------------------------------------------------
def _entry_path(store: Store, root: Path) -> Path:
    return store.path(KIND, key_of(str(root))).with_suffix(".pickle")


def _read(path: Path, key: bytes) -> tuple[str, dict[str, str | None], Project] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    signature, body = data[:32], data[32:]
    if len(signature) < 32 or not hmac.compare_digest(
        signature, hmac.new(key, body, hashlib.sha256).digest()
    ):
        return None
    try:
        found, env, project = pickle.loads(body)
    except Exception:  # another shape: load the files again
        return None
    return (found, env, project) if isinstance(project, Project) else None


def _write(
    store: Store, path: Path, key: bytes, value: tuple[str, dict[str, str | None], Project]
) -> None:
    try:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        if not (store.root / KIND / store.version).is_dir():
            store.prune(KIND)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(hmac.new(key, body, hashlib.sha256).digest() + body)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return  # best effort, as the store is


def load(root: Path, read: Callable[[Path], Project]) -> Project:
    """The project at `root`: its snapshot when nothing it was read from changed, else
    `read(root)` (kept as the next snapshot)."""
    store = project_store(root)
    key = _signing_key() if store.enabled else None
    if key is None:
        return read(root)
    path = _entry_path(store, root)
    current = fingerprint(root)
    found = _read(path, key)
    if found is not None:
        digest, env, project = found
        if digest == current and all(os.environ.get(n) == v for n, v in env.items()):
            return project
    config_jinja.ENV_READ.clear()
    project = read(root)
    env = {name: os.environ.get(name) for name in sorted(config_jinja.ENV_READ)}
    _write(store, path, key, (current, env, project))
    return project


__all__ = ["fingerprint", "load"]
