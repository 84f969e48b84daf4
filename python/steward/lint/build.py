"""Build the `LintContext`: render and analyse the nodes, in parallel on big projects.

Rendering and parsing are independent per node once every node's config and relation is
known (`Renderer.prepare`, cheap), so the nodes are split between forked worker processes
that render them and work out their reads and writes; the parent meanwhile renders the
operations, then runs the rules on the merged facts. The result is the same as one
process's: the facts are computed by the same code, merged in project order.

`only` renders a subset (what a change can affect); the other nodes are known by config
and relation, which is all the rules need to judge a read of them.

With the project's cache on (`steward.cache`, the default), rendering goes through
`steward.render.cache.CachedRenderer`: a node whose code, config and inputs are unchanged
since an earlier lint (or docs build) is not rendered again, and only the others are
rendered, in forked processes when there are many; the facts are then worked out here.
"""

from __future__ import annotations

import copyreg
import gc
import multiprocessing
import os
from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Any

from steward.cache import project_store
from steward.lint.context import LintContext, NodeFacts
from steward.lint.refs import static_graph
from steward.lint.scope import Affected, affected
from steward.project.model import Node, Project
from steward.render.cache import CachedRenderer
from steward.render.model import RenderedProject, Target
from steward.render.renderer import Renderer
from steward.sql.analyze import StatementAnalysis, analyze, remember

PARALLEL_MIN_NODES = 200
"""Below this many nodes to render, forking costs more than it saves."""

_renderer: Renderer | None = None


_shared_nodes: Mapping[str, Node] | None = None
"""While workers run: the project's nodes, which both sides have, so facts coming back
name their node instead of carrying its code."""


def _shared_node(unique_id: str) -> Node:
    assert _shared_nodes is not None
    return _shared_nodes[unique_id]


def _reduce_node(node: Node) -> Any:
    if _shared_nodes is not None and _shared_nodes.get(node.unique_id) is node:
        return _shared_node, (node.unique_id,)
    return object.__reduce_ex__(node, 2)


copyreg.pickle(Node, _reduce_node)


def default_jobs() -> int:
    """`STEWARD_JOBS`, else the CPUs this process may use."""
    configured = os.environ.get("STEWARD_JOBS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _facts_of(unique_ids: list[str]) -> tuple[dict[str, NodeFacts], dict[str, StatementAnalysis]]:
    """In a worker: render and analyse some nodes; their facts, and the analyses made
    (the parent's graph asks about the same SQL)."""
    renderer = _renderer
    assert renderer is not None
    nodes = renderer.render_nodes(unique_ids)
    partial = RenderedProject(
        project=renderer.project,
        target=renderer.target,
        nodes=MappingProxyType(nodes),
        relations=MappingProxyType(renderer.relation_map),
    )
    facts = LintContext(partial).facts
    analyses = {
        sql.sql: analyze(sql.sql)
        for node in nodes.values()
        for sql in (*node.sql, *node.statements)
    }
    return facts, analyses


def _parallel(
    renderer: Renderer, unique_ids: list[str], jobs: int
) -> tuple[RenderedProject, dict[str, NodeFacts]] | None:
    """Render and analyse in `jobs` forked processes; None when forking is unavailable."""
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return None
    global _renderer, _shared_nodes
    _renderer = renderer
    _shared_nodes = renderer.project.nodes
    chunks = [unique_ids[i :: jobs * 4] for i in range(jobs * 4)]
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pending = pool.map_async(_facts_of, [c for c in chunks if c])
            renderer.operations  # noqa: B018 - rendered here while the workers run
            results = pending.get()
    finally:
        _renderer = None
        _shared_nodes = None
    facts: dict[str, NodeFacts] = {}
    for part, analyses in results:
        facts.update(part)
        remember(analyses)
    ordered = {uid: facts[uid] for uid in unique_ids}
    return renderer.project_of({uid: f.rendered for uid, f in ordered.items()}), ordered


def project_renderer(
    project: Project,
    target: Target | None = None,
    cli_vars: Mapping[str, Any] | None = None,
    jobs: int | None = None,
) -> Renderer:
    """The renderer of a lint: the cached one, unless the cache is off."""
    store = project_store(project.root)
    if not store.enabled:
        return Renderer(project, target, cli_vars)
    return CachedRenderer(
        project, store, target, cli_vars, jobs=default_jobs() if jobs is None else jobs
    )


def build_context(
    project: Project,
    target: Target | None = None,
    cli_vars: Mapping[str, Any] | None = None,
    *,
    only: Collection[str] | None = None,
    jobs: int | None = None,
    renderer: Renderer | None = None,
) -> LintContext:
    """Render and analyse `project` (or the nodes of `only`) into a `LintContext`."""
    # Rendering and parsing allocate millions of short-lived objects and few cycles: the
    # cyclic collector's passes cost a fifth of the time and free almost nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(project, target, cli_vars, only, jobs, renderer)
    finally:
        if collecting:
            gc.enable()


def _build(
    project: Project,
    target: Target | None,
    cli_vars: Mapping[str, Any] | None,
    only: Collection[str] | None,
    jobs: int | None,
    renderer: Renderer | None,
) -> LintContext:
    jobs = default_jobs() if jobs is None else jobs
    renderer = renderer or project_renderer(project, target, cli_vars, jobs)
    renderer.prepare()
    unique_ids = [uid for uid in project.nodes if only is None or uid in only]
    if isinstance(renderer, CachedRenderer):
        nodes = renderer.render_nodes(unique_ids)
        return LintContext(renderer.project_of(nodes), renderer=renderer)
    if jobs > 1 and len(unique_ids) >= PARALLEL_MIN_NODES:
        done = _parallel(renderer, unique_ids, jobs)
        if done is not None:
            return LintContext(*done, renderer=renderer)
    return LintContext(renderer.project_of(renderer.render_nodes(unique_ids)), renderer=renderer)


def changed_context(
    project: Project,
    files: Collection[str],
    target: Target | None = None,
    cli_vars: Mapping[str, Any] | None = None,
    *,
    jobs: int | None = None,
) -> tuple[LintContext, Affected]:
    """The context of a change to `files`: only what it can affect is rendered."""
    renderer = project_renderer(project, target, cli_vars, jobs)
    renderer.prepare()
    teams: dict[str, str | None] = {uid: node.team for uid, node in project.nodes.items()}
    teams.update({uid: source.team for uid, source in project.sources.items()})
    graph = static_graph(project, renderer.relation_map, teams, renderer.usage)
    area = affected(project, graph, files)
    only = None if area.everything else area.nodes
    return build_context(project, only=only, jobs=jobs, renderer=renderer), area
