"""The page of a model, seed, snapshot or source: pure functions over the project, its
graph and lineage, and the inputs read at the edge (`steward.docs.inputs`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from steward.contracts import consumers, tests_of
from steward.contracts.dbt import sla_meta
from steward.docs.health import NO_COST, Health, health_of, test_results
from steward.docs.inputs import DocsInputs, TestInfo
from steward.docs.model import (
    ColumnRow,
    ConsumerView,
    ContractView,
    GraphView,
    Link,
    ModelUse,
    NodePage,
    Owner,
)
from steward.docs.usage import Usage, usage_of
from steward.docs.views import column_traces, neighbourhood
from steward.graph import BUILDABLE, DependencyGraph
from steward.lineage import WHOLE, ProjectLineage
from steward.project.contracts import Contract
from steward.project.model import Column, Project, Registry
from steward.render.model import RenderedProject

DBT_DOCS_KINDS = {"model": "model", "seed": "seed", "snapshot": "snapshot", "source": "source"}


def page_of(graph: DependencyGraph, unique_id: str) -> str:
    """The site path of a node's page."""
    node = graph.nodes[unique_id]
    if node.resource_type == "source":
        return f"sources/{node.label}.html"
    if node.resource_type == "exposure":
        return f"exposures/{node.name}.html"
    return f"{node.resource_type}s/{node.name}.html"


def team_page(team: str) -> str:
    return f"teams/{team}.html"


def owner_of(registry: Registry | None, team_id: str | None) -> Owner:
    team = registry.team(team_id) if registry is not None else None
    if team is None:
        return Owner(team_id, page=team_page(team_id) if team_id else None)
    return Owner(
        team.id, team.name, team.contact, team.channel, team.cost_centre, team_page(team.id)
    )


@dataclass(frozen=True)
class SiteContext:
    """Everything a page is built from, computed once for the whole site."""

    project: Project
    rendered: RenderedProject
    graph: DependencyGraph
    lineage: ProjectLineage
    inputs: DocsInputs
    now: datetime
    pages: Mapping[str, str]
    contracts: Mapping[str, Contract]
    """A model's node id -> its contract."""
    tests: Mapping[str, tuple[TestInfo, ...]]
    """A node id -> the manifest's tests attached to it."""
    dbt_docs: str | None = None
    """The href of dbt's docs (`target/index.html`) from the site root, when generated."""

    def link(self, unique_id: str, note: str = "") -> Link:
        node = self.graph.nodes[unique_id]
        return Link(node.label, self.pages.get(unique_id), node.resource_type, node.team, note)


def _contract_view(context: SiteContext, unique_id: str, name: str) -> ContractView | None:
    contract = context.contracts.get(unique_id)
    if contract is None:
        issue = next((i for i in context.project.contract_issues if i.model == name), None)
        if issue is None:
            return None
        return ContractView(
            issue.position.path,
            text=context.project.text(issue.position.path) or "",
            problem=f"{issue.position}: {issue.message}",
        )
    freshness = contract.freshness
    volume = contract.volume
    promise = None
    if freshness is not None and freshness.max_age is not None:
        promise = (
            f"the newest `{freshness.column}` at most {freshness.max_age:g} {freshness.unit}(s) old"
        )
    rows = None
    if volume is not None:
        low = volume.minimum if volume.minimum is not None else 0
        high = volume.maximum if volume.maximum is not None else "any number of"
        per = f" per `{volume.load_column}` load" if volume.load_column else ""
        rows = f"{low} to {high} rows{per}"
    return ContractView(
        contract.path,
        contract.id,
        contract.version,
        contract.status,
        contract.primary_key,
        contract.sla,
        promise,
        rows,
        context.project.text(contract.path) or "",
    )


def _kind(constraint: str) -> str:
    """`not_null` -> `not null`; a check's expression as written."""
    kind, colon, expression = constraint.partition(":")
    return kind.replace("_", " ") + colon + expression


def _test_name(test: Any) -> str:
    return test if isinstance(test, str) else next(iter(test), "test")


def _tests(context: SiteContext, unique_id: str) -> tuple[TestInfo, ...]:
    """The manifest's tests of the node; without a manifest, those its contract asks."""
    if context.inputs.manifest is not None:
        return context.tests.get(unique_id, ())
    contract = context.contracts.get(unique_id)
    if contract is None:
        return ()
    model_tests, column_tests = tests_of(contract)
    found = [TestInfo("", _test_name(t), _test_name(t), unique_id) for t in model_tests]
    for column, tests in column_tests.items():
        found.extend(TestInfo("", _test_name(t), _test_name(t), unique_id, column) for t in tests)
    return tuple(found)


def _columns(
    context: SiteContext,
    unique_id: str,
    declared: Sequence[Column],
    tests: Sequence[TestInfo],
) -> tuple[ColumnRow, ...]:
    contract = context.contracts.get(unique_id)
    model = context.lineage.models.get(unique_id)
    names: dict[str, None] = {}
    if contract is not None:
        names.update((c.name.lower(), None) for c in contract.columns)
    names.update((c.name.lower(), None) for c in declared)
    names.update((n.lower(), None) for n in context.lineage.columns_of(unique_id))
    by_name = {c.name.lower(): c for c in declared}
    constraints = context.inputs.manifest.constraints if context.inputs.manifest else {}
    states = context.inputs.history.states
    rows = []
    for name in names:
        if name == WHOLE:
            continue
        promised = contract.column(name) if contract is not None else None
        written = by_name.get(name)
        traced = model.column(name) if model is not None else None
        kinds = list(constraints.get((unique_id, name), ()))
        if promised is not None:
            kinds += ["primary key"] if promised.primary_key_position is not None else []
            kinds += ["not null"] if promised.required else []
            kinds += ["unique"] if promised.unique else []
        rows.append(
            ColumnRow(
                name,
                (promised.physical_type if promised else None)
                or (written.data_type if written else None)
                or (traced.data_type if traced else None),
                (promised.description if promised else "")
                or (written.description if written else ""),
                test_results((t for t in tests if (t.column or "").lower() == name), states),
                tuple(dict.fromkeys(_kind(k) for k in kinds)),
            )
        )
    return tuple(rows)


def _consumers(context: SiteContext, unique_id: str, name: str) -> ConsumerView:
    found = consumers(context.lineage, context.project, name)
    return ConsumerView(
        tuple(Link(t, team_page(t), "team", t) for t in found.teams),
        tuple(
            ModelUse(context.link(m.unique_id), tuple(c for c in m.columns_used if c != WHOLE))
            for m in found.models
        ),
        tuple(context.link(e.unique_id) for e in found.exposures),
    )


def _health(context: SiteContext, unique_id: str, tests: Sequence[TestInfo]) -> Health:
    node = context.graph.nodes[unique_id]
    contract = context.contracts.get(unique_id)
    hours = sla_meta(contract).get("max_build_age_hours") if contract else None
    if hours is None and unique_id in context.project.nodes:
        hours = (context.project.nodes[unique_id].meta.get("sla") or {}).get("max_build_age_hours")
    history = context.inputs.history
    unknown = None
    if "*" in history.broken:
        unknown = f"the run history in {history.folder} cannot be read"
    elif node.team in history.broken:
        unknown = f"the run history of team {node.team} cannot be read"
    elif not history.teams:
        unknown = f"no run history yet ({history.folder} holds none)"
    return health_of(
        unique_id,
        tests,
        history.states,
        context.now,
        float(hours) if hours is not None else None,
        unknown,
    )


def _notes(context: SiteContext, unique_id: str, name: str) -> tuple[str, ...]:
    notes: list[str] = []
    for problem in context.inputs.problems:
        node = context.graph.nodes[unique_id]
        if problem.topic == "manifest" or problem.subject in (node.team, unique_id):
            notes.append(str(problem))
    for issue in context.project.contract_issues:
        if issue.model == name:
            notes.append(f"{issue.position}: the contract does not validate: {issue.message}")
    item = context.rendered.nodes.get(unique_id)
    for failure in item.problems if item else ():
        notes.append(f"{failure.position}: does not render: {failure.message}")
    model = context.lineage.models.get(unique_id)
    notes.extend(f"lineage: {p}" for p in (model.problems if model else ()))
    return tuple(dict.fromkeys(notes))


def _usage(context: SiteContext, unique_id: str) -> Usage | None:
    node = context.graph.nodes[unique_id]
    if node.resource_type == "source":
        source = context.project.sources[unique_id]
        call = f"{{{{ source('{source.source_name}', '{source.name}') }}}}"
        relation = node.relation or source.relation
        return Usage(call, (("prod", relation),), f"select *\nfrom {relation}\nlimit 100")
    item = context.rendered.nodes.get(unique_id)
    if item is None:
        return None
    return usage_of(item.node, node.relation, item.config, context.project.registry)


def node_page(context: SiteContext, unique_id: str, kept: bool = False) -> NodePage:
    """The page of a node; `kept`: the page is not written again (nothing it shows
    changed), so only what the site's other pages and search need is computed."""
    graph = context.graph
    node = graph.nodes[unique_id]
    project_node = context.project.nodes.get(unique_id)
    source = context.project.sources.get(unique_id)
    if project_node is not None:
        props = project_node.properties
        declared: Sequence[Column] = props.columns if props else ()
        description = props.description if props else ""
        tags = project_node.config.get("tags") or ()
        name = project_node.dbt_name
    else:
        declared = source.columns if source else ()
        description = str((source.meta if source else {}).get("description") or "")
        tags = ()
        name = node.name
    contract = context.contracts.get(unique_id)
    description = description or (contract.description if contract else "")
    tests = _tests(context, unique_id)
    columns = _columns(context, unique_id, declared, tests)
    buildable = node.resource_type in BUILDABLE
    kind = DBT_DOCS_KINDS.get(node.resource_type)
    column_graph, traces = (
        (GraphView(), {})
        if kept
        else column_traces(context.lineage, unique_id, [c.name for c in columns], context.pages)
    )
    model = node.resource_type == "model"
    return NodePage(
        page=context.pages[unique_id],
        unique_id=unique_id,
        name=node.label,
        resource_type=node.resource_type,
        description=description,
        owner=owner_of(context.project.registry, node.team),
        layer=node.layer,
        access=node.access,
        materialized=node.materialized if buildable else None,
        tags=tuple(str(t) for t in (tags if isinstance(tags, (list, tuple)) else [tags])),
        path=node.path,
        product=node.access == "public" and unique_id in context.contracts,
        usage=_usage(context, unique_id),
        contract=_contract_view(context, unique_id, name),
        health=_health(context, unique_id, tests) if buildable else None,
        columns=columns,
        consumers=_consumers(context, unique_id, name) if model and not kept else None,
        upstream=tuple(context.link(u) for u in sorted(graph.upstream(unique_id))),
        downstream=tuple(context.link(d) for d in sorted(graph.downstream(unique_id))),
        graph=GraphView() if kept else neighbourhood(graph, unique_id, context.pages),
        column_graph=column_graph,
        column_lineage=traces,
        cost=NO_COST if buildable else "",
        dbt_docs=f"{context.dbt_docs}#!/{kind}/{unique_id}" if context.dbt_docs and kind else None,
        notes=_notes(context, unique_id, name),
        kept=kept,
    )
