"""Restrict a full lint to what a reader asked for: a team, some paths, or what a change
since a git revision can affect (changed files, plus everything downstream for the graph
rules). The rules always run on the whole project, so a restricted result is exactly the
full result filtered: the same findings a full run gives for those files and models."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from steward.errors import UserError
from steward.lint.context import LintContext
from steward.lint.finding import Finding
from steward.lint.rules import all_rules
from steward.lint.runner import LintResult

GLOBAL_FILES = frozenset(
    {"dbt_project.yml", "packages.yml", "dependencies.yml", "platform/teams.yml",
     "platform/exceptions.yml"}
)
SCHEMA_MACROS = ("generate_schema_name", "generate_alias_name", "generate_database_name")


@dataclass(frozen=True)
class Affected:
    files: frozenset[str]
    direct: frozenset[str]
    downstream: frozenset[str]
    everything: bool = False


def _git(root: Path, *args: str) -> list[str]:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              check=False)
    except FileNotFoundError:
        raise UserError("--changed-since needs git, which is not installed") from None
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["git failed"])[-1]
        raise UserError(f"git {' '.join(args)}: {message}")
    return [line for line in done.stdout.splitlines() if line.strip()]


def changed_files(root: Path, ref: str) -> frozenset[str]:
    """Files changed since `ref` (committed, staged, unstaged or new), relative to `root`."""
    _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    changed = _git(root, "diff", "--name-only", "--relative", ref, "--")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard")
    return frozenset(Path(p).as_posix() for p in (*changed, *untracked))


def affected(ctx: LintContext, files: Iterable[str]) -> Affected:
    files = frozenset(files)
    project = ctx.project
    if files & GLOBAL_FILES:
        return Affected(files, frozenset(ctx.facts), frozenset(ctx.facts), True)
    direct: set[str] = set()
    for macro_file in project.macro_files:
        if macro_file.path in files and any(
            name in SCHEMA_MACROS for name, _ in macro_file.macros
        ):
            return Affected(files, frozenset(ctx.facts), frozenset(ctx.facts), True)
    node_paths = {facts.node.path for facts in ctx.facts.values()}
    deleted = {f for f in files if f.endswith((".sql", ".py", ".csv")) and f not in node_paths}
    changed_sources = {
        uid for uid, source in project.sources.items() if source.path in files
    }
    for uid, facts in ctx.facts.items():
        node = facts.node
        rendered = facts.rendered
        yml = node.properties.position.path if node.properties else None
        hooks = {h.position.path for h in (*node.pre_hooks, *node.post_hooks)}
        if (
            node.path in files
            or yml in files
            or rendered.macros & files
            or hooks & files
            or any(ref.target in changed_sources for ref in rendered.refs)
            or (deleted and any(ref.target is None for ref in rendered.refs))
        ):
            direct.add(uid)
    downstream: set[str] = set(direct)
    graph = ctx.graph
    import networkx as nx

    for uid in direct:
        if uid in graph:
            downstream.update(nx.descendants(graph, uid))
    return Affected(files, frozenset(direct), frozenset(downstream))


def _model_ids(ctx: LintContext) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {}
    for uid, facts in ctx.facts.items():
        ids.setdefault(facts.node.name, set()).add(uid)
    return ids


def keep_affected(findings: Iterable[Finding], ctx: LintContext, scope: Affected) -> list[Finding]:
    if scope.everything:
        return list(findings)
    graph_rules = {rule.id for rule in all_rules() if rule.graph}
    ids = _model_ids(ctx)
    kept = []
    for finding in findings:
        uids = ids.get(finding.model or "", set())
        if finding.path in scope.files or uids & scope.direct or (
            finding.rule in graph_rules and uids & scope.downstream
        ):
            kept.append(finding)
    return kept


def in_paths(finding: Finding, paths: Collection[str]) -> bool:
    return any(finding.path == p or finding.path.startswith(p.rstrip("/") + "/") or p in ("", ".")
               for p in paths)


def restrict(result: LintResult, ctx: LintContext, *, team: str | None = None,
             paths: Collection[str] | None = None,
             changed_since: str | None = None) -> LintResult:
    findings: list[Finding] = list(result.findings)
    scope: dict[str, object] = {}
    if changed_since is not None:
        files = changed_files(ctx.project.root, changed_since)
        area = affected(ctx, files)
        findings = keep_affected(findings, ctx, area)
        scope.update(changed_since=changed_since, changed_files=sorted(files),
                     affected_models=len(area.downstream), everything=area.everything)
    if team is not None:
        if ctx.registry is not None and ctx.registry.team(team) is None:
            raise UserError(f"--team {team}: no such team in platform/teams.yml")
        findings = [f for f in findings if f.team == team]
        scope["team"] = team
    if paths:
        findings = [f for f in findings if in_paths(f, paths)]
        scope["paths"] = sorted(paths)
    return dataclasses.replace(result, findings=tuple(findings), scope=scope)
