"""What a `ref()` or `source()` call names, and the Jinja builtins that record each call.

`resolve_ref` and `resolve_source` are the one resolution: Jinja templates reach them
through `make_ref`/`make_source`, Python models (`dbt.ref`/`dbt.source`) through
`python_models.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from steward.project.model import Node, Project
from steward.render import stubs
from steward.render.model import RefCall, RenderProblem
from steward.render.relations import source_relation

if TYPE_CHECKING:
    from steward.render.renderer import Renderer
    from steward.render.session import Session


@dataclass(frozen=True)
class Resolved:
    """The node or source a call names (None: nothing) and its relation."""

    unique_id: str | None
    relation: stubs.JinjaRelation | None


NOTHING = Resolved(None, None)


def models_by_name(project: Project) -> dict[str, Node]:
    """The nodes `ref()` can name, by the name it uses.

    A versioned model is found as `<model>.v<N>`, and as `<model>` (without a version)
    as its `latest_version`, else its highest version, as dbt resolves `ref()`."""
    by_name: dict[str, Node] = {}
    for node in project.nodes.values():
        if node.resource_type in ("model", "seed", "snapshot"):
            by_name.setdefault(node.name, node)
    versions: dict[str, list[Node]] = {}
    for node in project.nodes.values():
        if node.model_name and node.version is not None:
            by_name[f"{node.model_name}.v{node.version}"] = node
            versions.setdefault(node.model_name, []).append(node)
    for model, nodes in versions.items():
        props = nodes[0].properties
        latest = props.latest_version if props is not None else None
        chosen = [n for n in nodes if latest is not None and str(n.version) == str(latest)]
        by_name[model] = (chosen or sorted(nodes, key=lambda n: n.version or 0))[-1]
    return by_name


def resolve_ref(renderer: Renderer, name: str, version: Any = None) -> Resolved:
    """`ref(name)`, or `ref(name, version=...)`."""
    target = renderer.by_name.get(name if version is None else f"{name}.v{version}")
    if target is None:
        return NOTHING
    return Resolved(target.unique_id, renderer.relations.get(target.unique_id))


def resolve_source(renderer: Renderer, source_name: str, table_name: str) -> Resolved:
    """`source(source_name, table_name)`."""
    found = renderer.project.source(source_name, table_name)
    if found is None:
        return NOTHING
    return Resolved(found.unique_id, source_relation(renderer, found))


def call_display(kind: str, names: Sequence[str]) -> str:
    return f"{kind}({', '.join(repr(a) for a in names)})"


def make_ref(renderer: Renderer) -> Callable[..., Any]:
    """The `ref` builtin: a capture render (reading `config()`) gets placeholders and
    records nothing, as the relations are not known yet."""

    def ref(*args: Any, version: Any = None, v: Any = None, **_: Any) -> Any:
        session = renderer.current()
        names = [str(a) for a in args]
        name = names[-1] if names else ""
        found = resolve_ref(renderer, name, version if version is not None else v)
        if found.unique_id is None:
            relation = stubs.JinjaRelation(None, "__unknown__", name)
            disabled = renderer.project.disabled.get(name)
            if disabled is not None:
                _unknown(
                    session,
                    f"{call_display('ref', names)} names a disabled node ({disabled}, "
                    "`enabled: false`): dbt fails on it; enable it or drop the ref",
                )
            else:
                _unknown(session, f"{call_display('ref', names)} names no model, seed or snapshot")
        elif session.capture:
            relation = stubs.JinjaRelation(None, "__capture__", name)
        else:
            relation = found.relation or stubs.JinjaRelation(None, "__unresolved__", name)
        _record(session, "ref", names, found, relation)
        return relation

    return ref


def make_source(renderer: Renderer) -> Callable[..., Any]:
    """The `source` builtin."""

    def source(source_name: str, table_name: str) -> Any:
        session = renderer.current()
        names = [str(source_name), str(table_name)]
        found = resolve_source(renderer, *names)
        if found.relation is None:
            relation = stubs.JinjaRelation(None, *names)
            _unknown(session, f"{call_display('source', names)} names no declared source table")
        else:
            relation = found.relation
        _record(session, "source", names, found, relation)
        return relation

    return source


def _unknown(session: Session, message: str) -> None:
    if not session.capture:
        session.problems.append(RenderProblem(message, session.position(), None))


def _record(
    session: Session, kind: str, names: list[str], found: Resolved, relation: stubs.JinjaRelation
) -> None:
    if not session.capture:
        session.refs.append(
            RefCall(
                kind, tuple(names), found.unique_id, relation.render().lower(), session.position()
            )
        )
