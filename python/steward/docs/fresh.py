"""Which node pages a rebuild must write again: fingerprints of what each page shows.

Each node has two fingerprints: `seen`, what other pages show of it (its graph node,
its page, its edges, its column lineage), and `own`, everything its own page shows
(`seen`, its code, config, yml, contract, tests and health, what it could not show).
What every page shows (the registry, the run history's state, the problems of the
site, the header's filters, steward's docs code) is one `shared` fingerprint.

A page is written again when its node's `own` changed, or when the `seen` of any node
upstream or downstream of it changed (its graphs, column lineage, consumers and links
are made of those), or when `shared` changed (then every page). The fingerprints of a
build are kept next to the pages' content hashes (`target/steward/docs-cache/`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from steward.cache import default_version
from steward.docs.encode import data_path
from steward.docs.pages import SiteContext, _health, _tests
from steward.docs.site import PAGE_KINDS
from steward.graph import BUILDABLE

_CODE = Path(__file__).parent


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def _code_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((*_CODE.glob("*.py"), *(_CODE / "web" / "src").glob("*"))):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Fingerprints:
    shared: str
    nodes: Mapping[str, tuple[str, str]]
    """A node's (own, seen)."""

    def to_json(self) -> str:
        return json.dumps({"shared": self.shared, "nodes": self.nodes}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Fingerprints | None:
        try:
            data = json.loads(text)
            nodes = {str(k): (str(v[0]), str(v[1])) for k, v in data["nodes"].items()}
            return cls(str(data["shared"]), nodes)
        except (ValueError, KeyError, TypeError, IndexError):
            return None


def _seen(context: SiteContext, unique_id: str) -> str:
    graph = context.graph
    model = context.lineage.models.get(unique_id)
    lineage = None
    if model is not None:
        lineage = (
            sorted(
                (c.name, tuple(sorted(c.sources)), c.transform, c.data_type, c.resolved)
                for c in model.columns
            ),
            sorted((u.ref, u.kind) for u in model.uses),
            model.complete,
            sorted(model.missing),
        )
    return _digest(
        graph.nodes[unique_id],
        context.pages.get(unique_id),
        sorted(
            (up, graph.digraph.edges[up, unique_id]["edges"][0].kind)
            for up in graph.upstream(unique_id)
        ),
        sorted(graph.downstream(unique_id)),
        lineage,
    )


def _own(context: SiteContext, unique_id: str, seen: str) -> str:
    project = context.project
    node = project.nodes.get(unique_id)
    contract = context.contracts.get(unique_id)
    name = node.dbt_name if node is not None else None
    rendered = context.rendered.nodes.get(unique_id)
    model = context.lineage.models.get(unique_id)
    buildable = context.graph.nodes[unique_id].resource_type in BUILDABLE
    tests = _tests(context, unique_id)
    return _digest(
        seen,
        node if node is not None else project.sources.get(unique_id),
        contract,
        project.text(contract.path) if contract is not None else None,
        [i for i in project.contract_issues if i.model == name],
        rendered.problems if rendered is not None else None,
        rendered.config if rendered is not None else None,
        model.problems if model is not None else None,
        [c.expression for c in model.columns] if model is not None else None,
        tests,
        _health(context, unique_id, tests) if buildable else None,
    )


def fingerprints(context: SiteContext) -> Fingerprints:
    graph = context.graph
    inputs = context.inputs
    shared = _digest(
        default_version(),
        _code_digest(),
        context.project.name,
        context.project.registry,
        inputs.problems,
        inputs.manifest is None,
        inputs.history.folder,
        inputs.history.teams,
        inputs.history.broken,
        context.dbt_docs,
        sorted({(n.layer, n.access) for n in graph.nodes.values()}, key=repr),
    )
    nodes = {}
    for unique_id, node in graph.nodes.items():
        if node.resource_type in PAGE_KINDS or node.resource_type == "exposure":
            seen = _seen(context, unique_id)
            nodes[unique_id] = (_own(context, unique_id, seen), seen)
    return Fingerprints(shared, nodes)


def _reach(context: SiteContext, start: Collection[str]) -> set[str]:
    """`start` and every node upstream or downstream of one of them."""
    graph = context.graph
    found = set(start)
    for step in (graph.upstream, graph.downstream):
        queue = list(start)
        reached = set(queue)
        while queue:
            for other in step(queue.pop()):
                if other not in reached:
                    reached.add(other)
                    queue.append(other)
        found |= reached
    return found


def kept_pages(
    context: SiteContext, before: Fingerprints | None, now: Fingerprints, out: Path
) -> set[str]:
    """The node pages that need not be written again: nothing they show changed since
    the build that wrote `before`, and their files are still in `out`."""
    if before is None or before.shared != now.shared:
        return set()
    changed = {uid for uid, (own, _) in now.nodes.items() if before.nodes.get(uid, ("",))[0] != own}
    moved = {
        uid for uid, (_, seen) in now.nodes.items() if before.nodes.get(uid, ("", ""))[1] != seen
    }
    # a node gone changes what its neighbours show: they have new edge sets, so `seen`
    stale = changed | _reach(context, moved)
    kept = set()
    for uid in now.nodes:
        page = context.pages.get(uid)
        if uid in stale or page is None or context.graph.nodes[uid].resource_type not in PAGE_KINDS:
            continue
        if (out / page).is_file() and (out / data_path(page)).is_file():
            kept.add(uid)
    return kept


def path(cache_dir: Path, out: Path) -> Path:
    stem = hashlib.sha256(str(out.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir / f"{stem}-inputs.json"


def load(cache_dir: Path, out: Path) -> Fingerprints | None:
    try:
        return Fingerprints.from_json(path(cache_dir, out).read_text(encoding="utf-8"))
    except OSError:
        return None


def save(cache_dir: Path, out: Path, prints: Fingerprints) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = path(cache_dir, out)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(prints.to_json(), encoding="utf-8")
    temporary.replace(target)
