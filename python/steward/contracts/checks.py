"""What the contract rules report, as pure functions over a loaded project (CON001) and
its lineage (CON003; CON002 needs no lineage); `steward lint` and `steward contracts` share them."""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from steward.contracts.changes import Violation
from steward.contracts.dbt import latest_of
from steward.contracts.generate import Stale, by_model, generated_files, node_of, stale
from steward.contracts.head import head_problems
from steward.lineage import ProjectLineage, project_lineage
from steward.project.model import Column, Position, Project, Properties
from steward.render import RenderedProject

if TYPE_CHECKING:
    from steward.graph import DependencyGraph
    from steward.lint.context import LintContext


@dataclass(frozen=True)
class Problem:
    position: Position
    message: str
    model: str | None = None


def contract_problems(project: Project, access: dict[str, str] | None = None) -> list[Problem]:
    """CON001: invalid contracts, contracts without their model (or in another team's
    folder), public models without a contract, versions that do not add up. `access`
    is each model's resolved access by unique id (default: its yml and project config)."""
    if project.contracts_dir is None:
        return []
    found = [Problem(i.position, i.message, i.model) for i in project.contract_issues]
    groups = set(by_model(project))
    contracts_of = by_model(project)
    for model, contracts in contracts_of.items():
        versioned = [c for c in contracts if c.dbt_version is not None]
        if versioned and len(versioned) != len(contracts):
            found.append(
                Problem(
                    contracts[0].position,
                    f"`{model}` has an unversioned "
                    f"contract and versioned ones: name every one "
                    f"{model}.v<N>.yaml",
                    model,
                )
            )
            continue
        if versioned and sum(1 for c in contracts if c.status == "active") != 1:
            found.append(
                Problem(
                    latest_of(list(contracts)).position,
                    f"exactly one version of `{model}` must be `status: active` "
                    "(the latest version, what ref() without a version gets)",
                    model,
                )
            )
        for contract in contracts:
            node = node_of(project, contract)
            if node is None:
                expected = (
                    f"{model}.sql"
                    if contract.dbt_version is None
                    else f"{model}_v{contract.dbt_version}.sql"
                )
                found.append(
                    Problem(
                        contract.position,
                        f"contract for {contract.label}, but "
                        f"there is no such model ({expected} under "
                        f"models/<layer>/{contract.team or '<team>'}/): remove "
                        "the contract or add the model",
                        model,
                    )
                )
            elif contract.team is not None and node.team not in (None, contract.team):
                found.append(
                    Problem(
                        contract.position,
                        f"the contract of `{model}` is in "
                        f"contracts/{contract.team}/, but the model belongs to "
                        f"`{node.team}`: move it to contracts/{node.team}/",
                        model,
                    )
                )
    invalid = {i.model for i in project.contract_issues}
    for node in project.models:
        resolved = (access or {}).get(node.unique_id) or node.access
        if resolved == "public" and node.dbt_name not in groups | invalid:
            where = node.properties.position if node.properties else node.position
            found.append(
                Problem(
                    where,
                    f"`{node.dbt_name}` is public but has no contract: "
                    f"write contracts/{node.team or '<team>'}/"
                    f"{node.dbt_name}.yaml (ODCS v3) and run `steward contracts "
                    "generate`, or make it private",
                    node.dbt_name,
                )
            )
    return found


def first_contract_error(project: Project) -> Problem | None:
    """The first contract that is invalid: the contract commands stop on it (exit 2)."""
    issue = next(iter(project.contract_issues), None)
    return Problem(issue.position, issue.message, issue.model) if issue else None


def contract_view(rendered: RenderedProject) -> RenderedProject:
    """`rendered` with each contracted model's yml columns taken from its contract, as
    the generated yml declares them: lineage then sees what dbt enforces, whether or not
    the generated file is there yet (a consumer's `select *` of it expands the same)."""
    project = rendered.project
    nodes = dict(rendered.nodes)
    for contract in project.contracts:
        node = node_of(project, contract)
        if node is None or node.unique_id not in nodes:
            continue
        item = nodes[node.unique_id]
        base = node.properties or Properties(position=contract.position)
        columns = tuple(
            Column(c.name, c.position, c.description, c.physical_type) for c in contract.columns
        )
        nodes[node.unique_id] = replace(
            item, node=replace(node, properties=replace(base, columns=columns))
        )
    return replace(rendered, nodes=MappingProxyType(nodes))


def contracts_lineage(
    rendered: RenderedProject, graph: DependencyGraph | None = None
) -> ProjectLineage:
    """The column lineage the contract commands and rules use (`contract_view`)."""
    return project_lineage(contract_view(rendered), graph)


_lineages: weakref.WeakKeyDictionary[object, ProjectLineage] = weakref.WeakKeyDictionary()


def lint_lineage(ctx: LintContext) -> ProjectLineage:
    """The column lineage of the whole project, once per lint run (a lint of a change
    renders only part of the project; lineage needs all of it)."""
    found = _lineages.get(ctx)
    if found is None:
        rendered = ctx.rendered
        if rendered.complete:
            found = contracts_lineage(rendered, ctx.dependency_graph)
        else:
            # rendered in parallel as a full lint is; what did not change since the last
            # run has its lineage in the project's cache
            from steward.lint.build import build_context

            whole = build_context(ctx.project, rendered.target, renderer=ctx.renderer)
            found = contracts_lineage(whole.rendered, whole.dependency_graph)
        _lineages[ctx] = found
    return found


def stale_generated(project: Project) -> tuple[Stale, ...]:
    """CON002: a re-generation from the contracts, compared with the committed files."""
    if project.contracts_dir is None:
        return ()
    return stale(project, generated_files(project))


def head_violations(
    project: Project, lineage: ProjectLineage, today: dt.date | None = None
) -> list[Violation]:
    """CON003 without a base: what the head breaks on its own."""
    if project.contracts_dir is None:
        return []
    return head_problems(project, lineage, today or dt.date.today())
