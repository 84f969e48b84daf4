"""`steward health` end to end: gather each product's facts from the ops tables, the
manifest, the contracts, the configuration and `steward audit`; judge them
(`steward.ops.health`); record the result and raise alerts (`steward.ops.alerts`)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from steward.ops import anomaly, tables
from steward.ops.alerts import Alert, raise_alerts
from steward.ops.health import ProductFacts, ProductHealth, evaluate_all
from steward.ops.inputs import Provenance, provenance, require_history
from steward.ops.progress import steps
from steward.ops.sql import from_micros, literal
from steward.ops.store import OpsStore
from steward.teambuild.context import RunContext


@dataclass(frozen=True)
class HealthReport:
    checked_at: dt.datetime
    provenance: Provenance
    products: tuple[ProductHealth, ...]
    alerts: tuple[Alert, ...]
    audited: bool

    @property
    def healthy(self) -> bool:
        return all(p.healthy for p in self.products)


def _public_models(manifest: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {
        uid: node
        for uid, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") == "model"
        and (node.get("access") or (node.get("config") or {}).get("access")) == "public"
    }


def _sla(node: Mapping[str, Any], contract: Any, team_default: float | None) -> tuple[float, str]:
    if contract is not None and contract.freshness is not None:
        minutes = contract.freshness.max_age_minutes
        if minutes is not None:
            return minutes / 60, f"contract {contract.path}"
    meta = (node.get("config") or {}).get("meta") or node.get("meta") or {}
    hours = (meta.get("sla") or {}).get("freshness_hours")
    if hours is not None:
        return float(hours), "meta.sla.freshness_hours"
    return float(team_default or 30), "sla.freshness_hours of platform/config/"


def _in(ids: list[str]) -> str:
    return ", ".join(literal(i, "string") for i in ids) or "''"


def _last_success(store: OpsStore, ids: list[str]) -> dict[str, dt.datetime]:
    rows = store.query(
        "SELECT unique_id, unix_micros(max(finished_at)) AS at FROM {ops}.node_results "
        f"WHERE status = 'success' AND unique_id IN ({_in(ids)}) GROUP BY unique_id"
    )
    found = {}
    for row in rows:
        at = from_micros(row["at"])
        if at is not None:
            found[str(row["unique_id"])] = at
    return found


def _loads(store: OpsStore, ids: list[str]) -> dict[str, list[float]]:
    """Rows written by each successful build of each product, oldest first."""
    rows = store.query(
        "SELECT unique_id, records_written FROM {ops}.node_results WHERE status = 'success' "
        f"AND records_written IS NOT NULL AND unique_id IN ({_in(ids)}) ORDER BY finished_at"
    )
    loads: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        loads[str(row["unique_id"])].append(float(row["records_written"]))
    return loads


def _foreign_writes(context: RunContext, registry: Any) -> dict[str, list[str]]:
    """table -> what `steward audit` found wrong with its commits."""
    from steward.audit import collect_history, governed_schemas, judge

    env = str(context.env)
    owners = governed_schemas(registry, env)
    commits, seen = collect_history(context, owners)
    report = judge(commits, owners, env, seen)
    found: dict[str, list[str]] = defaultdict(list)
    for finding in report.findings:
        found[finding.table.lower()].append(f"version {finding.version}: {finding.problem}")
    return found


def check_health(
    context: RunContext, now: dt.datetime | None = None, audit: bool = True
) -> HealthReport:
    from steward.config import config_env, resolve_for
    from steward.teambuild import history
    from steward.teambuild.order import BuildPlan
    from steward.teambuild.runner import parse_manifest
    from steward.teambuild.settings import prepare

    plan = BuildPlan.load(context.project_dir)
    context = prepare(context, plan, [])
    project = plan.project
    config = project.platform_config
    now = now or dt.datetime.now(dt.timezone.utc)
    with steps("steward health", 6 if audit else 5) as step:
        step("reading the run history")
        store = OpsStore.open(context)
        found = provenance(store, None, None)
        require_history(found, f"environment {context.env}")
        step("reading the project (dbt parse)")
        manifest = parse_manifest(context)
        public = _public_models(manifest)
        ids = sorted(public)
        step("reading the products' builds and tests")
        states = history.load_states(context)
        successes = _last_success(store, ids)
        loads = _loads(store, ids)
        foreign: dict[str, list[str]] = {}
        if audit:
            step("auditing the tables' commits (steward audit)")
            foreign = _foreign_writes(context, project.registry)
        step("judging")
        contracts = {c.model: c for c in project.contracts or ()}
        facts = []
        for uid, node in public.items():
            team = str(plan.owners.get(uid) or node.get("group") or "unknown")
            team_default = None
            change_pct = 50.0
            if config is not None:
                resolved = resolve_for(
                    config, project.registry, team, config_env(str(context.env), config)
                )
                team_default = resolved.value("sla.freshness_hours")
                change_pct = float(resolved.value("anomaly.row_count_change_pct") or 50)
            hours, source = _sla(node, contracts.get(node["name"]), team_default)
            series = loads.get(uid, [])
            judged = anomaly.judge(series[:-1], series[-1], change_pct) if series else None
            relation = str(node.get("relation_name") or "").replace("`", "").lower()
            tests = {
                t: states[t].status
                for t, n in manifest.get("nodes", {}).items()
                if n.get("resource_type") == "test"
                and uid in (n.get("depends_on") or {}).get("nodes", [])
                and t in states
            }
            state = states.get(uid)
            facts.append(
                ProductFacts(
                    uid,
                    team,
                    hours,
                    source,
                    state.status if state else None,
                    successes.get(uid),
                    tests,
                    judged,
                    tuple(foreign.get(relation, ())),
                )
            )
        products = evaluate_all(facts, now)
        step("recording the result and raising alerts")
        check_id = str(uuid.uuid4())
        store.write(
            tables.HEALTH,
            [
                {
                    "check_id": check_id,
                    "checked_at": now,
                    "product": p.facts.unique_id,
                    "team": p.facts.team,
                    "healthy": p.healthy,
                    "details": json.dumps(p.as_dict()),
                }
                for p in products
            ],
        )
        alerts = raise_alerts(store, project, str(context.env), check_id, products, now)
    return HealthReport(now, found, tuple(products), tuple(alerts), audit)
