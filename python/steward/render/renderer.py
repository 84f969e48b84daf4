"""Render every node of a project as Spark SQL, as dbt would, without a warehouse.

Steps, in order: compile each template once; take each node's `config()` calls (from
the template's syntax tree when they are constant, else from a capture render); resolve
every node's relation with the project's own `generate_schema_name` /
`generate_alias_name` / `generate_database_name` (dbt's defaults when the project has
none); then render each node in both branches of `is_incremental()`, with its hooks,
recording every `ref`/`source` call and every statement sent to the warehouse.
"""

from __future__ import annotations

import ast as pyast
import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, SimpleNamespace
from typing import Any

import jinja2
import jinja2.nodes

from steward.project.config import merge_config
from steward.project.model import Hook, MacroFile, Node, Position, Project, SourceTable
from steward.render import stubs
from steward.render.jinja_env import (
    MACRO_PREFIX,
    CompilerError,
    MacroReturn,
    UnresolvedMacro,
    make_environment,
    template_position,
    traceback_positions,
)
from steward.render.model import (
    RefCall,
    RenderedNode,
    RenderedProject,
    RenderedSql,
    RenderProblem,
    Target,
)
from steward.render.python_models import render_python_model
from steward.render.usage import MacroUsage, operation_macros

INTERNAL_PREFIX = "internal:"
HOOK_PREFIX = "hook:"
ADAPTER_PREFIXES = ("spark__", "default__")
RUN_STARTED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
INTERNAL_PACKAGES = ("dbt", "dbt_spark")
_CONFIG_CALL = re.compile(r"(?<![\w.])config\s*\(")
_RAW_BLOCK = re.compile(r"\{%-?\s*raw\b")
_EXPRESSION_TAG = re.compile(r"^\{\{-?(.*?)-?\}\}$", re.S)
_JINJA_CONSTANTS = {
    "true": True,
    "false": False,
    "none": None,
    "True": True,
    "False": False,
    "None": None,
}
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
# dbt macros we replace by stand-ins that record instead of executing
STAND_INS = (
    "statement",
    "run_query",
    "is_incremental",
    "load_result",
    "store_result",
    "noop_statement",
    "log",
    "should_full_refresh",
)


class _Namespace:
    """`dbt_utils.star` and friends: a package's macros as attributes."""

    def __init__(self, name: str, macros: Mapping[str, Any]) -> None:
        self._name = name
        self._macros = macros

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._macros[name]
        except KeyError:
            raise UnresolvedMacro(f"{self._name}.{name}") from None

    def __getitem__(self, name: str) -> Any:
        return self.__getattr__(name)

    def __contains__(self, name: str) -> bool:
        return name in self._macros


class _Macro:
    """A project, package or dbt macro, callable from any template."""

    __slots__ = ("file", "name", "package", "renderer")

    def __init__(self, renderer: Renderer, file: MacroFile, name: str, package: str) -> None:
        self.renderer = renderer
        self.file = file
        self.name = name
        self.package = package

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        session = self.renderer.session
        if session is None:  # pragma: no cover - macros only run inside a session
            raise CompilerError(f"macro {self.name} called outside a render")
        module = self.renderer.module(self.file, self.package)
        macro = getattr(module, f"{MACRO_PREFIX}{self.name}", None)
        if macro is None:
            raise UnresolvedMacro(self.name)
        if not self.file.internal:
            session.macros.add(self.file.path)
        try:
            return macro(*args, **kwargs)
        except MacroReturn as returned:
            return returned.value


class _Var:
    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer

    @property
    def _session(self) -> _Session:
        return self._renderer.current()

    def __call__(self, name: str, default: Any = MacroReturn) -> Any:
        values = self._renderer.vars_for(self._session.node.package)
        if name in values:
            return values[name]
        if default is not MacroReturn:
            return default
        raise CompilerError(f"required var '{name}' is not set and has no default")

    def has_var(self, name: str) -> bool:
        return name in self._renderer.vars_for(self._session.node.package)


class _Config:
    """`config`: a call sets (in a capture render), `.get` reads the resolved config."""

    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer

    @property
    def _session(self) -> _Session:
        return self._renderer.current()

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        values = dict(args[0]) if args and isinstance(args[0], Mapping) else {}
        values.update(kwargs)
        if self._session.capture:
            merge_config(self._session.config, values)
        return ""

    def get(self, key: str, default: Any = None, validator: Any = None) -> Any:
        value = self._session.config.get(
            key.replace("_", "-") if key in ("pre_hook", "post_hook") else key
        )
        return default if value is None else value

    def require(self, key: str, validator: Any = None) -> Any:
        if key not in self._session.config:
            raise CompilerError(f"config `{key}` is required")
        return self._session.config[key]

    def set(self, key: str, value: Any) -> str:
        return ""

    def persist_relation_docs(self) -> bool:
        return False

    def persist_column_docs(self) -> bool:
        return False


class _LazyRelation:
    """`this`: the node's relation, computed when first used (after `config()` ran)."""

    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer

    def _relation(self) -> stubs.JinjaRelation:
        return self._renderer.current().relation()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._relation(), name)

    def __str__(self) -> str:
        return self._relation().render()

    def __html__(self) -> str:
        return str(self)


@dataclass
class _Session:
    """The state of rendering one node (or one hook, or one operation).

    The Jinja contexts and macro modules are built once per package and shared by every
    session: what they hand to templates (`config`, `this`, `ref`, `run_query` ...) acts
    on the renderer's current session, so a thousand models do not build a thousand
    contexts.
    """

    renderer: Renderer
    node: Node
    config: dict[str, Any]
    incremental: bool = False
    capture: bool = False
    relation_override: stubs.JinjaRelation | None = None
    statements: list[RenderedSql] = field(default_factory=list)
    refs: list[RefCall] = field(default_factory=list)
    problems: list[RenderProblem] = field(default_factory=list)
    macros: set[str] = field(default_factory=set)
    results: dict[str, Any] = field(default_factory=dict)
    hook: Hook | None = None
    model: dict[str, Any] | None = None

    def relation(self) -> stubs.JinjaRelation:
        if self.relation_override is not None:
            return self.relation_override
        known = self.renderer.relations.get(self.node.unique_id)
        if known is not None and not self.capture:
            return known
        return stubs.JinjaRelation(None, "__this__", self.node.name)

    def position(self) -> Position:
        """Where the Jinja code running now is, in a project file (node first)."""
        frames = template_position()
        for filename, line in frames:
            if filename == self.node.path:
                return Position(filename, line)
            if filename.startswith(HOOK_PREFIX) and self.hook is not None:
                return self.hook.position
        for filename, line in frames:
            if filename and not filename.startswith(INTERNAL_PREFIX):
                return Position(filename, line)
        return self.node.position

    def statement_position(self) -> Position:
        """Where a statement is issued: the innermost project file on the stack."""
        for filename, line in template_position():
            if filename.startswith(HOOK_PREFIX) and self.hook is not None:
                return self.hook.position
            if filename and not filename.startswith(INTERNAL_PREFIX):
                return Position(filename, line)
        return self.node.position

    def record(self, sql: str, kind: str) -> None:
        if sql.strip():
            self.statements.append(
                RenderedSql(sql.strip(), kind, self.statement_position(), self.incremental)
            )

    def context(self, package: str | None = None) -> dict[str, Any]:
        return self.renderer.context(package or self.node.package)


class _ModelView(Mapping[str, Any]):
    """`model`: the node being rendered, as dbt's dict (built once per session)."""

    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer

    def _dict(self) -> dict[str, Any]:
        session = self._renderer.current()
        if session.model is None:
            session.model = self._renderer.node_dict(session.node, session.config)
        return session.model

    def __getitem__(self, key: str) -> Any:
        return self._dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())


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
        self.session: _Session | None = None
        self.relations: dict[str, stubs.JinjaRelation] = {}
        self.relation_problems: dict[str, list[RenderProblem]] = {}
        self.relation_map: dict[str, str] = {}
        self.operation_problems: list[RenderProblem] = []
        self.resolved: dict[
            str, tuple[dict[str, Any], dict[str, Position], tuple[Hook, ...], tuple[Hook, ...]]
        ] = {}
        self._sources: dict[str, stubs.JinjaRelation] = {}
        self._templates: dict[str, jinja2.Template] = {}
        self._ast: dict[str, jinja2.nodes.Template] = {}
        self._base: dict[str, dict[str, Any]] = {}
        self._vars: dict[str, dict[str, Any]] = {}
        self._contexts: dict[str, dict[str, Any]] = {}
        self._modules: dict[tuple[str, str], Any] = {}
        self.package_macros: dict[str, dict[str, _Macro]] = {}
        for file in project.macro_files:
            package = "dbt" if file.internal else file.package
            macros = self.package_macros.setdefault(package, {})
            for name, _line in file.macros:
                macros[name] = _Macro(self, file, name, package)
        self.by_name: dict[str, Node] = {}
        for node in project.nodes.values():
            if node.resource_type in ("model", "seed", "snapshot"):
                self.by_name.setdefault(node.name, node)
        self._add_versions(project)
        self.dispatch_order: dict[str, list[str]] = {
            str(d.get("macro_namespace")): [str(p) for p in d.get("search_order") or ()]
            for d in project.dbt_project.dispatch
        }

    # ---- templates -------------------------------------------------------------------
    def macro_template(self, file: MacroFile) -> jinja2.Template:
        key = f"{INTERNAL_PREFIX}{file.path}" if file.internal else file.path
        template = self._templates.get(key)
        if template is None:
            template = self._compile(file.source, key)
            self._templates[key] = template
        return template

    def _compile(self, source: str, name: str) -> jinja2.Template:
        ast = self._ast.get(name) or self.env.parse(source, name, name)
        code = self.env.compile(ast, name, name)
        return self.env.template_class.from_code(self.env, code, self.env.make_globals(None))

    def node_template(self, node: Node) -> jinja2.Template:
        template = self._templates.get(node.path)
        if template is None:
            template = self._compile(node.raw_code, node.path)
            self._templates[node.path] = template
        return template

    def node_ast(self, node: Node) -> jinja2.nodes.Template:
        ast = self._ast.get(node.path)
        if ast is None:
            ast = self.env.parse(node.raw_code, node.path, node.path)
            self._ast[node.path] = ast
        return ast

    # ---- contexts ----------------------------------------------------------------------
    def vars_for(self, package: str) -> dict[str, Any]:
        values = self._vars.get(package)
        if values is None:
            project_vars = self.project.dbt_project.vars
            values = {
                k: v
                for k, v in project_vars.items()
                if not isinstance(v, Mapping) or k not in self._package_names()
            }
            scoped = project_vars.get(package)
            if isinstance(scoped, Mapping):
                values.update(scoped)
            values.update(self.cli_vars)
            self._vars[package] = values
        return values

    def _package_names(self) -> set[str]:
        return {self.project.name, *(p.name for p in self.project.packages)}

    def base_context(self, package: str) -> dict[str, Any]:
        """Macros and builtins visible from `package` (node-independent, built once)."""
        context = self._base.get(package)
        if context is not None:
            return context
        context = {
            "return": _return,
            "modules": stubs.MODULES,
            "exceptions": stubs.EXCEPTIONS,
            "api": stubs.API,
            "tojson": stubs.tojson,
            "fromjson": stubs.fromjson,
            "toyaml": stubs.toyaml,
            "fromyaml": stubs.fromyaml,
            "zip": zip,
            "set": set,
            "set_strict": set,
            "print": lambda *a, **k: "",
            "local_md5": lambda s: __import__("hashlib").md5(str(s).encode()).hexdigest(),
            "run_started_at": RUN_STARTED_AT,
            "invocation_id": "00000000-0000-0000-0000-000000000000",
            "dbt_version": "1.11.0",
            "project_name": self.project.name,
            "execute": True,
            "flags": SimpleNamespace(
                FULL_REFRESH=False,
                WHICH="run",
                STORE_FAILURES=False,
                EMPTY=False,
                STATE_MODIFIED=False,
            ),
            "graph": {"nodes": {}, "sources": {}, "exposures": {}, "macros": {}},
            "selected_resources": [],
            "target": self.target.as_context(),
            "env_var": self._env_var,
            "diff_of_two_dicts": lambda a, b: {k: v for k, v in a.items() if k not in b},
            "diff_column_data_types": lambda a, b: [],
        }
        context.update(self.package_macros.get("dbt", {}))
        context.update(self.package_macros.get(self.project.name, {}))
        if package != self.project.name:
            context.update(self.package_macros.get(package, {}))
        for name, macros in self.package_macros.items():
            context[name] = _Namespace(name, macros)
        context["dbt_spark"] = context["dbt"]
        self._base[package] = context
        return context

    def _env_var(self, name: str, default: Any = None) -> Any:
        if default is not None:
            return default
        if name in os.environ:
            return os.environ[name]
        raise CompilerError(f"env var `{name}` is not set and has no default")

    def current(self) -> _Session:
        session = self.session
        if session is None:  # pragma: no cover - templates only run inside a session
            raise CompilerError("rendered outside a session")
        return session

    def context(self, package: str) -> dict[str, Any]:
        """The Jinja globals of templates of `package`: built once, shared by all nodes."""
        context = self._contexts.get(package)
        if context is None:
            context = self.base_context(package).copy()
            context.update(self.node_context(package))
            self._contexts[package] = context
        return context

    def module(self, file: MacroFile, package: str) -> Any:
        """A macro file instantiated once in the context of `package`."""
        key = (file.path, package)
        module = self._modules.get(key)
        if module is None:
            template = self.macro_template(file)
            module = template.make_module(vars=self.context(package))
            self._modules[key] = module
        return module

    def node_context(self, package: str) -> dict[str, Any]:
        """`config`, `this`, `ref`, `run_query` ...: each acts on the current session."""
        current = self.current
        config = _Config(self)

        def record(sql: str, kind: str) -> None:
            current().record(sql, kind)

        def run_query(sql: Any) -> stubs.EmptyTable:
            record(str(sql), "run_query")
            return stubs.EmptyTable()

        def statement(
            name: str | None = None,
            fetch_result: bool = False,
            auto_begin: bool = True,
            language: str = "sql",
            caller: Callable[[], str] | None = None,
        ) -> str:
            sql = caller() if caller is not None else ""
            record(str(sql), "statement")
            if name:
                current().results[name] = {
                    "response": None,
                    "data": [],
                    "table": stubs.EmptyTable(),
                }
            return ""

        def load_result(name: str) -> Any:
            return current().results.get(name)

        def store_result(name: str, response: Any = None, agate_table: Any = None) -> str:
            current().results[name] = {
                "response": response,
                "data": [],
                "table": stubs.EmptyTable(),
            }
            return ""

        def is_incremental() -> bool:
            session = current()
            return session.incremental and session.config.get("materialized") == "incremental"

        ref = self._make_ref()
        source = self._make_source()
        context: dict[str, Any] = {
            "ref": ref,
            "source": source,
            "config": config,
            "builtins": {"ref": ref, "source": source, "config": config},
            "this": _LazyRelation(self),
            "var": _Var(self),
            "model": _ModelView(self),
            "is_incremental": is_incremental,
            "should_full_refresh": lambda: False,
            "run_query": run_query,
            "statement": statement,
            "noop_statement": lambda *a, **k: "",
            "load_result": load_result,
            "store_result": store_result,
            "log": lambda *a, **k: "",
            "adapter": stubs.Adapter(self._dispatch, record),
            "schema": self.target.schema,
            "database": self.target.database,
        }
        # a project (or package) macro called `ref`/`source` overrides the builtin
        base = self.base_context(package)
        for name in ("ref", "source"):
            if name in base:
                context[name] = base[name]
        return context

    @staticmethod
    def node_dict(node: Node, config: Mapping[str, Any]) -> dict[str, Any]:
        path = "/".join(node.path.split("/")[1:])
        return {
            "name": node.name,
            "unique_id": node.unique_id,
            "fqn": list(node.fqn),
            "resource_type": node.resource_type,
            "package_name": node.package,
            "path": path,
            "original_file_path": node.path,
            "config": config,
            "tags": list(config.get("tags") or []),
            "meta": dict(config.get("meta") or {}),
            "raw_code": node.raw_code,
            "language": node.language,
            "schema": config.get("schema"),
            "alias": config.get("alias") or node.name,
            "database": config.get("database"),
            "columns": {},
        }

    def _dispatch(self, macro_name: str, macro_namespace: str | None = None) -> Any:
        if "." in macro_name:
            macro_namespace, macro_name = macro_name.split(".", 1)
        if macro_namespace is None:
            search = [self.current().node.package, self.project.name, "dbt"]
        else:
            search = self.dispatch_order.get(macro_namespace) or [
                self.project.name,
                macro_namespace,
            ]
        for package in search:
            package = "dbt" if package in INTERNAL_PACKAGES else package
            macros = self.package_macros.get(package, {})
            for prefix in ADAPTER_PREFIXES:
                macro = macros.get(f"{prefix}{macro_name}")
                if macro is not None:
                    return macro
        where = f"{macro_namespace}." if macro_namespace else ""
        raise UnresolvedMacro(f"{where}{macro_name} (adapter.dispatch)")

    def _add_versions(self, project: Project) -> None:
        """A versioned model is found as `<model>.v<N>`, and as `<model>` (without a version)
        as its `latest_version`, else its highest version, as dbt resolves `ref()`."""
        versions: dict[str, list[Node]] = {}
        for node in project.nodes.values():
            if node.model_name and node.version is not None:
                self.by_name[f"{node.model_name}.v{node.version}"] = node
                versions.setdefault(node.model_name, []).append(node)
        for model, nodes in versions.items():
            props = nodes[0].properties
            latest = props.latest_version if props is not None else None
            chosen = [n for n in nodes if latest is not None and str(n.version) == str(latest)]
            self.by_name[model] = (chosen or sorted(nodes, key=lambda n: n.version or 0))[-1]

    def _make_ref(self) -> Callable[..., Any]:
        def ref(*args: Any, version: Any = None, v: Any = None, **_: Any) -> Any:
            session = self.current()
            names = [str(a) for a in args]
            name = names[-1] if names else ""
            pinned = version if version is not None else v
            target = self.by_name.get(name if pinned is None else f"{name}.v{pinned}")
            if target is None:
                relation = stubs.JinjaRelation(None, "__unknown__", name)
                if not session.capture:
                    session.problems.append(
                        RenderProblem(
                            f"{_call('ref', names)} names no model, seed or snapshot",
                            session.position(),
                            None,
                        )
                    )
            elif session.capture:
                relation = stubs.JinjaRelation(None, "__capture__", name)
            else:
                relation = self.relations.get(target.unique_id) or stubs.JinjaRelation(
                    None, "__unresolved__", name
                )
            if not session.capture:
                session.refs.append(
                    RefCall(
                        "ref",
                        tuple(names),
                        target.unique_id if target else None,
                        relation.render().lower(),
                        session.position(),
                    )
                )
            return relation

        return ref

    def _make_source(self) -> Callable[..., Any]:
        def source(source_name: str, table_name: str) -> Any:
            session = self.current()
            found = self.project.source(str(source_name), str(table_name))
            names = [str(source_name), str(table_name)]
            if found is None:
                relation = stubs.JinjaRelation(None, str(source_name), str(table_name))
                if not session.capture:
                    session.problems.append(
                        RenderProblem(
                            f"{_call('source', names)} names no declared source table",
                            session.position(),
                            None,
                        )
                    )
            else:
                relation = self.source_relation(found)
            if not session.capture:
                session.refs.append(
                    RefCall(
                        "source",
                        tuple(names),
                        found.unique_id if found else None,
                        relation.render().lower(),
                        session.position(),
                    )
                )
            return relation

        return source

    def source_relation(self, source: SourceTable) -> stubs.JinjaRelation:
        """A source's relation; yml values such as `schema: "{{ env }}_landing"` are Jinja,
        rendered as dbt renders them at parse time (target, var, env_var)."""
        relation = self._sources.get(source.unique_id)
        if relation is None:
            parts = [
                self._render_property(v)
                for v in (source.database, source.schema, source.identifier)
            ]
            relation = stubs.JinjaRelation(parts[0] or None, parts[1], parts[2])
            self._sources[source.unique_id] = relation
        return relation

    def _render_property(self, value: str | None) -> str | None:
        if value is None or "{" not in value:
            return value
        try:
            template = self.env.from_string(value)
            context = {
                "target": self.target.as_context(),
                "env_var": self._env_var,
                "var": lambda name, default=None: self.vars_for(self.project.name).get(
                    name, default
                ),
            }
            return template.render(context).strip()
        except Exception:
            return value

    # ---- rendering -------------------------------------------------------------------
    def _run(
        self, session: _Session, template: jinja2.Template, package: str | None = None
    ) -> str | None:
        previous = self.session
        self.session = session
        try:
            context = template.new_context(session.context(package))
            return "".join(template.root_render_func(context))
        except Exception as exc:
            session.problems.append(self._problem(session, exc))
            return None
        finally:
            self.session = previous

    def _problem(self, session: _Session, exc: BaseException) -> RenderProblem:
        position = session.node.position
        inner = None
        for filename, line in traceback_positions(exc):
            if filename == session.node.path:
                position = Position(filename, line)
                break
            if filename.startswith(HOOK_PREFIX) and session.hook is not None:
                position = session.hook.position
                break
            if inner is None and filename and not filename.startswith(INTERNAL_PREFIX):
                inner = Position(filename, line)
        if isinstance(exc, jinja2.TemplateSyntaxError):
            if exc.filename == session.node.path:
                position = Position(session.node.path, exc.lineno or 1)
            return RenderProblem(f"Jinja syntax error: {exc.message}", position)
        if isinstance(exc, UnresolvedMacro):
            return RenderProblem(
                f"macro `{exc.name}` cannot be resolved (not in the project, its local "
                "packages or dbt; is a package missing?)",
                position,
                exc.name,
            )
        where = f" (in {inner})" if inner is not None and inner != position else ""
        if isinstance(exc, CompilerError):
            return RenderProblem(f"compilation error{where}: {exc}", position)
        return RenderProblem(f"does not render{where}: {type(exc).__name__}: {exc}", position)

    def static_config(self, node: Node) -> tuple[dict[str, Any], dict[str, int], bool]:
        """The constant `config()` arguments of a node's code, their lines, and whether
        every call was constant.

        Only the Jinja tags that call `config(` are parsed (a node's full template is
        parsed once, later, when it is compiled); when a tag cannot be cut out cleanly
        the whole template is parsed instead, with the same result."""
        calls = self._config_calls(node)
        if calls is None:
            try:
                calls = [(call, 0) for call in self.node_ast(node).find_all(jinja2.nodes.Call)]
            except jinja2.TemplateSyntaxError:
                return {}, {}, True
        values: dict[str, Any] = {}
        lines: dict[str, int] = {}
        static = True
        for call, line_offset in calls:
            if not (isinstance(call.node, jinja2.nodes.Name) and call.node.name == "config"):
                continue
            if call.dyn_args is not None or call.dyn_kwargs is not None or call.args:
                static = False
                continue
            for keyword in call.kwargs:
                try:
                    value = keyword.value.as_const()
                except jinja2.nodes.Impossible:
                    static = False
                    continue
                merge_config(values, {keyword.key: value})
                lines[
                    keyword.key.replace("_", "-")
                    if keyword.key in ("pre_hook", "post_hook")
                    else keyword.key
                ] = keyword.lineno + line_offset
        return values, lines, static

    def _config_calls(self, node: Node) -> list[tuple[jinja2.nodes.Call, int]] | None:
        """The calls in the Jinja tags of `node` that mention `config(`, each with the line
        offset of its tag; None when the tags cannot be cut out (then parse it all)."""
        code = node.raw_code
        if "config" not in code:
            return []
        if _RAW_BLOCK.search(code):
            return None
        text = _JINJA_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), code)
        calls: list[tuple[jinja2.nodes.Call, int]] = []
        done = -1
        for match in _CONFIG_CALL.finditer(text):
            if match.start() < done:
                continue
            opening = max(text.rfind("{{", 0, match.start()), text.rfind("{%", 0, match.start()))
            if opening < 0:
                continue
            closer = "}}" if text.startswith("{{", opening) else "%}"
            if text.rfind(closer, opening, match.start()) >= 0:
                continue  # the tag closed before: `config(` is plain SQL text
            offset = text.count("\n", 0, opening)
            end = text.find(closer, match.end())
            found = None
            for _attempt in range(8):
                if end < 0:
                    return None
                found = _literal_call(text[opening : end + 2]) or self._parse_calls(
                    text[opening : end + 2]
                )
                if found is not None:
                    break
                end = text.find(closer, end + 2)
            if found is None:
                return None
            calls.extend((call, offset) for call in found)
            done = end + 2
        return calls

    def _parse_calls(self, tag: str) -> list[jinja2.nodes.Call] | None:
        try:
            return list(self.env.parse(tag).find_all(jinja2.nodes.Call))
        except jinja2.TemplateSyntaxError:
            return None

    def resolve_config(
        self, node: Node
    ) -> tuple[dict[str, Any], dict[str, Position], tuple[Hook, ...], tuple[Hook, ...]]:
        config = dict(node.config)
        origins = dict(node.config_origins)
        pre, post = list(node.pre_hooks), list(node.post_hooks)
        if node.language != "sql":
            return config, origins, tuple(pre), tuple(post)
        values, lines, static = self.static_config(node)
        if not static:
            session = _Session(self, node, dict(node.config), capture=True)
            template = self._safe_template(node)
            if template is not None:
                self._run(session, template)
            values = {
                k: v
                for k, v in session.config.items()
                if k not in node.config or node.config[k] != v
            }
            for key in values:
                lines.setdefault(key, _find_line(node.raw_code, "config(") or 1)
        merge_config(config, values)
        for key in values:
            origins[key] = Position(node.path, lines.get(key, 1))
        for kind, hooks in (("pre-hook", pre), ("post-hook", post)):
            raw = values.get(kind)
            entries = raw if isinstance(raw, list) else ([raw] if raw else [])
            for entry in entries:
                sql = entry.get("sql", "") if isinstance(entry, Mapping) else str(entry)
                hooks.append(Hook(sql, kind, Position(node.path, lines.get(kind, 1))))
        return config, origins, tuple(pre), tuple(post)

    def _safe_template(self, node: Node) -> jinja2.Template | None:
        try:
            return self.node_template(node)
        except jinja2.TemplateSyntaxError:
            return None

    def node_relation(self, node: Node, config: dict[str, Any]) -> stubs.JinjaRelation:
        if node.resource_type == "snapshot" and config.get("target_schema"):
            return stubs.JinjaRelation(
                config.get("target_database"),
                str(config["target_schema"]),
                str(config.get("alias") or node.name),
            )
        session = _Session(self, node, config, capture=True)
        node_dict = self.node_dict(node, config)
        defaults = {
            "database": self.target.database,
            "schema": self.target.schema,
            "alias": node.name,
        }
        parts = []
        for macro, key in (
            ("generate_database_name", "database"),
            ("generate_schema_name", "schema"),
            ("generate_alias_name", "alias"),
        ):
            custom = config.get(key)
            if key == "schema" and custom is None and node.resource_type == "test":
                custom = "dbt_test__audit"  # dbt's default schema of stored test failures
            if custom is None and self._is_dbt_default(macro):
                parts.append(defaults[key])  # what dbt's own macro returns, without a render
                continue
            parts.append(self._call_macro(session, macro, custom, node_dict))
        self.relation_problems[node.unique_id] = session.problems
        database, schema, alias = parts
        if schema is None:
            schema = str(config.get("schema") or self.target.schema)
        if alias is None:
            alias = str(config.get("alias") or node.name)
        return stubs.JinjaRelation(database or None, schema, alias)

    def _is_dbt_default(self, name: str) -> bool:
        macro = self.context(self.project.name).get(name)
        return isinstance(macro, _Macro) and macro.file.internal

    def _call_macro(self, session: _Session, name: str, *args: Any) -> str | None:
        previous = self.session
        self.session = session
        try:
            macro = session.context().get(name)
            if not callable(macro):
                return None
            result = macro(*args)
            text = str(result).strip() if result is not None else ""
            return text or None
        except Exception as exc:
            session.problems.append(self._problem(session, exc))
            return None
        finally:
            self.session = previous

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
            session = _Session(self, node, config, incremental=incremental)
            body = self._run(session, template)
            if body is not None and not any(r.sql == body.strip() for r in rendered):
                rendered.append(RenderedSql(body.strip(), "model", node.position, incremental))
            for hook in (*hooks[0], *hooks[1]):
                hook_session = _Session(self, node, config, incremental=incremental, hook=hook)
                hook_sql = self._render_hook(hook_session, hook)
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

    def _render_hook(self, session: _Session, hook: Hook) -> str | None:
        name = f"{HOOK_PREFIX}{hook.position.path}:{hook.position.line}"
        try:
            template = self._templates.get(name + hook.sql)
            if template is None:
                template = self._compile(hook.sql, name)
                self._templates[name + hook.sql] = template
        except jinja2.TemplateSyntaxError as exc:
            session.problems.append(
                RenderProblem(f"Jinja syntax error in {hook.kind}: {exc.message}", hook.position)
            )
            return None
        sql = self._run(session, template)
        return sql.strip() if sql else None

    def check_macro_files(self) -> list[RenderProblem]:
        problems = []
        for file in self.project.macro_files:
            if file.internal:
                continue
            try:
                self.macro_template(file)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(
                    RenderProblem(
                        f"Jinja syntax error: {exc.message}", Position(file.path, exc.lineno or 1)
                    )
                )
        return problems

    # ---- the project -----------------------------------------------------------------
    def prepare(self) -> None:
        """Resolve every node's config and relation (cheap: no full template is parsed),
        so that any subset of nodes can then be rendered, in any process."""
        if self.resolved:
            return
        for node in self.project.nodes.values():
            self.resolved[node.unique_id] = self.resolve_config(node)
        for node in self.project.nodes.values():
            config = self.resolved[node.unique_id][0]
            if node.resource_type in ("model", "seed", "snapshot") or (
                node.resource_type == "test" and config.get("store_failures")
            ):
                self.relations[node.unique_id] = self.node_relation(node, config)
        relations: dict[str, str] = {}
        for unique_id, relation in self.relations.items():
            if self.project.nodes[unique_id].resource_type != "test":
                relations.setdefault(relation.render().lower(), unique_id)
        for source in self.project.sources.values():
            relations.setdefault(self.source_relation(source).render().lower(), source.unique_id)
        self.relation_map = relations

    def render_nodes(self, unique_ids: Iterable[str]) -> dict[str, RenderedNode]:
        self.prepare()
        rendered = {}
        for unique_id in unique_ids:
            node = self.project.nodes[unique_id]
            config, origins, pre, post = self.resolved[unique_id]
            rendered[unique_id] = self.render_node(
                node, config, origins, (pre, post), self.relation_problems.get(unique_id, [])
            )
        return rendered

    def stub(self, unique_id: str) -> RenderedNode:
        """A node known by its config and relation only (not rendered)."""
        self.prepare()
        config, origins, _pre, _post = self.resolved[unique_id]
        return RenderedNode(
            self.project.nodes[unique_id],
            MappingProxyType(config),
            MappingProxyType(origins),
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
            problems=(*self.check_macro_files(), *self.operation_problems),
            relations=MappingProxyType(self.relation_map),
            rendered=frozenset(nodes),
        )

    @functools.cached_property
    def usage(self) -> MacroUsage:
        return MacroUsage(self.project)

    @functools.cached_property
    def operations(self) -> tuple[RenderedSql, ...]:
        return tuple(self._operations())

    def _operations(self) -> Iterator[RenderedSql]:
        """`on-run-start`/`on-run-end` and the operations (macros no node or hook calls,
        run with `dbt run-operation`), each rendered in a project-level context."""
        dbt_project = self.project.dbt_project
        holder = self._holder("hooks", "dbt_project.yml")
        for hook in (*dbt_project.on_run_start, *dbt_project.on_run_end):
            session = _Session(
                self, holder, {}, hook=hook, relation_override=stubs.JinjaRelation(None, None, None)
            )
            sql = self._render_hook(session, hook)
            if sql:
                yield RenderedSql(sql, hook.kind, hook.position)
            yield from session.statements
        for file, name, _line in operation_macros(self.project, self.usage):
            yield from self._render_operation(file, name)

    def _holder(self, name: str, path: str) -> Node:
        return Node(
            unique_id=f"operation.{self.project.name}.{name}",
            resource_type="operation",
            name=name,
            package=self.project.name,
            path=path,
            fqn=(self.project.name, name),
            language="sql",
            raw_code="",
            config=MappingProxyType({}),
            config_origins=MappingProxyType({}),
        )

    def _render_operation(self, file: MacroFile, name: str) -> Iterator[RenderedSql]:
        """`dbt run-operation NAME`: the macro called alone, every argument without a
        default given a placeholder (statements naming one are the guard's to judge)."""
        required = self._required_arguments(file, name)
        try:
            macro = getattr(self.module(file, file.package), f"{MACRO_PREFIX}{name}", None)
        except jinja2.TemplateSyntaxError:
            return  # SQL001 reports the file
        if macro is None or required is None:
            return
        holder = self._holder(name, file.path)
        session = _Session(
            self, holder, {}, relation_override=stubs.JinjaRelation(None, None, None)
        )
        previous = self.session
        self.session = session
        try:
            macro(*(stubs.Placeholder(arg) for arg in required))
        except MacroReturn:
            pass
        except UnresolvedMacro as exc:
            self.operation_problems.append(self._problem(session, exc))
        except Exception:
            pass  # a macro refusing placeholder arguments, as it should
        finally:
            self.session = previous
        for statement in session.statements:
            if not stubs.Placeholder.named_in(statement.sql):
                yield RenderedSql(statement.sql, "operation", statement.position)

    def _required_arguments(self, file: MacroFile, name: str) -> list[str] | None:
        """The arguments of macro `name` in `file` that have no default."""
        try:
            ast = self.env.parse(file.source)
        except jinja2.TemplateSyntaxError:
            return None
        for macro in ast.find_all(jinja2.nodes.Macro):
            if macro.name == f"{MACRO_PREFIX}{name}":
                names = [arg.name for arg in macro.args]
                return names[: len(names) - len(macro.defaults)]
        return None


def _literal_call(tag: str) -> list[jinja2.nodes.Call] | None:
    """`{{ config(key=<literal>, ...) }}` read with Python's parser (a Jinja parse costs
    ten times more); None for anything else, which Jinja then parses."""
    match = _EXPRESSION_TAG.match(tag)
    if match is None:
        return None
    inner = match.group(1)
    skipped = inner[: len(inner) - len(inner.lstrip())].count("\n")
    try:
        tree = pyast.parse(inner.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not (
        isinstance(tree, pyast.Call)
        and isinstance(tree.func, pyast.Name)
        and tree.func.id == "config"
        and not tree.args
    ):
        return None
    keywords = []
    for keyword in tree.keywords:
        if keyword.arg is None:
            return None
        try:
            value = _literal(keyword.value)
        except ValueError:
            return None
        keywords.append(
            jinja2.nodes.Keyword(
                keyword.arg, jinja2.nodes.Const(value), lineno=keyword.lineno + skipped
            )
        )
    return [jinja2.nodes.Call(jinja2.nodes.Name("config", "load"), [], keywords, None, None)]


def _literal(node: pyast.expr) -> Any:
    if isinstance(node, pyast.Constant) and not isinstance(node.value, bytes):
        return node.value
    if isinstance(node, pyast.Name) and node.id in _JINJA_CONSTANTS:
        return _JINJA_CONSTANTS[node.id]
    if isinstance(node, (pyast.List, pyast.Tuple)):
        return [_literal(item) for item in node.elts]
    if isinstance(node, pyast.Dict) and None not in node.keys:
        return {
            _literal(k): _literal(v)
            for k, v in zip(node.keys, node.values, strict=True)
            if k is not None
        }
    if isinstance(node, pyast.UnaryOp) and isinstance(node.op, pyast.USub):
        value = _literal(node.operand)
        if isinstance(value, (int, float)):
            return -value
    raise ValueError("not a literal")


def _return(value: Any = None) -> None:
    raise MacroReturn(value)


def _call(kind: str, args: list[str]) -> str:
    return f"{kind}({', '.join(repr(a) for a in args)})"


def _find_line(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


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
