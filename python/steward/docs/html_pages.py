"""The HTML of the home page, the team, exposure and platform pages and the rule
catalogue."""

from __future__ import annotations

from collections.abc import Sequence

from steward.docs.encode import graph_data
from steward.docs.health import FAIL, NO_DATA, PASS
from steward.docs.html_base import (
    badge,
    esc,
    href,
    json_script,
    link,
    links,
    notes,
    owner_block,
    prose,
    root_of,
    section,
    table,
)
from steward.docs.inputs import Problem
from steward.docs.model import (
    ExposurePage,
    HealthCount,
    NodePage,
    PlatformPage,
    RulePage,
    Site,
    TeamLink,
    TeamPage,
)

GRAPH_DIV = '<div id="graph" class="graph" data-graph="graph-data"></div>'


def _health_count(count: HealthCount) -> str:
    return (
        f"{badge(PASS, f'{count.passing} pass')} {badge(FAIL, f'{count.failing} fail')} "
        f"{badge(NO_DATA, f'{count.no_data} no data yet')}"
    )


def problems_block(problems: Sequence[Problem]) -> str:
    if not problems:
        return ""
    return section(
        "What this site could not show",
        notes(str(p) for p in problems),
        "problems",
    )


def _products_table(root: str, pages: Sequence[NodePage]) -> str:
    rows = (
        (
            f'<a href="{esc(href(root, p.page))}">{esc(p.name)}</a>',
            esc(p.owner.team or ""),
            esc(p.layer or ""),
            badge(p.health.status) if p.health else "",
            esc(p.description[:140]),
        )
        for p in pages
    )
    return table(("data product", "team", "layer", "health", "description"), rows, "products")


def home_body(site: Site) -> str:
    root = ""
    products = [p for p in site.nodes if p.product]
    teams = "".join(
        f'<li><a href="{esc(t.page)}">{esc(t.owner.name or t.owner.team)}</a> '
        f'<span class="muted">{esc(t.owner.contact)} {esc(t.owner.channel)}</span></li>'
        for t in site.teams
    )
    exposures = "".join(
        f'<li><a href="{esc(e.page)}">{esc(e.label)}</a> <span class="muted">{esc(e.type)}</span></li>'
        for e in site.exposures
    )
    counts = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in site.platform.counts)
    return "\n".join(
        [
            f"<h1>{esc(site.project)}: find any table</h1>",
            f"<p>Search above by any word: a table, a column, an owner, a team, a tag. {esc(counts)}.</p>",
            problems_block(site.problems),
            section("Data products", _products_table(root, products), "products"),
            section("Teams", f"<ul>{teams}</ul>", "teams"),
            section(
                "Exposures", f"<ul>{exposures}</ul>" if exposures else "<p>none</p>", "exposures"
            ),
        ]
    )


def teams_index_body(site: Site) -> str:
    root = "../"
    rows = (
        (
            f'<a href="{esc(href(root, t.page))}">{esc(t.owner.name or t.owner.team)}</a>',
            f"<code>{esc(t.owner.team)}</code>",
            esc(t.kind),
            esc(f"{t.owner.contact} {t.owner.channel}"),
            str(len(t.products)),
            _health_count(t.health),
        )
        for t in site.teams
    )
    return "<h1>Teams</h1>" + table(
        ("team", "id", "kind", "contact", "products", "health"), rows, "teams"
    )


def _team_links(root: str, items: Sequence[TeamLink]) -> str:
    if not items:
        return '<p class="muted">none</p>'
    return (
        "<ul>"
        + "".join(f"<li>{link(root, t.team)}: {links(root, t.via)}</li>" for t in items)
        + "</ul>"
    )


def team_body(page: TeamPage) -> str:
    root = root_of(page.page)
    owner = page.owner
    spaces = table(
        ("environment", "namespaces it writes"),
        ((esc(env), esc(", ".join(names))) for env, names in page.namespaces),
        "namespaces",
    )
    return "\n".join(
        [
            f"<h1>{esc(owner.name or owner.team)} <code>{esc(owner.team)}</code></h1>",
            notes(page.notes),
            f'<p class="owner" id="owner">{owner_block(root, owner)}</p>',
            f"<p>Kind: {esc(page.kind or '?')}; layers: {esc(', '.join(page.layers) or 'none')}; "
            f"members: {esc(', '.join(page.members) or 'none listed')}"
            + (
                f"; its builds connect to the cluster as <code>{esc(page.service_user)}</code>"
                if page.service_user
                else ""
            )
            + "</p>",
            spaces,
            section("Data products", links(root, page.products), "products"),
            section(
                "Health",
                f"<p>{_health_count(page.health)}</p><p>Last build: {esc(page.last_build or NO_DATA)}</p>"
                + (
                    "<p>Failing:</p><ul>"
                    + "".join(f"<li>{link(root, f)}: {esc(f.note)}</li>" for f in page.failing)
                    + "</ul>"
                    if page.failing
                    else ""
                ),
                "health",
            ),
            section("Reads from", _team_links(root, page.reads_from), "reads-from"),
            section("Read by", _team_links(root, page.read_by), "read-by"),
            section("Exposures", links(root, page.exposures), "exposures"),
            section("Cost", f'<p id="cost">{esc(page.cost)}</p>', "cost"),
            section(
                f"All models ({len(page.models)})",
                '<ul class="columns-list">'
                + "".join(
                    f'<li>{link(root, m)} <span class="muted">{esc(m.note)}</span></li>'
                    for m in page.models
                )
                + "</ul>",
                "models",
            ),
        ]
    )


def exposure_body(page: ExposurePage) -> str:
    root = root_of(page.page)
    url = (
        f'<p>Opens at <a class="external" href="{esc(page.url)}">{esc(page.url)}</a></p>'
        if page.url
        else ""
    )
    return "\n".join(
        [
            f"<h1>{esc(page.label)}</h1>",
            f'<p class="chips"><span class="chip">exposure</span><span class="chip">{esc(page.type)}</span></p>',
            f"<p>{esc(page.description)}</p>" if page.description else "",
            f'<p class="owner" id="owner">Owner: {owner_block(root, page.owner)}</p>',
            url,
            section("Depends on", links(root, page.depends_on), "depends-on"),
            section("Data products behind it", links(root, page.products), "products"),
            section("Teams it relies on", links(root, page.teams), "teams"),
            section(
                "Lineage",
                f"<p>{page.graph.upstream_total} upstream.</p>"
                '<div class="graph-tools"><button id="graph-expand">show one hop more</button>'
                '<button id="graph-all">show all</button><button id="graph-one">one hop</button></div>'
                + GRAPH_DIV,
                "lineage",
            ),
            json_script("graph-data", {"graph": graph_data(page.graph)[0]}),
        ]
    )


def platform_body(page: PlatformPage) -> str:
    root = root_of(page.page)
    order = "".join(f"<li>{link(root, t)}</li>" for t in page.build_order)
    rows = (
        (
            link(root, s.team),
            str(s.order or "-"),
            _health_count(s.health),
            esc(s.last_build or NO_DATA),
        )
        for s in page.standings
    )
    return "\n".join(
        [
            "<h1>The platform</h1>",
            problems_block(page.problems),
            section(
                "Team graph",
                "<p>An arrow: the team on the right reads the left one's models.</p>" + GRAPH_DIV,
                "team-graph",
            ),
            section("Build order (producers first)", f'<ol id="build-order">{order}</ol>', "order"),
            section(
                "Where each team stands",
                table(("team", "builds", "health", "last build"), rows, "standings")
                + f'<p class="muted">Run history read from <code>{esc(page.history)}</code>.</p>',
                "standings",
            ),
            json_script("graph-data", {"graph": graph_data(page.team_graph)[0]}),
        ]
    )


def rules_index_body(rules: Sequence[RulePage]) -> str:
    root = "../"
    rows = (
        (f'<a href="{esc(href(root, r.page))}">{esc(r.id)}</a>', esc(r.severity), esc(r.summary))
        for r in rules
    )
    return "<h1>Lint rules</h1>" + table(("rule", "severity", "checks"), rows, "rules")


def rule_body(rule: RulePage) -> str:
    parts = [
        f"<h1>{esc(rule.id)}: {esc(rule.summary)}</h1>",
        f'<p><span class="chip">severity {esc(rule.severity)}</span></p>',
    ]
    parts.extend(
        section(heading, prose(text), heading.lower().replace(" ", "-").strip("?"))
        for heading, text in rule.sections
    )
    parts.append('<p><a href="index.html">All rules</a></p>')
    return "\n".join(parts)
