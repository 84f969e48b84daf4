"""Breaking changes to contracted models (CON003), from a base revision to the head.

A contract version is compared with the same version at the base (the version is the
major of the contract's `version`; a versioned model has one contract per version). What
breaks a consumer:

| change                                           | breaking |
|--------------------------------------------------|----------|
| a column removed or renamed                      | yes      |
| a column's type narrowed, widened or changed     | yes      |
| a column nullable that was required              | yes      |
| the primary key changed                          | yes      |
| the SLA weakened: a longer latency (freshness), a lower minimum volume, or either dropped | yes |
| the model's SQL no longer producing a contracted column | yes |
| the model's SQL yielding a column as another type than the contract declares | yes |
| the model's SQL deleted while its contract stays | yes |
| a version removed before its deprecation date    | yes      |
| a column added, a required column, a tighter SLA | no       |

A breaking change is allowed only as a new model version: the old version kept, with a
`deprecation_date`, beside the new one. When the latest version moves (v1 -> v2),
consumers following the latest (`ref('m')`) that use a changed column must pin the old
version (`ref('m', v=1)`) or be updated in the same change. Every CON003 names the
consumers it breaks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from steward.contracts.affected import broken_consumers, describe_broken, merged_consumers
from steward.contracts.changes import (
    BreakingReport,
    ContractChange,
    Violation,
    details,
    version_label,
)
from steward.contracts.consumers import Consumers, consumers, pins
from steward.contracts.dbt import latest_of
from steward.contracts.diff import diff_contracts, lineage_renames
from steward.contracts.generate import by_model, node_of
from steward.contracts.head import head_problems
from steward.impact.compare import ProjectState
from steward.impact.downstream import still_reads
from steward.project.contracts import Contract
from steward.project.model import Position


def breaking_changes(
    base: ProjectState, head: ProjectState, base_ref: str, today: dt.date | None = None
) -> BreakingReport:
    today = today or dt.date.today()
    base_project, head_project = base.rendered.project, head.rendered.project
    base_groups, head_groups = by_model(base_project), by_model(head_project)
    all_changes: list[ContractChange] = []
    violations: list[Violation] = list(head_problems(head_project, head.lineage, today))
    for model in sorted(base_groups):
        before = {c.major: c for c in base_groups[model]}
        after = {c.major: c for c in head_groups.get(model, ())}
        head_users = consumers(head.lineage, head_project, model)
        base_users = consumers(base.lineage, base_project, model)
        team = head_users.team or base_users.team
        old_latest = latest_of(list(before.values()))
        if not after:
            if all(c.deprecation_date and c.deprecation_date <= today for c in before.values()):
                continue
            change = ContractChange(
                model,
                old_latest.major,
                "version_removed",
                f"the contract of `{model}` was removed",
                Position(old_latest.path, 1),
            )
            all_changes.append(change)
            violations.append(
                Violation(
                    model,
                    old_latest.major,
                    team,
                    f"`{model}` is no longer a contracted public model: "
                    f"{describe_broken(base_users)}. Keep its contract until its consumers have "
                    "moved, and deprecate it with a date first",
                    change.position,
                    (change,),
                    base_users,
                )
            )
            continue
        new_latest = latest_of(list(after.values()))
        for version, old in sorted(before.items()):
            new = after.get(version)
            if new is None:
                violations.extend(
                    _removed(old, new_latest, base, head, base_users, today, all_changes, team)
                )
                continue
            gone = _model_removed(old, new, base, head, base_users, today, team)
            if gone is not None:
                all_changes.extend(gone.changes)
                violations.append(gone)
            changes = diff_contracts(old, new, lineage_renames(base, head, old, new))
            all_changes.extend(changes)
            broken = [c for c in changes if c.breaking]
            if not broken:
                continue
            users = broken_consumers(
                merged_consumers(
                    head_users.of_version(new.dbt_version), base_users.of_version(old.dbt_version)
                ),
                broken,
            )
            violations.append(
                Violation(
                    model,
                    version,
                    team,
                    f"breaking change to {version_label(new)} without a new version: "
                    f"{details(broken)}; {describe_broken(users)}. Publish it as v{version + 1} "
                    f"(contracts/<team>/{model}.v{version + 1}.yaml and {model}_v{version + 1}"
                    f".sql) and keep v{version} with a deprecation date",
                    broken[0].position,
                    tuple(broken),
                    users,
                )
            )
        if new_latest.major != old_latest.major and old_latest.major in after:
            violations.extend(
                _latest_moved(old_latest, new_latest, base, head, head_users, all_changes, team)
            )
    return BreakingReport(base_ref, tuple(all_changes), tuple(violations))


def _model_removed(
    old: Contract,
    new: Contract,
    base: ProjectState,
    head: ProjectState,
    users: Consumers,
    today: dt.date,
    team: str | None,
) -> Violation | None:
    """The model's SQL deleted while its contract stays: every consumer loses its input.
    Past the contract's deprecation date, only the consumers still reading it break."""
    node = node_of(base.rendered.project, old)
    if node is None or node_of(head.rendered.project, new) is not None:
        return None
    version_users = users.of_version(old.dbt_version)
    date = new.deprecation_date
    if date is not None and date <= today:
        relation = base.graph.nodes[node.unique_id].relation
        reading = tuple(
            m for m in version_users.models if still_reads(head, m.unique_id, old.model, relation)
        )
        if not reading:
            return None
        version_users = replace(version_users, models=reading)
    change = ContractChange(
        old.model,
        old.major,
        "model_removed",
        f"the model {version_label(new)} ({node.path}) was removed, its contract stays",
        new.position,
    )
    return Violation(
        old.model,
        old.major,
        team,
        f"breaking change to {version_label(new)}: {change.detail}; "
        f"{describe_broken(version_users)}. Restore {node.path}; to retire the model, give "
        "its contract a deprecation date, move the consumers, then remove the contract and "
        "the SQL together after that date",
        change.position,
        (change,),
        version_users,
    )


def _removed(
    old: Contract,
    new_latest: Contract,
    base: ProjectState,
    head: ProjectState,
    users: Consumers,
    today: dt.date,
    all_changes: list[ContractChange],
    team: str | None,
) -> list[Violation]:
    version_users = users.of_version(old.dbt_version) if old.dbt_version else users
    date = old.deprecation_date
    if date is not None and date <= today:
        nodes = head.rendered.project.nodes
        still = [
            m
            for m in version_users.models
            if m.unique_id in nodes and pins(nodes[m.unique_id].raw_code, old.model, old.major)
        ]
        if not still:
            return []
        detail = (
            f"{version_label(old)} removed after its deprecation date {date}, but "
            f"{', '.join(f'`{m.name}` of {m.team}' for m in still)} still pin it: "
            "move them to the latest version"
        )
        return [
            Violation(
                old.model, old.major, team, detail, Position(new_latest.path, 1), (), version_users
            )
        ]
    changes = [
        c
        for c in diff_contracts(old, new_latest, lineage_renames(base, head, old, new_latest))
        if c.breaking
    ]
    removal = ContractChange(
        old.model,
        old.major,
        "version_removed",
        f"{version_label(old)} was removed "
        + (f"before its deprecation date {date}" if date else "without a deprecation date"),
        Position(new_latest.path, 1),
    )
    all_changes.append(removal)
    broken = broken_consumers(users, changes) if changes else version_users
    what = f" ({details(changes)})" if changes else ""
    return [
        Violation(
            old.model,
            old.major,
            team,
            f"breaking change to `{old.model}`: {removal.detail}{what}; "
            f"{describe_broken(broken)}. Keep v{old.major} ({old.model}_v{old.major}.sql, "
            f"contracts/<team>/{old.model}.v{old.major}.yaml) with status deprecated and a "
            f"deprecationDate beside v{new_latest.major}",
            removal.position,
            (removal, *changes),
            broken,
        )
    ]


def _latest_moved(
    old: Contract,
    new: Contract,
    base: ProjectState,
    head: ProjectState,
    users: Consumers,
    all_changes: list[ContractChange],
    team: str | None,
) -> list[Violation]:
    """Unpinned consumers now get the new latest version: those using a changed column
    break unless they pin the old version."""
    changes = [
        c for c in diff_contracts(old, new, lineage_renames(base, head, old, new)) if c.breaking
    ]
    all_changes.extend(changes)
    if not changes:
        return []
    following = Consumers(
        users.model,
        users.team,
        users.producers,
        tuple(m for m in users.models if m.version == new.dbt_version and not m.pinned),
        users.exposures,
        users.producer_names,
    )
    broken = broken_consumers(following, changes)
    if broken is None or not broken.models:
        return []
    pin = f"ref('{old.model}', v={old.major})"
    return [
        Violation(
            new.model,
            new.major,
            team,
            f"the latest version of `{new.model}` moves v{old.major} -> v{new.major} "
            f"({details(changes)}), and {broken.describe()} follow the latest: pin them with "
            f"{pin} or update them in this change",
            new.position,
            tuple(changes),
            broken,
        )
    ]
