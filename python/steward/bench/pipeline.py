"""`steward bench pipeline`: the platform's daily runs at the brief's scale.

Generates several days of landing data, then replays the daily runs on a fresh embedded
lakehouse: day 1 is the initial build, every later day an incremental build of every team
after that day's files have arrived, all teams in one dbt invocation as `steward build
--all` runs them (`steward.teambuild.runner.together_context`). In the same process and Spark session, the same
landed rows are appended to Delta tables with plain Spark (read the files, append) as the
baseline. It reports:

- each day's build time (models and tests), the model time alone and rows per second;
- the ratio of the last incremental day to the first (does a run stay flat as history
  grows? goal <= 1.3);
- the ratio of the ingestion path's models (bronze and silver, as merges) to the plain
  append of the same rows (goal <= 1.5);
- the Spark statements dbt sent each day (goal <= 60) and the Delta commits they made
  (goal <= 40): at this scale a day's cost is mostly the number of statements, each of
  which pays for planning, code generation and a commit, not the volume of data.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from steward.data import GenerationConfig, generate
from steward.data.delivery import deliver
from steward.teambuild.context import RunContext
from steward.teambuild.order import BuildPlan
from steward.teambuild.runner import FAILED, invoke_dbt, parse_manifest, together_context
from steward.teambuild.statements import StatementLog

INGESTION_TEAMS = ("dutchgrid", "electra", "platform")
PLAIN_SCHEMA = "bench_plain_append"


@dataclass(frozen=True)
class TeamTiming:
    team: str
    seconds: float
    model_seconds: float
    test_seconds: float
    success: bool


@dataclass(frozen=True)
class DayTiming:
    day: str
    landed_rows: int
    build_seconds: float
    ingestion_model_seconds: float
    append_seconds: float
    teams: list[TeamTiming] = field(default_factory=list)
    statements: int = 0
    delta_commits: int = 0
    statements_by_verb: dict[str, int] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.landed_rows / self.build_seconds if self.build_seconds else 0.0


@dataclass(frozen=True)
class PipelineBenchmark:
    rows_per_day: int
    days: list[DayTiming]
    session_start_seconds: float

    @property
    def incremental_ratio(self) -> float | None:
        incremental = self.days[1:]
        if len(incremental) < 2:
            return None
        return incremental[-1].build_seconds / incremental[0].build_seconds

    @property
    def merge_to_append_ratio(self) -> float | None:
        incremental = self.days[1:] or self.days
        merge = sum(d.ingestion_model_seconds for d in incremental)
        append = sum(d.append_seconds for d in incremental)
        return merge / append if append else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows_per_day": self.rows_per_day,
            "session_start_seconds": round(self.session_start_seconds, 2),
            "days": [
                {**asdict(day), "rows_per_second": round(day.rows_per_second, 1)}
                for day in self.days
            ],
            "incremental_ratio_last_to_first": _round(self.incremental_ratio),
            "merge_to_append_ratio": _round(self.merge_to_append_ratio),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _count_rows(files: list[Path]) -> int:
    import pyarrow.parquet as pq

    total = 0
    for path in files:
        if path.suffix == ".parquet":
            total += pq.read_metadata(path).num_rows
        elif path.suffix in (".csv", ".jsonl") and "reference" not in path.parts:
            with path.open("rb") as handle:
                lines = sum(1 for line in handle if line.strip())
            total += lines - (1 if path.suffix == ".csv" else 0)
    return total


def _append_plain(spark: Any, files: list[Path], schema: str) -> float:
    """Read the day's landed files with Spark's own readers and append them to Delta."""
    by_country: dict[str, list[str]] = {}
    for path in files:
        if "reference" in path.parts:
            continue
        by_country.setdefault(path.parts[-3], []).append(str(path))
    started = time.perf_counter()
    spark.sql(f"create schema if not exists {schema}")
    for country, paths in sorted(by_country.items()):
        if country == "de":
            frame = spark.read.options(sep=";", header=True).csv(paths)
        elif country == "nl":
            frame = spark.read.options(header=True).csv(paths)
        elif country == "fr":
            frame = spark.read.json(paths)
        else:
            frame = spark.read.parquet(*paths)
        # a day with a malformed JSON line has Spark's `_corrupt_record` column, others not
        frame.write.format("delta").mode("append").option("mergeSchema", "true").saveAsTable(
            f"{schema}.{country}_readings"
        )
    return time.perf_counter() - started


_COMMIT_FILE = re.compile(r"^\d{20}\.json$")


def delta_commits(lakehouse: Path, skip: str) -> int:
    """Delta commits so far of every table under `lakehouse` (one `_delta_log/<version>.json`
    each), but those of schema `skip` (the baseline's)."""
    return sum(
        1
        for log in lakehouse.rglob("_delta_log")
        if skip not in log.parts[-3]
        for path in log.iterdir()
        if _COMMIT_FILE.match(path.name)
    )


def _team_timings(teams: list[str], owners: dict[str, str], result: Any) -> list[TeamTiming]:
    """Each team's share of one invocation: its models' and tests' execution time (summed
    over dbt's threads) and whether all of its nodes passed."""
    models = dict.fromkeys(teams, 0.0)
    tests = dict.fromkeys(teams, 0.0)
    failed: set[str] = set(teams) if result.result is None else set()
    for node_result in getattr(result.result, "results", None) or []:
        team = owners.get(node_result.node.unique_id)
        if team is None:
            continue
        kind = node_result.node.resource_type
        if str(getattr(kind, "value", kind)) == "model":
            models[team] += node_result.execution_time
        else:
            tests[team] += node_result.execution_time
        if str(getattr(node_result.status, "value", node_result.status)) in FAILED:
            failed.add(team)
    return [
        TeamTiming(
            team,
            round(models[team] + tests[team], 2),
            round(models[team], 2),
            round(tests[team], 2),
            team not in failed,
        )
        for team in teams
    ]


def run(
    project_dir: Path,
    days: int = 4,
    rows_per_day: int = 500_000,
    seed: int = 42,
    work_dir: Path | None = None,
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> PipelineBenchmark:
    with tempfile.TemporaryDirectory(prefix="steward-bench-", dir=work_dir) as tmp:
        work = Path(tmp)
        log(f"generating {days} day(s) at {rows_per_day:,} rows/day ...")
        generated = generate(
            GenerationConfig(
                days=days, rows_per_day=rows_per_day, seed=seed, out=work / "generated"
            )
        )
        landing = work / "landing"
        landing.mkdir()
        context = RunContext(
            project_dir=project_dir,
            env="bench",
            lakehouse_dir=work / "lakehouse",
            landing_dir=landing,
        )

        parse_seconds, manifest = _timed(lambda: parse_manifest(context))
        plan = BuildPlan.load(project_dir)
        order = plan.order()
        # dbt starts the embedded Spark with the profile's settings (Delta, warehouse, jars);
        # the baseline then uses that same session.
        with contextlib.redirect_stdout(sys.stderr):  # `dbt show` prints its one row
            start_seconds, _ = _timed(
                lambda: invoke_dbt(context, ["show", "--inline", "select 1 as ready", "--quiet"])
            )
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.getOrCreate()
        log(f"spark session ready in {start_seconds:.1f} s (dbt parse {parse_seconds:.1f} s)")

        timings = []
        commits_so_far = 0  # a fresh lakehouse
        try:
            for index, day in enumerate(generated.config.dates):
                files = deliver(generated.landing, landing, day)
                landed = _count_rows(files)
                statements = StatementLog()
                # every team in one dbt invocation, as `steward build --all` runs them; the
                # contracts' freshness is judged as of the replayed day
                run_context, owners = together_context(
                    dataclasses.replace(context, as_of=f"{day.isoformat()}T23:59"),
                    plan,
                    manifest,
                    order,
                )
                groups = [f"group:{team}" for team in order]
                seconds, result = _timed(
                    functools.partial(
                        invoke_dbt,
                        run_context,
                        ["build", "--select", *groups, "--quiet"],
                        [statements],
                    )
                )
                teams = _team_timings(order, owners, result)
                # one walk of the lakehouse a day: commits so far, less yesterday's count
                commits = delta_commits(work / "lakehouse", PLAIN_SCHEMA) - commits_so_far
                commits_so_far += commits
                append_seconds = _append_plain(spark, files, PLAIN_SCHEMA)
                timing = DayTiming(
                    day=day.isoformat(),
                    landed_rows=landed,
                    build_seconds=round(seconds, 2),
                    ingestion_model_seconds=round(
                        sum(t.model_seconds for t in teams if t.team in INGESTION_TEAMS), 2
                    ),
                    append_seconds=round(append_seconds, 2),
                    teams=teams,
                    statements=len(statements),
                    delta_commits=commits,
                    statements_by_verb=dict(
                        Counter(s.verb for s in statements.statements).most_common()
                    ),
                )
                timings.append(timing)
                failed = [t.team for t in teams if not t.success]
                log(
                    f"day {index + 1} {day}: {landed:,} rows, build {timing.build_seconds:.1f} s "
                    f"({timing.rows_per_second:,.0f} rows/s), ingestion models "
                    f"{timing.ingestion_model_seconds:.1f} s, "
                    f"plain append {timing.append_seconds:.1f} s, {timing.statements} statements, "
                    f"{timing.delta_commits} Delta commits"
                    + (f", FAILED: {', '.join(failed)}" if failed else "")
                )
        finally:
            # Spark writes its event log into the lakehouse until it stops: stop it before
            # the temporary folder goes, or its shutdown hook fails on the missing file
            spark.stop()
        return PipelineBenchmark(rows_per_day, timings, start_seconds)


def report(benchmark: PipelineBenchmark) -> str:
    lines = [
        f"pipeline benchmark: {benchmark.rows_per_day:,} rows/day, {len(benchmark.days)} day(s)",
        f"{'day':<12}{'landed rows':>12}{'build s':>10}{'rows/s':>10}"
        f"{'ingest models s':>17}{'append s':>10}{'statements':>12}{'commits':>9}",
    ]
    for index, day in enumerate(benchmark.days):
        label = f"{day.day}{' (1st)' if index == 0 else ''}"
        lines.append(
            f"{label:<12}{day.landed_rows:>12,}{day.build_seconds:>10.1f}{day.rows_per_second:>10,.0f}"
            f"{day.ingestion_model_seconds:>17.1f}{day.append_seconds:>10.1f}"
            f"{day.statements:>12,}{day.delta_commits:>9,}"
        )
    ratio = benchmark.incremental_ratio
    lines.append(
        "last / first incremental day: "
        + ("n/a (needs 3 days)" if ratio is None else f"{ratio:.2f} (goal <= 1.3)")
    )
    merge = benchmark.merge_to_append_ratio
    lines.append(
        "ingestion merge models / plain append: "
        + ("n/a" if merge is None else f"{merge:.2f} (goal <= 1.5)")
    )
    incremental = benchmark.days[1:] or benchmark.days
    if incremental:
        last = incremental[-1]
        lines.append(
            f"statements on {last.day}: {last.statements} (goal <= 60); Delta commits: "
            f"{last.delta_commits} (goal <= 40); most sent: "
            + ", ".join(f"{verb} {n}" for verb, n in list(last.statements_by_verb.items())[:6])
        )
    return "\n".join(lines)


def save(benchmark: PipelineBenchmark, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(benchmark.to_dict(), indent=2) + "\n", encoding="utf-8")


__all__ = ["PipelineBenchmark", "report", "run", "save"]
