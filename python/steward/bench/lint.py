"""`steward bench lint`: the lint gate at 1,000 models, against sqlfluff, in one run.

The project measured is the reference project scaled up (`steward.bench.lint_reference`:
its models, yml and contracts copied until it has about `--models` models, 986 for
1,000), in a temporary git repository. Timed, each as a fresh `steward lint` process
(wall time from process start, the median of `--repeat` runs):

- the full lint (its first run finds the lineage cache empty; the median is warm);
- `--changed-since HEAD` after one model changed;

then, in this process: loading the project (reading and validating its files and
contracts), column lineage of every model with no cache, into an empty cache, and from
the warm one (seconds per 1,000 models); and `sqlfluff lint` (jinja templater, sparksql
dialect, as many processes as steward uses) on a fixed sample of the same project's
model files (`--sqlfluff-sample`, 100 by default), its time extrapolated to all files
and set against the full lint. sqlfluff is installed only for this
(`pip install -c constraints.txt -e '.[bench]'`); without it, steward's figures are
printed all the same.

The generated six-team project of earlier runs (`steward.bench.lint_project`: CTEs,
joins, window functions, incremental branches, macros; no contracts) is timed too,
full and `--changed-since`, unless `--no-synthetic`.

Goals (issue 11): full lint <= 3 s; one changed model <= 1 s; lineage <= 5 s per 1,000
models; >= 100x sqlfluff.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from steward.bench.lint_project import generate_lint_project
from steward.bench.lint_reference import copies_for, copy_reference_project
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

GITIGNORE = "/target/\n/logs/\n/dbt_packages/\n.sqlfluff\n"


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
class LineageTiming:
    """Column lineage of every model, in this process (the project rendered once)."""

    models: int
    no_cache: float
    cold: float
    """Into an empty cache: analysed and written."""
    warm: float
    jobs: int

    def per_1000(self, seconds: float) -> float:
        return seconds * 1000 / self.models if self.models else 0.0


@dataclass(frozen=True)
class ProjectRun:
    label: str
    models: int
    full: Timing
    changed: Timing
    changed_model: str
    load_seconds: float | None = None
    lineage: LineageTiming | None = None
    snapshot_seconds: float | None = None

    @property
    def models_per_second(self) -> float:
        return self.models / self.full.median


@dataclass(frozen=True)
class LintBenchmark:
    jobs: int
    reference: ProjectRun | None
    copies: int
    synthetic: ProjectRun | None
    load_before: tuple[float, float, float] | None
    sqlfluff: SqlfluffTiming | None = None
    sqlfluff_missing: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def sqlfluff_ratio(self) -> float | None:
        if self.sqlfluff is None or self.reference is None:
            return None
        return self.sqlfluff.seconds_all / self.reference.full.median

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sqlfluff_ratio"] = self.sqlfluff_ratio
        for name in ("reference", "synthetic"):
            run = getattr(self, name)
            if run is not None:
                data[name]["models_per_second"] = round(run.models_per_second, 1)
                data[name]["full_median"] = round(run.full.median, 3)
                data[name]["changed_median"] = round(run.changed.median, 3)
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


def _commit(root: Path) -> None:
    (root / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")


def _add_column(path: Path) -> None:
    """One realistic edit: a new column in the model's final select."""
    text = path.read_text(encoding="utf-8")
    head, sep, tail = text.rpartition("\nselect\n")
    if not sep:
        raise RuntimeError(f"{path}: no final `select` to add a column to")
    path.write_text(f"{head}\nselect\n    current_date() as linted_on,\n{tail}", encoding="utf-8")


def _measure(
    label: str, root: Path, models: int, model_path: str, repeat: int
) -> tuple[Timing, Timing]:
    """The full lint, then `--changed-since HEAD` with `model_path` changed (restored)."""
    _commit(root)
    full = _time(f"{label}: full lint", ["lint", str(root)], repeat)
    _add_column(root / model_path)
    changed = _time(
        f"{label}: --changed-since HEAD", ["lint", str(root), "--changed-since", "HEAD"], repeat
    )
    _git(root, "checkout", "-q", "--", ".")
    return full, changed


def _lineage(root: Path, jobs: int, work: Path) -> tuple[float, float, LineageTiming]:
    """Seconds to load the project from its files and from its snapshot; lineage without
    a cache, into an empty one, warm."""
    from steward.cache import Store, disabled
    from steward.contracts.checks import contract_view
    from steward.lineage import project_lineage
    from steward.project import load_project
    from steward.project.loader import read_project
    from steward.render import render_project

    started = time.perf_counter()
    read_project(root)
    loaded = time.perf_counter() - started
    load_project(root)  # writes the snapshot of these files
    started = time.perf_counter()
    project = load_project(root)
    from_snapshot = time.perf_counter() - started
    rendered = contract_view(render_project(project))
    from steward.graph import build_graph

    graph = build_graph(rendered)  # as lint has it: built from the analyses it made
    store = Store(work / "lineage-cache")
    seconds = []
    for using in (disabled(), store, store):
        started = time.perf_counter()
        lineage = project_lineage(rendered, graph, store=using, jobs=jobs)
        seconds.append(time.perf_counter() - started)
    models = sum(1 for m in lineage.models.values() if m.unique_id in rendered.nodes)
    return loaded, from_snapshot, LineageTiming(models, seconds[0], seconds[1], seconds[2], jobs)


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


def run_sqlfluff(
    root: Path, files: list[str], sample: int, processes: int
) -> SqlfluffTiming | None:
    version = sqlfluff_version()
    if version is None:
        return None
    (root / ".sqlfluff").write_text(SQLFLUFF_CONFIG, encoding="utf-8")
    if sample <= 0 or sample >= len(files):
        seconds = _sqlfluff(root, files, processes)
        return SqlfluffTiming(len(files), len(files), seconds, processes, False, seconds, version)
    step = len(files) / sample
    chosen = [files[int(i * step)] for i in range(sample)]
    one = _sqlfluff(root, chosen[:1], processes)
    seconds = _sqlfluff(root, chosen, processes)
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


def _reference_change(root: Path, copies: int) -> str:
    """A silver model of the middle copy that other teams read (its readers re-lint)."""
    suffix = f"_c{copies // 2:02d}" if copies > 1 else ""
    for name in ("silver_platform__meters", "silver_platform__readings"):
        path = f"models/silver/platform/{name}{suffix}.sql"
        if (root / path).is_file() and "\nselect\n" in (root / path).read_text(encoding="utf-8"):
            return path
    for found in sorted(root.glob("models/silver/**/*.sql")):
        if "\nselect\n" in found.read_text(encoding="utf-8"):
            return found.relative_to(root).as_posix()
    raise RuntimeError(f"{root}: no silver model to change")


def run(
    project_dir: Path | None,
    models: int = 1000,
    seed: int = 7,
    repeat: int = 3,
    sqlfluff_sample: int = 100,
    work_dir: Path | None = None,
    synthetic: bool = True,
) -> LintBenchmark:
    jobs = default_jobs()
    load = _load()
    reference = None
    copies = 0
    fluff = None
    with tempfile.TemporaryDirectory(prefix="steward-bench-lint-", dir=work_dir) as tmp:
        work = Path(tmp)
        if project_dir is not None and (project_dir / "dbt_project.yml").is_file():
            copies = copies_for(project_dir, models)
            root = work / "reference"
            copy = copy_reference_project(project_dir, root, copies)
            changed_path = _reference_change(root, copies)
            full, changed = _measure("reference", root, len(copy.models), changed_path, repeat)
            # in this process, with a cache of its own (the runs above warmed the project's)
            loaded, from_snapshot, lineage = _lineage(
                root, 1, work
            )  # lineage's default: one process
            reference = ProjectRun(
                "reference project x" + str(copies),
                len(copy.models),
                full,
                changed,
                Path(changed_path).stem,
                loaded,
                lineage,
                from_snapshot,
            )
            fluff = run_sqlfluff(root, list(copy.model_paths), sqlfluff_sample, jobs)
        generated = None
        if synthetic:
            root = work / "synthetic"
            bench = generate_lint_project(root, models, seed)
            model = bench.change_candidate()
            full, changed = _measure("synthetic", root, len(bench.models), model.path, repeat)
            generated = ProjectRun(
                "generated project", len(bench.models), full, changed, model.name
            )
    missing = (
        None
        if fluff is not None or reference is None
        else (
            "sqlfluff is not installed: `make bench-lint` installs it, or "
            "`.venv/bin/pip install -c constraints.txt -e '.[bench]'`"
        )
    )
    return LintBenchmark(
        jobs=jobs,
        reference=reference,
        copies=copies,
        synthetic=generated,
        load_before=load,
        sqlfluff=fluff,
        sqlfluff_missing=missing,
    )


def _goal(value: float, limit: float, above: bool = False) -> str:
    met = value >= limit if above else value <= limit
    return "met" if met else "NOT met"


def _lint_lines(run: ProjectRun) -> list[str]:
    full, changed = run.full, run.changed
    return [
        f"  full lint                {full.median:7.2f} s  (first run {full.runs[0]:.2f} s, "
        f"best {full.best:.2f} s)  {run.models_per_second:,.0f} models/s  goal <= 3 s: "
        f"{_goal(full.median, 3.0)}",
        f"  --changed-since, 1 model {changed.median:7.2f} s  (first run {changed.runs[0]:.2f} s, "
        f"best {changed.best:.2f} s)  changed {run.changed_model}  goal <= 1 s: "
        f"{_goal(changed.median, 1.0)}",
    ]


def report(result: LintBenchmark) -> str:
    lines = [
        f"lint benchmark ({result.jobs} process(es); `steward lint` wall time from process "
        "start, median of runs)",
    ]
    if result.load_before is not None:
        lines.append(
            "machine load average before: "
            + ", ".join(f"{x:.2f}" for x in result.load_before)
            + (" (busy: figures are pessimistic)" if result.load_before[0] > 1 else "")
        )
    ref = result.reference
    if ref is None:
        lines.append("reference project: not found (give --project-dir)")
    else:
        lines.append(
            f"reference project with its contracts, copied {result.copies} times: "
            f"{ref.models:,} models"
        )
        lines += _lint_lines(ref)
        if ref.load_seconds is not None:
            lines.append(
                f"  loading the project      {ref.load_seconds:7.2f} s  (files, yml and "
                "contracts read and validated: a first run, or the first after an edit)"
            )
        if ref.snapshot_seconds is not None:
            lines.append(
                f"    from its snapshot      {ref.snapshot_seconds:7.2f} s  (no file changed "
                "since the last load: the runs after the first)"
            )
        lin = ref.lineage
        if lin is not None:
            lines.append(
                f"  column lineage, {lin.models} models: no cache {lin.no_cache:.2f} s, "
                f"into an empty cache {lin.cold:.2f} s, warm cache {lin.warm:.2f} s"
            )
            lines.append(
                f"    per 1,000 models: cold {lin.per_1000(lin.cold):.2f} s, warm "
                f"{lin.per_1000(lin.warm):.2f} s ({lin.cold / max(lin.warm, 1e-9):,.0f}x)  "
                f"goal <= 5 s: {_goal(lin.per_1000(lin.cold), 5.0)}"
            )
        fluff = result.sqlfluff
        if fluff is None:
            lines.append(f"  sqlfluff: not measured. {result.sqlfluff_missing}")
        else:
            how = (
                f"{fluff.linted} of {fluff.files} files in {fluff.seconds:.1f} s, extrapolated "
                "to all files"
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
                f"  steward's full lint is {ratio:,.1f}x faster than sqlfluff on the same "
                f"files{label}  goal >= 100x: {_goal(ratio, 100.0, above=True)}"
            )
    if result.synthetic is not None:
        lines.append(f"generated project (no contracts): {result.synthetic.models:,} models")
        lines += _lint_lines(result.synthetic)
    return "\n".join(lines)


def save(result: LintBenchmark, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")


__all__ = ["LintBenchmark", "report", "run", "save"]
