"""The HTML of a model's, seed's, snapshot's or source's page (`NodePage`)."""

from __future__ import annotations

from steward.docs.encode import data_path, graph_data
from steward.docs.health import NO_DATA, Health, TestResult
from steward.docs.html_base import (
    badge,
    esc,
    href,
    inline,
    json_script,
    link,
    links,
    notes,
    owner_block,
    root_of,
    section,
    table,
)
from steward.docs.model import ContractView, NodePage

GRAPH_SCRIPTS = ("assets/cytoscape.min.js", "assets/graph.js")


def _test_badges(tests: tuple[TestResult, ...]) -> str:
    if not tests:
        return '<span class="muted">none</span>'
    return " ".join(
        f'<span class="test" title="{esc(t.name)}">{esc(t.kind)} {badge(t.status)}</span>'
        for t in tests
    )


def _usage(page: NodePage) -> str:
    usage = page.usage
    if usage is None:
        return '<p class="muted">not a relation others read</p>'
    relations = table(
        ("environment", "relation"),
        ((esc(env), f"<code>{esc(rel)}</code>") for env, rel in usage.relations),
        "relations",
    )
    partition = (
        f"<p>Partitioned by <code>{esc(usage.partition_column)}</code>: filter on it so "
        "Spark reads only the partitions you need.</p>"
        if usage.partition_column
        else ""
    )
    return (
        f'<p>In a dbt model:</p><pre class="snippet" id="ref-snippet"><code>{esc(usage.ref)}</code></pre>'
        f"{relations}{partition}"
        f'<p>In Spark SQL:</p><pre class="snippet" id="sql-snippet"><code>{esc(usage.query)}</code></pre>'
    )


def _health(health: Health | None) -> str:
    if health is None:
        return ""
    facts = [f'<p id="health">{badge(health.status)} {inline(health.reason)}</p>']
    rows = [
        ("last build", esc(health.last_status or NO_DATA)),
        ("built at", esc(health.last_built or NO_DATA)),
        (
            "build age / SLA",
            esc(
                f"{health.build_age_hours:g} h of at most {health.max_build_age_hours:g} h"
                if health.build_age_hours is not None
                else f"{NO_DATA} (SLA: at most {health.max_build_age_hours:g} h between builds)"
            ),
        ),
        ("freshness test", esc(health.freshness or "none declared")),
    ]
    facts.append(table(("", ""), rows, "facts"))
    return "".join(facts)


def _contract(contract: ContractView | None, product: bool) -> str:
    if contract is None:
        return (
            '<p class="muted">no contract: a private model makes no promise to other teams</p>'
            if not product
            else ""
        )
    if contract.problem:
        return (
            f'<p class="problem">{badge("fail", "invalid contract")} '
            f"<code>{esc(contract.path)}</code> does not validate: {esc(contract.problem)}</p>"
        )
    rows = [
        ("contract", f"<code>{esc(contract.path)}</code>"),
        ("version", esc(f"{contract.version} ({contract.status})")),
        ("primary key", esc(", ".join(contract.primary_key) or "none")),
    ]
    rows += [(f"SLA {esc(name)}", esc(value)) for name, value in contract.sla]
    if contract.freshness:
        rows.append(("freshness promise", inline(contract.freshness)))
    if contract.volume:
        rows.append(("volume promise", inline(contract.volume)))
    text = (
        f"<details><summary>The contract (ODCS v3)</summary><pre><code>{esc(contract.text)}"
        "</code></pre></details>"
        if contract.text
        else ""
    )
    return table(("", ""), rows, "facts contract") + text


def _columns(page: NodePage) -> str:
    if not page.columns:
        return '<p class="muted">no columns known (declare them in yml, or a contract)</p>'
    rows = (
        (
            f'<button class="column-select" data-column="{esc(c.name)}" '
            f'title="show its lineage">{esc(c.name)}</button>',
            f"<code>{esc(c.data_type or '?')}</code>",
            esc(c.description),
            _test_badges(c.tests),
            esc(", ".join(c.constraints)),
        )
        for c in page.columns
    )
    return table(("column", "type", "description", "tests", "constraints"), rows, "columns")


def _consumers(page: NodePage, root: str) -> str:
    found = page.consumers
    if found is None:
        return ""
    if not (found.models or found.exposures):
        return '<p class="muted" id="consumers">no known consumers</p>'
    models = "".join(
        f'<li>{link(root, use.link)} <span class="muted">({esc(use.link.team or "no team")}'
        f"{': ' + esc(', '.join(use.columns)) if use.columns else ''})</span></li>"
        for use in found.models
    )
    return (
        f'<div id="consumers"><p>Teams: {links(root, found.teams)}</p>'
        f"<p>Models ({len(found.models)}):</p><ul>{models}</ul>"
        f"<p>Exposures: {links(root, found.exposures)}</p></div>"
    )


def _lineage(page: NodePage, root: str) -> str:
    graph = page.graph
    more = " (the view shows the nearest)" if graph.truncated else ""
    return (
        f'<p id="lineage-counts">{graph.upstream_total} upstream, '
        f"{graph.downstream_total} downstream{esc(more)}.</p>"
        f"<p>Upstream (one hop): {links(root, page.upstream)}</p>"
        f"<p>Downstream (one hop): {links(root, page.downstream)}</p>"
        '<div class="graph-tools"><button id="graph-expand">show one hop more</button>'
        '<button id="graph-all">show all</button><button id="graph-one">one hop</button></div>'
        '<div id="graph" class="graph" data-graph="graph-data"></div>'
    )


def _column_lineage(page: NodePage, root: str) -> str:
    return (
        '<p class="muted" id="column-hint">Select a column above to see what it is computed '
        "from, and the columns used in filters and joins on the way.</p>"
        f'<div id="column-graph" class="graph graph-columns" '
        f'data-src="{esc(root + data_path(page.page))}" hidden></div>'
        '<div id="column-lineage"></div>'
    )


def _runs(page: NodePage) -> str:
    health = page.health
    if health is None:
        return ""
    if not health.tests:
        return '<p class="muted">no tests</p>'
    rows = (
        (
            esc(t.name),
            esc(t.column or "(model)"),
            badge(t.status),
            esc(t.finished_at or ""),
            esc(t.message or ""),
        )
        for t in health.tests
    )
    return table(("test", "column", "result", "at", "message"), rows, "tests")


def node_body(page: NodePage) -> str:
    root = root_of(page.page)
    kind = "data product" if page.product else page.resource_type
    status = badge(page.health.status) if page.health else ""
    facts = " ".join(
        f'<span class="chip">{esc(v)}</span>'
        for v in (kind, page.layer, page.access, page.materialized, *page.tags)
        if v
    )
    dbt = (
        f'<p><a class="dbt-docs" href="{esc(href(root, page.dbt_docs))}">dbt docs of this node</a></p>'
        if page.dbt_docs
        else ""
    )
    parts = [
        f'<h1>{esc(page.name)} {status}</h1><p class="chips">{facts}</p>',
        notes(page.notes),
        f'<p class="description">{esc(page.description) or "<span class=muted>no description</span>"}</p>',
        f'<p class="owner" id="owner">Owner: {owner_block(root, page.owner)}</p>',
        f'<p class="muted">Defined in <code>{esc(page.path)}</code></p>{dbt}',
        section("How to use it", _usage(page), "usage"),
    ]
    if page.contract is not None or page.product or page.health is not None:
        parts.append(
            section(
                "Contract, SLA and health",
                _contract(page.contract, page.product) + _health(page.health),
                "contract",
            )
        )
    parts.append(section("Columns", _columns(page), "columns"))
    parts.append(section("Column lineage", _column_lineage(page, root), "column-lineage-section"))
    if page.consumers is not None:
        parts.append(section("Consumers", _consumers(page, root), "consumers-section"))
    parts.append(section("Lineage", _lineage(page, root), "lineage"))
    if page.health is not None:
        parts.append(section("Last runs and test results", _runs(page), "runs"))
        parts.append(section("Cost", f'<p id="cost">{esc(page.cost)}</p>', "cost-section"))
    parts.append(json_script("graph-data", {"graph": graph_data(page.graph)[0]}))
    return "\n".join(parts)
