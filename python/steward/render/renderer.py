"""Render every node of a project as Spark SQL, as dbt would, without a warehouse.

Steps, in order: compile each template once; take each node's `config()` calls (from
the template's syntax tree when they are constant, else from a capture render:
`config_calls.py`); resolve every node's relation with the project's own
`generate_schema_name` / `generate_alias_name` / `generate_database_name` (dbt's
defaults when the project has none: `relations.py`); then render each node in both
branches of `is_incremental()`, with its hooks, recording every `ref`/`source` call
(`refs.py`) and every statement sent to the warehouse, in the context of `context.py`.
The on-run hooks and `dbt run-operation` macros are rendered by `operations.py`.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Collection, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import jinja2
import jinja2.nodes

from steward.project.model import Hook, MacroFile, Node, Position, Project
from steward.render import config_calls, stubs
from steward.render.config_calls import ResolvedConfig, TagCall, resolve_config
from steward.render.context import Contexts
from steward.render.jinja_env import CompilerError, make_environment
from steward.render.model import (
    RefCall,
    RenderedNode,
    RenderedProject,
    RenderedSql,
    RenderProblem,
    Target,
)
from steward.render.operations import check_macro_files, render_operations
from steward.render.python_models import render_python_model
from steward.render.refs import models_by_name
from steward.render.relations import node_relation, source_relation
from steward.render.session import HOOK_PREFIX, INTERNAL_PREFIX, Session
from steward.render.usage import MacroUsage

PROPERTY_PREFIX = "property:"


class Renderer:
    """Renders the nodes of one project for one target; templates are compiled once."""

    def __init__(
        self,
        project: Project,
        target: Target | None = None,
        cli_vars: Mapping[str, Any] | None = None,
    ) -> None:
        self.project = project
        self.target = target or Target()
        self.cli_vars = dict(cli_vars or {})
        self.env = make_environment()
        self.session: Session | None = None
        self.relations: dict[str, stubs.JinjaRelation] = {}
        self.relation_problems: dict[str, list[RenderProblem]] = {}
        self.relation_map: dict[str, str] = {}
        self.source_relations: dict[str, stubs.JinjaRelation] = {}
        self.operation_problems: list[RenderProblem] = []
        self.resolved: dict[str, ResolvedConfig] = {}
        self.by_name: dict[str, Node] = models_by_name(project)
        self.contexts = Contexts(self)
        self._templates: dict[str, jinja2.Template] = {}
        self._ast: dict[str, jinja2.nodes.Template] = {}

    # ---- templates -------------------------------------------------------------------
    def macro_template(self, file: MacroFile) -> jinja2.Template:
        key = f"{INTERNAL_PREFIX}{file.path}" if file.internal else file.path
        template = self._templates.get(key)
        if template is None:
            template = self._compile(file.source, key)
            self._templates[key] = template
        return template

    def node_template(self, node: Node) -> jinja2.Template:
        template = self._templates.get(node.path)
        if template is None:
            template = self._compile(node.raw_code, node.path)
            self._templates[node.path] = template
        return template

    def hook_template(self, hook: Hook) -> jinja2.Template:
        name = f"{HOOK_PREFIX}{hook.position.path}:{hook.position.line}"
        template = self._templates.get(name + hook.sql)
        if template is None:
            template = self._compile(hook.sql, name)
            self._templates[name + hook.sql] = template
        return template

    def property_template(self, text: str) -> jinja2.Template:
        """A yml value's template (`schema: "{{ var('x') }}"`), compiled once per text."""
        key = f"{PROPERTY_PREFIX}{text}"
        template = self._templates.get(key)
        if template is None:
            template = self.env.from_string(text)
            self._templates[key] = template
        return template

    def node_ast(self, node: Node) -> jinja2.nodes.Template:
        ast = self._ast.get(node.path)
        if ast is None:
            ast = self.env.parse(node.raw_code, node.path, node.path)
            self._ast[node.path] = ast
        return ast

    def _compile(self, source: str, name: str) -> jinja2.Template:
        ast = self._ast.get(name) or self.env.parse(source, name, name)
        code = self.env.compile(ast, name, name)
        return self.env.template_class.from_code(self.env, code, self.env.make_globals(None))

    # ---- config() calls (config_calls.py) ----------------------------------------------
    def static_config(self, node: Node) -> tuple[dict[str, Any], dict[str, int], bool]:
        """The constant `config()` arguments of a node's code, their lines, and whether
        every call was constant (see `config_calls.static_config`)."""
        return config_calls.static_config(node, self._config_calls(node), self.node_ast)

    def _config_calls(self, node: Node) -> list[TagCall] | None:
        return config_calls.tag_calls(node.raw_code, self.env)

    # ---- sessions --------------------------------------------------------------------
    def current(self) -> Session:
        session = self.session
        if session is None:  # pragma: no cover - templates only run inside a session
            raise CompilerError("rendered outside a session")
        return session

    @contextlib.contextmanager
    def running(self, session: Session) -> Iterator[Session]:
        """Make `session` the one the context's builtins act on, for the block."""
        previous = self.session
        self.session = session
        try:
            yield session
        finally:
            self.session = previous

    def run(
        self, session: Session, template: jinja2.Template, package: str | None = None
    ) -> str | None:
        """`template` rendered in `session`; None (and a problem) when it fails."""
        with self.running(session):
            try:
                context = template.new_context(session.context(package))
                return "".join(template.root_render_func(context))
            except Exception as exc:
                session.problems.append(session.problem(exc))
                return None

    def render_hook(self, session: Session, hook: Hook) -> str | None:
        try:
            template = self.hook_template(hook)
        except jinja2.TemplateSyntaxError as exc:
            session.problems.append(
                RenderProblem(f"Jinja syntax error in {hook.kind}: {exc.message}", hook.position)
            )
            return None
        sql = self.run(session, template)
        return sql.strip() if sql else None

    # ---- nodes -----------------------------------------------------------------------
    def render_node(
        self,
        node: Node,
        config: dict[str, Any],
        origins: dict[str, Position],
        hooks: tuple[tuple[Hook, ...], tuple[Hook, ...]],
        early_problems: list[RenderProblem],
    ) -> RenderedNode:
        relation = self.relations.get(node.unique_id)
        frozen_config = MappingProxyType(config)
        if node.language == "python":
            py_sql, py_refs, py_problems = render_python_model(node, self)
            return RenderedNode(
                node,
                frozen_config,
                MappingProxyType(origins),
                relation,
                statements=tuple(py_sql),
                refs=tuple(py_refs),
                problems=tuple(early_problems + py_problems),
            )
        if node.language != "sql":
            return RenderedNode(
                node,
                frozen_config,
                MappingProxyType(origins),
                relation,
                problems=tuple(early_problems),
            )
        branches = [False]
        if config.get("materialized") == "incremental" or node.resource_type == "snapshot":
            branches.append(True)
        rendered: list[RenderedSql] = []
        statements: list[RenderedSql] = []
        refs: dict[tuple[Any, ...], RefCall] = {}
        problems: list[RenderProblem] = list(early_problems)
        macros: set[str] = set()
        try:
            template = self.node_template(node)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(
                RenderProblem(
                    f"Jinja syntax error: {exc.message}", Position(node.path, exc.lineno or 1)
                )
            )
            return RenderedNode(
                node, frozen_config, MappingProxyType(origins), relation, problems=tuple(problems)
            )
        for incremental in branches:
            session = Session(self, node, config, incremental=incremental)
            body = self.run(session, template)
            if body is not None and not any(r.sql == body.strip() for r in rendered):
                rendered.append(RenderedSql(body.strip(), "model", node.position, incremental))
            for hook in (*hooks[0], *hooks[1]):
                hook_session = Session(self, node, config, incremental=incremental, hook=hook)
                hook_sql = self.render_hook(hook_session, hook)
                session.problems.extend(hook_session.problems)
                session.statements.extend(hook_session.statements)
                session.macros.update(hook_session.macros)
                for ref in hook_session.refs:
                    session.refs.append(ref)
                if hook_sql:
                    statements.append(RenderedSql(hook_sql, hook.kind, hook.position, incremental))
            statements.extend(session.statements)
            for ref in session.refs:
                refs.setdefault((ref.kind, ref.args, ref.position), ref)
            for problem in session.problems:
                if problem not in problems:
                    problems.append(problem)
            macros.update(session.macros)
        return RenderedNode(
            node=node,
            config=frozen_config,
            config_origins=MappingProxyType(origins),
            relation=relation,
            sql=tuple(rendered),
            statements=_dedupe(statements),
            refs=tuple(refs.values()),
            macros=frozenset(macros),
            problems=tuple(problems),
        )

    # ---- the project -----------------------------------------------------------------
    def prepare(self) -> None:
        """Resolve every node's config and relation (cheap: no full template is parsed),
        so that any subset of nodes can then be rendered, in any process."""
        if self.resolved:
            return
        for node in self.project.nodes.values():
            self.resolved[node.unique_id] = resolve_config(self, node)
        for node in self.project.nodes.values():
            config = self.resolved[node.unique_id].config
            if node.resource_type in ("model", "seed", "snapshot") or (
                node.resource_type == "test" and config.get("store_failures")
            ):
                relation, problems = node_relation(self, node, config)
                self.relations[node.unique_id] = relation
                self.relation_problems[node.unique_id] = problems
        relations: dict[str, str] = {}
        for unique_id, relation in self.relations.items():
            if self.project.nodes[unique_id].resource_type != "test":
                relations.setdefault(relation.render().lower(), unique_id)
        for source in self.project.sources.values():
            relations.setdefault(source_relation(self, source).render().lower(), source.unique_id)
        self.relation_map = relations

    def render_nodes(self, unique_ids: Iterable[str]) -> dict[str, RenderedNode]:
        self.prepare()
        rendered = {}
        for unique_id in unique_ids:
            node = self.project.nodes[unique_id]
            resolved = self.resolved[unique_id]
            rendered[unique_id] = self.render_node(
                node,
                resolved.config,
                resolved.origins,
                (resolved.pre_hooks, resolved.post_hooks),
                self.relation_problems.get(unique_id, []),
            )
        return rendered

    def stub(self, unique_id: str) -> RenderedNode:
        """A node known by its config and relation only (not rendered)."""
        self.prepare()
        resolved = self.resolved[unique_id]
        return RenderedNode(
            self.project.nodes[unique_id],
            MappingProxyType(resolved.config),
            MappingProxyType(resolved.origins),
            self.relations.get(unique_id),
        )

    def render(self, only: Collection[str] | None = None) -> RenderedProject:
        """Render every node (or those of `only`; the others are stubs), the operations
        and the macro files."""
        self.prepare()
        nodes = self.render_nodes(uid for uid in self.project.nodes if only is None or uid in only)
        return self.project_of(nodes)

    def project_of(self, nodes: Mapping[str, RenderedNode]) -> RenderedProject:
        """The rendered project of `nodes` (stubs for the others), with the operations."""
        self.prepare()
        every = {uid: nodes.get(uid) or self.stub(uid) for uid in self.project.nodes}
        return RenderedProject(
            project=self.project,
            target=self.target,
            nodes=MappingProxyType(every),
            operations=self.operations,
            problems=(*check_macro_files(self), *self.operation_problems),
            relations=MappingProxyType(self.relation_map),
            rendered=frozenset(nodes),
        )

    @functools.cached_property
    def usage(self) -> MacroUsage:
        return MacroUsage(self.project)

    @functools.cached_property
    def operations(self) -> tuple[RenderedSql, ...]:
        return tuple(render_operations(self))


def _dedupe(items: list[RenderedSql]) -> tuple[RenderedSql, ...]:
    seen: dict[tuple[str, str, Position], RenderedSql] = {}
    for item in items:
        seen.setdefault((item.sql, item.kind, item.position), item)
    return tuple(seen.values())


def render_project(
    project: Project, target: Target | None = None, cli_vars: Mapping[str, Any] | None = None
) -> RenderedProject:
    """Render every node of `project` (see the module docstring)."""
    return Renderer(project, target, cli_vars).render()
