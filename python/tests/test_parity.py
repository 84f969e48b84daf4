"""Lint and the run-time guard agree: what the guard refuses, lint reports as an error, and
what the guard lets through, lint lets through (Spark-free).

Two sets of cases go through both:

- every statement of the guard's own cases (test_guard.py), sent as a post-hook of a model
  of the team that runs it, in the environment it runs in;
- every red-team case and every legitimate case (fixtures/redteam_cases.yaml), rendered by
  steward, each statement the build would send (the node's own relation, its body, hooks
  and statements, the project's operations) judged by the guard's decision function as
  the running team, commercial_analytics, would send it.

The cases only the guard can see are listed in GUARD_ONLY with the reason.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.guard import WritePolicy, check
from steward.lint import lint
from steward.project import load_project
from steward.render import render_project
from steward.render.model import RenderedNode, RenderedProject, Target

from .redteam import base_project, case_project, load_cases
from .test_guard import ALLOWED, REFUSED

ATTACKER = "commercial_analytics"
WRITE_RULES = frozenset({"WRT001", "NS003", "SQL001"})
"""The rules that judge what a build writes; the others (REF001, LAY001 ...) judge reads
and conventions, which the guard does not."""
CASES = load_cases()
LEGITIMATE = load_cases("legitimate")

GUARD_ONLY = {
    # red-team cases
    "store_failures": "who runs the build: the test sits in team platform's folder, so it "
    "is platform's code and lint judges it as platform's; the guard refuses it when "
    "commercial_analytics runs it. Before merge, CODEOWNERS routes the file to platform.",
    # guard cases
    "no team": "a run without a team is read-only: that is a property of the run, not of "
    "the code, and lint judges every node as its owning team.",
}
"""What only the guard can judge, and why; every other case must agree."""

# ---- the guard's statements, as post-hooks ----------------------------------------------

_FOLDER = {
    ATTACKER: ("gold", "commercial_analytics"),
    "platform": ("silver", "platform"),
    "electra": ("silver", "electra"),
}


def _statement_cases() -> Iterator[tuple[str, str, str, bool]]:
    """(team, env, sql, refused by the guard) of test_guard.py, with a team."""
    for team, env, sql in ALLOWED:
        if team is not None:
            yield team, env, sql, False
    for team, env, sql, _reason in REFUSED:
        if team is not None:
            yield team, env, sql, True


STATEMENT_CASES = sorted(set(_statement_cases()))
ENVS = sorted({env for _team, env, _sql, _refused in STATEMENT_CASES})


def _probe_name(index: int, team: str) -> str:
    layer, owner = _FOLDER[team]
    return f"{layer}_{owner}__probe_{index}"


def _hook_project(base: Path, dest: Path, cases: list[tuple[int, str, str]]) -> Path:
    """The playground plus one model per case: `select 1` with the statement as its
    post-hook (in its yml, so the statement needs no Jinja quoting)."""
    shutil.copytree(base, dest)
    entries: dict[Path, list[dict[str, Any]]] = defaultdict(list)
    for index, team, sql in cases:
        layer, owner = _FOLDER[team]
        folder = dest / "models" / layer / owner
        folder.mkdir(parents=True, exist_ok=True)
        name = _probe_name(index, team)
        (folder / f"{name}.sql").write_text("select 1 as x\n", encoding="utf-8")
        entries[folder].append({"name": name, "config": {"post_hook": [sql]}})
    for folder, models in entries.items():
        text = yaml.safe_dump({"version": 2, "models": models}, sort_keys=False)
        (folder / "_probes.yml").write_text(text, encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def base(project_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return base_project(tmp_path_factory.mktemp("parity") / "base", project_dir)


@pytest.fixture(scope="module")
def errors_by_env(base: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """env -> the probe models lint reports an error for (one lint per environment)."""
    found: dict[str, set[str]] = {}
    for env in ENVS:
        cases = [
            (index, team, sql)
            for index, (team, case_env, sql, _refused) in enumerate(STATEMENT_CASES)
            if case_env == env
        ]
        project = _hook_project(base, tmp_path_factory.mktemp(f"hooks_{env}") / "p", cases)
        result = lint(load_project(project), target=Target(name=env, schema=env))
        found[env] = {
            f.model for f in result.findings if f.rule in WRITE_RULES and f.severity == "error"
        }
    return found


def test_the_guard_cases_cover_refusals_and_allowances() -> None:
    assert {refused for *_rest, refused in STATEMENT_CASES} == {True, False}
    assert len(STATEMENT_CASES) > 50


@pytest.mark.parametrize(
    ("index", "team", "env", "sql", "refused"),
    [(i, *case) for i, case in enumerate(STATEMENT_CASES)],
    ids=[f"{i}-{case[0]}-{case[1]}" for i, case in enumerate(STATEMENT_CASES)],
)
def test_lint_agrees_with_the_guard_on_a_statement(
    errors_by_env: dict[str, set[str]], index: int, team: str, env: str, sql: str, refused: bool
) -> None:
    assert check(sql, WritePolicy.for_team(team, env, _registry())).allowed is not refused
    reported = _probe_name(index, team) in errors_by_env[env]
    assert reported == refused, (
        f"the guard {'refuses' if refused else 'allows'} `{sql}` for team {team} in {env}, "
        f"but lint {'reports' if reported else 'does not report'} an error"
    )


def _registry() -> Any:
    from .test_guard import REGISTRY

    return REGISTRY


# ---- the red team, through the guard's decision function --------------------------------


def _stores_failures(item: RenderedNode) -> bool:
    return bool(item.config.get("store_failures")) or item.config.get("store_failures_as") in (
        "table",
        "view",
    )


def _sent(item: RenderedNode) -> Iterator[str]:
    """What the build sends for a node, in order: its hooks and statements, its body, and
    the write of its own relation (as the materialization would issue it)."""
    for sql in (*item.statements, *item.sql):
        yield sql.sql
    node = item.node
    materialized = str(item.config.get("materialized") or "view")
    writes = node.resource_type in ("model", "seed", "snapshot") or (
        node.resource_type == "test" and _stores_failures(item)
    )
    relation = item.relation_name
    if relation is None or not writes or materialized == "ephemeral":
        return
    kind = "view" if materialized == "view" and node.resource_type == "model" else "table"
    # dbt-spark's create_table_as: `location '<location_root>/<identifier>'`
    root = item.config.get("location_root")
    location = f" location '{root}/{relation.split('.')[-1]}'" if root else ""
    yield f"create or replace {kind} {relation} using delta{location} as select 1"
    if materialized == "incremental":
        # dbt-spark's merge: the predicates are and-ed into the ON clause
        predicates = item.config.get("incremental_predicates") or []
        if isinstance(predicates, str):
            predicates = [predicates]
        on = " and ".join(["DBT_INTERNAL_SOURCE.id = DBT_INTERNAL_DEST.id", *predicates])
        yield (
            f"merge into {relation} as DBT_INTERNAL_DEST using tmp as DBT_INTERNAL_SOURCE "
            f"on {on} when matched then update set *"
        )


def guard_refuses(rendered: RenderedProject, team: str, files: set[str]) -> list[str]:
    """What the guard's decision function (or the namespace macros, at compile time)
    refuses of what the build of the nodes in `files` would send, run as `team`, with
    the project's hooks (`on-run-start`/`-end` run in every build) and the operations
    defined in `files`."""
    policy = WritePolicy.for_team(team, rendered.target.schema, rendered.project.registry)
    refused = [f"{p.position}: {p.message}" for p in rendered.problems]
    for item in rendered.nodes.values():
        if item.node.path not in files:
            continue
        refused.extend(f"{p.position}: {p.message}" for p in item.problems)
        schema: str | None = "default"
        for sql in _sent(item):
            verdict = check(sql, policy, schema)
            if verdict.refusal is not None:
                refused.append(verdict.refusal.message(policy))
            else:
                schema = verdict.current_schema
    for sql in rendered.operations:
        if sql.kind == "operation" and sql.position.path not in files:
            continue
        verdict = check(sql.sql, policy)
        if verdict.refusal is not None:
            refused.append(verdict.refusal.message(policy))
    return refused


def _red_team() -> list[tuple[str, dict[str, Any], bool]]:
    return [
        *((name, case, True) for name, case in sorted(CASES.items())),
        *((name, case, False) for name, case in sorted(LEGITIMATE.items())),
    ]


@pytest.mark.parametrize(("name", "case", "attack"), _red_team(), ids=lambda v: str(v)[:40])
def test_lint_agrees_with_the_guard_on_the_red_team(
    base: Path, tmp_path: Path, name: str, case: dict[str, Any], attack: bool
) -> None:
    project = load_project(case_project(base, tmp_path / "project", case))
    refusals = guard_refuses(render_project(project), ATTACKER, set(case.get("files") or ()))
    errors = [f for f in lint(project).findings if f.rule in WRITE_RULES and f.severity == "error"]
    assert bool(refusals) == attack, f"{name}: guard refusals {refusals}"
    if name in GUARD_ONLY:
        assert not errors, f"{name} is listed as guard-only, but lint reports {errors}"
        return
    assert bool(errors) == attack, (
        f"{name}: the guard {'refuses' if attack else 'allows'} it, but lint reports "
        f"{[(f.rule, f.path, f.line) for f in errors]}"
    )


def test_every_guard_only_case_exists() -> None:
    assert set(GUARD_ONLY) - {"no team"} <= set(CASES)
