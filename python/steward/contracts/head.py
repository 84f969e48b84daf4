"""What breaks a contract in the head alone, without a base to compare with: the part
of CON003 that `steward lint` reports on every run."""

from __future__ import annotations

import datetime as dt

from steward.contracts.affected import broken_consumers, describe_broken
from steward.contracts.changes import ContractChange, Violation, details, version_label
from steward.contracts.consumers import Consumers, consumers
from steward.contracts.generate import by_model, node_of
from steward.findings import WARNING
from steward.lineage import ProjectLineage
from steward.project import spark_types
from steward.project.contracts import Contract
from steward.project.model import Node, Project


def sql_changes(contract: Contract, node: Node, lineage: ProjectLineage) -> list[ContractChange]:
    """Where the model's SQL departs from its contract: a contracted column it does not
    produce, or yields as another type than the contract declares (the type lineage
    derives: a cast, or the input's type passed through)."""
    found: list[ContractChange] = []
    model = lineage.models.get(node.unique_id)
    for column in contract.columns:
        if lineage.column_exists(node.unique_id, column.name) is False:
            found.append(
                ContractChange(
                    contract.model,
                    contract.major,
                    "not_produced",
                    f"the SQL of `{node.name}` does not produce `{column.name}`",
                    column.position,
                    column.name,
                )
            )
            continue
        produced = model.column(column.name) if model is not None else None
        yields = produced.sql_type if produced is not None else None
        yields = spark_types.normalise(yields) if yields else None
        how = spark_types.classify_change(column.physical_type, yields) if yields else None
        if how is not None:
            found.append(
                ContractChange(
                    contract.model,
                    contract.major,
                    "sql_type_changed",
                    f"the SQL of `{node.name}` yields `{column.name}` as {yields}, the "
                    f"contract declares {column.physical_type} ({how})",
                    column.position,
                    column.name,
                )
            )
    return found


def head_problems(project: Project, lineage: ProjectLineage, today: dt.date) -> list[Violation]:
    """What is breaking in the head alone: a contracted column the model's SQL does not
    produce or yields as another type; a deprecated version past its date (a warning:
    remove it)."""
    found: list[Violation] = []
    for model, contracts in by_model(project).items():
        everyone: Consumers | None = None
        for contract in contracts:
            node = node_of(project, contract)
            if node is None:
                continue
            team = node.team
            changes = sql_changes(contract, node, lineage)
            if changes:
                everyone = everyone or consumers(lineage, project, model)
                broken = broken_consumers(everyone.of_version(contract.dbt_version), changes)
                found.append(
                    Violation(
                        model,
                        contract.major,
                        team,
                        f"{version_label(contract)} breaks its contract: {details(changes)}; "
                        f"{describe_broken(broken)}. Make the SQL produce what the contract "
                        f"declares, or publish the change as v{contract.major + 1} and keep "
                        f"v{contract.major} with a deprecation date",
                        changes[0].position,
                        tuple(changes),
                        broken,
                    )
                )
            date = contract.deprecation_date
            if contract.dbt_version is not None and date is not None and date <= today:
                everyone = everyone or consumers(lineage, project, model)
                users = everyone.of_version(contract.dbt_version)
                still = (
                    f"; still used by {users.describe()}: move them to the latest version first"
                    if users.models or users.exposures
                    else ""
                )
                found.append(
                    Violation(
                        model,
                        contract.major,
                        team,
                        f"{version_label(contract)} passed its deprecation date {date}: remove "
                        f"its contract and SQL{still}",
                        contract.position,
                        (),
                        users,
                        WARNING,
                    )
                )
    return found
