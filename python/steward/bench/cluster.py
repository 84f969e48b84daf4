"""`steward bench cluster`: six teams' daily build on the standalone cluster, sequential
against parallel, and against the embedded target, in one run.

Generates one day of landing data, then builds every team three times, each a
`steward build --all` process of its own timed from start to exit:

1. the embedded target (`--target local`, a fresh lakehouse: its JVM start included);
2. the cluster target, one team after the other (environment `bench_seq`);
3. the cluster target with `--parallel` (environment `bench_par`): independent teams at
   the same time.

The cluster (`steward cluster up`'s code: PostgreSQL metastore, a master, N workers, the
Thrift Server) is started before and stopped after; its start is not counted. The two
cluster builds must produce the same tables: every table's content hash (count and the sum
of xxhash64 of all columns) is compared, and a difference fails the benchmark.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from steward.data import GenerationConfig, generate
from steward.data.delivery import deliver
from steward.errors import UserError
from steward.guard.export import export_for_server
from steward.lakehouse import cluster

START = date(2026, 3, 28)


@dataclass(frozen=True)
class BuildTiming:
    name: str
    seconds: float
    success: bool
    teams: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ClusterBenchmark:
    rows_per_day: int
    workers: int
    builds: list[BuildTiming]
    tables_compared: int
    tables_differing: list[str]

    def seconds(self, name: str) -> float:
        return next(b.seconds for b in self.builds if b.name == name)

    def ratios(self) -> dict[str, float]:
        embedded, sequential, parallel = (
            self.seconds(n) for n in ("embedded", "cluster sequential", "cluster parallel")
        )
        return {
            "cluster parallel / cluster sequential": parallel / sequential,
            "cluster sequential / embedded": sequential / embedded,
            "cluster parallel / embedded": parallel / embedded,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratios": {k: round(v, 3) for k, v in self.ratios().items()}}


def _build(
    project_dir: Path, name: str, args: list[str], env: dict[str, str], log: Path
) -> BuildTiming:
    command = [sys.executable, "-m", "steward", "build", "--all", "--format", "json", *args]
    print(f"steward bench cluster: {name} ...", file=sys.stderr, flush=True)
    started = time.monotonic()
    with log.open("w") as err:
        done = subprocess.run(
            command,
            cwd=project_dir,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            check=False,
        )
    seconds = time.monotonic() - started
    try:
        teams = json.loads(done.stdout)["teams"]
    except (ValueError, KeyError):
        teams = []
    timing = BuildTiming(name, round(seconds, 1), done.returncode == 0, teams)
    print(
        f"steward bench cluster: {name}: {seconds:.0f} s"
        f"{'' if timing.success else f' (FAILED, see {log})'}",
        file=sys.stderr,
        flush=True,
    )
    return timing


def run(
    project_dir: Path,
    rows_per_day: int = 500_000,
    seed: int = 7,
    work_dir: Path | None = None,
    workers: int = 2,
) -> ClusterBenchmark:
    work = work_dir or Path(tempfile.mkdtemp(prefix="steward-bench-cluster-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"steward bench cluster: generating {rows_per_day} rows in {work}", file=sys.stderr)
    generated = generate(
        GenerationConfig(
            start=START, days=1, rows_per_day=rows_per_day, seed=seed, out=work / "generated"
        )
    )
    landing = work / "landing"
    deliver(generated.landing, landing, START)
    as_of = f"{START + timedelta(days=1)}T06:00"
    common = ["--landing", str(landing), "--as-of", as_of]
    builds = [
        _build(
            project_dir,
            "embedded",
            [*common, "--lakehouse", str(work / "embedded")],
            {},
            work / "embedded.log",
        )
    ]
    cluster_jars = cluster.cluster_jars(project_dir)
    ports = cluster.free_ports()
    print(f"steward bench cluster: cluster up ({workers} workers)", file=sys.stderr, flush=True)
    with cluster.running_cluster(
        work / "cluster",
        cluster_jars,
        guard_registry=export_for_server(project_dir, work / "cluster", ["bench_seq", "bench_par"]),
        workers=workers,
        log4j=project_dir / "profiles" / "log4j2.properties",
        **ports,  # type: ignore[arg-type]
    ) as state:
        env = state.environment()
        for name, extra in (
            ("cluster sequential", ["--env", "bench_seq"]),
            ("cluster parallel", ["--env", "bench_par", "--parallel"]),
        ):
            builds.append(
                _build(
                    project_dir,
                    name,
                    [*common, "--target", "cluster", *extra],
                    env,
                    work / f"{name.replace(' ', '-')}.log",
                )
            )
        sequential, parallel = (
            cluster.content_hashes(state, "bench_seq"),
            cluster.content_hashes(state, "bench_par"),
        )
    differing = sorted(
        t for t in set(sequential) | set(parallel) if sequential.get(t) != parallel.get(t)
    )
    result = ClusterBenchmark(rows_per_day, workers, builds, len(sequential), differing)
    failed = [b.name for b in builds if not b.success]
    if failed:
        raise UserError(f"steward bench cluster: {', '.join(failed)} failed; logs in {work}")
    return result


def report(benchmark: ClusterBenchmark) -> str:
    lines = [
        f"six teams' daily build, {benchmark.rows_per_day} rows, cluster of "
        f"{benchmark.workers} worker(s):"
    ]
    for build in benchmark.builds:
        lines.append(f"  {build.name:<20} {build.seconds:>8.1f} s")
    for name, value in benchmark.ratios().items():
        lines.append(f"  {name:<40} {value:.2f}")
    same = "identical" if not benchmark.tables_differing else "DIFFERENT"
    lines.append(
        f"  sequential and parallel tables: {same} ({benchmark.tables_compared} tables"
        + (
            f"; differ: {', '.join(benchmark.tables_differing)}"
            if benchmark.tables_differing
            else ""
        )
        + ")"
    )
    return "\n".join(lines)


def save(benchmark: ClusterBenchmark, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(benchmark.to_dict(), indent=2) + "\n")
