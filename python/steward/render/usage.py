"""Which macros a piece of Jinja may call, found without rendering.

A name counts as called when the text calls it (`name(`, `pkg.name(`) or names it in a
string (`adapter.dispatch('name')` reaches `spark__name` and `default__name`), and what a
macro calls counts for its callers. This over-approximates what a render calls (a call in
a branch never taken still counts): the right side to err on for deciding what a change
can affect, and which macros only `dbt run-operation` runs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from steward.project.macros import internal_macro_names
from steward.project.model import MacroFile, Project

_CALL = re.compile(r"(?<![\w$])([A-Za-z_]\w*)\s*\(")
_STRING = re.compile(r"""['"]([A-Za-z_]\w*)['"]""")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
ADAPTER_PREFIXES = ("spark__", "default__")
# dbt calls these itself: the relation names of every node, and generic tests from yml
DBT_CALLED = ("generate_schema_name", "generate_alias_name", "generate_database_name")


@dataclass(frozen=True)
class MacroDef:
    file: MacroFile
    name: str
    line: int
    body: str


def _bodies(file: MacroFile) -> list[MacroDef]:
    """Each macro of a file with the text up to the next macro (its body, near enough)."""
    lines = file.source.splitlines(keepends=True)
    starts = [line for _name, line in file.macros]
    defs = []
    for index, (name, line) in enumerate(file.macros):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(lines)
        defs.append(MacroDef(file, name, line, "".join(lines[line - 1 : end])))
    return defs


class MacroUsage:
    """The project's (and local packages') macros and what each may call, transitively."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.defs: dict[str, list[MacroDef]] = {}
        internal: set[str] = set()
        for file in project.macro_files:
            if file.internal:
                internal.update(name for name, _line in file.macros)
                continue
            for macro in _bodies(file):
                self.defs.setdefault(macro.name, []).append(macro)
        self.internal_names = frozenset(internal) | internal_macro_names()
        self._names: dict[str, frozenset[str]] = {}

    def names_in(self, text: str, *, tags_only: bool = True) -> frozenset[str]:
        """Macro names (of the project and its packages) that `text` calls directly (in
        its Jinja tags, unless `tags_only` is false: a macro body is Jinja throughout)."""
        cached = self._names.get(text) if tags_only else None
        if cached is not None:
            return cached
        scanned = "\n".join(_TAG.findall(text)) if tags_only else text
        defs = self.defs
        found = {name for name in set(_CALL.findall(scanned)) if name in defs}
        for literal in set(_STRING.findall(text)):
            for name in (literal, *(f"{p}{literal}" for p in ADAPTER_PREFIXES)):
                if name in defs:
                    found.add(name)
        result = frozenset(found)
        if tags_only:
            self._names[text] = result
        return result

    @functools.cached_property
    def _closure(self) -> dict[str, frozenset[str]]:
        direct = {
            name: self.names_in("".join(d.body for d in defs), tags_only=False) - {name}
            for name, defs in self.defs.items()
        }
        closure: dict[str, frozenset[str]] = {}
        for name in direct:
            seen = {name}
            stack = [name]
            while stack:
                for callee in direct.get(stack.pop(), ()):
                    if callee not in seen:
                        seen.add(callee)
                        stack.append(callee)
            closure[name] = frozenset(seen)
        return closure

    def reachable(self, texts: Iterable[str]) -> frozenset[str]:
        """Every macro name the texts may call, directly or through other macros."""
        names: set[str] = set()
        for text in texts:
            for name in self.names_in(text):
                names.update(self._closure.get(name, {name}))
        return frozenset(names)

    def files(self, names: Iterable[str]) -> frozenset[str]:
        return frozenset(d.file.path for name in names for d in self.defs.get(name, ()))

    def overrides_dbt(self, name: str) -> bool:
        """A macro dbt's own materializations call: an override of a dbt macro, such as
        `spark__create_table_as` or `get_merge_sql`."""
        bare = name
        for prefix in ADAPTER_PREFIXES:
            if name.startswith(prefix):
                bare = name[len(prefix) :]
        return (
            name in self.internal_names
            or bare in self.internal_names
            or any(f"{p}{bare}" in self.internal_names for p in ADAPTER_PREFIXES)
        )

    @functools.cached_property
    def called(self) -> frozenset[str]:
        """The macros something other than `dbt run-operation` calls: nodes, hooks, dbt
        itself (relation names, materializations, generic tests)."""
        project = self.project
        texts = [node.raw_code for node in project.nodes.values()]
        texts.extend(
            h.sql for node in project.nodes.values() for h in (*node.pre_hooks, *node.post_hooks)
        )
        texts.extend(
            h.sql for h in (*project.dbt_project.on_run_start, *project.dbt_project.on_run_end)
        )
        roots = {
            name
            for name in self.defs
            if name in DBT_CALLED or name.startswith("test_") or self.overrides_dbt(name)
        }
        reached = set(self.reachable(texts))
        for name in roots:
            reached.update(self._closure.get(name, {name}))
        return frozenset(reached)


def operation_macros(
    project: Project, usage: MacroUsage | None = None
) -> list[tuple[MacroFile, str, int]]:
    """The root project's macros that only `dbt run-operation` can run."""
    usage = usage or MacroUsage(project)
    found = []
    for name, defs in usage.defs.items():
        if name in usage.called:
            continue
        for macro in defs:
            if macro.file.package == project.name:
                found.append((macro.file, name, macro.line))
    return sorted(found, key=lambda item: (item[0].path, item[2]))


__all__ = ["MacroUsage", "operation_macros"]
