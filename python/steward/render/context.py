"""The Jinja context templates render in: dbt's builtins, the macros of every package,
and stand-ins that record what dbt would execute.

`Contexts` is the one place the context is assembled: `base` (macros and builtins, the
same for every node of a package) and `node_globals` (`config`, `this`, `ref`,
`run_query` ...). Both are built once per package; the stand-ins act on the renderer's
current session (see `session.py`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.util
import re
from collections.abc import Callable, Iterator, Mapping
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from steward.project.config import merge_config
from steward.project.model import MacroFile
from steward.render import stubs
from steward.render.columns import yml_columns
from steward.render.jinja_env import CompilerError, MacroReturn, UnresolvedMacro
from steward.render.macros import Macro, Namespace
from steward.render.refs import make_ref, make_source
from steward.render.results import PlaceholderTable, query_result
from steward.render.session import Session, node_dict

if TYPE_CHECKING:
    from steward.render.renderer import Renderer

ADAPTER_PREFIXES = ("spark__", "default__")
RUN_STARTED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
# dbt-spark's macros are loaded as dbt's own: both names reach them
INTERNAL_PACKAGES = ("dbt", "dbt_spark")
# the keys of dbt's `graph` context variable (empty here: a lint has no manifest)
GRAPH_KEYS = (
    "nodes",
    "sources",
    "exposures",
    "metrics",
    "groups",
    "semantic_models",
    "saved_queries",
    "unit_tests",
    "macros",
)
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


class _OnSession:
    """A stand-in whose every use acts on the renderer's current session."""

    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer

    @property
    def _session(self) -> Session:
        return self._renderer.current()


class Var(_OnSession):
    """`var`: the vars the current node's package sees, `--vars` over `dbt_project.yml`."""

    def __call__(self, name: str, default: Any = MacroReturn) -> Any:
        session = self._session
        values = self._renderer.contexts.vars_for(session.node.package)
        if name in values:
            value = values[name]
            if isinstance(value, str) and ("{{" in value or "{%" in value):
                # dbt renders a var's text in the caller's context (`"{{ source('a', 'b') }}"`)
                template = self._renderer.env.from_string(value)
                return template.render(session.context(session.node.package))
            return value
        if default is not MacroReturn:
            return default
        raise CompilerError(f"required var '{name}' is not set and has no default")

    def has_var(self, name: str) -> bool:
        return name in self._renderer.contexts.vars_for(self._session.node.package)


class Config(_OnSession):
    """`config`: a call sets (in a capture render), `.get` reads the resolved config."""

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


class LazyRelation(_OnSession):
    """`this`: the node's relation, computed when first used (after `config()` ran)."""

    def _relation(self) -> stubs.JinjaRelation:
        return self._session.relation()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._relation(), name)

    def __str__(self) -> str:
        return self._relation().render()

    def __html__(self) -> str:
        return str(self)


class ModelView(_OnSession, Mapping[str, Any]):
    """`model`: the node being rendered, as dbt's dict (built once per session)."""

    def _dict(self) -> dict[str, Any]:
        session = self._session
        if session.model is None:
            session.model = node_dict(session.node, session.config)
        return session.model

    def __getitem__(self, key: str) -> Any:
        return self._dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())


class Contexts:
    """The Jinja globals of each package's templates, and its macro modules: built once,
    shared by every node."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        project = renderer.project
        self.package_macros: dict[str, dict[str, Macro]] = {}
        for file in project.macro_files:
            package = "dbt" if file.internal else file.package
            macros = self.package_macros.setdefault(package, {})
            for name, _line in file.macros:
                macros[name] = Macro(renderer, file, name, package)
        self.dispatch_order: dict[str, list[str]] = {
            str(d.get("macro_namespace")): [str(p) for p in d.get("search_order") or ()]
            for d in project.dbt_project.dispatch
        }
        # dbt's order: the adapter's own, its parent's (databricks extends spark), default
        adapter = renderer.target.type
        parents = {"databricks": "spark", "glue": "spark", "starburst": "trino"}
        parent = (f"{parents[adapter]}__",) if adapter in parents else ()
        self.adapter_prefixes = tuple(dict.fromkeys((f"{adapter}__", *parent, "default__")))
        # an adapter that is not installed here (snowflake, postgres ...) has its own
        # implementations in its plugin; where dbt-core's default only raises "not
        # implemented" (`current_timestamp`), the installed adapter's stands in
        self.unimplemented: frozenset[str] = frozenset()
        if not adapter_installed(parents.get(adapter, adapter)):
            self.unimplemented = frozenset(
                name
                for name, macro in self.package_macros.get("dbt", {}).items()
                if name.startswith("default__") and _only_raises(macro.file.source, name)
            )
        self._base: dict[str, dict[str, Any]] = {}
        self._vars: dict[str, dict[str, Any]] = {}
        self._contexts: dict[str, dict[str, Any]] = {}
        self._modules: dict[tuple[str, str], Any] = {}

    def of(self, package: str) -> dict[str, Any]:
        """The Jinja globals of templates of `package`."""
        context = self._contexts.get(package)
        if context is None:
            context = self.base(package).copy()
            context.update(self.node_globals(package))
            self._contexts[package] = context
        return context

    def module(self, file: MacroFile, package: str) -> Any:
        """A macro file instantiated once in the context of `package`."""
        key = (file.path, package)
        module = self._modules.get(key)
        if module is None:
            template = self.renderer.macro_template(file)
            module = template.make_module(vars=self.of(package))
            self._modules[key] = module
        return module

    def vars_for(self, package: str) -> dict[str, Any]:
        values = self._vars.get(package)
        if values is None:
            project = self.renderer.project
            project_vars = project.dbt_project.vars
            packages = {project.name, *(p.name for p in project.packages)}
            values = {}
            for installed in project.packages:
                if installed.name == package:
                    values.update(installed.vars)
            values.update(
                {
                    k: v
                    for k, v in project_vars.items()
                    if not isinstance(v, Mapping) or k not in packages
                }
            )
            scoped = project_vars.get(package)
            if isinstance(scoped, Mapping):
                values.update(scoped)
            values.update(self.renderer.cli_vars)
            self._vars[package] = values
        return values

    def base(self, package: str) -> dict[str, Any]:
        """Macros and builtins visible from `package` (node-independent)."""
        context = self._base.get(package)
        if context is not None:
            return context
        project, target = self.renderer.project, self.renderer.target
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
            "local_md5": lambda s: hashlib.md5(str(s).encode()).hexdigest(),
            "run_started_at": RUN_STARTED_AT,
            "invocation_id": "00000000-0000-0000-0000-000000000000",
            "dbt_version": "1.11.0",
            "project_name": project.name,
            "execute": True,
            "flags": SimpleNamespace(
                FULL_REFRESH=False,
                # a lint is `dbt compile`: macros that need the warehouse's answer hold
                # back there (`dbt_utils.union_relations` of unknown columns selects `*`)
                WHICH="compile",
                STORE_FAILURES=False,
                EMPTY=False,
                STATE_MODIFIED=False,
            ),
            "graph": {key: {} for key in GRAPH_KEYS},
            "selected_resources": [],
            "target": target.as_context(),
            "env_var": stubs.env_var,
            "diff_of_two_dicts": lambda a, b: {k: v for k, v in a.items() if k not in b},
            "diff_column_data_types": lambda a, b: [],
        }
        context.update(self.package_macros.get("dbt", {}))
        context.update(self.package_macros.get(project.name, {}))
        if package != project.name:
            context.update(self.package_macros.get(package, {}))
        for name, macros in self.package_macros.items():
            context[name] = Namespace(name, macros)
        context["dbt_spark"] = context["dbt"]
        self._base[package] = context
        return context

    def node_globals(self, package: str) -> dict[str, Any]:
        """`config`, `this`, `ref`, `run_query` ...: each acts on the current session."""
        renderer = self.renderer
        current = renderer.current
        config = Config(renderer)

        def record(sql: str, kind: str) -> None:
            current().record(sql, kind)

        def run_query(sql: Any) -> stubs.EmptyTable | PlaceholderTable:
            record(str(sql), "run_query")
            return query_result(str(sql))

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
                table = query_result(str(sql), name) if fetch_result else stubs.EmptyTable()
                current().results[name] = {
                    "response": None,
                    "data": list(table.rows),
                    "table": table,
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

        ref = make_ref(renderer)
        source = make_source(renderer)
        context: dict[str, Any] = {
            "ref": ref,
            "source": source,
            "config": config,
            "builtins": {"ref": ref, "source": source, "config": config},
            "this": LazyRelation(renderer),
            "var": Var(renderer),
            "model": ModelView(renderer),
            "is_incremental": is_incremental,
            "should_full_refresh": lambda: False,
            "run_query": run_query,
            "statement": statement,
            "noop_statement": lambda *a, **k: "",
            "load_result": load_result,
            "store_result": store_result,
            "log": lambda *a, **k: "",
            "adapter": self._adapter(record),
            "schema": renderer.target.schema,
            "database": renderer.target.database,
        }
        # a project (or package) macro called `ref`/`source` overrides the builtin
        base = self.base(package)
        for name in ("ref", "source"):
            if name in base:
                context[name] = base[name]
        return context

    def _adapter(self, record: Callable[[str, str], None]) -> stubs.Adapter:
        renderer = self.renderer
        adapter = stubs.Adapter(self.dispatch, record)
        adapter.type = lambda: renderer.target.type
        adapter.columns_of = lambda relation: yml_columns(renderer, relation)
        adapter.known = lambda relation: relation.render().lower() in renderer.relation_map
        return adapter

    def dispatch(self, macro_name: str, macro_namespace: str | None = None) -> Any:
        """`adapter.dispatch`: the first `<adapter>__`/`default__` implementation in the
        search order, the installed adapter's where dbt-core's default is not implemented
        for an adapter that is not installed."""
        if "." in macro_name:
            macro_namespace, macro_name = macro_name.split(".", 1)
        project_name = self.renderer.project.name
        if macro_namespace is None:
            search = [self.renderer.current().node.package, project_name, "dbt"]
        else:
            search = self.dispatch_order.get(macro_namespace) or [project_name, macro_namespace]
        for package in search:
            package = "dbt" if package in INTERNAL_PACKAGES else package
            macros = self.package_macros.get(package, {})
            for prefix in self.adapter_prefixes:
                macro = macros.get(f"{prefix}{macro_name}")
                if macro is not None and macro.file.internal and macro.name in self.unimplemented:
                    return macros.get(f"{INSTALLED_ADAPTER}__{macro_name}", macro)
                if macro is not None:
                    return macro
        where = f"{macro_namespace}." if macro_namespace else ""
        raise UnresolvedMacro(f"{where}{macro_name} (adapter.dispatch)")

    def is_dbt_default(self, name: str) -> bool:
        """Whether macro `name` of the root project's context is dbt's own."""
        macro = self.of(self.renderer.project.name).get(name)
        return isinstance(macro, Macro) and macro.file.internal


def _return(value: Any = None) -> None:
    raise MacroReturn(value)


INSTALLED_ADAPTER = "spark"
"""The adapter plugin installed with steward (dbt-spark), whose macros are loaded."""


@functools.cache
def adapter_installed(adapter: str) -> bool:
    """Whether dbt's plugin of `adapter` is installed (its macros are then loaded)."""
    return (
        adapter == INSTALLED_ADAPTER
        or importlib.util.find_spec(f"dbt.include.{adapter}") is not None
    )


def _only_raises(source: str, name: str) -> bool:
    """Whether macro `name` of `source` does nothing but raise "not implemented"."""
    match = re.search(
        r"\{%-?\s*macro\s+" + re.escape(name) + r"\b.*?%\}(.*?)\{%-?\s*endmacro", source, re.S
    )
    return match is not None and "raise_not_implemented" in match.group(1)
