"""The adapter: dbt-spark's, with the guarded connection manager."""

from __future__ import annotations

import re
import threading
from typing import Any, ClassVar

from dbt.adapters.base.impl import AdapterTrackingRelationInfo, ConstraintSupport, available
from dbt.adapters.base.relation import BaseRelation
from dbt.adapters.contracts.connection import AdapterResponse
from dbt.adapters.spark.impl import SparkAdapter
from dbt_common.contracts.constraints import ConstraintType
from dbt_common.exceptions import DbtRuntimeError

from dbt.adapters.steward_spark.connections import StewardSparkConnectionManager
from steward.sql.classify_text import strip_leading_comments

_READS = re.compile(r"^\s*(select|with|describe|desc|show|explain)\b", re.IGNORECASE)
"""Statements that change no relation: they leave the columns dbt asked for as they were."""
_ROW_WRITES = re.compile(r"^\s*(merge\s+into|insert\s+into)\b", re.IGNORECASE)
_EVOLVES = re.compile(r"\bschema\s+evolution\b", re.IGNORECASE)
"""A MERGE or INSERT INTO changes rows, never a table's columns, comments or properties
(Delta's schema auto-merge is off in the profile; `WITH SCHEMA EVOLUTION` says otherwise):
an incremental model's target described before its merge is still right after it, for
the comments dbt compares in persist_docs."""

_TEMPORARY_VIEW = re.compile(r"^\s*create\s+(or\s+replace\s+)?temp(orary)?\s+view\b", re.IGNORECASE)
"""A temporary view is its connection's: creating one changes nothing another thread sees
(on the session method each connection has its own SparkSession; on thrift, its own Hive
session). A global one is dropped with everything."""

_CONSTRAINT = re.compile(r"(?:^\[|,)delta\.constraints\.([^=,\[\]]+)=")
"""Where a constraint starts in `describe extended`'s `Table Properties` row:
`[delta.constraints.<name>=<expression>,<key>=<value>,...]`."""
_PROPERTY = re.compile(r",[A-Za-z0-9_.]+=")


def table_constraints(properties: str | None) -> dict[str, str]:
    """name -> expression of the Delta CHECK constraints in a `Table Properties` value.
    An expression runs to the next property (`,key=`) or the closing `]`; Delta writes
    its tokens with spaces, so a `,` inside one is never followed by a key."""
    if not properties:
        return {}
    text = properties.strip()
    found: dict[str, str] = {}
    for match in _CONSTRAINT.finditer(text):
        rest = text[match.end() :]
        end = _PROPERTY.search(rest)
        value = rest[: end.start()] if end else rest
        if value.endswith("]") and end is None:
            value = value[:-1]
        found[match.group(1).lower()] = value
    return found


class StewardSparkAdapter(SparkAdapter):
    ConnectionManager = StewardSparkConnectionManager  # type: ignore[assignment]

    # steward makes both Delta CHECK constraints (macros/constraints/delta_constraints.sql)
    CONSTRAINT_SUPPORT: ClassVar[dict[ConstraintType, ConstraintSupport]] = {
        **SparkAdapter.CONSTRAINT_SUPPORT,
        ConstraintType.check: ConstraintSupport.ENFORCED,
        ConstraintType.not_null: ConstraintSupport.ENFORCED,
    }

    def __init__(self, config: Any, mp_context: Any) -> None:
        super().__init__(config, mp_context)
        self._run_cache: dict[str, Any] = {}
        self._columns: dict[tuple[int, str], list[Any]] = {}
        self._described: dict[tuple[int, str], list[tuple[str, str, str | None]]] = {}
        self._columns_lock = threading.Lock()

    def get_columns_in_relation(self, relation: BaseRelation) -> list[Any]:
        """dbt-spark's `describe extended`, asked once until a statement may change a
        relation: an incremental model asks for its target's columns twice before its
        merge (the schema-change check and the merge's column list) and again after it
        (persist_docs' comments). Kept per thread (a temporary view's name is its
        connection's) and dropped on any statement that may change a relation (all but
        reads and row writes, `_keeps_relations`): by any thread, but a temporary view
        only its own thread's."""
        key = _key(relation)
        with self._columns_lock:
            found = self._columns.get(key)
        if found is not None:
            return list(found)
        columns = super().get_columns_in_relation(relation)
        with self._columns_lock:
            self._columns[key] = list(columns)
        return columns

    def parse_describe_extended(self, relation: BaseRelation, raw_rows: Any) -> list[Any]:
        """dbt-spark's parse, keeping the rows of the same describe: each column's comment
        and the table's properties, which dbt-spark's columns leave out."""
        described = [(str(row[0] or ""), str(row[1] or ""), row[2]) for row in raw_rows]
        with self._columns_lock:
            self._described[_key(relation)] = described
        return super().parse_describe_extended(relation, raw_rows)  # type: ignore[no-any-return]

    @available
    def steward_described_rows(self, relation: BaseRelation) -> list[tuple[str, str, str | None]]:
        """The rows of the relation's `describe extended` (name, type, comment), from the
        describe dbt makes of it anyway: persist_docs compares the comments after a merge
        with the description without describing the table again."""
        self.get_columns_in_relation(relation)
        with self._columns_lock:
            return list(self._described.get(_key(relation), ()))

    @available
    def steward_table_constraints(self, relation: BaseRelation) -> dict[str, str]:
        """name -> expression of the table's Delta CHECK constraints, from the describe
        dbt makes of it anyway (an incremental model's target before its merge)."""
        properties = next(
            (
                value
                for name, value, _ in self.steward_described_rows(relation)
                if name.strip() == "Table Properties"
            ),
            None,
        )
        return table_constraints(properties)

    def execute(
        self, sql: str, auto_begin: bool = False, fetch: bool = False, limit: int | None = None
    ) -> Any:
        text = strip_leading_comments(sql)
        if not _keeps_relations(text):
            thread = threading.get_ident() if _TEMPORARY_VIEW.match(text) else None
            with self._columns_lock:
                for cache in (self._columns, self._described):
                    for key in [k for k in cache if thread is None or k[0] == thread]:
                        del cache[key]
        return super().execute(sql, auto_begin=auto_begin, fetch=fetch, limit=limit)

    @available
    def steward_run_cache(self) -> dict[str, Any]:
        """Values a macro computes once per dbt invocation and reads again: a model's
        window start is asked for by its compiled SQL (input filter, twice in most models)
        and by its merge (target pruning), one query instead of three. dbt makes a new
        adapter for each invocation, so nothing outlives it; macros key their entries by
        `invocation_id` as well."""
        return self._run_cache

    @classmethod
    def get_adapter_run_info(cls, config: Any) -> AdapterTrackingRelationInfo:
        # dbt derives the module from the class name ("stewardspark"); ours has a `_`
        from dbt.adapters.__about__ import version as base_version

        from dbt.adapters.steward_spark.__version__ import version

        return AdapterTrackingRelationInfo(  # type: ignore[abstract]
            adapter_name="steward_spark",
            base_adapter_version=base_version,
            adapter_version=version,
            model_adapter_details=cls._get_adapter_specific_run_info(config),
        )

    def submit_python_job(self, parsed_model: dict, compiled_code: str) -> AdapterResponse:
        # A Python model writes through the DataFrame API, which the guard never sees.
        raise DbtRuntimeError(
            f"steward refused the Python model {parsed_model.get('unique_id')} (rule WRT001): "
            "it writes through the DataFrame API, not SQL statements, so steward cannot check "
            "where its data lands. Instead: write the model in SQL."
        )


def _key(relation: BaseRelation) -> tuple[int, str]:
    """Per thread (a temporary view's name is its connection's) and relation."""
    return (threading.get_ident(), relation.render().lower())


def _keeps_relations(sql: str) -> bool:
    """The statement leaves every relation's columns and properties as they were."""
    if _READS.match(sql):
        return True
    return bool(_ROW_WRITES.match(sql)) and not _EVOLVES.search(sql)
