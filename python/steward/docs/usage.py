"""How to use a model: the `ref()` to write, its relation in each environment and a first
Spark SQL query (filtering on the partition column, so Spark reads only recent
partitions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from steward.project.model import Node, Registry
from steward.project.namespaces import PROD, env_prefix

ENVIRONMENTS = ("prod", "staging", "dev")
RECENT_DAYS = 7


@dataclass(frozen=True)
class Usage:
    ref: str
    relations: tuple[tuple[str, str], ...]
    """(environment, relation), production first."""
    query: str
    partition_column: str | None = None


def partition_column(config: Mapping[str, Any]) -> str | None:
    """The first partition column of a model's config (`partition_by`), if any."""
    value = config.get("partition_by")
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, Sequence) and value and isinstance(value[0], str):
        return value[0]
    if isinstance(value, Mapping) and isinstance(value.get("field"), str):
        return str(value["field"])
    return None


def ref_call(node: Node) -> str:
    if node.version is not None:
        return f"{{{{ ref('{node.dbt_name}', v={node.version}) }}}}"
    return f"{{{{ ref('{node.dbt_name}') }}}}"


def relation_in(relation: str, node: Node, registry: Registry | None, env: str) -> str:
    """The production `relation` of `node` as environment `env` names it: the team's
    namespace of the node's layer in `env` (`Registry.namespaces`), the same table."""
    table = relation.split(".")[-1]
    if registry is not None and node.team and node.layer:
        team = registry.team(node.team)
        if team is not None and node.layer in team.layers:
            spaces = registry.namespaces(node.team, env, landing=False)
            return f"{spaces[team.layers.index(node.layer)]}.{table}"
    schema = relation.split(".")[-2] if "." in relation else relation
    return f"{env_prefix(env)}{schema}.{table}"


def usage_of(
    node: Node,
    relation: str | None,
    config: Mapping[str, Any],
    registry: Registry | None,
    environments: Sequence[str] = ENVIRONMENTS,
) -> Usage:
    relation = relation or node.name
    relations = tuple(
        (env, relation if env == PROD else relation_in(relation, node, registry, env))
        for env in environments
    )
    column = partition_column(config)
    if column is not None:
        query = (
            f"select *\nfrom {relation}\n"
            f"where {column} >= date_sub(current_date(), {RECENT_DAYS})"
            "  -- the partition column: Spark reads only these partitions\n"
            "limit 100"
        )
    else:
        query = f"select *\nfrom {relation}\nlimit 100"
    return Usage(ref_call(node), relations, query, column)
