"""`site_model(...) -> Site`: every page of the discovery site, from the project.

Rendering, the graph and column lineage are computed once (`analyse`); the pages are
pure functions of them and of the inputs read at the edge. The problems collected here
(a missing manifest, a contract that does not validate, a broken run history, a model
that does not render) are both shown on the pages they concern and returned, so
`steward docs build` can list them and exit 1.
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from collections.abc import Collection
from datetime import datetime, timezone
from types import MappingProxyType

from steward.cache import Store
from steward.docs.inputs import DocsInputs, Problem, TestInfo
from steward.docs.model import NodePage, Site
from steward.docs.pages import SiteContext, node_page, page_of
from steward.docs.teams import exposure_pages, platform_page, rule_pages, team_pages
from steward.graph import DependencyGraph, build_graph
from steward.lineage import ProjectLineage, project_lineage
from steward.lint.rules import all_rules
from steward.project.contracts import Contract
from steward.project.model import Project
from steward.render import RenderedProject, render_project
from steward.render.cache import CachedRenderer

PAGE_KINDS = ("model", "seed", "snapshot", "source")
PARALLEL_MIN_PAGES = 100
"""Below this many pages a worker, forking costs more than it saves."""


def analyse(
    project: Project, store: Store | None = None, jobs: int = 1
) -> tuple[RenderedProject, DependencyGraph, ProjectLineage]:
    """Render (reusing `store`'s entries of an earlier run when given), the graph and
    column lineage."""
    if store is None:
        rendered = render_project(project)
    else:
        rendered = CachedRenderer(project, store, jobs=jobs).render()
    graph = build_graph(rendered)
    return rendered, graph, project_lineage(rendered, graph)


def _contracts(project: Project, graph: DependencyGraph) -> dict[str, Contract]:
    """A model's node id -> its contract (a versioned model's own version's)."""
    by_name = {(n.dbt_name, n.version): n.unique_id for n in project.models}
    found: dict[str, Contract] = {}
    for contract in project.contracts:
        unique_id = by_name.get((contract.model, contract.dbt_version))
        if unique_id is None and contract.dbt_version is None:
            unique_id = next(
                (uid for (name, _), uid in by_name.items() if name == contract.model), None
            )
        if unique_id is not None and unique_id in graph.nodes:
            found[unique_id] = contract
    return found


def _tests(inputs: DocsInputs) -> dict[str, tuple[TestInfo, ...]]:
    found: dict[str, list[TestInfo]] = defaultdict(list)
    for test in inputs.manifest.tests if inputs.manifest else ():
        found[test.attached].append(test)
    return {k: tuple(v) for k, v in found.items()}


def problems_of(
    project: Project, rendered: RenderedProject, inputs: DocsInputs
) -> tuple[Problem, ...]:
    found = list(inputs.problems)
    found.extend(
        Problem(
            "contract",
            f"line {i.position.line}: the contract does not validate: {i.message}",
            i.position.path,
            i.model,
        )
        for i in project.contract_issues
    )
    for unique_id, item in rendered.nodes.items():
        if item.node.resource_type not in PAGE_KINDS:
            continue
        found.extend(
            Problem(
                "render",
                f"line {p.position.line}: `{item.node.name}` does not render, so its "
                f"lineage and reads are unknown: {p.message}",
                p.position.path,
                unique_id,
            )
            for p in item.problems
        )
    return tuple(dict.fromkeys(found))


def site_context(
    project: Project,
    inputs: DocsInputs,
    now: datetime | None = None,
    dbt_docs: str | None = None,
    analysed: tuple[RenderedProject, DependencyGraph, ProjectLineage] | None = None,
) -> SiteContext:
    rendered, graph, lineage = analysed or analyse(project)
    problems = problems_of(project, rendered, inputs)
    inputs = DocsInputs(inputs.manifest, inputs.history, inputs.dbt_docs, problems)
    pages = {uid: page_of(graph, uid) for uid in graph.nodes}
    return SiteContext(
        project,
        rendered,
        graph,
        lineage,
        inputs,
        now or datetime.now(timezone.utc),
        MappingProxyType(pages),
        MappingProxyType(_contracts(project, graph)),
        MappingProxyType(_tests(inputs)),
        dbt_docs if inputs.dbt_docs is not None else None,
    )


_context: SiteContext | None = None
"""While forked workers build node pages: the context, which they inherit."""


def _pages_in_worker(unique_ids: list[str]) -> list[NodePage]:
    assert _context is not None
    return [node_page(_context, uid) for uid in unique_ids]


def _node_pages(context: SiteContext, unique_ids: list[str], jobs: int) -> dict[str, NodePage]:
    """The full pages of `unique_ids`, in `jobs` forked processes when there are many
    (the graphs and column lineage of a page are independent of the others')."""
    global _context
    jobs = min(jobs, len(unique_ids) // PARALLEL_MIN_PAGES)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return {uid: node_page(context, uid) for uid in unique_ids}
    chunks = [unique_ids[i :: jobs * 4] for i in range(jobs * 4)]
    _context = context
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_pages_in_worker, [c for c in chunks if c])
    finally:
        _context = None
    return {page.unique_id: page for part in parts for page in part}


def site_model(context: SiteContext, kept: Collection[str] = (), jobs: int = 1) -> Site:
    """Every page; the node pages of `kept` (nothing they show changed since the last
    build: `steward.docs.fresh`) only as far as the other pages and the search need."""
    graph = context.graph
    ids = [uid for uid, n in sorted(graph.nodes.items()) if n.resource_type in PAGE_KINDS]
    full = _node_pages(context, [uid for uid in ids if uid not in kept], jobs)
    nodes = tuple(full.get(uid) or node_page(context, uid, kept=True) for uid in ids)
    teams = team_pages(context, nodes)
    products = {p.unique_id: p for p in nodes if p.product}
    return Site(
        project=context.project.name,
        generated_at=context.now.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        nodes=nodes,
        teams=teams,
        exposures=exposure_pages(context, products),
        platform=platform_page(context, teams),
        rules=rule_pages(all_rules()),
        problems=context.inputs.problems,
    )
