"""`query_lineage` through the project's store: each query's lineage is kept on disk by
the hash of what it is a function of (the dialect, the rendered SQL and the columns of
the relations it reads), so a run analyses only the queries that changed since the last
one, or whose inputs' columns did. The values are `QueryLineage` as JSON; a query that
cannot be analysed is kept as its error.

Asked for `jobs` > 1, many queries to analyse at once are shared between forked worker
processes (`PARALLEL_MIN_QUERIES` or more). Measured on this shared two-core machine
(load 18), 348 queries took 9.3 s in one process and 11.7 s in two, so callers use one
unless they know better.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from steward.cache import Store, key_of
from steward.lineage.model import ColumnLineage, ColumnRef, ColumnUse, QueryLineage
from steward.lineage.query import LineageError, query_lineage
from steward.sql import dialect

KIND = "lineage"
PARALLEL_MIN_QUERIES = 64
"""Below this many queries to analyse, forking costs more than it saves."""

Schema = Mapping[str, Sequence[str]]


def query_key(sql: str, schema: Schema) -> str:
    return key_of(KIND, dialect.current(), sql, sorted((k, list(v)) for k, v in schema.items()))


def _ref(ref: ColumnRef) -> list[str]:
    return [ref.node, ref.column]


def to_json(query: QueryLineage) -> dict[str, Any]:
    return {
        "columns": [
            {
                "name": c.name,
                "sources": [_ref(r) for r in c.sources],
                "transform": c.transform,
                "expression": c.expression,
                "data_type": c.data_type,
                "resolved": c.resolved,
                "note": c.note,
                "definition": list(c.definition),
                "sql_type": c.sql_type,
            }
            for c in query.columns
        ],
        "uses": [[*_ref(u.ref), u.kind] for u in query.uses],
        "complete": query.complete,
        "problems": list(query.problems),
    }


def from_json(data: Mapping[str, Any]) -> QueryLineage:
    return QueryLineage(
        columns=tuple(
            ColumnLineage(
                name=c["name"],
                sources=tuple(ColumnRef(n, col) for n, col in c["sources"]),
                transform=c["transform"],
                expression=c["expression"],
                data_type=c["data_type"],
                resolved=c["resolved"],
                note=c["note"],
                definition=tuple(c["definition"]),
                sql_type=c["sql_type"],
            )
            for c in data["columns"]
        ),
        uses=tuple(ColumnUse(ColumnRef(n, col), kind) for n, col, kind in data["uses"]),
        complete=data["complete"],
        problems=tuple(data["problems"]),
    )


class QueryFailed(Exception):
    """The analysis crashed (a bug in sqlglot or steward): `Type: message`."""


Result = QueryLineage | LineageError | QueryFailed


def _computed(task: tuple[str, Schema]) -> dict[str, Any]:
    sql, schema = task
    try:
        return to_json(query_lineage(sql, schema))
    except LineageError as exc:
        return {"error": str(exc)}
    except Exception as exc:  # must not stop the other queries
        return {"failed": f"{type(exc).__name__}: {exc}"}


def _result(data: Mapping[str, Any]) -> Result:
    if "error" in data:
        return LineageError(str(data["error"]))
    if "failed" in data:
        return QueryFailed(str(data["failed"]))
    return from_json(data)


def query_lineages(
    tasks: Sequence[tuple[str, Schema]], store: Store, jobs: int = 1
) -> list[Result]:
    """The lineage (or the error) of each (sql, schema), from `store` when it has it;
    the others are analysed (in `jobs` processes when there are many) and stored."""
    keys = [query_key(sql, schema) for sql, schema in tasks]
    found: list[Mapping[str, Any] | None] = [store.get(KIND, key) for key in keys]
    missing = [i for i, value in enumerate(found) if value is None]
    computed = _compute([tasks[i] for i in missing], jobs)
    for i, value in zip(missing, computed, strict=True):
        if "failed" not in value:  # a crash is not a result to keep
            store.put(KIND, keys[i], value)
        found[i] = value
    return [_result(value) for value in found if value is not None]


def _compute(tasks: list[tuple[str, Schema]], jobs: int) -> Iterable[dict[str, Any]]:
    forks = "fork" in multiprocessing.get_all_start_methods()
    if jobs > 1 and len(tasks) >= PARALLEL_MIN_QUERIES and forks:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return pool.map(_computed, tasks, chunksize=max(1, len(tasks) // (jobs * 4)))
    return [_computed(task) for task in tasks]


__all__ = ["QueryFailed", "from_json", "query_key", "query_lineages", "to_json"]
