"""The generated properties yml of every contracted model, and what is stale (CON002).

Each model with a contract gets `models/<layer>/<team>/<model>.contract.yml`, its only
properties entry; the hand-written team yml must not describe it too. The files are
committed; `steward contracts generate --check` (and the lint rule CON002) fails when the
committed files differ from what the contracts and the project give now.

Generation reads the contracts and the models' paths, teams and config only: no
rendering and no column lineage, so the check is cheap, and what another team's models
read (their consumers, computed where needed: `steward.contracts.consumers`) never makes
a producer's file stale. The YAML text of an entry is kept in the project's cache
(`steward.cache`, whose version covers steward's own code), keyed by the entry, its
contracts' paths and PyYAML's version: PyYAML's emitter is pure Python, and writing 374
files took 5 s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import yaml

from steward.cache import Store, key_of, project_store
from steward.contracts.dbt import generated_path, is_generated, model_entry, render
from steward.project.contracts import Contract
from steward.project.model import Node, Position, Project


@dataclass(frozen=True)
class GeneratedFile:
    path: str
    text: str
    model: str
    sources: tuple[str, ...]
    """The contracts it is generated from."""


@dataclass(frozen=True)
class Stale:
    """A generated file that is `missing`, `differs` from what would be generated, is an
    `orphan` (its contract is gone), or a contracted model `described` by another yml."""

    path: str
    reason: str
    model: str | None
    message: str
    position: Position


def by_model(project: Project) -> Mapping[str, tuple[Contract, ...]]:
    """The contracts of each model (one, or one per version), in file order."""
    groups: dict[str, list[Contract]] = {}
    for contract in project.contracts:
        groups.setdefault(contract.model, []).append(contract)
    return MappingProxyType({k: tuple(v) for k, v in groups.items()})


def node_of(project: Project, contract: Contract) -> Node | None:
    """The model node a contract describes (its version's, for a versioned contract)."""
    if contract.dbt_version is None:
        node = project.node_by_name(contract.model)
        return node if node is not None and node.version is None else None
    for node in project.models:
        if node.model_name == contract.model and node.version == contract.dbt_version:
            return node
    return project.node_by_name(f"{contract.model}_v{contract.dbt_version}")


def _text(store: Store, entry: Mapping[str, Any], sources: Sequence[str]) -> str:
    key = key_of(yaml.__version__, repr(entry), list(sources))  # repr: types and order
    found = store.get("contract-yml", key)
    if isinstance(found, str):
        return found
    text = render(entry, sources)
    store.put("contract-yml", key, text)
    return text


def generated_files(project: Project, store: Store | None = None) -> tuple[GeneratedFile, ...]:
    """What `steward contracts generate` writes: one file per contracted model whose
    model exists (a contract without its model is CON001, not generated)."""
    store = store if store is not None else project_store(project.root)
    files: list[GeneratedFile] = []
    for model, contracts in by_model(project).items():
        present = [(c, n) for c in contracts if (n := node_of(project, c)) is not None]
        if not present or len({c.dbt_version is None for c in contracts}) > 1:
            continue
        chosen = [c for c, _ in present]
        newest = max(present, key=lambda cn: cn[0].dbt_version or 0)[1]
        delta = str(newest.config.get("file_format") or "").lower() == "delta"
        entry = model_entry(chosen, newest.team, constraints_enforced=delta)
        sources = tuple(c.path for c in chosen)
        files.append(
            GeneratedFile(
                generated_path(newest.path, model), _text(store, entry, sources), model, sources
            )
        )
    return tuple(sorted(files, key=lambda f: f.path))


def stale(project: Project, files: tuple[GeneratedFile, ...]) -> tuple[Stale, ...]:
    """What is stale among `files`."""
    found: list[Stale] = []
    expected = {f.path: f for f in files}
    for file in files:
        current = project.text(file.path)
        if current is None:
            found.append(
                Stale(
                    file.path,
                    "missing",
                    file.model,
                    f"`{file.model}` has a contract but no generated "
                    f"{file.path}; run `steward contracts generate`",
                    Position(file.sources[0], 1),
                )
            )
        elif current != file.text:
            found.append(
                Stale(
                    file.path,
                    "differs",
                    file.model,
                    f"{file.path} is stale: it differs from what "
                    f"{', '.join(file.sources)} and the model's config give "
                    "now; run `steward contracts generate` (do not edit it)",
                    Position(file.path, _first_difference(current, file.text)),
                )
            )
    # a contract that does not load is CON001: what was generated from it is not orphaned
    invalid = {issue.position.path for issue in project.contract_issues}
    for path in project.yml_files:
        text = project.text(path)
        header = (text or "").split("\n", 1)[0]
        if (
            path not in expected
            and is_generated(text)
            and not any(source in header for source in invalid)
        ):
            found.append(
                Stale(
                    path,
                    "orphan",
                    None,
                    f"{path} was generated from a contract that is gone; run "
                    "`steward contracts generate` to remove it",
                    Position(path, 1),
                )
            )
    for file in files:
        for node in project.models:
            if node.dbt_name != file.model or node.properties is None:
                continue
            where = node.properties.position
            if where.path != file.path:
                found.append(
                    Stale(
                        where.path,
                        "described",
                        file.model,
                        f"`{file.model}` has a contract, so {file.path} must be "
                        f"its only yml: move this entry's descriptions and tests "
                        f"into {file.sources[0]} and delete the entry",
                        where,
                    )
                )
                break
        for issue in project.issues:
            if (
                issue.model == file.model
                and "described twice" in issue.message
                and issue.position.path != file.path
            ):
                found.append(
                    Stale(
                        issue.position.path,
                        "described",
                        file.model,
                        f"`{file.model}` has a contract, so {file.path} must be "
                        f"its only yml: delete this entry (move its descriptions "
                        f"and tests into {file.sources[0]})",
                        issue.position,
                    )
                )
    return tuple(dict.fromkeys(found))


def _first_difference(current: str, expected: str) -> int:
    for number, (have, want) in enumerate(
        zip(current.splitlines(), expected.splitlines(), strict=False), start=1
    ):
        if have != want:
            return number
    return min(len(current.splitlines()), len(expected.splitlines())) + 1
