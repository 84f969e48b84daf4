"""`steward contracts`: generate the dbt yml of the contracts, list a model's consumers,
check a change for breaking changes."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from steward.cli.options import add_options, add_subcommands, emit, project_root
from steward.errors import UserError
from steward.findings import FORMATS, WRITERS, RuleInfo

BREAKING_FORMATS = (*FORMATS, "markdown")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "contracts",
        help="data contracts: generate their dbt yml, list consumers, catch breaking changes",
        description="Data contracts (ODCS v3) of the public models, in "
        "contracts/<team>/<model>.yaml.",
    )
    commands = add_subcommands(parser, "contracts")

    generate = commands.add_parser(
        "generate",
        help="write each contracted model's yml (<model>.contract.yml beside its SQL)",
        description="Writes, for every contract, the model's only properties yml: "
        "contract enforced, access public, group, column types and descriptions, "
        "constraints, the data tests of the quality rules and the SLA, and the consumers "
        "(from the graph and column lineage). Removes generated files whose contract is "
        "gone. With --check, writes nothing and exits 1 when a committed file is stale "
        "(CON002). Exit 2 on an invalid contract.",
    )
    generate.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when the committed files are stale",
    )
    add_options(generate, formats=FORMATS, output=True)
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
    consumers.set_defaults(handler=run_consumers)

    breaking = commands.add_parser(
        "breaking",
        help="breaking changes to contracted models against git REF (CON003)",
        description="Compares every contract (and the model's SQL) with git REF: a column "
        "removed or renamed, a type changed, a column made nullable, the key changed, the "
        "SLA weakened, a contracted column the SQL no longer produces. Allowed only as a "
        "new model version with the old one kept and deprecated; each finding names the "
        "consumers it breaks. Exit 1 on a breaking change, 2 on bad input.",
    )
    breaking.add_argument(
        "--base",
        required=True,
        metavar="REF",
        help="the git revision to compare with (a branch, tag or commit)",
    )
    add_options(breaking, formats=BREAKING_FORMATS, output=True)
    breaking.set_defaults(handler=run_breaking)


def _load(args: argparse.Namespace) -> Any:
    from steward.contracts.checks import first_contract_error
    from steward.project import load_project

    project = load_project(project_root(args))
    problem = first_contract_error(project)
    if problem is not None:
        raise UserError(problem.message, path=problem.position.path, line=problem.position.line)
    return project


def _lineage(project: Any) -> Any:
    from steward.contracts.checks import contracts_lineage
    from steward.render import render_project

    return contracts_lineage(render_project(project))


def run_generate(args: argparse.Namespace) -> int:
    from steward.contracts.checks import contract_problems
    from steward.contracts.generate import generated_files, stale
    from steward.contracts.writers import stale_report

    project = _load(args)
    if project.contracts_dir is None:
        raise UserError(
            "no contracts/ folder: write contracts/<team>/<model>.yaml first",
            path=str(project.root),
        )
    written: list[str] = []
    removed: list[str] = []
    # A new model version is known from the yml this writes: a second pass sees it.
    for _ in range(3):
        files = generated_files(project, _lineage(project))
        problems = stale(project, files)
        if args.check:
            report = stale_report(problems, len(files), _rules("CON002"))
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
        if not changed or not any(c.dbt_version for c in project.contracts):
            break
        project = _load(args)
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
        f"{len(files)} contracted model(s): {len(set(written))} written, "
        f"{len(set(removed))} removed, {fresh} unchanged",
        file=sys.stderr,
    )
    return 1 if described else 0


def run_consumers(args: argparse.Namespace) -> int:
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
    lineage = _lineage(project)
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
    return 0


def run_breaking(args: argparse.Namespace) -> int:
    from steward.contracts.breaking import breaking_changes
    from steward.contracts.checks import contract_view
    from steward.contracts.writers import breaking_markdown, breaking_report
    from steward.git import checkout
    from steward.impact import analyse
    from steward.project import load_project
    from steward.render import render_project

    project = _load(args)
    head = analyse(contract_view(render_project(project)))
    with checkout(project_root(args), args.base) as base_root:
        base = analyse(contract_view(render_project(load_project(base_root))))
    report = breaking_changes(base, head, args.base, dt.date.today())
    if args.format == "markdown":
        text = breaking_markdown(report)
    else:
        text = WRITERS[args.format](breaking_report(report, _rules("CON003")))
    emit(text, args.output)
    return 1 if report.breaking else 0


def _rules(*ids: str) -> tuple[RuleInfo, ...]:
    """The lint rules behind the findings, described in the SARIF output."""
    from steward.lint.rules import rule_by_id

    return tuple(rule for rule in map(rule_by_id, ids) if rule is not None)
