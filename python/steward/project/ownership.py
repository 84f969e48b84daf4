"""Who owns a node, resolved once when the project is loaded: its layer and team, from
where it lives (the registry names the teams).

A model's layer and team come from its folder `models/<layer>/<team>/`; a seed's,
snapshot's or test's team from a folder named after a team, else its `meta.owner`; a
source's from the layer folder that declares it; an exposure's from the layer folder that
declares it, else its `owner` matched against the registry's teams and contacts.
Everything else in steward reads `Node.team`, `Node.layer`, `SourceTable.team` and
`Exposure.team`; nothing derives them again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import Any

from steward.project.model import Exposure, Registry, SourceTable
from steward.project.namespaces import LAYERS


def known_layers(registry: Registry | None) -> frozenset[str]:
    return frozenset(LAYERS) | (registry.layers if registry else frozenset())


def node_layer_team(
    resource_type: str,
    folders: tuple[str, ...],
    meta: Mapping[str, Any],
    registry: Registry | None,
) -> tuple[str | None, str | None]:
    """(layer, team) of a node in `folders` (the folders between the resource root and
    the file) with config `meta`."""
    if resource_type == "model":
        layer = folders[0] if folders else None
        team = folders[1] if len(folders) > 1 else None
        return layer, team
    if resource_type in ("seed", "snapshot", "test"):
        team_ids = registry.team_ids if registry else frozenset()
        for folder in folders:
            if folder in team_ids:
                return None, folder
        owner = meta.get("owner") if isinstance(meta, Mapping) else None
        return None, str(owner) if owner else None
    return None, None


def folder_team(path: str, layers: Collection[str]) -> str | None:
    """`models/<layer>/<team>/file.yml` -> team (the folder after the first layer folder)."""
    parts = path.split("/")
    for index, part in enumerate(parts[:-1]):
        if part in layers and index + 1 < len(parts) - 1:
            return parts[index + 1]
    return None


def with_source_team(source: SourceTable, registry: Registry | None) -> SourceTable:
    return dataclasses.replace(source, team=folder_team(source.path, known_layers(registry)))


def with_exposure_team(exposure: Exposure, registry: Registry | None) -> Exposure:
    team = folder_team(exposure.path, known_layers(registry))
    if team is None and registry is not None:
        owner = {str(v).lower() for v in exposure.owner.values()}
        team = next(
            (t.id for t in registry.teams if {t.id, t.name.lower(), t.contact.lower()} & owner),
            None,
        )
    return dataclasses.replace(exposure, team=team)
