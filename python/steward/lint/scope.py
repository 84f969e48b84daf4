"""Restrict a lint to what a reader asked for: a team, some paths, or what a change since
a git revision can affect (see `Affected`). The rules run on the whole project model, so
a restricted result is the full result filtered: the same findings a full run gives for
those files and models. For a change, only the nodes it can affect need rendering at all
(`Affected.nodes`); the others are known by config and relation, which is all a rule
needs to judge a read of them."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from steward.errors import UserError
from steward.findings import Finding
from steward.git import changed_files
from steward.lint.context import LintContext
from steward.lint.refs import StaticGraph, static_graph
from steward.lint.rules import all_rules
from steward.lint.runner import LintResult
from steward.project.model import Project

GLOBAL_FILES = frozenset(
    {
        "dbt_project.yml",
        "packages.yml",
        "dependencies.yml",
        "platform/teams.yml",
        "platform/exceptions.yml",
    }
)
SCHEMA_MACROS = ("generate_schema_name", "generate_alias_name", "generate_database_name")


@dataclass(frozen=True)
class Affected:
    """What a change can affect. `direct`: the nodes whose own files, yml, macros, hooks
    or sources changed; `graph`: those plus the nodes whose graph-rule findings can change
    with them: their readers (a reader's REF002/LAY001 verdict on them), the nodes on a
    cycle through them (DEP001), and the nodes whose reads are not known without
    rendering. `everything`: a change to the project file, the registry, the exceptions,
    the namespace macros, or a cycle between teams: lint it all."""

    files: frozenset[str]
    direct: frozenset[str]
    graph: frozenset[str]
    everything: bool = False

    @property
    def nodes(self) -> frozenset[str]:
        """The nodes to render and analyse: every finding kept is about one of them."""
        return self.direct | self.graph


def affected(project: Project, graph: StaticGraph, files: Iterable[str]) -> Affected:
    """What a change to `files` can affect, from the cheap graph (nothing is rendered)."""
    files = frozenset(files)
    every = frozenset(project.nodes)
    if files & GLOBAL_FILES:
        return Affected(files, every, every, True)
    for macro_file in project.macro_files:
        if macro_file.path in files and any(name in SCHEMA_MACROS for name, _ in macro_file.macros):
            return Affected(files, every, every, True)
    node_paths = {node.path for node in project.nodes.values()}
    deleted = {f for f in files if f.endswith((".sql", ".py", ".csv")) and f not in node_paths}
    changed_sources = {uid for uid, source in project.sources.items() if source.path in files}
    direct: set[str] = set()
    for uid, node in project.nodes.items():
        static = graph.nodes[uid]
        yml = node.properties.position.path if node.properties else None
        hooks = {h.position.path for h in (*node.pre_hooks, *node.post_hooks)}
        if (
            node.path in files
            or yml in files
            or static.macro_files & files
            or hooks & files
            or static.reads & changed_sources
            or (deleted and static.unresolved)
        ):
            direct.add(uid)
    if direct and graph.has_team_cycle():
        return Affected(files, every, every, True)
    reach = set(direct) | graph.readers(direct)
    reach |= graph.cycle_members(reach)
    return Affected(files, frozenset(direct), frozenset(reach))


def scope_of(ctx: LintContext, files: Iterable[str]) -> Affected:
    """`affected` for a project already rendered (its relation names are known)."""
    return affected(
        ctx.project, static_graph(ctx.project, ctx.rendered.relations, _teams(ctx)), files
    )


def _teams(ctx: LintContext) -> dict[str, str | None]:
    return {uid: ctx.team_of(uid) for uid in (*ctx.facts, *ctx.project.sources)}


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
        if (
            finding.path in scope.files
            or uids & scope.direct
            or (finding.rule in graph_rules and uids & scope.graph)
        ):
            kept.append(finding)
    return kept


def in_paths(path: str, paths: Collection[str]) -> bool:
    """`path` is one of `paths` or inside one of them."""
    return any(path == p or path.startswith(p.rstrip("/") + "/") or p in ("", ".") for p in paths)


def restrict(
    result: LintResult,
    ctx: LintContext,
    *,
    team: str | None = None,
    paths: Collection[str] | None = None,
    changed_since: str | None = None,
    area: Affected | None = None,
) -> LintResult:
    """`result` restricted; `area` is what the change since `changed_since` affects
    (worked out here when not given). Its `scope` says what was linted and reported,
    in words (`text`) and counts."""
    project = ctx.project
    findings: list[Finding] = list(result.findings)
    models = {uid for uid, node in project.nodes.items() if node.resource_type == "model"}
    scope: dict[str, object] = {"models": len(models)}
    if changed_since is not None:
        if area is None:
            area = scope_of(ctx, changed_files(project.root, changed_since))
        findings = keep_affected(findings, ctx, area)
        linted = len(models) if area.everything else len(area.nodes & models)
        scope.update(
            changed_since=changed_since,
            changed_files=sorted(area.files),
            affected_models=len(area.nodes),
            everything=area.everything,
            linted=linted,
            changed_models=len(area.direct & models),
            readers=len((area.nodes - area.direct) & models),
        )
        words = [_changed_words(area, models, changed_since)]
    else:
        scope["linted"] = len(models)
        words = [f"linted all {_count(len(models), 'model')}"]
    if team is not None:
        if ctx.registry is not None and ctx.registry.team(team) is None:
            raise UserError(f"--team {team}: no such team in platform/teams.yml")
        findings = [f for f in findings if f.team == team]
        owned = sum(1 for uid in models if project.nodes[uid].team == team)
        scope.update(team=team, team_models=owned)
        words.append(f"reported team {team}'s findings ({_count(owned, 'model')} of its own)")
    if paths:
        findings = [f for f in findings if in_paths(f.path, paths)]
        inside = sum(1 for uid in models if in_paths(project.nodes[uid].path, paths))
        scope.update(paths=sorted(paths), path_models=inside)
        words.append(
            f"reported the findings in {', '.join(sorted(paths))} ({_count(inside, 'model')})"
        )
    every = [rule.id for rule in all_rules()]
    ran = [rule.id for rule in result.rules if rule.id in every]
    if set(ran) != set(every):
        scope["rules"] = ran
        words.append(f"with {len(ran)} of the {len(every)} rules ({', '.join(ran)})")
    scope["text"] = "; ".join(words)
    return dataclasses.replace(result, findings=tuple(findings), scope=scope)


def _changed_words(area: Affected, models: set[str], changed_since: str) -> str:
    """`linted 1 changed model and 3 readers of 29 models (2 files changed since main)`."""
    total = _count(len(models), "model")
    files = f"{_count(len(area.files), 'file')} changed since {changed_since}"
    if not area.files:
        return f"no file changed since {changed_since}: nothing to lint (of {total})"
    if area.everything:
        return f"linted all {total} ({files}, one of them project-wide)"
    if not area.nodes:
        return f"no model to lint: the {files} are no model's (of {total})"
    changed = _count(len(area.direct & models), "changed model")
    readers = _count(len((area.nodes - area.direct) & models), "reader")
    return f"linted {changed} and {readers} of {total} ({files})"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
