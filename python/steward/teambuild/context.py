"""Where a run reads and writes, and the environment dbt gets for it.

Everything a local run writes stays under one lakehouse folder (warehouse, metastore,
Derby log); the landing files are read from the landing folder. dbt itself is configured
through environment variables that `profiles/profiles.yml` and `dbt_project.yml` read, so
a plain `dbt build` from the project root behaves the same as `steward build`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from steward.errors import UserError
from steward.lakehouse import jars

TARGETS = ("local", "cluster")
ENV_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_AS_OF = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")


def find_project_dir(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` that holds a dbt_project.yml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "dbt_project.yml").is_file():
            return folder
    raise UserError(
        "no dbt_project.yml here or in any parent folder; "
        "run from the project or pass --project-dir",
        path=here,
    )


@dataclass(frozen=True)
class RunContext:
    project_dir: Path
    target: str = "local"
    env: str | None = None
    team: str | None = None
    lakehouse_dir: Path | None = None
    landing_dir: Path | None = None
    as_of: str | None = None
    """The time the run stands for (`YYYY-MM-DD[THH:MM[:SS]]`, UTC), when it replays old
    or synthetic data: the contracts' freshness SLAs are measured against it instead of
    the current time (var `freshness_reference_time`, from STEWARD_AS_OF)."""
    full_checks: bool = False
    """Every data test judges its whole table, not the rows in its model's incremental
    window (STEWARD_FULL_CHECKS; see macros/tests/get_where_subquery.sql)."""
    settings: tuple[tuple[str, str], ...] = ()
    """Variables of the layered configuration the profile reads (Spark settings), set for
    the run (`steward.teambuild.settings`)."""
    teams_file: Path | None = None
    """One invocation of several teams: the file of every node's team the adapter's guard
    reads (STEWARD_BUILD_TEAMS; `steward.guard.teams`)."""

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise UserError(f"unknown target '{self.target}': use one of {', '.join(TARGETS)}")
        if self.env is not None and not ENV_NAME.match(self.env):
            raise UserError(
                f"environment '{self.env}' is not a valid name: "
                "use lower snake case, e.g. dev, staging, prod"
            )
        if self.as_of is not None and not _AS_OF.match(self.as_of):
            raise UserError(
                f"--as-of '{self.as_of}' is not a time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]"
                " (UTC)"
            )

    @property
    def lakehouse(self) -> Path:
        return (self.lakehouse_dir or self.project_dir / ".lakehouse").resolve()

    @property
    def landing(self) -> Path:
        return (self.landing_dir or self.project_dir / "data" / "landing").resolve()

    def dbt_environment(self) -> dict[str, str]:
        """The variables profiles.yml and the project's macros read."""
        variables = {
            "DBT_PROFILES_DIR": str(self.project_dir / "profiles"),
            "STEWARD_TARGET": self.target,
            "STEWARD_LAKEHOUSE": str(self.lakehouse),
            "STEWARD_LANDING": str(self.landing),
            "STEWARD_LOG4J": str(self.project_dir / "profiles" / "log4j2.properties"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        if self.target == "local":
            cache = jars.default_cache_dir(self.project_dir)
            variables["STEWARD_DELTA_JARS"] = ",".join(str(p) for p in jars.cached_jars(cache))
        if self.env is not None:
            variables["STEWARD_ENV"] = self.env
        if self.team is not None:
            variables["STEWARD_TEAM"] = self.team
        if self.as_of is not None:
            variables["STEWARD_AS_OF"] = self.as_of
        if self.full_checks:
            variables["STEWARD_FULL_CHECKS"] = "1"
        if self.teams_file is not None:
            variables["STEWARD_BUILD_TEAMS"] = str(self.teams_file)
            variables["STEWARD_TEAM"] = ""  # each node's own, not the shell's
        variables.update(self.settings)
        return variables


@contextmanager
def environment(variables: Mapping[str, str]) -> Iterator[None]:
    """Set `variables` in os.environ for the block, restoring the old values after."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
