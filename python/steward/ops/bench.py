"""`steward bench ops`: what recording a build costs.

One team (default platform) of the reference project is built on generated data, in one
process and Spark session: first once to create its tables, then alternately as plain
`dbt build --select group:<team>` (dbt's programmatic runner, the team's guard and
settings, nothing recorded) and as `steward build` does it (`build_team`: the upstream
check reading the ops tables, the same dbt build, then the event log read and the rows
appended to the ops tables, and the OpenLineage events). Same data, same selection, same
session; the overhead is the difference of the medians over the plain build's median
(goal: at most 5 %). Spark's event log is on for both (it is a setting of the session,
which starts once a process), so its own cost is not in the difference.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GOAL_PCT = 5.0


def run(
    project_dir: Path,
    team: str = "platform",
    rows_per_day: int = 20_000,
    days: int = 2,
    repeat: int = 2,
    work_dir: Path | None = None,
) -> dict[str, Any]:
    from steward.data import GenerationConfig, generate
    from steward.data.delivery import deliver
    from steward.teambuild.context import RunContext
    from steward.teambuild.order import BuildPlan
    from steward.teambuild.runner import build_team, check_ready, invoke_dbt, parse_manifest
    from steward.teambuild.settings import prepare, team_settings

    work = Path(tempfile.mkdtemp(prefix="steward-bench-ops-", dir=work_dir))
    config = GenerationConfig(days=days, rows_per_day=rows_per_day, out=work / "generated")
    generated = generate(config)
    landing = work / "landing"
    deliver(generated.landing, landing, config.dates[-1])
    context = RunContext(
        project_dir=project_dir,
        env="bench_ops",
        lakehouse_dir=work / "lakehouse",
        landing_dir=landing,
        as_of=f"{config.dates[-1].isoformat()}T23:59",
    )
    check_ready(context)
    plan = BuildPlan.load(project_dir)
    context = prepare(context, plan, [team])
    manifest = parse_manifest(context)
    team_context = dataclasses.replace(
        context, team=team, settings=team_settings(plan.project, context, team, [team])
    )
    args = ["build", "--select", f"group:{team}"]

    def steward_build() -> bool:
        return build_team(context, team, manifest=manifest, plan=plan).success

    def plain_build() -> bool:
        return bool(invoke_dbt(team_context, args).success)

    plain: list[float] = []
    steward: list[float] = []
    with contextlib.redirect_stdout(sys.stderr):  # dbt's log: stdout is the report's
        started = time.perf_counter()
        assert steward_build(), "the warm-up build failed"
        warmup = time.perf_counter() - started
        for _ in range(repeat):
            for timings, build in ((plain, plain_build), (steward, steward_build)):
                started = time.perf_counter()
                ok = build()
                timings.append(time.perf_counter() - started)
                if not ok:
                    raise RuntimeError("a benchmark build failed; see dbt's output above")
    plain_median, steward_median = statistics.median(plain), statistics.median(steward)
    overhead = 100.0 * (steward_median - plain_median) / plain_median
    return {
        "team": team,
        "days": days,
        "rows_per_day": rows_per_day,
        "repeat": repeat,
        "warmup_s": round(warmup, 2),
        "plain_dbt_build_s": [round(t, 2) for t in plain],
        "steward_build_s": [round(t, 2) for t in steward],
        "plain_median_s": round(plain_median, 2),
        "steward_median_s": round(steward_median, 2),
        "capture_s": round(steward_median - plain_median, 2),
        "overhead_pct": round(overhead, 1),
        "goal_pct": GOAL_PCT,
        "met": overhead <= GOAL_PCT,
        "work_dir": str(work),
    }


def report(result: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"steward bench ops: team {result['team']}, {result['days']} day(s) at "
            f"{result['rows_per_day']:,} rows a day, {result['repeat']} pair(s) of builds",
            f"  plain dbt build:  {result['plain_dbt_build_s']} s (median {result['plain_median_s']} s)",
            f"  steward build:    {result['steward_build_s']} s (median {result['steward_median_s']} s)",
            f"  history + metrics capture: {result['capture_s']} s = {result['overhead_pct']} % "
            f"(goal <= {result['goal_pct']:g} %: {'met' if result['met'] else 'NOT met'})",
        ]
    )


def save(result: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
