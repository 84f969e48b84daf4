"""Environments: which namespaces a build writes, and which overlay file configures it.

`dev` is per developer (`namespaces.dev: per_developer`): `steward build --env dev` builds
environment `dev_<you>`, so its relations are `dev_<you>_<layer>_<team>.<entity>`, apart
from every other developer's and from staging's and production's. `<you>` is
STEWARD_DEV_PREFIX, else the OS user, in lower snake case (`anna.keller` -> `anna_keller`).
`staging` and `prod` are themselves. Any other name (`dev_anna`, `ci_1234`) is taken as
given, and configured by the overlay whose name starts it (`dev_anna` -> dev.yml); one
that no file names (`ci_1234`) gets the defaults and the team's file, no overlay.

The run-time guard, lint and `steward build` all take the resolved name, so they ask
`Registry.namespaces(team, env)` the same question.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping

from steward.config.model import PlatformConfig
from steward.config.resolve import resolve
from steward.errors import UserError

DEV = "dev"
DEV_PREFIX_VARIABLE = "STEWARD_DEV_PREFIX"


def developer_env(environ: Mapping[str, str] | None = None) -> str:
    """`dev_<developer>`: from STEWARD_DEV_PREFIX (`anna` or `dev_anna`), else the OS user."""
    environ = os.environ if environ is None else environ
    raw = environ.get(DEV_PREFIX_VARIABLE, "").strip()
    if not raw:
        try:
            raw = getpass.getuser()
        except (OSError, KeyError):
            raw = ""
    name = re.sub(r"[^a-z0-9]+", "_", raw.lower()).strip("_").removeprefix("dev_")
    if not name or not name[0].isalpha():
        raise UserError(
            f"cannot name a dev environment after the user `{raw}`: set "
            f"{DEV_PREFIX_VARIABLE} to your name in lower snake case, e.g. "
            f"{DEV_PREFIX_VARIABLE}=anna (builds then go to dev_anna_*)"
        )
    return f"{DEV}_{name}"


def namespace_env(
    env: str, config: PlatformConfig | None, environ: Mapping[str, str] | None = None
) -> str:
    """The environment a build of `env` writes: `dev` becomes `dev_<developer>` when the
    project's configuration says dev is per developer; anything else is itself."""
    env = env.lower()
    if env != DEV or config is None:
        return env
    if resolve(config, None, DEV).value("namespaces.dev") != "per_developer":
        return env
    return developer_env(environ)


def config_env(env: str, config: PlatformConfig) -> str | None:
    """The overlay of environment `env`: its own file, else the file whose name starts it
    (`dev_anna` -> dev); None when no file names it."""
    env = env.lower()
    if env in config.environments:
        return env
    starts = [name for name in config.environments if env.startswith(f"{name}_")]
    return max(starts, key=len) if starts else None
