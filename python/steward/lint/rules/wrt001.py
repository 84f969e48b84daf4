"""WRT001: a write into a namespace the team does not own, by any route."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from steward.lint.context import LintContext, WriteSite
from steward.lint.finding import Finding
from steward.lint.rule import rule
from steward.project.model import Node

_NAMESPACE_KINDS = ("SCHEMA", "DATABASE")


def _reason(ctx: LintContext, site: WriteSite, team: str | None,
            own_relation: str | None) -> str | None:
    if site.unknown is not None:
        if site.unknown.reason.startswith("does not parse"):
            return None  # SQL001 reports it
        first = " ".join(site.unknown.text.split())[:60]
        return f"runs `{first}`, which cannot be proven harmless ({site.unknown.reason})"
    write = site.write
    if write is None or write.temporary:
        return None
    target = write.target
    what = f"{write.kind} {write.object_type}".strip()
    if target is None:
        return f"runs {what} on a target it cannot name"
    if target.path is not None:
        return (f"runs {what} on the path `{target.path}`: writes by path bypass every "
                "namespace")
    if own_relation is not None and target.qualified == own_relation:
        return None
    if write.object_type in _NAMESPACE_KINDS or write.kind == "USE":
        namespace = target.namespace
    else:
        namespace = target.namespace
        if namespace is None:
            return (f"runs {what} on `{target.name}` without a schema: the namespace it lands "
                    "in depends on the session")
    if namespace in ctx.owned_namespaces(team):
        return None
    owner = ctx.namespace_owner(namespace)
    if owner is not None:
        return (f"runs {what} on `{target.qualified}` in namespace `{namespace}` of team "
                f"`{owner}`")
    who = f"team `{team}`" if team else "this node's team (unknown)"
    return f"runs {what} on `{target.qualified}` in namespace `{namespace}`, not owned by {who}"


def _sites(ctx: LintContext, sites: Iterable[WriteSite], node: Node | None, team: str | None,
           own: str | None, subject: str) -> Iterator[Finding]:
    seen: set[tuple[object, ...]] = set()
    for site in sites:
        reason = _reason(ctx, site, team, own)
        if reason is None:
            continue
        key = (site.position, reason)
        if key in seen:
            continue
        seen.add(key)
        via = site.origin.kind
        yield ctx.finding("WRT001", "error", site.position,
                          f"{subject} ({via}) {reason}; a model writes only its own relation",
                          node, team)


@rule("WRT001", "a write into a namespace the team does not own, by any route",
      needs_registry=True)
def check(ctx: LintContext) -> Iterator[Finding]:
    """What it does:
        Collects every write a build would run, by any route: DML or DDL in model SQL,
        pre- and post-hooks, `on-run-start`/`on-run-end`, `run_query`, `statement` and
        `adapter.execute` in models and macros, Python models, a model's own relation
        (after `schema`/`alias`/`database` overrides), seeds and snapshots. A write into a
        namespace the node's team does not own, by path, without a schema, or a statement
        that cannot be proven harmless (`EXECUTE IMMEDIATE`, an unknown command) is an
        error.

    Why is this bad?
        A team owns its namespaces and nothing else. One `MERGE` in a post-hook into
        another team's Silver table silently rewrites data that three production pipelines
        consume, and nobody learns who did it.

    Example:
        ```sql
        {{ config(post_hook="delete from silver_electra.readings where country = 'DE'") }}
        ```

    Use instead:
        Ask the owning team for the change (or a view of your own over their public
        model); keep hooks to your own relation: `optimize {{ this }}`.
    """
    for facts in ctx.facts.values():
        node = facts.node
        own = facts.rendered.relation_name
        subject = f"{node.resource_type} `{node.name}`"
        relation = facts.rendered.relation
        if relation is not None and relation.schema and facts.team is not None:
            namespace = relation.schema.lower()
            owner = ctx.namespace_owner(namespace)
            foreign = namespace not in ctx.owned_namespaces(facts.team)
            if node.resource_type != "model":
                foreign = owner is not None and owner != facts.team
            if foreign:
                origins = facts.rendered.config_origins
                key = next((k for k in ("schema", "target_schema", "database", "alias")
                            if k in origins), None)
                position = origins[key] if key else node.position
                holder = f"team `{owner}`" if owner else "no team"
                yield ctx.finding(
                    "WRT001", "error", position,
                    f"{subject} would be built as `{relation.render()}`, in namespace "
                    f"`{namespace}` owned by {holder}, not by `{facts.team}`", node)
        yield from _sites(ctx, facts.writes, node, facts.team, own, subject)
    ops_team = None
    if ctx.registry is not None:
        ops_team = next((t.id for t in ctx.registry.teams if "ops" in t.layers), None)
    yield from _sites(ctx, ctx.operations, None, ops_team, None, "the project")


RULE = check
