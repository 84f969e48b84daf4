"""Who uses a contracted model, derived from the dependency graph and column lineage.

Nobody keeps a list of consumers: a consumer is a node that reads the model (`ref()`, or
its relation by name), with the model's columns it computes from or filters, joins,
groups or partitions on; an exposure is a consumer when it depends on the model directly
or through other models. A versioned model's consumers say which version they read and
whether they pinned it (`ref('model', v=1)`) or follow the latest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from steward.graph import BUILDABLE
from steward.lineage import WHOLE, ProjectLineage
from steward.project.model import Node, Project


@dataclass(frozen=True)
class ColumnUsage:
    """A column of the producer and how one consumer uses it. `column` is `*` when the
    consumer reads the model in a way lineage cannot follow to a column."""

    column: str
    computes: tuple[str, ...] = ()
    """The consumer's columns computed from it."""
    uses: tuple[str, ...] = ()
    """filter, join, group_by, window."""


@dataclass(frozen=True)
class ModelConsumer:
    unique_id: str
    name: str
    team: str | None
    columns: tuple[ColumnUsage, ...]
    version: int | None = None
    """The version of the producer it reads (versioned producers only)."""
    pinned: bool = False
    """It names the version (`ref(..., v=N)`) rather than following the latest."""

    @property
    def columns_used(self) -> tuple[str, ...]:
        return tuple(c.column for c in self.columns)

    def uses(self, column: str) -> bool:
        return any(c.column in (column, WHOLE) for c in self.columns) or not self.columns


@dataclass(frozen=True)
class ExposureConsumer:
    unique_id: str
    name: str
    team: str | None
    type: str
    via: tuple[str, ...]
    """The producer's direct consumers through which it depends on the producer (the
    producer itself when it depends on it directly)."""


@dataclass(frozen=True)
class Consumers:
    model: str
    team: str | None
    producers: tuple[str, ...]
    """The producer's node ids: one, or one per version."""
    models: tuple[ModelConsumer, ...] = ()
    exposures: tuple[ExposureConsumer, ...] = ()
    producer_names: tuple[str, ...] = ()

    @property
    def teams(self) -> tuple[str, ...]:
        found = {m.team for m in self.models} | {e.team for e in self.exposures}
        return tuple(sorted(t for t in found if t))

    @property
    def other_teams(self) -> tuple[str, ...]:
        return tuple(t for t in self.teams if t != self.team)

    def using(self, column: str | None) -> Consumers:
        """Only the consumers of `column` (all of them for None), with the exposures
        reached through them."""
        if column is None:
            return self
        models = tuple(m for m in self.models if m.uses(column))
        names = {m.name for m in models} | set(self.producer_names)
        return replace(
            self, models=models, exposures=tuple(e for e in self.exposures if names & set(e.via))
        )

    def of_version(self, version: int | None) -> Consumers:
        if version is None:
            return self
        models = tuple(m for m in self.models if m.version == version)
        names = {m.name for m in models} | {
            n for n in self.producer_names if n.endswith(f"_v{version}")
        }
        return replace(
            self, models=models, exposures=tuple(e for e in self.exposures if names & set(e.via))
        )

    def describe(self) -> str:
        """`team gold_x (kwh, meter_id); exposure lu_dashboard` for a message."""
        parts = [
            f"`{m.name}` of {m.team or 'no team'} ({', '.join(m.columns_used) or '*'})"
            for m in self.models
        ]
        parts += [f"exposure `{e.name}` of {e.team or 'no team'}" for e in self.exposures]
        return "; ".join(parts) if parts else "no known consumers"


def model_nodes(project: Project, model: str) -> tuple[Node, ...]:
    """The nodes of a model by the name `ref()` takes: one, or one per version."""
    found = [n for n in project.models if n.dbt_name == model]
    return tuple(sorted(found, key=lambda n: n.version or 0))


def pins(code: str, model: str, version: int | None = None) -> bool:
    """Whether `code` calls `ref(model, v=...)` (with `version`, when given)."""
    quoted = rf"""['"]{re.escape(model)}['"]"""
    number = r"""['"]?\d+['"]?""" if version is None else rf"""['"]?{version}['"]?"""
    pattern = (
        rf"""ref\(\s*(?:['"][^'"]*['"]\s*,\s*)?{quoted}\s*,\s*(?:v|version)\s*="""
        rf"""\s*{number}\s*\)"""
    )
    return re.search(pattern, code) is not None


def consumers(lineage: ProjectLineage, project: Project, model: str) -> Consumers:
    """Every consumer of `model` (its dbt name) across its versions."""
    graph = lineage.graph
    nodes = [n for n in model_nodes(project, model) if n.unique_id in graph.nodes]
    team = graph.nodes[nodes[0].unique_id].team if nodes else None
    producers = tuple(n.unique_id for n in nodes)
    found: list[ModelConsumer] = []
    for producer in nodes:
        for downstream in graph.downstream(producer.unique_id):
            node = graph.nodes[downstream]
            if node.resource_type not in BUILDABLE or downstream in producers:
                continue
            code = project.nodes[downstream].raw_code if downstream in project.nodes else ""
            found.append(
                ModelConsumer(
                    downstream,
                    node.name,
                    node.team,
                    _usage(lineage, producer.unique_id, downstream),
                    producer.version,
                    producer.version is not None and pins(code, model),
                )
            )
    exposures: list[ExposureConsumer] = []
    direct = {m.unique_id for m in found}
    for exposure in graph.exposures_reached(set(producers)):
        node = graph.nodes[exposure]
        upstream = set(graph.upstream(exposure))
        reached = (graph.ancestors(exposure) & direct) | (upstream & set(producers))
        exposures.append(
            ExposureConsumer(
                exposure,
                node.name,
                node.team,
                node.materialized or "",
                tuple(sorted(graph.nodes[u].name for u in reached)),
            )
        )
    found.sort(key=lambda m: (m.team or "", m.name, m.version or 0))
    exposures.sort(key=lambda e: (e.team or "", e.name))
    return Consumers(
        model, team, producers, tuple(found), tuple(exposures), tuple(n.name for n in nodes)
    )


def _usage(lineage: ProjectLineage, producer: str, consumer: str) -> tuple[ColumnUsage, ...]:
    model = lineage.models.get(consumer)
    if model is None:
        return (ColumnUsage(WHOLE),)
    computes: dict[str, list[str]] = {}
    uses: dict[str, list[str]] = {}
    for column in model.columns:
        for source in column.sources:
            if source.node == producer and column.name != WHOLE:
                computes.setdefault(source.column, []).append(column.name)
            elif source.node == producer:
                computes.setdefault(WHOLE, [])
    for use in model.uses:
        if use.ref.node == producer:
            uses.setdefault(use.ref.column, []).append(use.kind)
    names = sorted(set(computes) | set(uses), key=lambda c: (c == WHOLE, c))
    return tuple(
        ColumnUsage(name, _unique(computes.get(name, ())), _unique(uses.get(name, ())))
        for name in names
    )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
