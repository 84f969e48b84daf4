"""What `steward build` builds, in which order: the graph package's team graph over the
project model, the same one lint judges DEP001 on, so the build order and the lint gate
cannot disagree about who depends on whom."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from steward.errors import UserError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from steward.graph import DependencyGraph
    from steward.project.model import Project
    from steward.render.model import RenderedProject


@dataclass(frozen=True)
class BuildPlan:
    project: Project

    @classmethod
    def load(cls, project_dir: Path) -> BuildPlan:
        from steward.project import load_project

        return cls(load_project(project_dir))

    @functools.cached_property
    def rendered(self) -> RenderedProject:
        from steward.render import render_project

        return render_project(self.project)

    @functools.cached_property
    def graph(self) -> DependencyGraph:
        from steward.graph import build_graph

        return build_graph(self.rendered)

    @functools.cached_property
    def owners(self) -> Mapping[str, str | None]:
        """Every node's and source's team, by unique id (as the project model resolved it)."""
        owners: dict[str, str | None] = {uid: n.team for uid, n in self.project.nodes.items()}
        owners.update({uid: s.team for uid, s in self.project.sources.items()})
        return MappingProxyType(owners)

    @property
    def teams(self) -> frozenset[str]:
        """The teams that have models in this project."""
        return frozenset(n.team for n in self.project.models if n.team is not None)

    def order(self) -> list[str]:
        """The teams with models, producers before consumers, ties by name; a cycle
        between teams is a `UserError` naming it (rule DEP001)."""
        teams = self.teams
        return [team for team in self.graph.team_order() if team in teams]

    def check_team(self, team: str) -> None:
        if team not in self.teams:
            known = ", ".join(sorted(self.teams)) or "none"
            raise UserError(f"team '{team}' has no models in this project (teams: {known})")
