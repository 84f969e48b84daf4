"""`steward bench lint`: the lint gate on a generated 1,000-model project, against sqlfluff.

Generates a multi-team project (`steward.bench.lint_project`), then times, each as a
fresh `steward lint` process (wall time from process start, the median of a few runs):

- the full lint of the generated project (and models per second);
- `--changed-since HEAD` after one model changed, in a temporary git repository;
- the full lint of the reference project;

and, in the same run, `sqlfluff lint` (jinja templater, sparksql dialect, as many
processes as steward uses) on the same model files: all of them with `--sqlfluff-all`,
else a fixed sample whose time is extrapolated to all files (labelled as such), with the
ratio. sqlfluff is installed only for this (`pip install -c constraints.txt -e '.[bench]'`);
without it, steward's figures are printed all the same.

Goals (issue 3): 1,000 models <= 3 s; one changed model <= 1 s; >= 100x sqlfluff.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from steward.bench.lint_project import BenchProject, generate_lint_project
from steward.lint.build import default_jobs

SQLFLUFF_CONFIG = """\
[sqlfluff]
dialect = sparksql
templater = jinja
max_line_length = 120

[sqlfluff:templater:jinja]
apply_dbt_builtins = True
load_macros_from_path = macros
"""


@dataclass(frozen=True)
class Timing:
    """Wall seconds of each run of one command, from process start to exit."""

    label: str
    runs: tuple[float, ...]
    exit_code: int
    findings: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def best(self) -> float:
        return min(self.runs)


@dataclass(frozen=True)
class SqlfluffTiming:
    files: int
    linted: int
    seconds: float
    processes: int
    extrapolated: bool
    seconds_all: float
    version: str

    @property
    def per_file(self) -> float:
        return self.seconds_all / self.files if self.files else 0.0


@dataclass(frozen=True)
class LintBenchmark:
    models: int
    jobs: int
    full: Timing
    changed: Timing
    changed_model: str
    reference: Timing | None
    reference_models: int
    load_before: tuple[float, float, float] | None
    sqlfluff: SqlfluffTiming | None = None
    sqlfluff_missing: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def models_per_second(self) -> float:
        return self.models / self.full.median

    @property
    def sqlfluff_ratio(self) -> float | None:
        if self.sqlfluff is None:
            return None
        return self.sqlfluff.seconds_all / self.full.median

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["models_per_second"] = round(self.models_per_second, 1)
        data["sqlfluff_ratio"] = self.sqlfluff_ratio
        return data


def _steward() -> list[str]:
    """The `steward` of this environment, as a command."""
    script = Path(sys.executable).with_name("steward")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "steward.cli.main"]


def _time(label: str, args: list[str], repeat: int, cwd: Path | None = None) -> Timing:
    runs = []
    code = 0
    findings = None
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(
            [*_steward(), *args, "--format", "json"],
            capture_output=True,
            text=True,
            cwd=cwd,
            check=False,
        )
        runs.append(time.perf_counter() - started)
        code = done.returncode
        if code == 2:
            raise RuntimeError(f"{label}: steward lint failed: {done.stderr.strip()}")
        try:
            findings = len(json.loads(done.stdout)["findings"])
        except (ValueError, KeyError):
            findings = None
    return Timing(label, tuple(runs), code, findings)


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=bench@steward.invalid", "-c", "user.name=bench", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def _change(bench: BenchProject) -> str:
    """One realistic edit to one model: a new column in its final select."""
    model = bench.change_candidate()
    path = bench.root / model.path
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("\nselect\n", "\nselect\n    current_date() as linted_on,\n", 1),
        encoding="utf-8",
    )
    return model.name


def sqlfluff_version() -> str | None:
    exe = Path(sys.executable).with_name("sqlfluff")
    if not exe.is_file():
        return None
    done = subprocess.run([str(exe), "version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or None


def _sqlfluff(root: Path, files: list[str], processes: int) -> float:
    exe = str(Path(sys.executable).with_name("sqlfluff"))
    started = time.perf_counter()
    subprocess.run(
        [
            exe,
            "lint",
            *files,
            "--processes",
            str(processes),
            "--nofail",
            "--disable-progress-bar",
            "--format",
            "json",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - started


def run_sqlfluff(bench: BenchProject, sample: int, processes: int) -> SqlfluffTiming | None:
    version = sqlfluff_version()
    if version is None:
        return None
    (bench.root / ".sqlfluff").write_text(SQLFLUFF_CONFIG, encoding="utf-8")
    files = list(bench.model_paths)
    if sample <= 0 or sample >= len(files):
        seconds = _sqlfluff(bench.root, files, processes)
        return SqlfluffTiming(len(files), len(files), seconds, processes, False, seconds, version)
    step = len(files) / sample
    chosen = [files[int(i * step)] for i in range(sample)]
    one = _sqlfluff(bench.root, chosen[:1], processes)
    seconds = _sqlfluff(bench.root, chosen, processes)
    # its start-up once, then each further file at the sample's marginal rate
    marginal = max(seconds - one, 0.0) / (len(chosen) - 1)
    return SqlfluffTiming(
        len(files),
        len(chosen),
        seconds,
        processes,
        True,
        one + marginal * (len(files) - 1),
        version,
    )


def _load() -> tuple[float, float, float] | None:
    try:
        text = Path("/proc/loadavg").read_text().split()
        return float(text[0]), float(text[1]), float(text[2])
    except (OSError, ValueError, IndexError):
        return None


def run(
    project_dir: Path | None,
    models: int = 1000,
    seed: int = 7,
    repeat: int = 3,
    sqlfluff_sample: int = 40,
    work_dir: Path | None = None,
) -> LintBenchmark:
    jobs = default_jobs()
    load = _load()
    with tempfile.TemporaryDirectory(prefix="steward-bench-lint-", dir=work_dir) as tmp:
        root = Path(tmp) / "gridbench"
        bench = generate_lint_project(root, models, seed)
        full = _time("full lint", ["lint", str(root)], repeat)
        _git(root, "init", "-q")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "base")
        changed_model = _change(bench)
        changed = _time(
            "--changed-since HEAD", ["lint", str(root), "--changed-since", "HEAD"], repeat
        )
        _git(root, "checkout", "-q", "--", ".")
        shutil.rmtree(root / ".git")
        reference = None
        reference_models = 0
        if project_dir is not None and (project_dir / "dbt_project.yml").is_file():
            reference = _time("reference project", ["lint", str(project_dir)], repeat)
            reference_models = sum(1 for _ in (project_dir / "models").rglob("*.sql"))
        fluff = run_sqlfluff(bench, sqlfluff_sample, jobs)
    missing = (
        None
        if fluff is not None
        else (
            "sqlfluff is not installed: `make bench-lint` installs it, or "
            "`.venv/bin/pip install -c constraints.txt -e '.[bench]'`"
        )
    )
    return LintBenchmark(
        models=len(bench.models),
        jobs=jobs,
        full=full,
        changed=changed,
        changed_model=changed_model,
        reference=reference,
        reference_models=reference_models,
        load_before=load,
        sqlfluff=fluff,
        sqlfluff_missing=missing,
    )


def _goal(value: float, limit: float, above: bool = False) -> str:
    met = value >= limit if above else value <= limit
    return "met" if met else "NOT met"


def report(result: LintBenchmark) -> str:
    full, changed = result.full, result.changed
    lines = [
        f"lint benchmark: generated project of {result.models:,} models "
        f"({result.jobs} process(es); wall time of `steward lint` from process start, "
        f"median of {len(full.runs)})",
    ]
    if result.load_before is not None:
        lines.append(
            "machine load average before: "
            + ", ".join(f"{x:.2f}" for x in result.load_before)
            + (" (busy: figures are pessimistic)" if result.load_before[0] > 1 else "")
        )
    lines += [
        f"  full lint                {full.median:7.2f} s  (best {full.best:.2f} s)  "
        f"{result.models_per_second:,.0f} models/s  goal <= 3 s: "
        f"{_goal(full.median, 3.0)}",
        f"  --changed-since, 1 model {changed.median:7.2f} s  (best {changed.best:.2f} s)  "
        f"changed {result.changed_model}  goal <= 1 s: {_goal(changed.median, 1.0)}",
    ]
    if result.reference is not None:
        ref = result.reference
        lines.append(
            f"  reference project        {ref.median:7.2f} s  (best {ref.best:.2f} s)  "
            f"{result.reference_models} models, exit {ref.exit_code}"
        )
    fluff = result.sqlfluff
    if fluff is None:
        lines.append(f"  sqlfluff: not measured. {result.sqlfluff_missing}")
    else:
        how = (
            f"{fluff.linted} of {fluff.files} files in {fluff.seconds:.1f} s, extrapolated "
            f"to all files"
            if fluff.extrapolated
            else f"all {fluff.files} files"
        )
        ratio = result.sqlfluff_ratio or 0.0
        label = " (extrapolated)" if fluff.extrapolated else ""
        lines.append(
            f"  sqlfluff {fluff.version.split()[-1]} (jinja, sparksql, {fluff.processes} "
            f"process(es)) {fluff.seconds_all:7.1f} s{label}"
            f"  [{how}; {fluff.per_file * 1000:.0f} ms a file]"
        )
        lines.append(
            f"  steward is {ratio:,.0f}x faster than sqlfluff on the same files"
            f"{' (extrapolated)' if fluff.extrapolated else ''}  goal >= 100x: "
            f"{_goal(ratio, 100.0, above=True)}"
        )
    return "\n".join(lines)


def save(result: LintBenchmark, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")


__all__ = ["LintBenchmark", "report", "run", "save"]
