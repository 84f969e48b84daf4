"""The discovery site in a real browser: Debian's chromium driven by Playwright, the site
opened from file:// as a person would open it.

The site is built once from a copy of the reference project with a dbt manifest and a run
history written here (no Spark); the browser starts once for the module and is always
closed. The screenshot of a product page is kept at
`target/test-artifacts/docs-product-page.png` (in the repository).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from steward.docs import build
from steward.lineage import UPSTREAM, ColumnRef, trace

from .fixture_projects import copy_reference
from .test_docs_helpers import (
    NOW,
    PRODUCT,
    PRODUCT_ID,
    ROOT,
    history_folder,
    platform_history,
    write_manifest,
)

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "target" / "test-artifacts" / "docs-product-page.png"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Any:
    project = copy_reference(tmp_path_factory.mktemp("browser") / "project")
    write_manifest(project)
    platform_history(history_folder(project))
    return build(project, project / "site", history_folder(project), NOW)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: `make setup` installs it (apt-get install -y chromium)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: `make setup` installs the dev extra")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    try:
        yield tab
    finally:
        context.close()


def _url(built: Any, rel: str) -> str:
    return (built.written.out / rel).as_uri()


def _search(page: Any, built: Any, words: str) -> list[str]:
    page.goto(_url(built, "index.html"))
    page.fill("#search-input", words)
    page.wait_for_selector("#search-results a")
    return [a.get_attribute("href") for a in page.query_selector_all("#search-results a")]


def test_searching_a_column_name_finds_the_product(page: Any, built: Any) -> None:
    hrefs = _search(page, built, "interval_start_utc")
    assert f"models/{PRODUCT}.html" in hrefs
    assert not page.errors


def test_a_typo_still_finds_it(page: Any, built: Any) -> None:
    hrefs = _search(page, built, "interval_strt_utc")
    assert f"models/{PRODUCT}.html" in hrefs
    hrefs = _search(page, built, "silver platfom readings")
    assert f"models/{PRODUCT}.html" in hrefs


def test_search_filters_by_team(page: Any, built: Any) -> None:
    page.goto(_url(built, "index.html"))
    page.select_option("#search-team", "regulatory_reporting")
    page.fill("#search-input", "kwh")
    page.wait_for_selector("#search-results .result-column")
    hrefs = page.eval_on_selector_all(
        "#search-results a", "els => els.map(e => e.getAttribute('href'))"
    )
    teams = {p.page: p.owner.team for p in built.site.nodes}
    assert hrefs and {teams[h] for h in hrefs} == {"regulatory_reporting"}


def test_product_page_shows_owner_contact_sla_and_consumers(page: Any, built: Any) -> None:
    product = next(p for p in built.site.nodes if p.name == PRODUCT)
    page.goto(_url(built, product.page))
    owner = page.inner_text("#owner")
    assert product.owner.name in owner and product.owner.channel in owner
    assert page.get_attribute("a.owner-contact", "href") == f"mailto:{product.owner.contact}"
    contract = page.inner_text("#contract")
    for name, value in product.contract.sla:
        assert f"SLA {name}" in contract and value in contract
    assert page.get_attribute("#health .badge", "data-status") == product.health.status
    consumers = page.inner_text("#consumers")
    for team in product.consumers.teams:
        assert team.label in consumers
    for use in product.consumers.models:
        assert use.link.label in consumers
    assert "select *" in page.inner_text("#sql-snippet")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
    assert not page.errors


def test_the_lineage_view_renders_its_nodes(page: Any, built: Any) -> None:
    product = next(p for p in built.site.nodes if p.name == PRODUCT)
    page.goto(_url(built, product.page))
    page.wait_for_function("window.stewardGraphs && window.stewardGraphs.main")
    shown = page.evaluate(
        """() => { const cy = window.stewardGraphs.main, box = cy.container().getBoundingClientRect();
        return cy.nodes(':visible').map(n => { const b = n.renderedBoundingBox();
          return {label: n.data('label'), inside: b.x1 >= 0 && b.y1 >= 0 && b.x2 <= box.width && b.y2 <= box.height}; }); }"""
    )
    one_hop = {link.label for link in (*product.upstream, *product.downstream)} | {PRODUCT}
    assert {n["label"] for n in shown} == one_hop
    assert all(n["inside"] for n in shown)
    page.click("#graph-all")
    page.wait_for_function(
        f"window.stewardGraphs.main.nodes(':visible').length === {len(product.graph.nodes)}"
    )
    assert not page.errors


def test_selecting_a_column_highlights_its_upstream_columns(page: Any, built: Any) -> None:
    product = next(p for p in built.site.nodes if p.name == PRODUCT)
    page.goto(_url(built, product.page))
    page.click('button.column-select[data-column="kwh"]')
    page.wait_for_selector("#column-lineage li.upstream")
    listed = set(
        page.eval_on_selector_all(
            "#column-lineage li.upstream", "els => els.map(e => e.textContent)"
        )
    )
    highlighted = set(
        page.evaluate(
            "() => window.stewardGraphs.column.nodes('.upstream').map(n => n.data('label'))"
        )
    )
    lineage = _lineage(built)
    expected = {
        f"{lineage.graph.nodes[r.node].label}.{r.column}"
        for r in trace(lineage, [ColumnRef(PRODUCT_ID, "kwh")], UPSTREAM).refs
    } - {f"{PRODUCT}.kwh"}
    assert listed == expected and highlighted == expected
    used = page.evaluate(
        "() => window.stewardGraphs.column.nodes('.used').map(n => n.data('label'))"
    )
    assert used, "the columns used in filters and joins are marked"
    assert not page.errors


def _lineage(built: Any) -> Any:
    from steward.docs.site import analyse
    from steward.project import load_project

    return analyse(load_project(built.written.out.parent))[2]


def test_every_page_links_only_to_pages_that_exist_and_logs_no_error(page: Any, built: Any) -> None:
    out = built.written.out.resolve()
    queue = [out / "index.html"]
    seen = set(queue)
    broken: list[str] = []
    errors: list[str] = []
    while queue:
        current = queue.pop()
        page.errors.clear()
        page.goto(current.as_uri())
        page.wait_for_function("window.stewardReady !== undefined && window.stewardReady !== null")
        errors.extend(f"{current.relative_to(out)}: {e}" for e in page.errors)
        for target in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url, _ = urldefrag(target)
            if urlparse(url).scheme != "file":
                continue
            path = Path(unquote(urlparse(url).path))
            if not path.is_file():
                broken.append(f"{current.relative_to(out)} -> {target}")
            elif path.suffix == ".html" and path.is_relative_to(out) and path not in seen:
                seen.add(path)
                queue.append(path)
    assert not broken
    assert not errors
    assert len(seen) == built.written.pages
