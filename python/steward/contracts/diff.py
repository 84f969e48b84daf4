"""What changed from one revision of a contract to another: columns, types, nullability,
the primary key and the SLA (freshness and volume), renames told apart from a removal
and an addition by the column lineage of the two revisions."""

from __future__ import annotations

from collections.abc import Mapping

from steward.contracts.changes import ContractChange
from steward.contracts.generate import node_of
from steward.impact.compare import ProjectState, compare_columns
from steward.project import spark_types
from steward.project.contracts import Check, Contract
from steward.project.model import Position


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


def lineage_renames(
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
