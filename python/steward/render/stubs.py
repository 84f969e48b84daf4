"""Safe stand-ins for what dbt gives a model at run time: relations, query results,
the adapter, `exceptions`, `modules`, `api`. Nothing here touches a warehouse."""

from __future__ import annotations

import datetime
import itertools
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, ClassVar

from steward.render.jinja_env import CompilerError


@dataclass(frozen=True)
class JinjaRelation:
    """A dbt relation as models see it: `{{ this }}`, `ref()`, `source()`."""

    database: str | None
    schema: str | None
    identifier: str | None
    type: str | None = None

    def render(self) -> str:
        return ".".join(p for p in (self.database, self.schema, self.identifier) if p)

    def __str__(self) -> str:
        return self.render()

    def __html__(self) -> str:
        return self.render()

    @property
    def name(self) -> str | None:
        return self.identifier

    @property
    def table(self) -> str | None:
        return self.identifier

    @property
    def path(self) -> SimpleNamespace:
        return SimpleNamespace(
            database=self.database, schema=self.schema, identifier=self.identifier
        )

    @property
    def is_table(self) -> bool:
        return self.type == "table"

    @property
    def is_view(self) -> bool:
        return self.type == "view"

    @property
    def is_cte(self) -> bool:
        return False

    def include(
        self, database: bool = True, schema: bool = True, identifier: bool = True
    ) -> JinjaRelation:
        return JinjaRelation(
            self.database if database else None,
            self.schema if schema else None,
            self.identifier if identifier else None,
            self.type,
        )

    def incorporate(
        self, path: dict[str, Any] | None = None, type: str | None = None, **_: Any
    ) -> JinjaRelation:
        path = path or {}
        return JinjaRelation(
            path.get("database", self.database),
            path.get("schema", self.schema),
            path.get("identifier", self.identifier),
            type or self.type,
        )

    def quote(self, *_: Any, **__: Any) -> JinjaRelation:
        return self

    def get(self, key: str, default: Any = None) -> Any:
        """dbt's relations are mappings: `dbt_utils._is_relation` reads `metadata.type`."""
        if key == "metadata":
            return {"type": "SparkRelation"}
        return self.path.__dict__.get(key, default)

    def without_identifier(self) -> JinjaRelation:
        return self.include(identifier=False)

    @classmethod
    def create(
        cls,
        database: str | None = None,
        schema: str | None = None,
        identifier: str | None = None,
        type: str | None = None,
        **_: Any,
    ) -> JinjaRelation:
        return cls(database, schema, identifier, type)


Mapping.register(JinjaRelation)


class EmptyColumn(list):  # type: ignore[type-arg]
    def values(self) -> list[Any]:
        return []


class _Columns:
    def __getitem__(self, key: Any) -> EmptyColumn:
        return EmptyColumn()

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def values(self) -> list[Any]:
        return []

    def keys(self) -> list[Any]:
        return []


class EmptyTable:
    """What `run_query` returns in a lint: a table with no rows and no columns."""

    rows: tuple[Any, ...] = ()
    column_names: tuple[str, ...] = ()
    column_types: tuple[Any, ...] = ()

    @property
    def columns(self) -> _Columns:
        return _Columns()

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __getitem__(self, key: Any) -> Any:
        return EmptyColumn()

    def __bool__(self) -> bool:
        return False

    def print_table(self, *_: Any, **__: Any) -> str:
        return ""

    def where(self, *_: Any, **__: Any) -> EmptyTable:
        return self

    def select(self, *_: Any, **__: Any) -> EmptyTable:
        return self


class Nothing:
    """The result of an adapter method we do not model: falsy, empty, callable."""

    def __call__(self, *args: Any, **kwargs: Any) -> Nothing:
        return self

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __bool__(self) -> bool:
        return False

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __str__(self) -> str:
        return ""

    def __len__(self) -> int:
        return 0


class Adapter:
    """`adapter`: dispatch and the harmless calls answer; `execute` is recorded."""

    def __init__(self, dispatch: Callable[..., Any], record: Callable[[str, str], None]) -> None:
        self._dispatch = dispatch
        self._record = record
        self.type = lambda: "spark"
        # the columns the project's yml gives a relation (`dbt_utils.star` reads them)
        self.columns_of: Callable[[Any], tuple[Any, ...]] = lambda _relation: ()
        # whether a relation is one of the project's (it exists once the project is built)
        self.known: Callable[[JinjaRelation], bool] = lambda _relation: False

    def dispatch(
        self, macro_name: str, macro_namespace: str | None = None, packages: Any = None
    ) -> Any:
        return self._dispatch(macro_name, macro_namespace)

    def execute(
        self, sql: str, auto_begin: bool = False, fetch: bool = False, limit: Any = None
    ) -> tuple[Any, EmptyTable]:
        self._record(str(sql), "adapter.execute")
        return SimpleNamespace(code="OK", rows_affected=0, _message="OK"), EmptyTable()

    def quote(self, identifier: str) -> str:
        from steward.render.columns import quote

        return quote(identifier)

    def quote_as_configured(self, identifier: str, *_: Any) -> str:
        return str(identifier)

    def get_relation(
        self,
        database: str | None = None,
        schema: str | None = None,
        identifier: str | None = None,
        *_: Any,
        **__: Any,
    ) -> JinjaRelation | None:
        """The relation of a model, seed, snapshot or source of the project (a lint
        takes the project as built), else None, as for a relation that does not exist."""
        relation = JinjaRelation(database or None, schema, identifier)
        return relation if identifier and self.known(relation) else None

    def load_relation(self, relation: Any = None, *_: Any, **__: Any) -> JinjaRelation | None:
        if relation is None:
            return None
        return self.get_relation(
            getattr(relation, "database", None),
            getattr(relation, "schema", None),
            getattr(relation, "identifier", None),
        )

    def get_columns_in_relation(self, relation: Any = None, *_: Any, **__: Any) -> list[Any]:
        return list(self.columns_of(relation)) if relation is not None else []

    def list_relations(self, *_: Any, **__: Any) -> list[Any]:
        return []

    def check_schema_exists(self, *_: Any, **__: Any) -> bool:
        return False

    def already_exists(self, *_: Any, **__: Any) -> bool:
        return False

    def get_missing_columns(self, *_: Any, **__: Any) -> list[Any]:
        return []

    def create_schema(self, relation: Any) -> None:
        self._record(f"CREATE SCHEMA IF NOT EXISTS {relation.schema}", "adapter.create_schema")

    def drop_schema(self, relation: Any) -> None:
        self._record(f"DROP SCHEMA IF EXISTS {relation.schema} CASCADE", "adapter.drop_schema")

    def drop_relation(self, relation: Any) -> None:
        self._record(f"DROP TABLE IF EXISTS {relation}", "adapter.drop_relation")

    def truncate_relation(self, relation: Any) -> None:
        self._record(f"TRUNCATE TABLE {relation}", "adapter.truncate_relation")

    def rename_relation(self, from_relation: Any, to_relation: Any) -> None:
        self._record(
            f"ALTER TABLE {from_relation} RENAME TO {to_relation}", "adapter.rename_relation"
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return Nothing()


def raise_compiler_error(message: str = "", *_: Any) -> None:
    raise CompilerError(str(message))


def _warn(*_: Any, **__: Any) -> str:
    return ""


EXCEPTIONS = SimpleNamespace(
    raise_compiler_error=raise_compiler_error,
    warn=_warn,
    raise_not_implemented=raise_compiler_error,
    raise_fail_fast_error=raise_compiler_error,
    raise_contract_error=raise_compiler_error,
    column_type_missing=raise_compiler_error,
    missing_materialization=raise_compiler_error,
    raise_database_error=raise_compiler_error,
    raise_dependency_error=raise_compiler_error,
)


def _modules() -> SimpleNamespace:
    try:
        import pytz  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover
        pytz = None
    return SimpleNamespace(datetime=datetime, pytz=pytz, re=re, itertools=itertools)


MODULES = _modules()


class _Column(SimpleNamespace):
    TYPE_LABELS: ClassVar[dict[str, str]] = {
        "STRING": "string",
        "TIMESTAMP": "timestamp",
        "FLOAT": "double",
        "INTEGER": "int",
        "BOOLEAN": "boolean",
    }

    @classmethod
    def translate_type(cls, dtype: str) -> str:
        return cls.TYPE_LABELS.get(str(dtype).upper(), str(dtype))

    @classmethod
    def string_type(cls, size: int | None = None) -> str:
        return "string"

    @classmethod
    def numeric_type(cls, dtype: str, precision: Any = None, scale: Any = None) -> str:
        return f"{dtype}({precision},{scale})" if precision is not None else str(dtype)

    @classmethod
    def create(cls, name: str, label_or_dtype: str) -> _Column:
        return cls(name=name, dtype=label_or_dtype, data_type=label_or_dtype, quoted=f"`{name}`")


API = SimpleNamespace(Relation=JinjaRelation, Column=_Column)


def tojson(value: Any, sort_keys: bool = False) -> str:
    try:
        return json.dumps(value, sort_keys=sort_keys, default=str)
    except (TypeError, ValueError):
        return ""


def fromjson(value: str, default: Any = None) -> Any:
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return default


def toyaml(value: Any, *_: Any) -> str:
    import yaml

    return yaml.safe_dump(value)


def fromyaml(value: str, default: Any = None) -> Any:
    import yaml

    try:
        return yaml.safe_load(value)
    except yaml.YAMLError:
        return default


def env_var(name: str, default: Any = None) -> Any:
    """`env_var()`: its default when one is given, else the environment's value."""
    if default is not None:
        return default
    if name in os.environ:
        return os.environ[name]
    raise CompilerError(f"env var `{name}` is not set and has no default")


class Placeholder:
    """An argument of a macro run alone (`dbt run-operation NAME`): it renders as a marked
    name, so a statement built from it is known to depend on the caller's arguments."""

    MARK = "__steward_arg_"

    def __init__(self, name: str) -> None:
        self._name = name

    @classmethod
    def named_in(cls, text: str) -> bool:
        return cls.MARK in text

    def __str__(self) -> str:
        return f"{self.MARK}{self._name}__"

    def __html__(self) -> str:
        return str(self)

    def __getattr__(self, name: str) -> Placeholder:
        if name.startswith("__"):
            raise AttributeError(name)
        return Placeholder(f"{self._name}_{name}")

    def __getitem__(self, key: Any) -> Placeholder:
        return Placeholder(f"{self._name}_{key}")

    def __call__(self, *args: Any, **kwargs: Any) -> Placeholder:
        return self

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __bool__(self) -> bool:
        return True

    def __int__(self) -> int:
        return 0

    def __float__(self) -> float:
        return 0.0

    def __add__(self, other: Any) -> str:
        return f"{self}{other}"

    def __radd__(self, other: Any) -> str:
        return f"{other}{self}"
