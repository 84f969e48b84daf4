"""WRT001: a write into a namespace the team does not own, by any route."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from steward.guard.policy import ALLOWED_SETTINGS, COMMIT_METADATA_KEY, SESSION_CATALOG
from steward.lint.context import LintContext, WriteSite
from steward.lint.locate import find_text
from steward.lint.rule import Violation, rule
from steward.project.model import Node, Position
from steward.render.model import RenderedSql
from steward.sql.analyze import analyze


def _reason(
    ctx: LintContext, site: WriteSite, team: str | None, own_relation: str | None
) -> str | None:
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
        return f"runs {what} on the path `{target.path}`: writes by path bypass every namespace"
    if write.location is not None:
        return (
            f"runs {what} on `{target.qualified}` with its files at `{write.location}` (a "
            "LOCATION or path option): writes by path bypass every namespace"
        )
    if own_relation is not None and target.qualified == own_relation:
        return None
    if target.catalog and target.catalog != SESSION_CATALOG:
        return (
            f"runs {what} on `{target.qualified}` in catalog `{target.catalog}`: steward "
            "governs the session catalog only"
        )
    namespace = target.schema or site.schema
    if namespace is None:
        return (
            f"runs {what} on `{target.name}` without a schema: the namespace it lands "
            "in depends on the session"
        )
    if namespace in ctx.owned_namespaces(team):
        return None
    owner = ctx.namespace_owner(namespace)
    if owner is not None and owner == team:
        return (
            f"runs {what} on `{target.qualified}`: namespace `{namespace}` is team `{owner}`'s "
            f"in another environment, and a `{ctx.env}` build writes only `{ctx.env}` "
            "namespaces (name the relation with `{{ this }}` or a ref())"
        )
    if owner is not None:
        return f"runs {what} on `{target.qualified}` in namespace `{namespace}` of team `{owner}`"
    who = f"team `{team}`" if team else "this node's team (unknown)"
    return f"runs {what} on `{target.qualified}` in namespace `{namespace}`, not owned by {who}"


def _sites(
    ctx: LintContext,
    sites: Iterable[WriteSite],
    node: Node | None,
    team: str | None,
    own: str | None,
    subject: str,
) -> Iterator[Violation]:
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
        yield Violation(
            site.position,
            f"{subject} ({via}) {reason}; a model writes only its own relation",
            node,
            team,
        )


@rule("WRT001", "a write into a namespace the team does not own, by any route", needs_registry=True)
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Collects every write a build would run, by any route: DML or DDL in model SQL,
        pre- and post-hooks, `on-run-start`/`on-run-end`, `run_query`, `statement` and
        `adapter.execute` in models and macros, operations (macros that only
        `dbt run-operation` runs, rendered alone with placeholder arguments), Python
        models, a model's own relation (after `schema`/`alias`/`database` overrides), seeds,
        snapshots and the tables of tests with `store_failures`. A write into a
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
            if node.resource_type == "model" and not _placed_in_own_layer(ctx, node):
                foreign = False  # NS002 names the cause: an unknown team or layer
            elif node.resource_type != "model":
                foreign = owner is not None and owner != facts.team
            if foreign:
                origins = facts.rendered.config_origins
                keys = ("schema", "target_schema", "database", "alias", "store_failures")
                key = next((k for k in keys if k in origins), None)
                position = origins[key] if key else node.position
                holder = f"team `{owner}`" if owner else "no team"
                built = (
                    "would store its failures in"
                    if node.resource_type == "test"
                    else "would be built as"
                )
                yield Violation(
                    position,
                    f"{subject} {built} `{relation.render()}`, in namespace "
                    f"`{namespace}` owned by {holder}, not by `{facts.team}`",
                    node,
                )
        yield from _sites(ctx, facts.writes, node, facts.team, own, subject)
        yield from _config_writes(
            ctx, facts.rendered.config, facts.rendered.config_origins, node, subject
        )
        yield from _settings((*facts.rendered.sql, *facts.rendered.statements), node, subject)
    yield from _settings(ctx.rendered.operations, None, "the project")
    for site in ctx.operations:
        path = site.origin.position.path
        if site.origin.kind in _PROJECT_HOOKS:
            # on-run-start/end run in every team's build: a fixed write into a team's
            # namespace would be a write into another team's namespace for all the others.
            subject = f"the project's {site.origin.kind} (it runs in every team's build)"
            yield from _sites(ctx, (site,), None, None, None, subject)
            continue
        subject = "the project" if site.origin.kind != "operation" else f"operation in `{path}`"
        yield from _sites(ctx, (site,), None, ctx.operation_team(path), None, subject)


def _placed_in_own_layer(ctx: LintContext, node: Node) -> bool:
    """Whether the model's folder is a layer its team lists (else NS002 reports it)."""
    team = ctx.team(node.team)
    return team is not None and node.layer in team.layers


_LOCATION_KEYS = ("location_root", "location")
_PROJECT_HOOKS = ("on-run-start", "on-run-end")


def _config_writes(
    ctx: LintContext,
    config: Mapping[str, Any],
    origins: Mapping[str, Position],
    node: Node,
    subject: str,
) -> Iterator[Violation]:
    """Writes hidden in configuration: an explicit location (a write by path), and SQL
    smuggled into the merge through `incremental_predicates`."""
    options = config.get("options")
    paths = [(key, config.get(key)) for key in _LOCATION_KEYS]
    if isinstance(options, Mapping):
        paths.append(("options", options.get("path")))
    for key, value in paths:
        if value in (None, ""):
            continue
        yield Violation(
            _key_position(ctx, origins, key, node),
            f"{subject} sets `{key}` to `{value}`: its files would go there, not to its "
            "namespace's folder, and a write by path bypasses every namespace; remove it",
            node,
        )
    predicates = config.get("incremental_predicates")
    if isinstance(predicates, str):
        predicates = [predicates]
    for predicate in predicates or ():
        analysis = analyze(f"select 1 from t where {predicate}")
        if len(analysis.statements) == 1 and analysis.is_read_only:
            continue
        yield Violation(
            _key_position(ctx, origins, "incremental_predicates", node),
            f"{subject}: incremental predicate `{' '.join(str(predicate).split())[:60]}` is "
            "not one condition (it adds a statement or a write to the merge); a predicate "
            "may only filter",
            node,
        )


def _settings(sqls: Iterable[RenderedSql], node: Node | None, subject: str) -> Iterator[Violation]:
    """A SET of a key the run-time guard refuses (steward.guard.policy.ALLOWED_SETTINGS)."""
    for sql in sqls:
        for key in analyze(sql.sql).settings:
            if key in ALLOWED_SETTINGS:
                continue
            why = (
                "steward sets the commit metadata itself; a statement may not forge it"
                if key == COMMIT_METADATA_KEY
                else "it is not on steward's allow-list of settings, and could switch a "
                "protection off"
            )
            yield Violation(sql.position, f"{subject} ({sql.kind}) sets `{key}`: {why}", node)


def _key_position(
    ctx: LintContext, origins: Mapping[str, Position], key: str, node: Node
) -> Position:
    origin = origins.get(key, node.position)
    text = ctx.project.text(origin.path)
    found = find_text(text, key, origin.line) if text is not None else None
    return Position(origin.path, *found) if found else origin


RULE = check
