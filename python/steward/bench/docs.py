"""`steward bench docs`: the discovery site on a generated project of 10,000 models and
200,000 columns (six teams).

The project is `steward bench lint`'s generator (`steward.bench.lint_project`) scaled up,
its yml widened to `--columns` documented columns a model. Measured in one run:

- the full build (`steward docs build`, in a fresh process, no cache);
- the rebuild after one model's yml changed (the per-page content hashes in
  `target/steward/docs-cache/` leave the other pages unwritten);
- the size of the search indexes (main, and the column index loaded after the first
  search) and of the largest data product page;
- in headless chromium (Debian's, through Playwright): the time from navigation to a
  product page being interactive (`window.stewardReady`), the search answer time (p50,
  p95 over queries after a warm-up), the JS heap after the search indexes are loaded.

Goals (issue: the discovery site): full build <= 90 s, rebuild <= 5 s, interactive
<= 300 ms, search p95 <= 20 ms warm, JS heap <= 30 MB.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from steward.bench.lint_project import generate_lint_project

CHROMIUM = "/usr/bin/chromium"
QUERIES = (
    "meter",
    "kwh",
    "region",
    "readings daily",
    "invoices",
    "platfom",
    "tarif",
    "gold commercial",
    "amount_eur",
    "status",
)
ATTRIBUTES = (
    "amount",
    "count",
    "ratio",
    "code",
    "flag",
    "label",
    "score",
    "share",
    "total",
    "delta",
    "minimum",
    "maximum",
    "average",
    "source",
    "version",
    "owner",
    "weight",
    "band",
)


@dataclass(frozen=True)
class DocsBenchmark:
    models: int
    columns: int
    pages: int
    full_build_s: float
    rebuild_s: float
    rebuild_written: int
    main_index_bytes: int
    column_index_bytes: int
    product_page_bytes: int
    product_page: str
    product_data_bytes: int = 0
    """The page's column data (`data/models/<name>.js`, loaded when a column is selected)."""
    site_bytes: int = 0
    interactive_ms: float | None = None
    search_p50_ms: float | None = None
    search_p95_ms: float | None = None
    heap_mb: float | None = None
    lineage_nodes: int | None = None
    """Nodes of the product page's lineage view with every hop shown."""
    lineage_all_ms: float | None = None
    browser_note: str | None = None


def _widen(root: Path, columns: int) -> None:
    """Declare `columns` documented columns a model in each team's models yml."""
    extra = max(0, columns - 2)
    for path in root.glob("models/*/*/_*__models.yml"):
        lines = []
        for line in path.read_text(encoding="utf-8").splitlines():
            lines.append(line)
            if line.startswith("      - {name: region_id"):
                for i in range(extra):
                    word = ATTRIBUTES[i % len(ATTRIBUTES)]
                    name = f"{word}_{i // len(ATTRIBUTES) + 1:02d}"
                    lines.append(
                        f"      - {{name: {name}, description: The {word.replace('_', ' ')} ({i + 1}) of the row.}}"
                    )
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _steward() -> list[str]:
    script = Path(sys.executable).with_name("steward")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "steward.cli.main"]


def _build(project: Path, out: Path) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(
        [
            *_steward(),
            "docs",
            "build",
            "--project-dir",
            str(project),
            "--out",
            str(out),
            "--history",
            str(project / "no-history"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise RuntimeError(f"steward docs build failed: {result.stderr[-2000:]}")
    match = re.search(r"\((\d+) file\(s\) changed", result.stderr)
    return seconds, int(match.group(1)) if match else -1


def _browser(out: Path, product: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            url = (out / product).as_uri()
            page.goto(url)  # warm the file cache
            ready = []
            for _ in range(5):
                page.goto(url)
                page.wait_for_function("window.stewardReady")
                ready.append(page.evaluate("window.stewardReady"))
            graph = page.evaluate(
                """() => new Promise((done) => { const cy = window.stewardGraphs.main;
                const start = performance.now(); document.getElementById('graph-all').click();
                requestAnimationFrame(() => requestAnimationFrame(() => done({
                  nodes: cy.nodes(':visible').length, ms: performance.now() - start }))); })"""
            )
            page.evaluate("window.stewardSearch('meter')")
            page.wait_for_function("window.stewardEngine && window.stewardEngine.columns")
            times = page.evaluate(
                """(queries) => { const e = window.stewardEngine, t = [];
                for (let round = 0; round < 6; round++) for (const q of queries) {
                  const s = performance.now(); e.search(q, {}); t.push(performance.now() - s); }
                return t.slice(queries.length); }""",
                list(QUERIES),
            )
            cdp = page.context.new_cdp_session(page)
            cdp.send("HeapProfiler.collectGarbage")
            cdp.send("Performance.enable")
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            ordered = sorted(times)
            return {
                "interactive_ms": round(statistics.median(ready), 1),
                "search_p50_ms": round(statistics.median(ordered), 2),
                "search_p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 2),
                "heap_mb": round(metrics["JSHeapUsedSize"] / 2**20, 1),
                "lineage_nodes": int(graph["nodes"]),
                "lineage_all_ms": round(float(graph["ms"]), 1),
            }
        finally:
            browser.close()


def run(models: int, columns: int, seed: int, work_dir: Path | None) -> DocsBenchmark:
    base = Path(tempfile.mkdtemp(prefix="steward-bench-docs-", dir=work_dir))
    project = base / "project"
    generated = generate_lint_project(project, models, seed)
    _widen(project, columns)
    out = project / "site"
    full, _ = _build(project, out)
    changed = generated.change_candidate()
    yml = next(project.glob(f"models/{changed.layer}/{changed.team}/_*__models.yml"))
    text = yml.read_text(encoding="utf-8")
    entity = changed.name.split("__", 1)[1].replace("_", " ")
    yml.write_text(
        text.replace(
            f"The {entity} of {changed.team}.", f"The {entity} of {changed.team}, revised.", 1
        ),
        encoding="utf-8",
    )
    rebuild, written = _build(project, out)
    pages = list(out.rglob("*.html"))
    models_pages = list((out / "models").glob("*.html"))
    public = [
        p
        for p in models_pages
        if '<span class="chip">public</span>' in p.read_text(encoding="utf-8")[:20000]
    ]

    def data_of(page: Path) -> Path:
        return out / "data" / page.relative_to(out).with_suffix(".js")

    def weight(page: Path) -> int:
        data = data_of(page)
        return page.stat().st_size + (data.stat().st_size if data.is_file() else 0)

    largest = max(public or models_pages or pages, key=weight)
    declared = sum(
        1
        for p in project.glob("models/*/*/_*__models.yml")
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.startswith("      - ")
    )
    figures: dict[str, Any] = {}
    note = None
    try:
        figures = _browser(out, largest.relative_to(out).as_posix())
    except Exception as exc:  # the build figures stand without the browser's
        note = f"browser figures not measured: {type(exc).__name__}: {exc}"
    return DocsBenchmark(
        models=len(generated.models),
        columns=declared,
        pages=len(pages),
        full_build_s=round(full, 1),
        rebuild_s=round(rebuild, 1),
        rebuild_written=written,
        main_index_bytes=(out / "search" / "main.js").stat().st_size,
        column_index_bytes=(out / "search" / "columns.js").stat().st_size,
        product_page_bytes=largest.stat().st_size,
        product_page=largest.relative_to(out).as_posix(),
        product_data_bytes=data_of(largest).stat().st_size if data_of(largest).is_file() else 0,
        site_bytes=sum(p.stat().st_size for p in out.rglob("*") if p.is_file()),
        browser_note=note,
        **figures,
    )


def report(result: DocsBenchmark) -> str:
    def mb(size: int) -> str:
        return f"{size / 2**20:.1f} MB"

    lines = [
        f"steward bench docs: {result.models:,} models, {result.columns:,} declared columns, {result.pages:,} pages",
        f"  full build                {result.full_build_s:8.1f} s     (goal <= 90 s)",
        f"  rebuild, one model changed{result.rebuild_s:8.1f} s     (goal <= 5 s; {result.rebuild_written} file(s) rewritten)",
        f"  search index: main        {mb(result.main_index_bytes):>10}   columns (lazy) {mb(result.column_index_bytes)}",
        f"  largest public model page {mb(result.product_page_bytes):>10}   ({result.product_page}; "
        f"its column data {mb(result.product_data_bytes)})",
        f"  site                      {mb(result.site_bytes):>10}   ({result.pages:,} pages)",
    ]
    if result.browser_note:
        lines.append(f"  {result.browser_note}")
    else:
        lines += [
            f"  product page interactive  {result.interactive_ms:8.1f} ms    (goal <= 300 ms)",
            f"  search answer p50 / p95   {result.search_p50_ms:8.2f} / {result.search_p95_ms:.2f} ms (goal p95 <= 20 ms)",
            f"  JS heap                   {result.heap_mb:8.1f} MB    (goal <= 30 MB)",
            f"  lineage view, all hops    {result.lineage_all_ms:8.1f} ms    ({result.lineage_nodes} nodes drawn)",
        ]
    return "\n".join(lines)


def save(result: DocsBenchmark, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(asdict(result), indent=2) + "\n", encoding="utf-8")
