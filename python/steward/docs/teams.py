"""The pages of teams, exposures, the platform and the rule catalogue: pure functions over
the node pages and the project."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from steward.docs.health import FAIL, NO_COST, NO_DATA, PASS
from steward.docs.layout import layered
from steward.docs.model import (
    ExposurePage,
    GraphEdge,
    GraphItem,
    GraphView,
    HealthCount,
    Link,
    NodePage,
    PlatformPage,
    RulePage,
    TeamLink,
    TeamPage,
    TeamStanding,
)
from steward.docs.pages import SiteContext, owner_of, team_page
from steward.docs.views import neighbourhood
from steward.graph import exposure_id
from steward.lint.docs import HEADINGS, sections
from steward.lint.rule import Rule
from steward.project.model import Team


def health_count(pages: Iterable[NodePage]) -> HealthCount:
    statuses = [p.health.status for p in pages if p.health is not None]
    return HealthCount(statuses.count(PASS), statuses.count(FAIL), statuses.count(NO_DATA))


def _last_build(pages: Iterable[NodePage]) -> str | None:
    times = [p.health.last_built for p in pages if p.health and p.health.last_built]
    return max(times) if times else None


def _team_link(team: str) -> Link:
    return Link(team, team_page(team), "team", team)


def _crossings(context: SiteContext) -> dict[tuple[str, str], dict[str, None]]:
    """(producer team, consumer team) -> the producer's nodes the consumer reads."""
    found: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
    graph = context.graph
    for edge in graph.edges:
        up, down = graph.nodes[edge.upstream], graph.nodes[edge.downstream]
        if up.team and down.team and up.team != down.team:
            found[(up.team, down.team)][edge.upstream] = None
    return {key: dict.fromkeys(sorted(reads)) for key, reads in found.items()}


def team_pages(context: SiteContext, nodes: Sequence[NodePage]) -> tuple[TeamPage, ...]:
    registry = context.project.registry
    teams: list[Team] = list(registry.teams) if registry is not None else []
    known = {t.id for t in teams}
    extra = sorted({p.owner.team for p in nodes if p.owner.team and p.owner.team not in known})
    crossings = _crossings(context)
    by_team: dict[str | None, list[NodePage]] = defaultdict(list)
    for page in nodes:
        by_team[page.owner.team].append(page)
    result = []
    for team_id in [t.id for t in teams] + extra:
        team = registry.team(team_id) if registry is not None else None
        own = by_team.get(team_id, [])
        buildable = [p for p in own if p.health is not None]
        result.append(
            TeamPage(
                page=team_page(team_id),
                owner=owner_of(registry, team_id),
                kind=team.kind if team else "",
                layers=team.layers if team else (),
                members=team.members if team else (),
                service_user=team.build_user if team else "",
                namespaces=tuple(
                    (env, registry.namespaces(team_id, env)) for env in ("prod", "staging", "dev")
                )
                if registry is not None and team is not None
                else (),
                products=tuple(
                    Link(p.name, p.page, p.resource_type, team_id) for p in own if p.product
                ),
                models=tuple(
                    Link(p.name, p.page, p.resource_type, team_id, p.layer or "")
                    for p in own
                    if p.resource_type != "source"
                ),
                exposures=tuple(
                    context.link(exposure_id(context.project, e))
                    for e in context.project.exposures
                    if e.team == team_id
                ),
                reads_from=tuple(
                    TeamLink(_team_link(producer), tuple(context.link(n) for n in reads))
                    for (producer, consumer), reads in sorted(crossings.items())
                    if consumer == team_id
                ),
                read_by=tuple(
                    TeamLink(_team_link(consumer), tuple(context.link(n) for n in reads))
                    for (producer, consumer), reads in sorted(crossings.items())
                    if producer == team_id
                ),
                health=health_count(buildable),
                failing=tuple(
                    Link(p.name, p.page, p.resource_type, team_id, p.health.reason)
                    for p in buildable
                    if p.health is not None and p.health.status == FAIL
                ),
                last_build=_last_build(buildable),
                cost=NO_COST,
            )
        )
    return tuple(result)


def exposure_pages(
    context: SiteContext, products: Mapping[str, NodePage]
) -> tuple[ExposurePage, ...]:
    graph = context.graph
    result = []
    for exposure in context.project.exposures:
        unique_id = exposure_id(context.project, exposure)
        ancestors = graph.ancestors(unique_id)
        reached = sorted(a for a in ancestors if a in products)
        teams = sorted({t for t in (graph.nodes[a].team for a in ancestors) if t is not None})
        result.append(
            ExposurePage(
                page=context.pages[unique_id],
                name=exposure.name,
                label=exposure.label or exposure.name,
                type=exposure.type,
                url=exposure.url,
                owner=owner_of(context.project.registry, exposure.team),
                depends_on=tuple(context.link(u) for u in sorted(graph.upstream(unique_id))),
                products=tuple(context.link(p) for p in reached),
                teams=tuple(_team_link(t) for t in teams),
                graph=neighbourhood(graph, unique_id, context.pages),
                description=str(exposure.meta.get("description") or ""),
            )
        )
    return tuple(result)


def team_graph(context: SiteContext) -> GraphView:
    graph = context.graph.team_graph
    edges = sorted((str(a), str(b)) for a, b in graph.edges)
    positions = layered(graph.nodes, edges, sort_key=str)
    return GraphView(
        tuple(
            GraphItem(str(t), str(t), "team", *positions[t], page=team_page(str(t)), team=str(t))
            for t in sorted(graph.nodes)
        ),
        tuple(
            GraphEdge(str(a), str(b), f"{len(graph.edges[a, b]['edges'])} read(s)")
            for a, b in edges
        ),
    )


def platform_page(context: SiteContext, teams: Sequence[TeamPage]) -> PlatformPage:
    order = context.graph.team_order()
    kinds: dict[str, int] = defaultdict(int)
    for node in context.graph.nodes.values():
        kinds[node.resource_type] += 1
    return PlatformPage(
        page="platform.html",
        team_graph=team_graph(context),
        build_order=tuple(_team_link(t) for t in order),
        standings=tuple(
            TeamStanding(
                _team_link(t.owner.team or ""),
                order.index(t.owner.team) + 1 if t.owner.team in order else None,
                t.health,
                t.last_build,
            )
            for t in teams
        ),
        counts=tuple(sorted(kinds.items())),
        problems=context.inputs.problems,
        history=context.inputs.history.folder,
    )


def rule_pages(rules: Iterable[Rule]) -> tuple[RulePage, ...]:
    result = []
    for rule in rules:
        found = sections(rule)
        result.append(
            RulePage(
                f"rules/{rule.id}.html",
                rule.id,
                rule.summary,
                rule.severity,
                tuple((h, found[h]) for h in HEADINGS if found.get(h)),
            )
        )
    return tuple(result)
