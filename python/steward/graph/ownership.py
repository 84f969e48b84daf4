"""Who owns a node: its layer and team, from where it lives (the registry names the teams).

A model's layer and team come from its folder `models/<layer>/<team>/`; a seed's,
snapshot's or test's team from a folder named after a team, else its `meta.owner`; a source's from
the bronze folder that declares it; an exposure's from the gold folder that declares it,
else its `owner` matched against the registry's contacts.
"""

from __future__ import annotations

from collections.abc import Collection

from steward.project.model import Exposure, Node, Registry, SourceTable

LAYERS = ("bronze", "silver", "gold", "ops")


def node_layer_team(node: Node, team_ids: Collection[str]) -> tuple[str | None, str | None]:
    folders = node.folders
    if node.resource_type == "model":
        layer = folders[0] if folders else None
        team = folders[1] if len(folders) > 1 else None
        return layer, team
    if node.resource_type in ("seed", "snapshot", "test"):
        for folder in folders:
            if folder in team_ids:
                return None, folder
        owner = node.meta.get("owner")
        return None, str(owner) if owner else None
    return None, None


def folder_team(path: str, layers: Collection[str]) -> str | None:
    """`models/<layer>/<team>/file.yml` -> team (the folder after the first layer folder)."""
    parts = path.split("/")
    for index, part in enumerate(parts[:-1]):
        if part in layers and index + 1 < len(parts) - 1:
            return parts[index + 1]
    return None


def source_team(source: SourceTable, layers: Collection[str]) -> str | None:
    return folder_team(source.path, layers)


def exposure_team(exposure: Exposure, registry: Registry | None) -> str | None:
    layers = set(LAYERS) | (registry.layers if registry else set())
    team = folder_team(exposure.path, layers)
    if team is not None or registry is None:
        return team
    owner = {str(v).lower() for v in exposure.owner.values()}
    for candidate in registry.teams:
        if {candidate.id, candidate.name.lower(), candidate.contact.lower()} & owner:
            return candidate.id
    return None
