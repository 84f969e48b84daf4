"""What the rules look at: the rendered project, each node's reads and writes with their
source positions, the namespace convention, and the dependency graph."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from steward.findings import Finding
from steward.lint.locate import blank_jinja, find_relation, line_col, may_name
from steward.project.model import Node, Position, Project, Registry, Team
from steward.project.ownership import known_layers
from steward.render.model import RefCall, RenderedNode, RenderedProject, RenderedSql
from steward.sql.analyze import Relation, StatementAnalysis, Unknown, Write, analyze

if TYPE_CHECKING:
    import networkx as nx

    from steward.graph import DependencyGraph
    from steward.render.renderer import Renderer

_MODEL_NAME = re.compile(r"^(?P<prefix>[a-z][a-z0-9_]*?)__(?P<entity>[a-z0-9][a-z0-9_]*)$")


def _call_column(line: str, kind: str, first_arg: str) -> int | None:
    """The column of `kind('first_arg'` on `line` (1-based), if it is there."""
    for quote in ("'", '"'):
        index = line.find(f"{quote}{first_arg}{quote}")
        while index >= 0:
            head = line[:index].rstrip()
            if head.endswith("("):
                head = head[:-1].rstrip()
                start = len(head) - len(kind)
                if head.endswith(kind) and (
                    start == 0 or not (head[start - 1].isalnum() or head[start - 1] == "_")
                ):
                    return start + 1
            index = line.find(f"{quote}{first_arg}{quote}", index + 1)
    return None


def _names_schema(code: str, relation: Relation) -> bool:
    """Whether `code` may name `relation` by hand: its schema, then a dot."""
    if relation.schema is None:
        return may_name(code, relation.name)
    lowered = code.lower()
    index = lowered.find(relation.schema)
    while index >= 0:
        end = index + len(relation.schema)
        if lowered[end : end + 4].lstrip(" `").startswith("."):
            return True
        index = lowered.find(relation.schema, end)
    return False


@dataclass(frozen=True)
class ModelName:
    layer: str
    team: str
    entity: str


def parse_model_name(name: str) -> ModelName | None:
    """`silver_platform__readings` -> (silver, platform, readings); None if off-convention."""
    match = _MODEL_NAME.match(name)
    if not match or "_" not in match.group("prefix"):
        return None
    layer, team = match.group("prefix").split("_", 1)
    return ModelName(layer, team, match.group("entity"))


@dataclass(frozen=True)
class Read:
    """A relation read by a node; `ref` is None when the SQL names it directly."""

    relation: Relation
    target: str | None
    ref: RefCall | None
    position: Position
    origin: RenderedSql


@dataclass(frozen=True)
class WriteSite:
    write: Write | None
    unknown: Unknown | None
    origin: RenderedSql
    position: Position
    schema: str | None = None
    """The connection's schema when the write runs, after a `USE` of the node's own
    statements (None: as the session starts). An unqualified name lands there."""


@dataclass(frozen=True)
class NodeFacts:
    rendered: RenderedNode
    reads: tuple[Read, ...]
    writes: tuple[WriteSite, ...]
    body: tuple[tuple[RenderedSql, StatementAnalysis], ...]

    @property
    def node(self) -> Node:
        return self.rendered.node

    @property
    def layer(self) -> str | None:
        return self.rendered.node.layer

    @property
    def team(self) -> str | None:
        return self.rendered.node.team


class LintContext:
    """Built once per lint; the rules are functions over it.

    `facts` may come precomputed (from worker processes, see `steward.lint.build`); nodes
    the rendered project only knows by config and relation (`RenderedProject.rendered`)
    get facts without reads or writes."""

    def __init__(
        self,
        rendered: RenderedProject,
        facts: Mapping[str, NodeFacts] | None = None,
        renderer: Renderer | None = None,
    ) -> None:
        self.rendered = rendered
        # what rendered it (prepared: every config and relation resolved), when known: a
        # rule that needs the nodes a partial context left out renders them with it
        self.renderer = renderer
        self.project: Project = rendered.project
        self.registry: Registry | None = rendered.project.registry
        self._blanked: dict[str, str] = {}
        self._split: dict[str, list[str]] = {}
        known = facts or {}
        chosen = rendered.rendered
        self.facts: dict[str, NodeFacts] = {}
        for uid, node in rendered.nodes.items():
            if uid in known:
                self.facts[uid] = known[uid]
            elif chosen is None or uid in chosen:
                self.facts[uid] = self._facts(node)
            else:
                self.facts[uid] = NodeFacts(node, (), (), ())
        self.operations: tuple[WriteSite, ...] = tuple(
            site for sql in rendered.operations for site in self._write_sites(sql, None)
        )
        self.operation_reads: tuple[Read, ...] = tuple(
            read for sql in rendered.operations for read in self._operation_reads(sql)
        )

    def _operation_reads(self, sql: RenderedSql) -> Iterator[Read]:
        for relation in analyze(sql.sql).reads:
            key = relation.path or relation.qualified
            yield Read(
                relation,
                self.rendered.relations.get(key),
                None,
                self.locate(relation, sql, None),
                sql,
            )

    # ---- teams and namespaces: the registry answers, in the environment linted ----------
    @functools.cached_property
    def env(self) -> str:
        """The environment the render is for: the target's schema, as the namespace macros
        read it (`prod` relations carry no prefix)."""
        return (self.rendered.target.schema or "prod").strip().lower()

    @functools.cached_property
    def team_ids(self) -> frozenset[str]:
        return self.registry.team_ids if self.registry else frozenset()

    @functools.cached_property
    def layers(self) -> frozenset[str]:
        return known_layers(self.registry)

    def team(self, team_id: str | None) -> Team | None:
        return self.registry.team(team_id) if self.registry else None

    def namespace_owner(self, namespace: str | None) -> str | None:
        """The team owning `namespace` (a schema or relation) in this environment or in
        production; None when no team owns it."""
        if self.registry is None:
            return None
        owner = self.registry.owner_of(namespace, self.env)
        return owner.id if owner else None

    def operation_team(self, path: str) -> str | None:
        """Who runs an operation: the team a folder of its macro file names, else the team
        owning the `ops` layer (on-run hooks and shared operations are the platform's)."""
        for part in path.split("/")[:-1]:
            if part in self.team_ids:
                return part
        if self.registry is None:
            return None
        return next((t.id for t in self.registry.teams if "ops" in t.layers), None)

    def owned_namespaces(self, team_id: str | None) -> frozenset[str]:
        """What `team_id` may write in this environment (`Registry.namespaces`)."""
        if self.registry is None:
            return frozenset()
        return frozenset(self.registry.namespaces(team_id, self.env))

    # ---- facts -----------------------------------------------------------------------
    def _facts(self, rendered: RenderedNode) -> NodeFacts:
        node = rendered.node
        own = rendered.relation_name
        by_relation: dict[str, RefCall] = {}
        for ref in rendered.refs:
            by_relation.setdefault(ref.relation, ref)
        reads: dict[tuple[str, str], Read] = {}
        writes: list[WriteSite] = []
        used: list[str | None] = [None]
        body = []
        for sql in (*rendered.sql, *rendered.statements):
            analysis = analyze(sql.sql)
            if sql.kind == "model":
                body.append((sql, analysis))
            for relation in analysis.reads:
                key = relation.path or relation.qualified
                if key == own:
                    continue
                call = by_relation.get(key)
                target = self.rendered.relations.get(key)
                position = self.ref_position(call) if call else self.locate(relation, sql, node)
                reads.setdefault(
                    (key, sql.kind if call is None else "ref"),
                    Read(relation, target, call, position, sql),
                )
                if (
                    call is not None
                    and sql.kind == "model"
                    and relation.path is None
                    and _names_schema(node.raw_code, relation)
                ):
                    # the same relation may also be named by hand next to its ref()
                    found = find_relation(self._sql_text(node), key)
                    if found is not None:
                        reads.setdefault(
                            (key, "model"),
                            Read(relation, target, None, Position(node.path, *found), sql),
                        )
            writes.extend(self._write_sites(sql, node, analysis, used))
        return NodeFacts(rendered, tuple(reads.values()), tuple(writes), tuple(body))

    def _write_sites(
        self,
        sql: RenderedSql,
        node: Node | None,
        analysis: StatementAnalysis | None = None,
        used: list[str | None] | None = None,
    ) -> Iterator[WriteSite]:
        """The writes of `sql`; `used` carries the schema a `USE` set from one statement of
        the node to the next (they run on one connection, as the guard tracks them)."""
        analysis = analysis or analyze(sql.sql)
        used = used if used is not None else [None]
        for write in analysis.writes:
            target = write.target
            if write.kind == "USE":
                catalog = write.object_type == "CATALOG" or target is None
                used[0] = None if catalog or target is None else target.schema
                continue
            position = sql.position
            if target is not None and (target.path or target.qualified):
                position = self.locate(target, sql, node)
            yield WriteSite(write, None, sql, position, used[0])
        if sql.kind != "model":
            for unknown in analysis.unknown:
                yield WriteSite(None, unknown, sql, sql.position)

    def locate(self, relation: Relation, sql: RenderedSql, node: Node | None) -> Position:
        """Where `relation` is written in the source: the model file, else the hook's or
        macro's file near the statement, else the statement's position."""
        if relation.path is not None:
            return self._locate_path(relation, sql, node)
        needle = relation.qualified
        if sql.kind in ("model", "python") and node is not None:
            found = find_relation(node.raw_code, needle)
            if found:
                return Position(node.path, *found)
        text = self.project.text(sql.position.path)
        if text is not None:
            found = find_relation(text, needle, sql.position.line)
            if found:
                return Position(sql.position.path, *found)
        if node is not None and sql.kind != "model":
            found = find_relation(node.raw_code, needle)
            if found:
                return Position(node.path, *found)
        return sql.position

    def _sql_text(self, node: Node) -> str:
        text = self._blanked.get(node.unique_id)
        if text is None:
            text = blank_jinja(node.raw_code)
            self._blanked[node.unique_id] = text
        return text

    def _lines(self, path: str) -> list[str] | None:
        lines = self._split.get(path)
        if lines is None:
            text = self.project.text(path)
            if text is None:
                return None
            lines = self._split[path] = text.splitlines()
        return lines

    def ref_position(self, ref: RefCall) -> Position:
        """The position of a `ref()`/`source()` call, with the column of the call."""
        lines = self._lines(ref.position.path)
        if lines is None or not ref.args:
            return ref.position
        if not 0 < ref.position.line <= len(lines):
            return ref.position
        column = _call_column(lines[ref.position.line - 1], ref.kind, ref.args[0])
        if column is None:
            return ref.position
        return Position(ref.position.path, ref.position.line, column)

    def _locate_path(self, relation: Relation, sql: RenderedSql, node: Node | None) -> Position:
        texts = []
        if node is not None and sql.kind in ("model", "python"):
            texts.append((node.path, node.raw_code))
        text = self.project.text(sql.position.path)
        if text is not None:
            texts.append((sql.position.path, text))
        path = relation.path or ""
        for file, content in texts:
            lowered = content.lower()
            for needle in (f"{relation.schema}.`{path}`".lower(), path.lower()):
                index = lowered.find(needle)
                if index >= 0:
                    return Position(file, *line_col(content, index))
        return sql.position

    # ---- graph -----------------------------------------------------------------------
    @functools.cached_property
    def dependency_graph(self) -> DependencyGraph:
        """Models, seeds, snapshots, sources and exposures with their edges (`ref`,
        `source`, hard-coded names, exposures): `steward.graph`."""
        from steward.graph import build_graph

        return build_graph(self.rendered)

    @functools.cached_property
    def graph(self) -> nx.DiGraph:
        """`dependency_graph` as networkx; an edge carries the `steward.graph.Edge`s."""
        return self.dependency_graph.digraph

    def team_of(self, unique_id: str | None) -> str | None:
        if unique_id is None:
            return None
        node = self.project.nodes.get(unique_id)
        if node is not None:
            return node.team
        source = self.project.sources.get(unique_id)
        return source.team if source else None

    # ---- findings --------------------------------------------------------------------
    def finding(
        self,
        rule: str,
        severity: str,
        position: Position,
        message: str,
        node: Node | None = None,
        team: str | None = None,
    ) -> Finding:
        """A rule's `Violation` as a finding, with the node's team unless `team` is given
        (the runner calls it with the rule's id and severity; a rule never does)."""
        model = node.name if node is not None else None
        if team is None and node is not None:
            facts = self.facts.get(node.unique_id)
            team = facts.team if facts else None
        return Finding(
            rule, severity, position.path, position.line, position.column, model, team, message
        )

    def models(self) -> Iterator[NodeFacts]:
        for facts in self.facts.values():
            if facts.node.resource_type == "model":
                yield facts

    def config_of(self, facts: NodeFacts) -> Mapping[str, Any]:
        return facts.rendered.config
