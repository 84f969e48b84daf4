"""`site_model(...) -> Site`: every page of the discovery site, from the project.

Rendering, the graph and column lineage are computed once (`analyse`); the pages are
pure functions of them and of the inputs read at the edge. The problems collected here
(a missing manifest, a contract that does not validate, a broken run history, a model
that does not render) are both shown on the pages they concern and returned, so
`steward docs build` can list them and exit 1.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from types import MappingProxyType

from steward.docs.inputs import DocsInputs, Problem, TestInfo
from steward.docs.model import Site
from steward.docs.pages import SiteContext, node_page, page_of
from steward.docs.teams import exposure_pages, platform_page, rule_pages, team_pages
from steward.graph import DependencyGraph, build_graph
from steward.lineage import ProjectLineage, project_lineage
from steward.lint.rules import all_rules
from steward.project.contracts import Contract
from steward.project.model import Project
from steward.render import RenderedProject, render_project

PAGE_KINDS = ("model", "seed", "snapshot", "source")


def analyse(project: Project) -> tuple[RenderedProject, DependencyGraph, ProjectLineage]:
    rendered = render_project(project)
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


def site_model(context: SiteContext) -> Site:
    graph = context.graph
    ids = [uid for uid, n in sorted(graph.nodes.items()) if n.resource_type in PAGE_KINDS]
    nodes = tuple(node_page(context, uid) for uid in ids)
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
