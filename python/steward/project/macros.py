"""Macro files: the project's, the local packages' and dbt's own (internal) ones.

A file is indexed by a regular expression (macro names and lines); the renderer compiles
a file only when one of its macros is first called.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

from steward.project.model import MacroFile

_MACRO_RE = re.compile(r"\{%-?\s*(macro|test|materialization)\s+([A-Za-z_][A-Za-z0-9_]*)")


def index_macros(source: str) -> tuple[tuple[str, int], ...]:
    """(macro name, line) of each macro in a file; a generic test `t` is `test_t`."""
    found = []
    for match in _MACRO_RE.finditer(source):
        kind, name = match.group(1), match.group(2)
        if kind == "materialization":
            continue
        macro = f"test_{name}" if kind == "test" else name
        found.append((macro, source.count("\n", 0, match.start()) + 1))
    return tuple(found)


def read_macro_files(
    directory: Path, root: Path, package: str, *, internal: bool = False
) -> list[MacroFile]:
    files: list[MacroFile] = []
    if not directory.is_dir():
        return files
    for path in sorted(directory.rglob("*.sql")):
        source = path.read_text(encoding="utf-8")
        try:
            display = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            display = path.as_posix()
        files.append(MacroFile(display, package, source, index_macros(source), internal))
    return files


@functools.cache
def internal_macro_files() -> tuple[MacroFile, ...]:
    """dbt's global project and dbt-spark's macros (read once per process)."""
    files: list[MacroFile] = []
    # find_spec locates the folders without importing dbt (which takes a third of a second)
    spec = importlib.util.find_spec("dbt.include")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        return ()
    include = Path(next(iter(spec.submodule_search_locations)))
    for package, folder in (("dbt", "global_project"), ("dbt_spark", "spark")):
        # paths relative to `include`: the global project's `utils/concat.sql` and the
        # adapter's are two files, and each must compile to its own template
        base = include / folder / "macros"
        files.extend(read_macro_files(base, include, package, internal=True))
    return tuple(f for f in files if "/materializations/" not in f"/{f.path}")


@functools.cache
def internal_macro_names() -> frozenset[str]:
    """Every macro name dbt and dbt-spark define, materializations' helpers included: a
    project macro of one of these names (or its `spark__`/`default__` form) is an override
    that dbt itself calls."""
    spec = importlib.util.find_spec("dbt.include")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        return frozenset()
    include = Path(next(iter(spec.submodule_search_locations)))
    names: set[str] = set()
    for folder in ("global_project", "spark"):
        for path in (include / folder / "macros").rglob("*.sql"):
            names.update(name for name, _line in index_macros(path.read_text(encoding="utf-8")))
    return frozenset(names)
