"""`steward docs build` and `serve`: bad input still builds the site, says on the page
what is missing and exits 1 with the list; bad usage exits 2; serve binds 127.0.0.1."""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.docs.serve import HOST, server

from .fixture_projects import copy_reference
from .test_docs_helpers import PRODUCT, history_folder, platform_history

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
    code = main(["docs", "build", "--project-dir", str(bad_project), "--out", str(out)])
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
    (project / "target").mkdir()
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
