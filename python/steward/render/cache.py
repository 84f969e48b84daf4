"""Rendering across runs: `CachedRenderer` renders a node only when something its SQL
depends on changed, and reuses what an earlier run rendered otherwise.

A node's entry is addressed by the hash of everything its rendered SQL depends on: its
own code, path and resolved config (with hooks), its own relation, and what every node
shares: the macros, `dbt_project.yml`, the vars, the target, the environment variables
the code names, the disabled nodes, steward's and sqlglot's versions. Its description
and columns are not in it (dbt's `model` context carries neither). What a node's
`ref()`/`source()` calls resolved to is checked on reuse: the entry is used only when
each call still names the same node with the same relation, so a change of schema,
alias or database config of a node it reads renders it again.

The entry also holds the SQL analysis of each rendered statement (`steward.sql.analyze`),
which the graph asks for next; a reused entry puts it back in that module's cache.

The entries live in the project's content-addressed store (`steward.cache`:
`target/steward/cache/render/<steward and sqlglot version>/`, atomic writes,
`STEWARD_CACHE=off` turns it off).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from steward.cache import Store, default_version
from steward.project.model import Position, Project
from steward.render.model import RefCall, RenderedNode, RenderedSql, RenderProblem, Target
from steward.render.refs import resolve_source
from steward.render.renderer import Renderer
from steward.sql import dialect
from steward.sql.analyze import analyze, remember
from steward.sql.relation import Relation
from steward.sql.statement import Statement, StatementAnalysis, Unknown, Write

KIND = "render"
PARALLEL_MIN_NODES = 200
"""Below this many nodes to render, forking costs more than it saves."""

_ENV_VAR = re.compile(r"""env_var\s*\(\s*['"]([^'"]+)['"]""")


# ---- a JSON form of the frozen records an entry holds ------------------------------------
_RECORDS: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        Position,
        RenderedSql,
        RefCall,
        RenderProblem,
        Relation,
        Write,
        Unknown,
        Statement,
        StatementAnalysis,
    )
}


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [_encode(getattr(value, f.name)) for f in dataclasses.fields(value)]
        return {"@": type(value).__name__, "f": fields}
    if isinstance(value, (tuple, list, frozenset, set)):
        items = sorted(value) if isinstance(value, (frozenset, set)) else value
        return [_encode(v) for v in items]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return _RECORDS[value["@"]](*map(_decode, value["f"]))
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value


# ---- keys ---------------------------------------------------------------------------------
def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shared_key(project: Project, target: Target, cli_vars: Mapping[str, Any]) -> str:
    """What every node's rendering depends on."""
    texts = [f.source for f in project.macro_files] + [n.raw_code for n in project.nodes.values()]
    names = sorted({m for text in texts for m in _ENV_VAR.findall(text)})
    dbt_project = project.root / project.dbt_project.path
    try:
        project_file = dbt_project.read_text(encoding="utf-8")
    except OSError:
        project_file = repr(project.dbt_project)
    return _digest(
        {
            "version": default_version(),
            "dialect": dialect.current(),
            "macros": [(f.path, f.package, f.internal, f.source) for f in project.macro_files],
            "dbt_project": project_file,
            "project": repr(project.dbt_project),
            "packages": [(p.name, p.path, dict(p.vars)) for p in project.packages],
            "target": dataclasses.asdict(target),
            "vars": dict(cli_vars),
            "env": {name: os.environ.get(name) for name in names},
            "disabled": dict(project.disabled),
        }
    )


def node_key(renderer: Renderer, shared: str, unique_id: str) -> str:
    node = renderer.project.nodes[unique_id]
    resolved = renderer.resolved[unique_id]
    relation = renderer.relations.get(unique_id)
    return _digest(
        {
            "shared": shared,
            "node": (
                node.unique_id,
                node.resource_type,
                node.name,
                node.package,
                node.path,
                node.fqn,
                node.language,
                node.raw_code,
                node.code_line,
                node.version,
                node.model_name,
            ),
            "config": resolved.config,
            "hooks": [_encode(h) for h in (*resolved.pre_hooks, *resolved.post_hooks)],
            "relation": relation.render() if relation is not None else None,
        }
    )


# ---- entries ------------------------------------------------------------------------------
def _entry(item: RenderedNode, early: int) -> dict[str, Any]:
    statements = (*item.sql, *item.statements)
    return {
        "sql": _encode(item.sql),
        "statements": _encode(item.statements),
        "refs": _encode(item.refs),
        "macros": sorted(item.macros),
        "problems": _encode(item.problems[early:]),
        "analyses": {s.sql: _encode(analyze(s.sql)) for s in statements},
    }


def _still_resolves(renderer: Renderer, ref: RefCall) -> bool:
    """Whether `ref` names the same node, with the same relation, as when rendered."""
    if ref.kind == "source":
        if len(ref.args) != 2:
            return False
        found = resolve_source(renderer, ref.args[0], ref.args[1])
        name = found.relation.render().lower() if found.relation is not None else None
        return found.unique_id == ref.target and (name is None or name == ref.relation)
    name = ref.args[-1] if ref.args else ""
    current = renderer.by_name.get(name)
    if ref.target is None:
        return current is None
    target = renderer.project.nodes.get(ref.target)
    if target is None:
        return False
    if current is not target and target.model_name != name:
        return False
    resolved = renderer.relations.get(ref.target)
    return resolved is not None and resolved.render().lower() == ref.relation


def _reuse(renderer: Renderer, unique_id: str, entry: Any) -> RenderedNode | None:
    try:
        refs: tuple[RefCall, ...] = _decode(entry["refs"])
        if not all(_still_resolves(renderer, r) for r in refs):
            return None
        early = renderer.relation_problems.get(unique_id, [])
        problems = list(early)
        problems += [p for p in _decode(entry["problems"]) if p not in early]
        analyses = {sql: _decode(a) for sql, a in entry["analyses"].items()}
        resolved = renderer.resolved[unique_id]
        item = RenderedNode(
            node=renderer.project.nodes[unique_id],
            config=MappingProxyType(resolved.config),
            config_origins=MappingProxyType(resolved.origins),
            relation=renderer.relations.get(unique_id),
            sql=_decode(entry["sql"]),
            statements=_decode(entry["statements"]),
            refs=refs,
            macros=frozenset(entry["macros"]),
            problems=tuple(problems),
        )
    except (ValueError, KeyError, TypeError, AttributeError):  # another shape: render again
        return None
    remember(analyses)
    return item


_worker: CachedRenderer | None = None


def _render_in_worker(unique_ids: list[str]) -> dict[str, dict[str, Any]]:
    renderer = _worker
    assert renderer is not None
    rendered = Renderer.render_nodes(renderer, unique_ids)
    return {
        uid: _entry(item, len(renderer.relation_problems.get(uid, [])))
        for uid, item in rendered.items()
    }


class CachedRenderer(Renderer):
    """A `Renderer` whose `render_nodes` reuses the entries of `store`; the nodes it has
    to render are rendered in `jobs` forked processes when there are many."""

    def __init__(
        self,
        project: Project,
        store: Store,
        target: Target | None = None,
        cli_vars: Mapping[str, Any] | None = None,
        jobs: int = 1,
    ) -> None:
        super().__init__(project, target, cli_vars)
        self.store = store
        self.jobs = jobs
        self.reused = 0
        self.rendered = 0
        self._shared: str | None = None

    def render_nodes(self, unique_ids: Iterable[str]) -> dict[str, RenderedNode]:
        self.prepare()
        if self._shared is None:
            self._shared = shared_key(self.project, self.target, self.cli_vars)
        ids = list(unique_ids)
        keys = {uid: node_key(self, self._shared, uid) for uid in ids}
        found: dict[str, RenderedNode] = {}
        for uid in ids:
            data = self.store.get(KIND, keys[uid])
            item = _reuse(self, uid, data) if data is not None else None
            if item is not None:
                found[uid] = item
        missing = [uid for uid in ids if uid not in found]
        for uid, data in self._render(missing).items():
            self.store.put(KIND, keys[uid], data)
            item = _reuse(self, uid, data)
            if item is None:  # pragma: no cover - an entry just written always decodes
                item = Renderer.render_nodes(self, [uid])[uid]
            found[uid] = item
        self.reused += len(ids) - len(missing)
        self.rendered += len(missing)
        return {uid: found[uid] for uid in ids}

    def _render(self, unique_ids: list[str]) -> dict[str, dict[str, Any]]:
        global _worker
        jobs = min(self.jobs, max(1, len(unique_ids) // (PARALLEL_MIN_NODES // 2)))
        if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            _worker = self
            try:
                return _render_in_worker(unique_ids)
            finally:
                _worker = None
        chunks = [unique_ids[i :: jobs * 4] for i in range(jobs * 4)]
        _worker = self
        try:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                parts = pool.map(_render_in_worker, [c for c in chunks if c])
        finally:
            _worker = None
        merged: dict[str, dict[str, Any]] = {}
        for part in parts:
            merged.update(part)
        return merged
