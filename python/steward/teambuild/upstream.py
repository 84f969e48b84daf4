"""The coordination protocol: before a team builds, check the products it reads.

Teams build on their own schedules. Before team T builds, every model of another team
that one of T's models reads (an upstream product) is checked in the run history: it must
have built successfully, recently enough, and passed its tests at its last build. The
models of T that depend on an unhealthy product are skipped (with everything downstream
of them), with a message naming the product, its team and the team's contact; the rest of
T's models build. `--ignore-upstream` builds everything and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from steward.teambuild.history import NodeState

DEFAULT_MAX_AGE = timedelta(hours=26)  # a daily producer, with two hours of slack
_PASSING_TESTS = {"pass", "warn"}


@dataclass(frozen=True)
class UpstreamProblem:
    product: str  # unique id of the upstream model
    team: str
    reason: str
    consumers: tuple[str, ...]  # the consuming team's models that read it directly

    @property
    def product_name(self) -> str:
        return self.product.split(".")[-1]


def _max_age(node: Mapping[str, Any], default: timedelta) -> timedelta:
    """The product's build SLA: meta.sla.max_build_age_hours, else `default` (its team's
    `sla.max_build_age_hours` of the layered configuration, else a daily default)."""
    meta = (node.get("config") or {}).get("meta") or node.get("meta") or {}
    sla = meta.get("sla") or {}
    hours = sla.get("max_build_age_hours")
    return timedelta(hours=float(hours)) if hours is not None else default


def upstream_products(
    manifest: Mapping[str, Any], team: str, owners: Mapping[str, str | None]
) -> dict[str, list[str]]:
    """Other teams' models read directly by `team`'s models: product -> consumers.
    `owners` is each node's team as the project model resolved it (`BuildPlan.owners`);
    the manifest says what dbt will run and what it reads."""
    nodes = manifest.get("nodes", {})
    products: dict[str, list[str]] = {}
    for node in nodes.values():
        if node.get("resource_type") != "model" or owners.get(node["unique_id"]) != team:
            continue
        for parent_id in node.get("depends_on", {}).get("nodes", []):
            parent = nodes.get(parent_id)
            if parent is None or parent.get("resource_type") != "model":
                continue
            if parent.get("config", {}).get("materialized") == "ephemeral":
                continue
            if owners.get(parent_id) != team:
                products.setdefault(parent_id, []).append(node["unique_id"])
    return products


def tests_of(manifest: Mapping[str, Any], model_id: str) -> list[str]:
    return sorted(
        unique_id
        for unique_id, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") == "test"
        and model_id in node.get("depends_on", {}).get("nodes", [])
    )


def check_upstream(
    manifest: Mapping[str, Any],
    team: str,
    states: Mapping[str, NodeState],
    now: datetime,
    owners: Mapping[str, str | None],
    max_ages: Mapping[str, timedelta] | None = None,
) -> list[UpstreamProblem]:
    """The upstream products of `team` that are not fit to build on, and why. `max_ages`
    is each producer team's default build SLA."""
    problems = []
    nodes = manifest.get("nodes", {})
    for product, consumers in sorted(upstream_products(manifest, team, owners).items()):
        node = nodes[product]
        producer = owners.get(product) or "unknown"
        state = states.get(product)
        reason = None
        if state is None:
            reason = "it has never been built in this environment"
        elif state.status != "success":
            reason = (
                f"its last build ended in {state.status} ({state.finished_at:%Y-%m-%d %H:%M} UTC)"
            )
        else:
            age = now - state.finished_at
            limit = _max_age(node, (max_ages or {}).get(producer, DEFAULT_MAX_AGE))
            if age > limit:
                reason = (
                    f"it was last built {age.total_seconds() / 3600:.1f} h ago "
                    f"({state.finished_at:%Y-%m-%d %H:%M} UTC), more than its SLA of "
                    f"{limit.total_seconds() / 3600:g} h"
                )
            else:
                failed = [
                    test.split(".")[2]
                    for test in tests_of(manifest, product)
                    if test in states and states[test].status not in _PASSING_TESTS
                ]
                if failed:
                    reason = f"its tests failed at its last build: {', '.join(failed)}"
        if reason is not None:
            problems.append(UpstreamProblem(product, producer, reason, tuple(sorted(consumers))))
    return problems


def describe(problem: UpstreamProblem, contacts: Mapping[str, str]) -> str:
    contact = contacts.get(problem.team)
    owner = f"team {problem.team}" + (f" ({contact})" if contact else "")
    readers = ", ".join(c.split(".")[-1] for c in problem.consumers)
    return (
        f"skipping {readers} and what depends on them: upstream {problem.product_name} "
        f"of {owner} is not fit to build on: {problem.reason}"
    )
