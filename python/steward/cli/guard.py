"""`steward guard export`: the registry file the engine guard (Spark session extension) reads."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from steward.cli.options import add_examples, add_options, add_subcommands, project_root
from steward.errors import UserError
from steward.guard import export
from steward.project.namespaces import PROD


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "guard",
        help="the engine-level write guard (a Spark session extension)",
        description=(
            "The engine guard refuses, inside Spark, any write into a namespace the "
            "session's team does not own, for every client of a session that loads it "
            f"(spark.sql.extensions={export.EXTENSION_CLASS}). It reads the registry "
            "from the file `steward guard export` writes. Any Spark session: --jars "
            "jvm/steward-guard/target/steward-guard.jar --conf spark.sql.extensions="
            f"io.delta.sql.DeltaSparkSessionExtension,{export.EXTENSION_CLASS} --conf "
            "spark.steward.registry=FILE --conf spark.steward.team=TEAM (see the README, "
            '"The engine guard").'
        ),
    )
    add_examples(parser, "steward guard export --env prod   # the file the extension reads")
    commands = add_subcommands(parser, "guard")
    exporter = commands.add_parser(
        "export",
        help="write the registry file for one environment",
        description=(
            "Write every team's namespaces in ENV and the owner of every governed "
            "namespace, from platform/teams.yml, as the JSON file that "
            "spark.steward.registry names. `steward build` writes it before dbt starts."
        ),
    )
    add_options(
        exporter,
        formats=("text", "json"),
        format_purposes={"json": "the written file's path, environment and teams, as data"},
        help_texts={"--format": "what to print about the written file"},
    )
    exporter.add_argument(
        "--env",
        action="append",
        help="the environment whose namespaces the file lists (default: prod); repeat it "
        "for a shared server that serves several",
    )
    exporter.add_argument(
        "--out",
        type=Path,
        help="the file to write; `-` prints it (default: target/steward/guard/registry-ENV.json)",
    )
    add_examples(
        exporter,
        "steward guard export                      # target/steward/guard/registry-prod.json",
        "steward guard export --env dev_alice      # a dev environment's namespaces",
        "steward guard export --out /shared/steward-registry.json --format json",
        "steward guard export --env dev --env ci --out .lakehouse-cluster/guard/registry.json",
    )
    exporter.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    root = project_root(args)
    registry = export.load(root)
    envs = export.server_envs([env.lower() for env in args.env or [PROD]])
    if args.out is not None and str(args.out) == "-":
        print(json.dumps(export.registry_file(registry, envs), indent=2, sort_keys=True))
        return 0
    env = ", ".join(envs)
    if args.out is None and len(envs) > 1:
        raise UserError("several --env need --out: the default file is one environment's")
    out = args.out if args.out is not None else export.default_path(root, envs[0])
    path = export.write(registry, envs, out)
    if args.format == "json":
        summary = {"path": str(path), "env": env, "teams": sorted(registry.team_ids)}
        print(json.dumps(summary, indent=2, sort_keys=True))
    else:
        print(f"wrote {path} ({len(registry.teams)} teams, environment {env})", file=sys.stderr)
    return 0
