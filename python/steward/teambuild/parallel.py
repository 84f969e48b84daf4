"""`steward build --all --parallel`: every team at once where the team graph allows.

Each team builds in a `steward build --team T` process of its own (dbt's programmatic
runner is one invocation per process at a time), started as soon as every team it reads
from has finished, so producers still come before consumers and independent teams build
side by side. Each process has its own dbt target folder (`target/steward/teams/<team>/`:
manifest, run results, partial parse, logs), so their files never collide; its console
output goes to `build.log` there, and its result is the `--format json` summary it prints.

Only for a target with a server: the embedded target's Derby metastore allows one Spark
process at a time (see notes.md), so `--parallel` there is refused.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from steward.errors import UserError
from steward.teambuild.context import RunContext
from steward.teambuild.order import BuildPlan
from steward.teambuild.runner import TeamRun
from steward.teambuild.upstream import UpstreamProblem

POLL_SECONDS = 0.5


def team_folder(context: RunContext, team: str) -> Path:
    """The dbt target folder of `team`'s process (its manifest, run results, log)."""
    return context.project_dir / "target" / "steward" / "teams" / team


def producers_of(plan: BuildPlan, teams: Sequence[str]) -> dict[str, set[str]]:
    """team -> the teams of `teams` it reads from (the team graph's predecessors)."""
    graph = plan.graph.team_graph
    chosen = set(teams)
    return {
        team: {p for p in graph.predecessors(team) if p in chosen and p != team}
        if team in graph
        else set()
        for team in teams
    }


def waves(plan: BuildPlan, teams: Sequence[str]) -> list[list[str]]:
    """The teams grouped by how early they can start: each wave reads only earlier ones."""
    producers = producers_of(plan, teams)
    placed: dict[str, int] = {}
    for team in teams:  # `teams` is in dependency order: producers come first
        placed[team] = 1 + max((placed[p] for p in producers[team] if p in placed), default=-1)
    grouped: dict[int, list[str]] = {}
    for team, wave in placed.items():
        grouped.setdefault(wave, []).append(team)
    return [grouped[w] for w in sorted(grouped)]


def team_command(
    context: RunContext,
    team: str,
    extra_args: Sequence[str],
    ignore_upstream: bool,
) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "steward",
        "build",
        "--team",
        team,
        "--target",
        context.target,
        "--project-dir",
        str(context.project_dir),
        "--format",
        "json",
    ]
    if context.env is not None:
        command += ["--env", context.env]
    if context.landing_dir is not None:
        command += ["--landing", str(context.landing)]
    if context.as_of is not None:
        command += ["--as-of", context.as_of]
    if context.full_checks:
        command.append("--full-checks")
    if ignore_upstream:
        command.append("--ignore-upstream")
    if "--full-refresh" in extra_args:
        command.append("--full-refresh")
    return command


@dataclass
class _Running:
    team: str
    process: subprocess.Popen[str]
    out: IO[str]
    folder: Path
    started: float


def _start(context: RunContext, team: str, command: list[str]) -> _Running:
    folder = team_folder(context, team)
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["DBT_TARGET_PATH"] = str(folder)
    env["DBT_LOG_PATH"] = str(folder / "logs")
    log = (folder / "build.log").open("w", encoding="utf-8")
    summary = (folder / "summary.json").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        command,
        stdout=summary,
        stderr=log,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=context.project_dir,
        text=True,
    )
    log.close()  # the child holds its own descriptor
    return _Running(team, process, summary, folder, time.monotonic())


def _result(running: _Running) -> TeamRun:
    running.out.seek(0)
    text = running.out.read()
    running.out.close()
    log = running.folder / "build.log"
    try:
        document = json.loads(text)
        (data,) = [t for t in document["teams"] if t["team"] == running.team]
    except (ValueError, KeyError, TypeError):
        tail = _tail(log)
        return TeamRun(
            team=running.team,
            success=False,
            skipped_because=f"its build process exited with code {running.process.returncode}"
            f"{': ' + tail if tail else ''} (log: {log})",
        )
    problems = tuple(
        UpstreamProblem(**{**p, "consumers": tuple(p.get("consumers", ()))})
        for p in data.get("upstream_problems", ())
    )
    return TeamRun(
        team=running.team,
        success=bool(data["success"]) and running.process.returncode == 0,
        statuses=dict(data.get("statuses", {})),
        skipped_because=data.get("skipped_because"),
        upstream_problems=problems,
    )


def _tail(log: Path) -> str:
    try:
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines()]
    except OSError:
        return ""
    errors = [line for line in lines if line.startswith("steward: error:")]
    return (errors or [line for line in lines if line])[-1][:300] if lines else ""


def build_in_parallel(
    context: RunContext,
    teams: Sequence[str],
    extra_args: Sequence[str] = (),
    *,
    ignore_upstream: bool = False,
    plan: BuildPlan | None = None,
    max_parallel: int | None = None,
    say: Callable[[str], None] | None = None,
) -> list[TeamRun]:
    """Build `teams` (in dependency order), each as soon as the teams it reads finished.

    Returns one TeamRun a team, in the order of `teams`. A team whose producer failed
    still builds: its upstream check skips what reads the failed product, as in a
    sequential build.
    """
    if context.target == "local":
        raise UserError(
            "--parallel needs a target with a server (--target cluster): the embedded "
            "target's metastore allows one Spark process at a time"
        )
    plan = plan or BuildPlan.load(context.project_dir)
    limit = max_parallel or len(teams) or 1
    if limit < 1:
        raise UserError(f"--parallel takes a positive number of teams, got {limit}")
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    producers = producers_of(plan, teams)
    say(
        "steward build --parallel: "
        + " then ".join("[" + ", ".join(wave) + "]" for wave in waves(plan, teams))
    )
    pending = list(teams)
    running: dict[str, _Running] = {}
    done: dict[str, TeamRun] = {}
    try:
        while pending or running:
            for team in list(pending):
                if len(running) >= limit:
                    break
                if producers[team] <= done.keys():
                    pending.remove(team)
                    command = team_command(context, team, extra_args, ignore_upstream)
                    running[team] = _start(context, team, command)
                    alongside = sorted(t for t in running if t != team)
                    say(
                        f"steward build --parallel: {team} started"
                        + (f" (alongside {', '.join(alongside)})" if alongside else "")
                    )
            finished = [r for r in running.values() if r.process.poll() is not None]
            if not finished:
                time.sleep(POLL_SECONDS)
                continue
            for item in finished:
                del running[item.team]
                done[item.team] = _result(item)
                seconds = time.monotonic() - item.started
                say(f"steward build --parallel: {done[item.team].summary()} in {seconds:.0f} s")
    finally:
        for item in running.values():  # interrupted: no build is left running behind us
            item.process.terminate()
            try:
                item.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                item.process.kill()
    return [done[team] for team in teams]
