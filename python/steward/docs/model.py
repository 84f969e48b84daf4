"""The site's data model: what each page shows, as frozen records.

Built by pure functions over the `Project` (and its graph, lineage and the run history:
`steward.docs.pages`, `steward.docs.teams`); written as HTML and JSON by
`steward.docs.write`. Every `page` is a site-relative posix path (`models/x.html`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from steward.docs.health import Health, TestResult
from steward.docs.inputs import Problem
from steward.docs.usage import Usage

EMPTY_MAP: Mapping[str, ColumnTrace] = MappingProxyType({})


@dataclass(frozen=True)
class Link:
    """A node, team or exposure another page points at."""

    label: str
    page: str | None
    kind: str
    team: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Owner:
    team: str | None
    name: str = ""
    contact: str = ""
    channel: str = ""
    cost_centre: str = ""
    page: str | None = None


@dataclass(frozen=True)
class ColumnRow:
    name: str
    data_type: str | None
    description: str
    tests: tuple[TestResult, ...] = ()
    constraints: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContractView:
    path: str
    id: str = ""
    version: str = ""
    status: str = ""
    primary_key: tuple[str, ...] = ()
    sla: tuple[tuple[str, str], ...] = ()
    freshness: str | None = None
    volume: str | None = None
    text: str = ""
    problem: str | None = None
    """Why the contract could not be read (it does not validate)."""


@dataclass(frozen=True)
class ModelUse:
    """A consuming model and the producer's columns it uses."""

    link: Link
    columns: tuple[str, ...]


@dataclass(frozen=True)
class ConsumerView:
    teams: tuple[Link, ...] = ()
    models: tuple[ModelUse, ...] = ()
    exposures: tuple[Link, ...] = ()


@dataclass(frozen=True)
class GraphItem:
    id: str
    label: str
    kind: str
    x: float
    y: float
    page: str | None = None
    team: str | None = None
    layer: str | None = None
    hop: int = 0
    """Steps from the page's node: negative upstream, positive downstream."""
    role: str = ""
    """In a column trace: root, upstream or used (in a filter, join, group by, window)."""


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    kind: str = ""


@dataclass(frozen=True)
class GraphView:
    """A graph with its positions computed at build time (`steward.docs.layout`)."""

    nodes: tuple[GraphItem, ...] = ()
    edges: tuple[GraphEdge, ...] = ()
    upstream_total: int = 0
    downstream_total: int = 0
    truncated: bool = False


@dataclass(frozen=True)
class ColumnTrace:
    """A column's upstream lineage: the columns it is computed from (`upstream`) and the
    columns its model and the models on the way filter, join, group or partition on
    (`used`), by label; `roles` are its items of the page's column graph (root, upstream,
    used), by id."""

    column: str
    upstream: tuple[str, ...] = ()
    used: tuple[str, ...] = ()
    roles: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    truncated: bool = False


@dataclass(frozen=True)
class NodePage:
    page: str
    unique_id: str
    name: str
    resource_type: str
    description: str
    owner: Owner
    layer: str | None = None
    access: str | None = None
    materialized: str | None = None
    tags: tuple[str, ...] = ()
    path: str = ""
    product: bool = False
    usage: Usage | None = None
    contract: ContractView | None = None
    health: Health | None = None
    columns: tuple[ColumnRow, ...] = ()
    consumers: ConsumerView | None = None
    upstream: tuple[Link, ...] = ()
    downstream: tuple[Link, ...] = ()
    graph: GraphView = field(default_factory=GraphView)
    column_graph: GraphView = field(default_factory=GraphView)
    """Every column of the node with its upstream columns, laid out once."""
    column_lineage: Mapping[str, ColumnTrace] = field(default_factory=lambda: EMPTY_MAP)
    cost: str = ""
    dbt_docs: str | None = None
    """dbt's own docs page of the node, relative to the site root, when generated."""
    notes: tuple[str, ...] = ()
    """What this page cannot show, and why."""
    kept: bool = False
    """Nothing the page shows changed since the last build: its files are left as they
    are, and its graphs, column lineage and consumers were not computed again."""


@dataclass(frozen=True)
class TeamLink:
    """Another team this one reads from (or is read by), through which models."""

    team: Link
    via: tuple[Link, ...]


@dataclass(frozen=True)
class HealthCount:
    passing: int = 0
    failing: int = 0
    no_data: int = 0


@dataclass(frozen=True)
class TeamPage:
    page: str
    owner: Owner
    kind: str = ""
    layers: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    service_user: str = ""
    """Who the team's orchestrated builds connect to the cluster as."""
    namespaces: tuple[tuple[str, tuple[str, ...]], ...] = ()
    products: tuple[Link, ...] = ()
    models: tuple[Link, ...] = ()
    exposures: tuple[Link, ...] = ()
    reads_from: tuple[TeamLink, ...] = ()
    read_by: tuple[TeamLink, ...] = ()
    health: HealthCount = field(default_factory=HealthCount)
    failing: tuple[Link, ...] = ()
    last_build: str | None = None
    cost: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExposurePage:
    page: str
    name: str
    label: str
    type: str
    url: str
    owner: Owner
    depends_on: tuple[Link, ...] = ()
    products: tuple[Link, ...] = ()
    """The data products it depends on, directly or not."""
    teams: tuple[Link, ...] = ()
    graph: GraphView = field(default_factory=GraphView)
    description: str = ""


@dataclass(frozen=True)
class TeamStanding:
    team: Link
    order: int | None
    health: HealthCount
    last_build: str | None


@dataclass(frozen=True)
class PlatformPage:
    page: str
    team_graph: GraphView
    build_order: tuple[Link, ...]
    standings: tuple[TeamStanding, ...]
    counts: tuple[tuple[str, int], ...]
    problems: tuple[Problem, ...] = ()
    history: str = ""


@dataclass(frozen=True)
class RulePage:
    page: str
    id: str
    summary: str
    severity: str
    sections: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Site:
    """Every page of the site, and the problems to report."""

    project: str
    generated_at: str
    nodes: tuple[NodePage, ...]
    teams: tuple[TeamPage, ...]
    exposures: tuple[ExposurePage, ...]
    platform: PlatformPage
    rules: tuple[RulePage, ...]
    problems: tuple[Problem, ...] = ()
