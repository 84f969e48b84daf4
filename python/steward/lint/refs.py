"""What each node reads, found without rendering: its literal `ref()`/`source()` calls, the
relation names written in its SQL and in the macros it may call, and those macro files.

This is the cheap graph `--changed-since` decides with: which nodes a change reaches is
known before anything is rendered, so only those are. A node whose reads cannot all be
listed this way (a `ref()` with computed arguments, a `ref()` inside a macro) is
`opaque`, and counted as a reader of everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from steward.lint.locate import blank_jinja
from steward.project.model import Node, Project
from steward.render.usage import MacroUsage

_ANY_REF = re.compile(r"(?<![\w$])(ref|source)\s*\(")
_REF = re.compile(
    r"""(?<![\w$])ref\s*\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?"""
    r"""(?:,\s*v(?:ersion)?\s*=\s*[^,)]+\s*)?\)"""
)
_SOURCE = re.compile(r"""(?<![\w$])source\s*\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3\s*\)""")


@dataclass(frozen=True)
class StaticNode:
    reads: frozenset[str]
    """Unique ids of the nodes and sources it reads."""
    macro_files: frozenset[str]
    unresolved: bool = False
    """A literal `ref()`/`source()` that names nothing (its target was deleted?)."""
    opaque: bool = False


@dataclass(frozen=True)
class StaticGraph:
    nodes: Mapping[str, StaticNode]
    teams: Mapping[str, str | None]

    def readers(self, unique_ids: Iterable[str]) -> frozenset[str]:
        wanted = frozenset(unique_ids)
        return frozenset(
            uid for uid, node in self.nodes.items() if node.opaque or node.reads & wanted
        )

    def cycle_members(self, unique_ids: Iterable[str]) -> frozenset[str]:
        """The nodes on a cycle through any of `unique_ids` (read from and reading it)."""
        readers: dict[str, set[str]] = {}
        for uid, node in self.nodes.items():
            for read in node.reads:
                readers.setdefault(read, set()).add(uid)
        members: set[str] = set()
        for start in unique_ids:
            below = _reach(start, lambda u: readers.get(u, ()))
            if start not in below:
                continue
            above = _reach(start, lambda u: self.nodes[u].reads if u in self.nodes else ())
            members.update(below & above)
        return frozenset(members)

    def has_team_cycle(self) -> bool:
        edges: dict[str, set[str]] = {}
        for uid, node in self.nodes.items():
            down = self.teams.get(uid)
            for upstream in node.reads:
                up = self.teams.get(upstream)
                if up and down and up != down:
                    edges.setdefault(up, set()).add(down)
        return any(team in _reach(team, lambda t: edges.get(t, ())) for team in edges)


def _reach(start: str, step: Callable[[str], Iterable[str]]) -> set[str]:
    """Everything reachable from `start` in one or more steps."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        for nxt in step(stack.pop()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


@dataclass(frozen=True)
class _Names:
    """Finds the relation names of the project written in a text (any case, backquoted)."""

    schemas: tuple[str, ...]
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, schemas: Iterable[str]) -> _Names | None:
        names = sorted({s.lower() for s in schemas if s}, key=len, reverse=True)
        if not names:
            return None
        alternatives = "|".join(re.escape(n) for n in names)
        return cls(
            tuple(names), re.compile(rf"(?<![\w.`])`?({alternatives})`?\s*\.\s*`?([\w$]+)`?", re.I)
        )

    def search(self, text: str) -> bool:
        """Whether `text` may name one (a quick look first: a schema name, then a dot)."""
        lowered = text.lower()
        for schema in self.schemas:
            index = lowered.find(schema)
            while index >= 0:
                after = lowered[index + len(schema) : index + len(schema) + 4].lstrip(" `")
                if after.startswith("."):
                    return bool(self.pattern.search(text))
                index = lowered.find(schema, index + 1)
        return False

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        return self.pattern.finditer(text)


def static_graph(
    project: Project,
    relations: Mapping[str, str],
    teams: Mapping[str, str | None] | None = None,
    usage: MacroUsage | None = None,
) -> StaticGraph:
    """The cheap graph of `project`; `relations` maps relation names to unique ids (what
    `Renderer.prepare` resolves)."""
    usage = usage or MacroUsage(project)
    by_name: dict[str, str] = {}
    for node in project.nodes.values():
        if node.resource_type in ("model", "seed", "snapshot"):
            by_name.setdefault(node.name, node.unique_id)
    schemas = {name.rsplit(".", 1)[0] for name in relations if "." in name}
    pattern = _Names.of(schemas)
    macro_reads: dict[str, tuple[frozenset[str], bool]] = {}
    for name, defs in usage.defs.items():
        body = "".join(d.body for d in defs)
        macro_reads[name] = (_named(body, pattern, relations), bool(_ANY_REF.search(body)))
    nodes: dict[str, StaticNode] = {}
    for uid, node in project.nodes.items():
        nodes[uid] = _static_node(node, project, usage, by_name, pattern, relations, macro_reads)
    return StaticGraph(nodes, dict(teams or {}))


def _named(text: str, pattern: _Names | None, relations: Mapping[str, str]) -> frozenset[str]:
    if pattern is None:
        return frozenset()
    found = set()
    for match in pattern.finditer(text):
        target = relations.get(f"{match.group(1)}.{match.group(2)}".lower())
        if target is not None:
            found.add(target)
    return frozenset(found)


def _static_node(
    node: Node,
    project: Project,
    usage: MacroUsage,
    by_name: Mapping[str, str],
    pattern: _Names | None,
    relations: Mapping[str, str],
    macro_reads: Mapping[str, tuple[frozenset[str], bool]],
) -> StaticNode:
    texts = [node.raw_code, *(h.sql for h in (*node.pre_hooks, *node.post_hooks))]
    code = "\n".join(texts)
    reads: set[str] = set()
    unresolved = False
    literal = 0
    for match in _REF.finditer(code):
        literal += 1
        name = match.group(4) or match.group(2)
        target = by_name.get(name)
        unresolved |= target is None
        if target is not None:
            reads.add(target)
    for match in _SOURCE.finditer(code):
        literal += 1
        source = project.source(match.group(2), match.group(4))
        unresolved |= source is None
        if source is not None:
            reads.add(source.unique_id)
    opaque = len(_ANY_REF.findall(code)) > literal
    if pattern is not None and pattern.search(code):
        reads.update(_named(blank_jinja(code), pattern, relations))
    macros = usage.reachable(texts)
    for name in macros:
        named, has_ref = macro_reads.get(name, (frozenset(), False))
        reads.update(named)
        opaque |= has_ref
    reads.discard(node.unique_id)
    return StaticNode(frozenset(reads), usage.files(macros), unresolved, opaque)
