"""What the site reads besides the `Project`: dbt's manifest (tests and constraints), the
run history of the team builds (the ops tables, or a snapshot folder of them written by
`steward docs snapshot`), and whether dbt's own docs were generated.

This is the edge: files are read here, once, into frozen records; a file that is missing
or broken becomes a `Problem` (what is missing and why), never an exception, so the site
still builds and says so on the page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from steward.teambuild.context import RunContext
from steward.teambuild.history import NodeState

MANIFEST = "target/manifest.json"
DBT_DOCS = "target/index.html"


@dataclass(frozen=True)
class Problem:
    """Something the site could not show, and why: `topic` says which part of a page it
    concerns (`manifest`, `contract`, `history`, `render`), `subject` the node or team."""

    topic: str
    message: str
    path: str | None = None
    subject: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass(frozen=True)
class TestInfo:
    """One dbt data test of the manifest, attached to a node (and a column)."""

    unique_id: str
    name: str
    kind: str
    attached: str
    column: str | None = None
    severity: str = "error"


@dataclass(frozen=True)
class Manifest:
    """What the site takes from dbt's manifest: each node's tests, and each column's
    constraints as dbt declares them."""

    tests: tuple[TestInfo, ...] = ()
    constraints: Mapping[tuple[str, str], tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )


@dataclass(frozen=True)
class History:
    """The latest state of every node the teams built, per team file read."""

    folder: str
    states: Mapping[str, NodeState] = field(default_factory=lambda: MappingProxyType({}))
    teams: tuple[str, ...] = ()
    """The teams whose history file was read."""
    broken: tuple[str, ...] = ()
    """The teams whose history file could not be read."""


@dataclass(frozen=True)
class DocsInputs:
    manifest: Manifest | None
    history: History
    dbt_docs: Path | None
    """dbt's generated docs (`target/index.html`), when present."""
    problems: tuple[Problem, ...] = ()


def _tests(data: Mapping[str, Any]) -> tuple[TestInfo, ...]:
    found = []
    for unique_id, node in sorted((data.get("nodes") or {}).items()):
        if not isinstance(node, Mapping) or node.get("resource_type") != "test":
            continue
        attached = node.get("attached_node")
        if not attached:
            parents = (node.get("depends_on") or {}).get("nodes") or []
            attached = parents[-1] if parents else None
        if not attached:
            continue
        metadata = node.get("test_metadata") or {}
        config = node.get("config") or {}
        found.append(
            TestInfo(
                unique_id,
                str(node.get("name") or unique_id),
                str(metadata.get("name") or "singular"),
                str(attached),
                node.get("column_name"),
                str(config.get("severity") or "error").lower(),
            )
        )
    return tuple(found)


def _constraint_text(constraint: Mapping[str, Any]) -> str:
    """`not_null`, or a check with what it checks: `check: kwh >= 0`."""
    kind = str(constraint.get("type"))
    expression = constraint.get("expression")
    return f"{kind}: {expression}" if kind == "check" and expression else kind


def _constraints(data: Mapping[str, Any]) -> dict[tuple[str, str], tuple[str, ...]]:
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for unique_id, node in (data.get("nodes") or {}).items():
        if not isinstance(node, Mapping):
            continue
        for name, column in (node.get("columns") or {}).items():
            kinds = tuple(
                _constraint_text(c) for c in column.get("constraints") or () if c.get("type")
            )
            if kinds:
                found[(unique_id, str(name).lower())] = kinds
    return found


def read_manifest(root: Path) -> tuple[Manifest | None, list[Problem]]:
    path = root / MANIFEST
    if not path.is_file():
        return None, [
            Problem(
                "manifest",
                "no dbt manifest: the tests and constraints shown come from the contracts "
                "only; run `steward build` (or `dbt parse`) to write it",
                MANIFEST,
            )
        ]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, Mapping):
            raise ValueError("not a JSON object")
        return Manifest(_tests(data), MappingProxyType(_constraints(data))), []
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        return None, [
            Problem(
                "manifest",
                f"dbt's manifest cannot be read ({exc}): the tests and constraints shown "
                "come from the contracts only; run `dbt parse` to write it again",
                MANIFEST,
            )
        ]


def read_history(folder: Path, root: Path) -> tuple[History, list[Problem]]:
    """Every team's history file of `folder` (`steward.teambuild.history`); a broken file
    is a problem naming it, and its team shows "no data"."""
    shown = _relative(folder, root)
    if not folder.is_dir():
        return History(shown), []
    states: dict[str, NodeState] = {}
    teams: list[str] = []
    broken: list[str] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.json")):
        team = path.stem
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            nodes = data.get("nodes", {}) if isinstance(data, Mapping) else None
            if not isinstance(nodes, Mapping):
                raise ValueError("no `nodes` object")
            read = {uid: NodeState.from_json(uid, node) for uid, node in nodes.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            broken.append(team)
            problems.append(
                Problem(
                    "history",
                    f"the run history of team {team} cannot be read ({type(exc).__name__}: "
                    f"{exc}); its health shows no data until its next `steward build`",
                    _relative(path, root),
                    team,
                )
            )
            continue
        teams.append(team)
        states.update(read)
    return History(shown, MappingProxyType(states), tuple(teams), tuple(broken)), problems


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def read_ops_history(context: RunContext) -> tuple[History, list[Problem]]:
    """The latest state of every node from the ops tables (`steward.ops`), as the upstream
    check of `steward build` reads them. On the local target, a lakehouse without the ops
    tables is "no history yet" without starting Spark; a history that cannot be read is a
    problem naming why."""
    from steward.ops.tables import ops_schema
    from steward.project.registry import read_registry
    from steward.teambuild import history
    from steward.teambuild.settings import default_env

    try:
        registry = read_registry(context.project_dir)[0]
        schema = ops_schema(registry, default_env(context))
    except Exception as exc:
        where = f"the ops tables ({context.target})"
        return History(where, broken=("*",)), [
            Problem("history", f"the run history cannot be located ({exc})", where, None)
        ]
    if context.target == "local":
        where = f"{schema}.* in {_relative(context.lakehouse, context.project_dir)}"
        if not (context.lakehouse / "warehouse" / f"{schema}.db").is_dir():
            return History(where), []
    else:
        where = f"{schema}.* on the cluster's Thrift Server"
    try:
        states = history.load_states(context)
    except Exception as exc:
        return History(where, broken=("*",)), [
            Problem(
                "history",
                f"the run history in {where} cannot be read ({type(exc).__name__}: "
                f"{str(exc)[:300]}); health shows no data until it can",
                where,
                None,
            )
        ]
    return History(where, MappingProxyType(dict(states)), ("*",) if states else ()), []


def write_snapshot(
    states: Mapping[str, NodeState], owners: Mapping[str, str | None], folder: Path
) -> list[Path]:
    """The run history as a snapshot folder (`<team>.json` each, what `read_history`
    reads): for a site built where the ops tables cannot be reached."""
    folder.mkdir(parents=True, exist_ok=True)
    by_team: dict[str, dict[str, Any]] = {}
    for unique_id, state in sorted(states.items()):
        team = owners.get(unique_id) or "unowned"
        by_team.setdefault(team, {})[unique_id] = state.to_json()
    written = []
    for team, nodes in sorted(by_team.items()):
        path = folder / f"{team}.json"
        path.write_text(json.dumps({"team": team, "nodes": nodes}, indent=1), encoding="utf-8")
        written.append(path)
    return written


def read_inputs(root: Path, history_source: Path | RunContext) -> DocsInputs:
    """`history_source`: a snapshot folder, or the run context whose ops tables to read."""
    manifest, problems = read_manifest(root)
    if isinstance(history_source, Path):
        history, history_problems = read_history(history_source, root)
    else:
        history, history_problems = read_ops_history(history_source)
    docs = root / DBT_DOCS
    return DocsInputs(
        manifest,
        history,
        docs if docs.is_file() else None,
        tuple(problems + history_problems),
    )
