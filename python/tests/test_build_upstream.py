"""The coordination protocol's decisions: which upstream products are fit to build on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from steward.teambuild.history import NodeState
from steward.teambuild.upstream import check_upstream, describe, upstream_products

NOW = datetime(2026, 3, 30, 6, 0, tzinfo=timezone.utc)


def model(name: str, team: str, parents: tuple[str, ...] = (), **config: Any) -> dict[str, Any]:
    return {
        "unique_id": f"model.p.{name}",
        "resource_type": "model",
        "group": team,
        "fqn": ["p", "gold", team, name],
        "config": {"materialized": "incremental", **config},
        "depends_on": {"nodes": [f"model.p.{p}" for p in parents]},
    }


def data_test(name: str, on: str) -> dict[str, Any]:
    return {
        "unique_id": f"test.p.{name}.abc",
        "resource_type": "test",
        "depends_on": {"nodes": [f"model.p.{on}"]},
    }


MANIFEST = {
    "nodes": {
        node["unique_id"]: node
        for node in (
            model("readings", "platform"),
            model("tariffs", "platform", meta={"sla": {"max_build_age_hours": 2}}),
            model("parsed", "platform", materialized="ephemeral"),
            model("daily", "analytics", ("readings",)),
            model("billing", "analytics", ("readings", "tariffs")),
            model("billing_summary", "analytics", ("billing",)),
            data_test("unique_tariffs", "tariffs"),
        )
    }
}
OWNERS = {uid: node.get("group") for uid, node in MANIFEST["nodes"].items()}


def state(unique_id: str, status: str, hours_ago: float = 1) -> NodeState:
    return NodeState(unique_id, status, NOW - timedelta(hours=hours_ago))


def healthy() -> dict[str, NodeState]:
    return {
        s.unique_id: s
        for s in (
            state("model.p.readings", "success"),
            state("model.p.tariffs", "success"),
            state("test.p.unique_tariffs.abc", "pass"),
        )
    }


def test_upstream_products_are_other_teams_models_read_directly() -> None:
    assert upstream_products(MANIFEST, "analytics", OWNERS) == {
        "model.p.readings": ["model.p.daily", "model.p.billing"],
        "model.p.tariffs": ["model.p.billing"],
    }
    assert upstream_products(MANIFEST, "platform", OWNERS) == {}


def test_healthy_upstream_builds_everything() -> None:
    assert check_upstream(MANIFEST, "analytics", healthy(), NOW, OWNERS) == []


def test_failed_upstream_test_skips_only_its_readers() -> None:
    states = healthy() | {"test.p.unique_tariffs.abc": state("test.p.unique_tariffs.abc", "fail")}
    [problem] = check_upstream(MANIFEST, "analytics", states, NOW, OWNERS)
    assert problem.product == "model.p.tariffs" and problem.team == "platform"
    assert problem.consumers == ("model.p.billing",)
    assert "tests failed at its last build: unique_tariffs" in problem.reason
    line = describe(problem, {"platform": "data-platform@gridunion.example, #data-platform"})
    assert line.startswith("skipping billing and what depends on them: upstream tariffs")
    assert "team platform (data-platform@gridunion.example, #data-platform)" in line


def test_stale_upstream_beyond_its_sla() -> None:
    states = healthy() | {"model.p.tariffs": state("model.p.tariffs", "success", hours_ago=3)}
    [problem] = check_upstream(MANIFEST, "analytics", states, NOW, OWNERS)
    assert "last built 3.0 h ago" in problem.reason and "SLA of 2 h" in problem.reason
    # the default SLA is a day and two hours
    states = healthy() | {"model.p.readings": state("model.p.readings", "success", hours_ago=25)}
    assert check_upstream(MANIFEST, "analytics", states, NOW, OWNERS) == []


def test_failed_and_never_built_upstream() -> None:
    states = healthy() | {"model.p.readings": state("model.p.readings", "error")}
    del states["model.p.tariffs"]
    problems = {
        p.product: p.reason for p in check_upstream(MANIFEST, "analytics", states, NOW, OWNERS)
    }
    assert problems["model.p.readings"].startswith("its last build ended in error")
    assert problems["model.p.tariffs"] == "it has never been built in this environment"
