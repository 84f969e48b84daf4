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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from steward.contracts.consumers import Consumers, ModelConsumer, consumers, pins
from steward.contracts.dbt import latest_of
from steward.contracts.generate import by_model, node_of
from steward.findings import ERROR, WARNING, Finding
from steward.impact.compare import ProjectState, compare_columns
from steward.lineage import ProjectLineage
from steward.project import spark_types
from steward.project.contracts import Check, Contract
from steward.project.model import Position, Project

BREAKING = (
    "column_removed",
    "column_renamed",
    "type_changed",
    "nullable",
    "key_changed",
    "sla_weakened",
    "not_produced",
    "version_removed",
)


@dataclass(frozen=True)
class ContractChange:
    model: str
    version: int
    kind: str
    detail: str
    position: Position
    column: str | None = None

    @property
    def breaking(self) -> bool:
        return self.kind in BREAKING


@dataclass(frozen=True)
class Violation:
    """One CON003: breaking changes to one version of a model, and whom they break."""

    model: str
    version: int
    team: str | None
    message: str
    position: Position
    changes: tuple[ContractChange, ...]
    consumers: Consumers | None
    severity: str = ERROR

    def finding(self) -> Finding:
        return Finding(
            "CON003",
            self.severity,
            self.position.path,
            self.position.line,
            self.position.column,
            self.model,
            self.team,
            self.message,
        )


@dataclass(frozen=True)
class BreakingReport:
    base: str
    changes: tuple[ContractChange, ...]
    violations: tuple[Violation, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(v.finding() for v in self.violations)

    @property
    def breaking(self) -> bool:
        return any(v.severity == ERROR for v in self.violations)


# ---- comparing two contracts --------------------------------------------------------
def _sla(
    old: Check | None, new: Check | None, what: str, contract: Contract
) -> list[tuple[str, str]]:
    """(kind, detail) of a change of the freshness (`what` latency) or the volume."""
    if old is None and new is None:
        return []
    if new is None:
        return [("sla_weakened", f"the {what} was dropped")]
    if old is None:
        return [("sla_tightened", f"a {what} was added")]
    if what == "latency":
        before, after = old.max_age_minutes or 0, new.max_age_minutes or 0
        if old.column != new.column:
            return [
                ("sla_weakened", f"the latency is measured on `{new.column}`, not `{old.column}`")
            ]
        if after > before:
            return [
                ("sla_weakened", f"latency {old.max_age} {old.unit} -> {new.max_age} {new.unit}")
            ]
        if after < before:
            return [
                ("sla_tightened", f"latency {old.max_age} {old.unit} -> {new.max_age} {new.unit}")
            ]
        return []
    found = []
    if (new.minimum or 0) < (old.minimum or 0) or (old.load_column != new.load_column):
        found.append(
            (
                "sla_weakened",
                f"volume minimum {old.minimum} -> {new.minimum} rows "
                f"per load of {new.load_column or 'the table'}",
            )
        )
    elif (new.minimum or 0) > (old.minimum or 0):
        found.append(("sla_tightened", f"volume minimum {old.minimum} -> {new.minimum} rows"))
    if new.maximum != old.maximum:
        found.append(("volume_changed", f"volume maximum {old.maximum} -> {new.maximum} rows"))
    return found


def diff_contracts(
    old: Contract, new: Contract, renames: Mapping[str, str] | None = None
) -> list[ContractChange]:
    """What changed from `old` to `new` (the same model, two revisions or versions).
    `renames` maps an old column to the new column computed the same way (from lineage)."""
    renames = dict(renames or {})
    version = new.major
    changes: list[ContractChange] = []

    def add(
        kind: str, detail: str, column: str | None = None, position: Position | None = None
    ) -> None:
        changes.append(
            ContractChange(new.model, version, kind, detail, position or new.position, column)
        )

    new_names = {c.name for c in new.columns}
    old_names = {c.name for c in old.columns}
    renamed = {
        o: n
        for o, n in renames.items()
        if o in old_names - new_names and n in new_names - old_names
    }
    for column in old.columns:
        if column.name in new_names:
            continue
        if column.name in renamed:
            target = new.column(renamed[column.name])
            add(
                "column_renamed",
                f"`{column.name}` renamed to `{renamed[column.name]}`",
                column.name,
                target.position if target else None,
            )
        else:
            add("column_removed", f"`{column.name}` removed", column.name)
    for column in new.columns:
        before = old.column(column.name)
        if before is None:
            if column.name not in renamed.values():
                add("column_added", f"`{column.name}` added", column.name, column.position)
            continue
        how = spark_types.classify_change(before.physical_type, column.physical_type)
        if how is not None:
            add(
                "type_changed",
                f"`{column.name}` {how}: {before.physical_type} -> {column.physical_type}",
                column.name,
                column.position,
            )
        if before.required and not column.required:
            add(
                "nullable",
                f"`{column.name}` may now be NULL (it was required)",
                column.name,
                column.position,
            )
        elif column.required and not before.required:
            add("required", f"`{column.name}` is now required", column.name, column.position)
    if old.primary_key != new.primary_key:
        add(
            "key_changed",
            f"primary key ({', '.join(old.primary_key) or 'none'}) -> "
            f"({', '.join(new.primary_key) or 'none'})",
        )
    for kind, detail in _sla(old.freshness, new.freshness, "latency", new):
        add(kind, detail, position=(new.freshness.position if new.freshness else None))
    for kind, detail in _sla(old.volume, new.volume, "volume", new):
        add(kind, detail, position=(new.volume.position if new.volume else None))
    return changes


def _renames(
    base: ProjectState, head: ProjectState, old: Contract, new: Contract
) -> dict[str, str]:
    """Columns renamed between the nodes of two contracts, from their column lineage."""
    old_node = node_of(base.rendered.project, old)
    new_node = node_of(head.rendered.project, new)
    if old_node is None or new_node is None:
        return {}
    before = base.lineage.models.get(old_node.unique_id)
    after = head.lineage.models.get(new_node.unique_id)
    if before is None or after is None:
        return {}
    found = compare_columns(new_node.unique_id, before, after, {}, True)
    return {c.column: c.new_name for c in found if c.change == "renamed" and c.new_name}


# ---- whom it breaks -----------------------------------------------------------------
def _broken(found: Consumers | None, changes: Iterable[ContractChange]) -> Consumers | None:
    """The consumers a set of changes breaks: users of a changed column; everyone for a
    change to the whole model (key, SLA, a removed version)."""
    if found is None:
        return None
    columns = set()
    for change in changes:
        if change.column is None:
            return found
        columns.add(change.column)
    models = tuple(m for m in found.models if any(m.uses(c) for c in columns))
    names = {m.name for m in models} | set(found.producer_names)
    exposures = tuple(e for e in found.exposures if names & set(e.via))
    return Consumers(
        found.model, found.team, found.producers, models, exposures, found.producer_names
    )


def _merged(first: Consumers, second: Consumers) -> Consumers:
    """The consumers of the head and of the base (a consumer updated in the same change
    still had to change), each once."""
    models: dict[str, ModelConsumer] = {}
    for model in (*first.models, *second.models):
        seen = models.get(model.unique_id)
        if seen is None:
            models[model.unique_id] = model
        else:
            extra = tuple(c for c in model.columns if c.column not in seen.columns_used)
            models[model.unique_id] = replace(seen, columns=seen.columns + extra)
    exposures = {e.unique_id: e for e in (*second.exposures, *first.exposures)}
    return Consumers(
        first.model,
        first.team or second.team,
        tuple(dict.fromkeys((*first.producers, *second.producers))),
        tuple(sorted(models.values(), key=lambda m: (m.team or "", m.name))),
        tuple(sorted(exposures.values(), key=lambda e: (e.team or "", e.name))),
        tuple(dict.fromkeys((*first.producer_names, *second.producer_names))),
    )


def _breaks(found: Consumers | None) -> str:
    if found is None or not (found.models or found.exposures):
        return "no known consumer yet (the relation is public: others may read it)"
    return "breaks " + found.describe()


def _version_label(contract: Contract) -> str:
    return f"`{contract.model}`" + (f" v{contract.dbt_version}" if contract.dbt_version else "")


def _details(changes: Sequence[ContractChange]) -> str:
    return "; ".join(c.detail for c in changes)


# ---- the head on its own (also `steward lint`) ----------------------------------------
def head_problems(project: Project, lineage: ProjectLineage, today: dt.date) -> list[Violation]:
    """What is breaking in the head alone: a contracted column the model's SQL does not
    produce; a deprecated version past its date (a warning: remove it)."""
    found: list[Violation] = []
    for model, contracts in by_model(project).items():
        everyone: Consumers | None = None
        for contract in contracts:
            node = node_of(project, contract)
            if node is None:
                continue
            team = node.team
            changes = [
                ContractChange(
                    model,
                    contract.major,
                    "not_produced",
                    f"the SQL of `{node.name}` does not produce `{column.name}`",
                    column.position,
                    column.name,
                )
                for column in contract.columns
                if lineage.column_exists(node.unique_id, column.name) is False
            ]
            if changes:
                everyone = everyone or consumers(lineage, project, model)
                broken = _broken(everyone.of_version(contract.dbt_version), changes)
                found.append(
                    Violation(
                        model,
                        contract.major,
                        team,
                        f"{_version_label(contract)} breaks its contract: {_details(changes)}; "
                        f"{_breaks(broken)}. Produce the column again, or publish the change as "
                        "a new version",
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
                        f"{_version_label(contract)} passed its deprecation date {date}: remove "
                        f"its contract and SQL{still}",
                        contract.position,
                        (),
                        users,
                        WARNING,
                    )
                )
    return found


# ---- base against head --------------------------------------------------------------
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
                    f"`{model}` is no longer a contracted public model: {_breaks(base_users)}. "
                    "Keep its contract until its consumers have moved, and deprecate it with a "
                    "date first",
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
            changes = diff_contracts(old, new, _renames(base, head, old, new))
            all_changes.extend(changes)
            broken = [c for c in changes if c.breaking]
            if not broken:
                continue
            users = _broken(
                _merged(
                    head_users.of_version(new.dbt_version), base_users.of_version(old.dbt_version)
                ),
                broken,
            )
            violations.append(
                Violation(
                    model,
                    version,
                    team,
                    f"breaking change to {_version_label(new)} without a new version: "
                    f"{_details(broken)}; {_breaks(users)}. Publish it as v{version + 1} "
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
            f"{_version_label(old)} removed after its deprecation date {date}, but "
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
        for c in diff_contracts(old, new_latest, _renames(base, head, old, new_latest))
        if c.breaking
    ]
    removal = ContractChange(
        old.model,
        old.major,
        "version_removed",
        f"{_version_label(old)} was removed "
        + (f"before its deprecation date {date}" if date else "without a deprecation date"),
        Position(new_latest.path, 1),
    )
    all_changes.append(removal)
    broken = _broken(users, changes) if changes else version_users
    what = f" ({_details(changes)})" if changes else ""
    return [
        Violation(
            old.model,
            old.major,
            team,
            f"breaking change to `{old.model}`: {removal.detail}{what}; {_breaks(broken)}. "
            f"Keep v{old.major} ({old.model}_v{old.major}.sql, "
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
    changes = [c for c in diff_contracts(old, new, _renames(base, head, old, new)) if c.breaking]
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
    broken = _broken(following, changes)
    if broken is None or not broken.models:
        return []
    pin = f"ref('{old.model}', v={old.major})"
    return [
        Violation(
            new.model,
            new.major,
            team,
            f"the latest version of `{new.model}` moves v{old.major} -> v{new.major} "
            f"({_details(changes)}), and {broken.describe()} follow the latest: pin them with "
            f"{pin} or update them in this change",
            new.position,
            tuple(changes),
            broken,
        )
    ]
