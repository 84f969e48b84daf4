"""Writing the site: the pages as HTML, the search indexes as scripts, the browser
libraries copied from the npm packages installed at set-up (`web/node_modules`, from the
committed `web/package-lock.json`; never a CDN).

Data the browser needs is inline in each page or in a `<script>` file, never fetched:
Chromium refuses `fetch` and module scripts on `file://`, and the site must open from
there. A page is written only when its content changed: the content hash of every page
is kept in `target/steward/docs-cache/`, so a rebuild after one change rewrites only the
pages that change with it. The node pages `steward.docs.fresh` found unchanged are not
even made (`NodePage.kept`): their files stay as they are (`sizes` lists the files made).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from steward.docs.encode import column_script, data_path
from steward.docs.html_base import layout
from steward.docs.html_nodes import GRAPH_SCRIPTS, node_body
from steward.docs.html_pages import (
    exposure_body,
    home_body,
    platform_body,
    rule_body,
    rules_index_body,
    team_body,
    teams_index_body,
)
from steward.docs.model import Site
from steward.docs.search import facets, indexes
from steward.errors import UserError

WEB = Path(__file__).parent / "web"
VENDOR = {
    "assets/minisearch.js": "node_modules/minisearch/dist/umd/index.js",
    "assets/cytoscape.min.js": "node_modules/cytoscape/dist/cytoscape.min.js",
}
OWN = ("app.js", "graph.js", "search.js", "style.css")
MARKER = ".steward-docs"
CACHE = "target/steward/docs-cache"


@dataclass(frozen=True)
class Written:
    out: Path
    pages: int
    written: int
    """Files whose content changed (the others were left as they were)."""
    removed: int
    sizes: dict[str, int]


def kept_files(site: Site) -> list[str]:
    """The files of the node pages this build left as the last one wrote them."""
    return [f for node in site.nodes if node.kept for f in (node.page, data_path(node.page))]


def pages_of(site: Site) -> Iterator[tuple[str, str]]:
    """(site path, HTML) of every page written (a node page's column data with it)."""
    options = facets(site)

    def page(path: str, title: str, body: str, scripts: tuple[str, ...] = ()) -> tuple[str, str]:
        # only the home and platform pages carry the build time: a rebuild leaves the
        # other pages' bytes (and their cached hashes) as they were
        stamped = path in ("index.html", site.platform.page)
        return path, layout(
            path,
            title,
            body,
            project=site.project,
            generated_at=f" at {site.generated_at}" if stamped else "",
            facets=options,
            scripts=scripts,
        )

    yield page("index.html", "Discovery", home_body(site))
    for node in site.nodes:
        if node.kept:
            continue
        yield page(node.page, node.name, node_body(node), GRAPH_SCRIPTS)
        yield data_path(node.page), column_script(node.page, node.column_graph, node.column_lineage)
    yield page("teams/index.html", "Teams", teams_index_body(site))
    for team in site.teams:
        yield page(team.page, team.owner.name or team.owner.team or "team", team_body(team))
    for exposure in site.exposures:
        yield page(exposure.page, exposure.label, exposure_body(exposure), GRAPH_SCRIPTS)
    platform = site.platform
    yield page(platform.page, "Platform", platform_body(platform), GRAPH_SCRIPTS)
    yield page("rules/index.html", "Rules", rules_index_body(site.rules))
    for rule in site.rules:
        yield page(rule.page, rule.id, rule_body(rule))


def data_files(site: Site) -> Iterator[tuple[str, str]]:
    for name, index in indexes(site).items():
        text = json.dumps(index, separators=(",", ":"), ensure_ascii=False)
        yield (
            f"search/{name}.js",
            f"window.stewardIndex=window.stewardIndex||{{}};window.stewardIndex.{name}={text};\n",
        )


def asset_files() -> Iterator[tuple[str, str]]:
    for target, source in VENDOR.items():
        path = WEB / source
        if not path.is_file():
            raise UserError(
                f"the site's browser libraries are not installed ({path} is missing): run "
                f"`make setup` (npm ci in {WEB})"
            )
        yield target, path.read_text(encoding="utf-8")
    for name in OWN:
        yield f"assets/{name}", (WEB / "src" / name).read_text(encoding="utf-8")


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UserError("is a file, not a folder for the site", path=out)
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UserError(
            "is a folder steward did not write (no .steward-docs in it): give an empty or "
            "new folder with --out",
            path=out,
        )
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by `steward docs build`\n", encoding="utf-8")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_site(site: Site, out: Path, cache_dir: Path) -> Written:
    _prepare(out)
    cache_file = cache_dir / (_digest(str(out.resolve()))[:16] + ".json")
    try:
        before: dict[str, str] = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    after: dict[str, str] = {}
    sizes: dict[str, int] = {}
    written = pages = 0
    for rel in kept_files(site):  # `fresh.kept_pages` made sure they are there
        pages += rel.endswith(".html")
        if rel in before:
            after[rel] = before[rel]
    for group in (asset_files(), data_files(site), pages_of(site)):
        for rel, text in group:
            digest = _digest(text)
            after[rel] = digest
            path = out / rel
            sizes[rel] = len(text.encode("utf-8"))
            pages += rel.endswith(".html")
            if before.get(rel) == digest and path.is_file():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written += 1
    removed = 0
    for rel in set(before) - set(after):
        stale = out / rel
        if stale.is_file():
            stale.unlink()
            removed += 1
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(json.dumps(after, sort_keys=True), encoding="utf-8")
    return Written(out, pages, written, removed, sizes)
