"""`steward docs build` and `serve`: bad input still builds the site, says on the page
what is missing and exits 1 with the list; bad usage exits 2; serve binds 127.0.0.1."""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.docs import build
from steward.docs.serve import HOST, server

from .fixture_projects import copy_reference
from .test_docs_helpers import NOW, PRODUCT, history_folder, platform_history

BROKEN_CONTRACT = "contracts/electra/silver_electra__readings.yaml"


@pytest.fixture(scope="module")
def bad_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """No manifest, a contract that does not validate, a history file cut short."""
    project = copy_reference(tmp_path_factory.mktemp("docs-cli") / "project")
    contract = project / BROKEN_CONTRACT
    contract.write_text(
        contract.read_text(encoding="utf-8").replace("apiVersion:", "apiVersionn:", 1),
        encoding="utf-8",
    )
    history = platform_history(history_folder(project))
    history.write_text(history.read_text(encoding="utf-8")[:120], encoding="utf-8")
    return project


def test_bad_input_builds_the_site_says_why_and_exits_1(
    bad_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    snapshot = history_folder(bad_project)  # a run-history snapshot with a file cut short
    code = main(
        [
            "docs",
            "build",
            "--project-dir",
            str(bad_project),
            "--out",
            str(out),
            "--history",
            str(snapshot),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "target/manifest.json" in err
    assert BROKEN_CONTRACT in err
    assert "platform.json" in err
    assert (out / "index.html").is_file()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "What this site could not show" in home and BROKEN_CONTRACT in home
    electra = (out / "models" / "silver_electra__readings.html").read_text(encoding="utf-8")
    assert "invalid contract" in electra
    product = (out / "models" / f"{PRODUCT}.html").read_text(encoding="utf-8")
    assert "platform.json" in product and "cannot be read" in product
    assert "target/manifest.json" in product


def test_a_clean_project_exits_0_and_a_rebuild_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_reference(tmp_path / "project")
    (project / "target").mkdir(exist_ok=True)
    (project / "target" / "manifest.json").write_text('{"nodes": {}}', encoding="utf-8")
    args = ["docs", "build", "--project-dir", str(project), "--history", str(tmp_path / "none")]
    assert main(args) == 0
    first = capsys.readouterr().err
    assert "open file://" in first
    pages = {p: p.read_bytes() for p in (project / "site").rglob("*.html")}
    model = project / "models" / "gold" / "commercial_analytics"
    sql = model / "gold_commercial_analytics__daily_consumption.sql"
    sql.write_text(sql.read_text(encoding="utf-8") + "\n-- a comment\n", encoding="utf-8")
    assert main(args) == 0
    changed = {p for p, text in pages.items() if p.read_bytes() != text}
    # the home and platform pages carry the build time; the model's code is on no page
    assert {p.name for p in changed} <= {"index.html", "platform.html"}


def test_bad_usage_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["docs", "build", "--no-such-option"])
    assert exit_info.value.code == 2
    taken = tmp_path / "mine"
    taken.mkdir()
    (taken / "notes.txt").write_text("not a site", encoding="utf-8")
    project = copy_reference(tmp_path / "project")
    assert main(["docs", "build", "--project-dir", str(project), "--out", str(taken)]) == 2
    assert "steward did not write" in capsys.readouterr().err
    assert main(["docs", "serve", "--project-dir", str(project), "--port", "0"]) == 2


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<h1>site</h1>", encoding="utf-8")
    httpd = server(tmp_path, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = httpd.server_address[:2]
        assert host == HOST == "127.0.0.1"
        with urllib.request.urlopen(f"http://{HOST}:{port}/index.html", timeout=5) as answer:
            assert answer.read() == b"<h1>site</h1>"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_a_rebuild_writes_only_what_a_change_shows_on_and_equals_a_fresh_build(
    tmp_path: Path,
) -> None:
    project = copy_reference(tmp_path / "project")
    history = tmp_path / "no-history"
    site = project / "site"
    first = build(project, site, history, NOW)
    assert not any(p.kept for p in first.site.nodes)
    meters = "models/bronze_platform__meters.html"
    yml = project / "models/bronze/platform/_platform__models.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace(
            "Meter master data as landed.", "Meter master data as landed, revised."
        ),
        encoding="utf-8",
    )
    # a description shows on its own page only (and in the search)
    again = build(project, site, history, NOW)
    assert {p.page for p in again.site.nodes if not p.kept} == {meters}
    assert "revised" in (site / meters).read_text(encoding="utf-8")
    # a column more changes what the pages up and downstream show of it
    sql = project / "models/silver/platform/silver_platform__regions.sql"
    sql.write_text(
        sql.read_text(encoding="utf-8").replace(
            "as grid_operator\n", "as grid_operator,\n    trim(region_name) as region_label\n"
        ),
        encoding="utf-8",
    )
    third = build(project, site, history, NOW)
    rewritten = {p.page for p in third.site.nodes if not p.kept}
    assert {
        "models/silver_platform__regions.html",
        "models/bronze_platform__regions.html",
        "sources/landing_platform.regions.html",
        "models/gold_regulatory_reporting__lu_dashboard.html",
    } <= rewritten
    assert "region_label" in (site / "models/silver_platform__regions.html").read_text("utf-8")
    assert len(rewritten) < len(third.site.nodes)
    # the pages kept are those a build from nothing writes
    build(project, tmp_path / "fresh", history, NOW)
    assert _files(site) == _files(tmp_path / "fresh")
