"""`steward config`: the layered configuration of platform/config/, resolved for a team in
an environment (`show`), compared (`diff`), and generated into dbt_project.yml
(`generate`)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from steward.cli.options import add_examples, add_options, add_subcommands, emit, project_root
from steward.errors import UserError

if TYPE_CHECKING:
    from steward.config import PlatformConfig, Resolution
    from steward.project.model import Project

_ENV = "the environment: dev, staging, prod (dev is per developer: dev_<you>), or any other"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "config",
        help="layered configuration: show a team's resolved settings, diff, generate",
        description="The platform's configuration in platform/config/: defaults.yml, "
        "teams/<team>.yml and environments/<env>.yml, resolved in that order, then the "
        "team file's `environments.<env>` section; keys locked in defaults.yml keep their "
        "default (CFG001). Exit 2 on an invalid file, with its file and line.",
    )
    add_examples(
        parser,
        "steward config show --team electra --env prod --explain",
        "steward config diff --team platform --env staging --env prod",
        "steward config generate --check        # CI: exit 1 when dbt_project.yml is stale",
    )
    commands = add_subcommands(parser, "config")

    show = commands.add_parser(
        "show",
        help="the resolved configuration of a team in an environment",
        description="Every setting of TEAM in ENV (without --team: the platform's own, "
        "with the model settings of every layer). --explain adds the file and line that "
        "set each value, the layer it came from and whether it is locked.",
    )
    show.add_argument("--team", help="the team id of platform/teams.yml (default: none)")
    show.add_argument("--env", default="prod", help=f"{_ENV} (default prod)")
    show.add_argument("--explain", action="store_true", help="say where each value comes from")
    add_options(show, formats=("text", "json"), output=True)
    add_examples(
        show,
        "steward config show --team electra --env prod",
        "steward config show --team platform --env dev --explain",
        "steward config show --env staging --format json",
    )
    show.set_defaults(handler=run_show)

    diff = commands.add_parser(
        "diff",
        help="the settings that differ between two environments or two teams",
        description="Give --env twice (and --team once, or not) to compare two "
        "environments, or --team twice and --env once to compare two teams. Prints each "
        "setting whose value differs, with where each side's value comes from. Exit 0.",
    )
    diff.add_argument("--env", action="append", default=[], help=_ENV)
    diff.add_argument("--team", action="append", default=[], help="a team id")
    add_options(diff, formats=("text", "json"), output=True)
    add_examples(
        diff,
        "steward config diff --env staging --env prod",
        "steward config diff --team platform --env dev --env prod",
        "steward config diff --team electra --team dutchgrid --env prod",
    )
    diff.set_defaults(handler=run_diff)

    generate = commands.add_parser(
        "generate",
        help="write the `models:` section of dbt_project.yml from the layer files",
        description="dbt reads folder config only from dbt_project.yml, so steward writes "
        "its `models:` section (between two marker comments, nothing else of the file) "
        "from platform/config/ and the registry's teams. With --check, write nothing and "
        "exit 1 when the committed section is stale (rule CFG002).",
    )
    generate.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    add_options(generate)
    add_examples(
        generate,
        "steward config generate             # after changing platform/config/; commit both",
        "steward config generate --check     # CI: exit 1 when dbt_project.yml is stale",
    )
    generate.set_defaults(handler=run_generate)


def _load(args: argparse.Namespace) -> tuple[Project, PlatformConfig]:
    from steward.project import load_project

    project = load_project(project_root(args))
    if project.platform_config is None:
        raise UserError(
            "this project has no platform/config/: create platform/config/defaults.yml "
            "(and teams/<team>.yml, environments/<env>.yml) to configure it in layers"
        )
    return project, project.platform_config


def _resolution(
    project: Project, config: PlatformConfig, team: str | None, env: str
) -> tuple[Resolution, str]:
    """The resolution of `team` in `env`, and the environment its build writes."""
    from steward.config import config_env, namespace_env, resolve_for

    registry = project.registry
    if team is not None and registry is not None and registry.team(team) is None:
        known = ", ".join(sorted(registry.team_ids))
        raise UserError(f"--team {team}: no such team in platform/teams.yml (the teams: {known})")
    written = namespace_env(env, config)
    return resolve_for(config, registry, team, config_env(written, config)), written


def run_show(args: argparse.Namespace) -> int:
    from steward.config.writers import show_json, show_text

    project, config = _load(args)
    resolution, written = _resolution(project, config, args.team, args.env)
    namespaces = (
        project.registry.namespaces(args.team, written) if project.registry and args.team else ()
    )
    write = show_json if args.format == "json" else show_text
    emit(write(resolution, written, namespaces, args.explain), args.output)
    return 0


def run_diff(args: argparse.Namespace) -> int:
    from steward.config import changed
    from steward.config.writers import diff_json, diff_text

    envs, teams = list(args.env), list(args.team)
    if len(envs) == 2 and len(teams) <= 1:
        sides = [(teams[0] if teams else None, env) for env in envs]
    elif len(teams) == 2 and len(envs) == 1:
        sides = [(team, envs[0]) for team in teams]
    else:
        raise UserError(
            "compare two sides: --env A --env B (with one --team or none), or "
            "--team A --team B with one --env"
        )
    project, config = _load(args)
    a, b = (_resolution(project, config, team, env)[0] for team, env in sides)
    changes = list(changed(a, b))
    emit((diff_json if args.format == "json" else diff_text)(a, b, changes), args.output)
    return 0


def run_generate(args: argparse.Namespace) -> int:
    from steward.config.generate import DBT_PROJECT, expected_dbt_project, stale

    project, _ = _load(args)
    line = stale(project)
    if line is None:
        print(f"{DBT_PROJECT} is up to date with platform/config/", file=sys.stderr)
        return 0
    if args.check:
        print(
            f"{DBT_PROJECT}:{line}: the generated `models:` section is stale against "
            "platform/config/ (CFG002); run `steward config generate` and commit it",
            file=sys.stderr,
        )
        return 1
    expected = expected_dbt_project(project)
    assert expected is not None
    (project.root / DBT_PROJECT).write_text(expected, encoding="utf-8")
    print(f"wrote the `models:` section of {DBT_PROJECT}", file=sys.stderr)
    return 0
