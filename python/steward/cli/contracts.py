"""`steward contracts`: generate the dbt yml of the contracts, list a model's consumers,
check a change for breaking changes."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from steward.errors import UserError

CHECK_FORMATS = ("text", "json", "github")
BREAKING_FORMATS = ("text", "json", "github", "markdown")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "contracts",
        help="data contracts: generate their dbt yml, list consumers, catch breaking changes",
        description="Data contracts (ODCS v3) of the public models, in "
        "contracts/<team>/<model>.yaml.",
    )
    commands = parser.add_subparsers(
        dest="contracts_command", metavar="SUBCOMMAND", parser_class=type(parser)
    )
    commands.required = True

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
    generate.add_argument("--format", choices=CHECK_FORMATS, default="text")
    _project_option(generate)
    generate.set_defaults(handler=run_generate)

    consumers = commands.add_parser(
        "consumers",
        help="which teams, models, columns and exposures use a model's columns",
        description="Derived from the dependency graph and column lineage: every model "
        "reading MODEL with the columns it computes from or filters, joins and groups on, "
        "and the exposures reached. MODEL is the name ref() takes.",
    )
    consumers.add_argument("model", metavar="MODEL")
    consumers.add_argument("--format", choices=("text", "json"), default="text")
    _project_option(consumers)
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
    breaking.add_argument("--format", choices=BREAKING_FORMATS, default="text")
    breaking.add_argument("--output", type=Path, default=None, help="write to FILE, not stdout")
    _project_option(breaking)
    breaking.set_defaults(handler=run_breaking)


def _project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=None,
        help="the dbt project (default: found from the current folder)",
    )


def _load(args: argparse.Namespace) -> Any:
    from steward.contracts.checks import first_contract_error
    from steward.project import find_project_root, load_project

    project = load_project(find_project_root(args.project_dir or Path.cwd()))
    problem = first_contract_error(project)
    if problem is not None:
        raise UserError(problem.message, path=problem.position.path, line=problem.position.line)
    return project


def _lineage(project: Any) -> Any:
    from steward.contracts.checks import contracts_lineage
    from steward.render import render_project

    return contracts_lineage(render_project(project))


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write: {exc.strerror}", path=str(path)) from None


def run_generate(args: argparse.Namespace) -> int:
    from steward.contracts.checks import contract_problems
    from steward.contracts.generate import generated_files, stale
    from steward.contracts.writers import findings_github, findings_json, findings_text
    from steward.lint.finding import Finding

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
            findings = [
                Finding(
                    "CON002",
                    "error",
                    p.position.path,
                    p.position.line,
                    p.position.column,
                    p.model,
                    None,
                    p.message,
                )
                for p in problems
            ]
            summary = (
                f"{len(findings)} stale generated file(s) of {len(files)}"
                if findings
                else f"{len(files)} generated file(s) up to date"
            )
            if args.format == "json":
                sys.stdout.write(findings_json(findings, {"files": len(files)}))
            elif args.format == "github":
                sys.stdout.write(findings_github(findings))
            else:
                sys.stdout.write(findings_text(findings, summary))
            return 1 if findings else 0
        texts = {f.path: f.text for f in files}
        changed = False
        for item in problems:
            if item.reason in ("missing", "differs"):
                _write(project.root / item.path, texts[item.path])
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
    sys.stdout.write(writer(found, columns, contract))
    return 0


def run_breaking(args: argparse.Namespace) -> int:
    from steward.contracts.breaking import breaking_changes
    from steward.contracts.checks import contract_view
    from steward.contracts.writers import (
        breaking_json,
        breaking_markdown,
        breaking_text,
        findings_github,
    )
    from steward.impact import analyse, checkout
    from steward.project import find_project_root, load_project
    from steward.render import render_project

    project = _load(args)
    head = analyse(contract_view(render_project(project)))
    with checkout(find_project_root(args.project_dir or Path.cwd()), args.base) as base_root:
        base = analyse(contract_view(render_project(load_project(base_root))))
    report = breaking_changes(base, head, args.base, dt.date.today())
    if args.format == "json":
        text = breaking_json(report)
    elif args.format == "markdown":
        text = breaking_markdown(report)
    elif args.format == "github":
        text = findings_github(report.findings)
    else:
        text = breaking_text(report)
    if args.output is not None:
        _write(args.output, text)
    else:
        sys.stdout.write(text)
    return 1 if report.breaking else 0
