"""The promotion gate: a commit reaches production only after it passed in staging.

`steward promote --team T --from staging --to prod` looks up T's builds in the run history
of staging (each recorded with the git commit it built, `history.RunRecord`). The latest
staging build of the commit being promoted must have succeeded (models built, tests
passed) and built everything (none of T's models skipped for an unhealthy upstream);
then T is built in production from the same commit. Otherwise nothing is built, and the
reason names the staging build found, or says that there is none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from steward.teambuild.history import RunRecord

UNKNOWN = "unknown"
DIRTY = "+dirty"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    run: RunRecord | None = None
    """The source environment's build the decision rests on (None: there is none)."""


def _short(sha: str) -> str:
    return sha[:12]


def _when(run: RunRecord) -> str:
    return f"{run.finished_at:%Y-%m-%d %H:%M} UTC"


def decide(runs: Sequence[RunRecord], sha: str, team: str, source: str) -> Decision:
    """May commit `sha` of `team` be promoted, given its builds `runs` (oldest first) in
    environment `source`?"""
    if sha == UNKNOWN:
        return Decision(
            False,
            "cannot tell which commit this is (not a git checkout, and STEWARD_GIT_SHA is "
            "not set): promote from a checkout of the commit that passed in " + source,
        )
    if sha.endswith(DIRTY):
        return Decision(
            False,
            f"the work tree has uncommitted changes ({_short(sha)}{DIRTY}): only a commit "
            f"can have passed in {source}; commit, build it in {source}, then promote",
        )
    build = f"`steward build --team {team} --env {source}`"
    of_sha = [run for run in runs if run.git_sha == sha]
    if not of_sha:
        if not runs:
            found = f"team {team} has never been built in {source}"
        else:
            last = runs[-1]
            found = (
                f"the last {source} build of team {team} ({_when(last)}) was of commit "
                f"{_short(last.git_sha)}"
            )
        return Decision(
            False, f"no {source} build of team {team} at commit {_short(sha)}: {found}; run {build}"
        )
    run = of_sha[-1]
    name = f"the {source} build of team {team} at commit {_short(sha)} ({_when(run)})"
    if not run.success:
        return Decision(False, f"{name} failed ({run.counts()}); fix it and run {build}", run)
    if run.skipped_upstream:
        return Decision(
            False,
            f"{name} skipped the models that read unhealthy upstream "
            f"{', '.join(run.skipped_upstream)}, so they were not tested; run {build} "
            "when the producers are healthy",
            run,
        )
    return Decision(True, f"{name} passed ({run.counts()})", run)
