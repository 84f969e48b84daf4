"""`steward contracts`: generate the dbt yml of the contracts, list a model's consumers,
check a change for breaking changes."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

from steward.cli.options import add_examples, add_options, add_subcommands, emit, project_root
from steward.errors import UserError
from steward.findings import FORMATS, WRITERS, FindingsReport, RuleInfo

if TYPE_CHECKING:
    from steward.lineage import ProjectLineage
    from steward.project.model import Project
    from steward.render.model import RenderedProject

BREAKING_FORMATS = (*FORMATS, "markdown")
NO_CONTRACTS = (
    "nothing to check; write a contract for each public model as "
    "contracts/<team>/<model>.yaml (ODCS v3, see `steward contracts --help`), or give the "
    "project that has them with --project-dir"
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "contracts",
        help="data contracts: generate their dbt yml, list consumers, catch breaking changes",
        description="Data contracts (ODCS v3) of the public models, in "
        "contracts/<team>/<model>.yaml. `consumers` and `breaking` exit 1 when a model "
        "they need does not render (`generate` renders nothing), and every "
        "subcommand exits 2 on bad input (an invalid contract, an unknown model or git "
        "revision, a project without contracts).",
    )
    add_examples(
        parser,
        "steward contracts generate                       # write the contracts' dbt yml",
        "steward contracts generate --check               # CI: exit 1 when one is stale",
        "steward contracts consumers silver_platform__readings",
        "steward contracts breaking --base origin/main    # CON003 against the base",
    )
    commands = add_subcommands(parser, "contracts")

    generate = commands.add_parser(
        "generate",
        help="write each contracted model's yml (<model>.contract.yml beside its SQL)",
        description="Writes, for every contract, the model's only properties yml: "
        "contract enforced, access public, group, column types and descriptions, "
        "constraints, the data tests of the quality rules and the SLA (not the consumers: "
        "`steward contracts consumers` computes them). Nothing is rendered. Removes "
        "generated files whose contract is gone. With --check, writes nothing and exits 1 "
        "when a committed file is stale (CON002); --format and --output are for that "
        "report. Exit 2 on an invalid contract or a project without contracts.",
    )
    generate.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when the committed files are stale",
    )
    add_options(
        generate,
        formats=FORMATS,
        output=True,
        help_texts={
            "--format": "with --check, the report's format",
            "--output": "with --check, write the report to FILE, not stdout",
        },
    )
    add_examples(
        generate,
        "steward contracts generate                                   # write, then commit",
        "steward contracts generate --check                           # CI: exit 1 on stale",
        "steward contracts generate --check --format sarif --output con002.sarif",
    )
    generate.set_defaults(handler=run_generate)

    consumers = commands.add_parser(
        "consumers",
        help="which teams, models, columns and exposures use a model's columns",
        description="Derived from the dependency graph and column lineage: every model "
        "reading MODEL with the columns it computes from or filters, joins and groups on, "
        "and the exposures reached. MODEL is the name ref() takes.",
    )
    consumers.add_argument("model", metavar="MODEL")
    add_options(consumers, formats=("text", "json"), output=True)
    add_examples(
        consumers,
        "steward contracts consumers silver_platform__readings",
        "steward contracts consumers silver_platform__meters --format json",
    )
    consumers.set_defaults(handler=run_consumers)

    breaking = commands.add_parser(
        "breaking",
        help="breaking changes to contracted models against git REF (CON003)",
        description="Compares every contract (and the model's SQL) with git REF: a column "
        "removed or renamed, a type changed, a column made nullable, the key changed, the "
        "SLA weakened, a contracted column the SQL no longer produces. Allowed only as a "
        "new model version with the old one kept and deprecated; each finding names the "
        "consumers it breaks. Exit 1 on a breaking change or a model that does not "
        "render, 2 on bad input (no contracts here or at REF).",
    )
    breaking.add_argument(
        "--base",
        required=True,
        metavar="REF",
        help="the git revision to compare with (a branch, tag or commit)",
    )
    add_options(breaking, formats=BREAKING_FORMATS, output=True)
    add_examples(
        breaking,
        "steward contracts breaking --base origin/main",
        "steward contracts breaking --base origin/main --format markdown > breaking.md",
    )
    breaking.set_defaults(handler=run_breaking)


def _load(args: argparse.Namespace) -> Project:
    from steward.contracts.checks import first_contract_error
    from steward.project import load_project

    project = load_project(project_root(args))
    problem = first_contract_error(project)
    if problem is not None:
        raise UserError(problem.message, path=problem.position.path, line=problem.position.line)
    return project


def _lineage(project: Project) -> tuple[RenderedProject, ProjectLineage]:
    from steward.contracts.checks import contracts_lineage
    from steward.render import render_project

    rendered = render_project(project)
    return rendered, contracts_lineage(rendered)


def _with_scope(report: FindingsReport, scope: str, **counts: int) -> FindingsReport:
    """The findings report with what was checked at the end of its last text line and
    as `scope` in its JSON summary."""
    return dataclasses.replace(
        report,
        headline=f"{report.headline} ({scope})",
        facts={**report.facts, "scope": {**counts, "text": scope}},
    )


def run_generate(args: argparse.Namespace) -> int:
    from steward.contracts.checks import contract_problems
    from steward.contracts.generate import generated_files, stale
    from steward.contracts.writers import stale_report

    if not args.check and (args.format != FORMATS[0] or args.output is not None):
        raise UserError(
            "--format and --output are for the report of --check; without it, generate "
            "writes the yml beside each model: add --check, or leave them out"
        )
    project = _load(args)
    if project.contracts_dir is None:
        raise UserError(
            f"no contracts/ folder: {NO_CONTRACTS}"
            if args.check
            else "no contracts/ folder: write contracts/<team>/<model>.yaml first",
            path=str(project.root),
        )
    written: list[str] = []
    removed: list[str] = []
    # A new model version is known from the yml this writes: a second pass sees it.
    # Generation needs the contracts and the models' config only: nothing is rendered.
    for _ in range(3):
        files = generated_files(project)
        problems = stale(project, files)
        if args.check:
            if not project.contracts and not problems:
                raise UserError(f"contracts/ holds no contract: {NO_CONTRACTS}")
            report = stale_report(problems, len(files), _rules("CON002"))
            scope = f"checked {len(project.contracts)} contract(s)"
            report = _with_scope(report, scope, contracts=len(project.contracts), files=len(files))
            emit(WRITERS[args.format](report), args.output)
            return 1 if report.findings else 0
        texts = {f.path: f.text for f in files}
        changed = False
        for item in problems:
            if item.reason in ("missing", "differs"):
                emit(texts[item.path], project.root / item.path)
                written.append(item.path)
                changed = True
            elif item.reason == "orphan":
                (project.root / item.path).unlink(missing_ok=True)
                removed.append(item.path)
                changed = True
        if not changed:
            break
        project = _load(args)
        if not any(c.dbt_version for c in project.contracts):
            break
    for path in dict.fromkeys(written):
        print(f"wrote {path}")
    for path in dict.fromkeys(removed):
        print(f"removed {path}")
    for problem in contract_problems(project):
        print(f"{problem.position}: CON001 error: {problem.message}", file=sys.stderr)
    described = [p for p in problems if p.reason == "described"]
    for item in described:
        print(f"{item.position}: CON002 error: {item.message}", file=sys.stderr)
    fresh = len({f.path for f in files} - set(written))
    print(
        f"{len(project.contracts)} contract(s), {len(files)} contracted model(s): "
        f"{len(set(written))} written, {len(set(removed))} removed, {fresh} unchanged",
        file=sys.stderr,
    )
    return 1 if described else 0


def run_consumers(args: argparse.Namespace) -> int:
    from steward.cli.rendered import report_unrendered
    from steward.contracts.consumers import consumers, model_nodes
    from steward.contracts.dbt import latest_of
    from steward.contracts.generate import by_model
    from steward.contracts.writers import consumers_json, consumers_text

    project = _load(args)
    model = args.model
    nodes = model_nodes(project, model)
    if not nodes:
        node = project.node_by_name(model)
        if node is None:
            close = sorted(n.dbt_name for n in project.models if model in n.dbt_name)[:5]
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise UserError(f"no model named `{model}`{hint}")
        model = node.dbt_name
    rendered, lineage = _lineage(project)
    found = consumers(lineage, project, model)
    contracts = by_model(project).get(model)
    contract = latest_of(list(contracts)) if contracts else None
    if contract is not None:
        columns = [c.name for c in contract.columns]
    else:
        columns = list(
            dict.fromkeys(name for uid in found.producers for name in lineage.columns_of(uid))
        )
    writer = consumers_json if args.format == "json" else consumers_text
    emit(writer(found, columns, contract), args.output)
    return report_unrendered(rendered, "this list of consumers")


def run_breaking(args: argparse.Namespace) -> int:
    from steward.cli.rendered import report_unrendered
    from steward.contracts.breaking import breaking_changes
    from steward.contracts.checks import contract_view
    from steward.contracts.writers import breaking_markdown, breaking_report
    from steward.git import checkout
    from steward.impact import analyse
    from steward.project import load_project
    from steward.render import render_project

    project = _load(args)
    with checkout(project_root(args), args.base) as base_root:
        base_project = load_project(base_root)
        if not project.contracts and not base_project.contracts:
            where = "no contracts/ folder" if project.contracts_dir is None else "no contract"
            raise UserError(f"{where} here or at {args.base}: {NO_CONTRACTS}")
        base_rendered = render_project(base_project)
        base = analyse(contract_view(base_rendered))
    head_rendered = render_project(project)
    head = analyse(contract_view(head_rendered))
    report = breaking_changes(base, head, args.base, dt.date.today())
    scope = (
        f"compared {len(base_project.contracts)} contract(s) at {args.base} with "
        f"{len(project.contracts)} in the working tree"
    )
    if args.format == "markdown":
        text = breaking_markdown(report)
        print(f"steward contracts breaking: {scope}", file=sys.stderr)
    else:
        findings = _with_scope(
            breaking_report(report, _rules("CON003")),
            scope,
            base_contracts=len(base_project.contracts),
            contracts=len(project.contracts),
        )
        text = WRITERS[args.format](findings)
    emit(text, args.output)
    unrendered = max(
        report_unrendered(head_rendered, "this check"),
        report_unrendered(base_rendered, "this check", at=args.base),
    )
    return max(1 if report.breaking else 0, unrendered)


def _rules(*ids: str) -> tuple[RuleInfo, ...]:
    """The lint rules behind the findings, described in the SARIF output."""
    from steward.lint.rules import rule_by_id

    return tuple(rule for rule in map(rule_by_id, ids) if rule is not None)
