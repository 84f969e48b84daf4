"""What the reports read: the ops tables of an environment, dbt's manifest and the layered
configuration, turned into the typed inputs of `steward.ops.cost` and
`steward.ops.health`. Missing input is one `OpsInputError` saying what is missing and
how to get it (exit 2)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from steward.errors import UserError
from steward.ops import tables
from steward.ops.cost import Product, Rates, StorageSample, Usage
from steward.ops.sql import from_micros, literal
from steward.ops.store import OpsStore

TABLE_KINDS = ("table", "incremental", "snapshot", "seed")


class OpsInputError(UserError):
    """The history, the event log or a setting a report needs is not there."""


@dataclass(frozen=True)
class Provenance:
    """Where a report's data came from, and the time range it covers."""

    source: str
    since: dt.datetime | None
    until: dt.datetime | None
    invocations: int

    def line(self) -> str:
        when = (
            f"{self.since:%Y-%m-%d %H:%M} to {self.until:%Y-%m-%d %H:%M} UTC"
            if self.since and self.until
            else "no builds"
        )
        return f"data: {self.source}; {self.invocations} build(s), {when}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "invocations": self.invocations,
        }


def _ts(day: dt.date) -> str:
    return literal(dt.datetime.combine(day, dt.time(), dt.timezone.utc), "timestamp")


def provenance(store: OpsStore, since: dt.date | None, until: dt.date | None) -> Provenance:
    where = []
    if since is not None:
        where.append(f"started_at >= {_ts(since)}")
    if until is not None:
        where.append(f"started_at < {_ts(until)}")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    found = store.query(
        "SELECT count(*) AS n, unix_micros(min(started_at)) AS first, "
        f"unix_micros(max(finished_at)) AS last FROM {{ops}}.invocations{clause}"
    )
    row = found[0] if found else {"n": 0, "first": None, "last": None}
    return Provenance(
        store.where, from_micros(row["first"]), from_micros(row["last"]), int(row["n"])
    )


def require_history(found: Provenance, what: str) -> None:
    if found.invocations == 0:
        raise OpsInputError(
            f"no run history for {what} in {found.source}: run `steward build --team T` "
            "(on this target and environment) first, or widen --since/--until"
        )


def usage(store: OpsStore, since: dt.date, until: dt.date) -> list[Usage]:
    rows = store.query(
        "SELECT team, unique_id, unix_micros(finished_at) AS finished, executor_run_time_ms, "
        "bytes_read FROM {ops}.node_results WHERE tasks IS NOT NULL "
        f"AND finished_at >= {_ts(since)} AND finished_at < {_ts(until)}"
    )
    found = []
    for row in rows:
        finished = from_micros(row["finished"])
        assert finished is not None
        found.append(
            Usage(
                finished.date(),
                str(row["team"]),
                str(row["unique_id"]),
                int(row["executor_run_time_ms"] or 0),
                int(row["bytes_read"] or 0),
            )
        )
    return found


def storage_samples(store: OpsStore, until: dt.date) -> list[StorageSample]:
    rows = store.query(
        "SELECT team, unique_id, unix_micros(measured_at) AS measured, size_bytes "
        f"FROM {{ops}}.table_storage WHERE measured_at < {_ts(until)}"
    )
    samples = []
    for row in rows:
        measured = from_micros(row["measured"])
        assert measured is not None
        samples.append(
            StorageSample(measured, str(row["team"]), str(row["unique_id"]), int(row["size_bytes"]))
        )
    return samples


def measure_storage(
    store: OpsStore, manifest: Mapping[str, Any], owners: Mapping[str, str | None]
) -> int:
    """DESCRIBE DETAIL of every table the project's models keep (that exists), stored as
    one measurement in table_storage; returns the number of tables measured."""
    wanted: dict[str, tuple[str, str]] = {}
    for node in manifest.get("nodes", {}).values():
        materialized = (node.get("config") or {}).get("materialized")
        relation = node.get("relation_name")
        owner = owners.get(node["unique_id"])
        kind = node.get("resource_type")
        is_table = kind in ("model", "seed", "snapshot") and materialized in TABLE_KINDS
        if is_table and relation and owner:
            wanted[relation.replace("`", "").lower()] = (node["unique_id"], str(owner))
    by_schema: dict[str, set[str]] = defaultdict(set)
    for relation in wanted:
        schema, _, name = relation.rpartition(".")
        by_schema[schema].add(name)
    now = dt.datetime.now(dt.timezone.utc)
    measurement = str(uuid.uuid4())
    rows = []
    for schema, names in sorted(by_schema.items()):
        if not store.query(f"SHOW SCHEMAS LIKE '{schema}'"):
            continue
        present = {str(r.get("tableName")) for r in store.query(f"SHOW TABLES IN {schema}")}
        for name in sorted(names & present):
            detail = store.query(f"DESCRIBE DETAIL {schema}.{name}")
            if not detail or str(detail[0].get("format", "")).lower() != "delta":
                continue
            unique_id, team = wanted[f"{schema}.{name}"]
            rows.append(
                {
                    "measurement_id": measurement,
                    "team": team,
                    "unique_id": unique_id,
                    "relation": f"{schema}.{name}",
                    "measured_at": now,
                    "size_bytes": detail[0].get("sizeInBytes"),
                    "num_files": detail[0].get("numFiles"),
                }
            )
    store.write(tables.TABLE_STORAGE, rows)
    return len(rows)


def products(manifest: Mapping[str, Any], owners: Mapping[str, str | None]) -> dict[str, Product]:
    """Every model another team's model reads, with its readers per team."""
    readers: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    nodes = manifest.get("nodes", {})
    for node in nodes.values():
        if node.get("resource_type") != "model":
            continue
        for parent in (node.get("depends_on") or {}).get("nodes") or []:
            producer, reader = owners.get(parent), owners.get(node["unique_id"])
            if parent in nodes and producer and reader and producer != reader:
                readers[parent][reader].append(node["unique_id"])
    return {
        node: Product(
            node,
            str(owners[node]),
            {team: tuple(sorted(ids)) for team, ids in sorted(teams.items())},
        )
        for node, teams in sorted(readers.items())
    }


def rates_and_policy(project: Any, env: str) -> tuple[Rates, str]:
    """The `cost:` settings of the layered configuration (locked: one for everyone)."""
    from steward.config import config_env, resolve_for

    config = project.platform_config
    if config is None:
        raise OpsInputError(
            "no layered configuration (platform/config/defaults.yml): the cost rates "
            "`cost.rates.compute_core_hour` and `cost.rates.storage_gb_month` are set there"
        )
    resolved = resolve_for(config, project.registry, None, config_env(env, config))
    values = {
        key: resolved.value(f"cost.rates.{key}")
        for key in ("compute_core_hour", "storage_gb_month")
    }
    for key, value in values.items():
        if value is None:
            raise OpsInputError(
                f"no rate `cost.rates.{key}` in platform/config/defaults.yml: add it "
                f"(e.g. `{key}: 0.08`) to price the usage"
            )
    policy = resolved.value("cost.shared_policy") or "central"
    return (
        Rates(
            float(values["compute_core_hour"]),
            float(values["storage_gb_month"]),
            str(resolved.value("cost.currency") or "EUR"),
        ),
        str(policy),
    )
