"""The HTML every page shares: the layout (header with the search, footer, scripts), and
small escaping helpers. Pages link relatively (`root` is `../` from a subfolder), so the
site works from `file://` as from a server."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from steward.docs.health import FAIL, NO_DATA, PASS
from steward.docs.model import Link, Owner

ASSETS = "assets"
PLURALS = {"team": "all teams", "layer": "all layers", "access": "any access"}


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def inline(text: object) -> str:
    """Escaped text with its `code` spans set as code."""
    return _CODE.sub(r"<code>\1</code>", esc(text))


def root_of(page: str) -> str:
    """The way back to the site's root from `page` (`models/x.html` -> `../`)."""
    return "../" * page.count("/")


def href(root: str, page: str | None) -> str | None:
    return None if page is None else f"{root}{page}"


def link(root: str, item: Link | None, text: str | None = None) -> str:
    if item is None:
        return ""
    label = esc(text if text is not None else item.label)
    target = href(root, item.page)
    return f'<a href="{esc(target)}">{label}</a>' if target else f"<span>{label}</span>"


def links(root: str, items: Iterable[Link], empty: str = "none") -> str:
    parts = [link(root, item) for item in items]
    return ", ".join(parts) if parts else f'<span class="muted">{esc(empty)}</span>'


def badge(status: str, text: str | None = None) -> str:
    kind = {PASS: "pass", FAIL: "fail", NO_DATA: "nodata"}.get(status, "nodata")
    return (
        f'<span class="badge badge-{kind}" data-status="{esc(status)}">{esc(text or status)}</span>'
    )


def owner_block(root: str, owner: Owner) -> str:
    if owner.team is None:
        return '<span class="muted">no owning team</span>'
    team = f'<a href="{esc(href(root, owner.page))}">{esc(owner.name or owner.team)}</a>'
    parts = [f'<span class="owner-team">{team} (<code>{esc(owner.team)}</code>)</span>']
    if owner.contact:
        parts.append(
            f'<a class="owner-contact" href="mailto:{esc(owner.contact)}">{esc(owner.contact)}</a>'
        )
    if owner.channel:
        parts.append(f'<span class="owner-channel">{esc(owner.channel)}</span>')
    if owner.cost_centre:
        parts.append(f'<span class="muted">cost centre {esc(owner.cost_centre)}</span>')
    return " · ".join(parts)


def section(title: str, body: str, ident: str) -> str:
    return f'<section id="{esc(ident)}"><h2>{esc(title)}</h2>{body}</section>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def notes(items: Iterable[str]) -> str:
    listed = "".join(f"<li>{inline(i)}</li>" for i in items)
    return f'<div class="notes" role="note"><ul>{listed}</ul></div>' if listed else ""


def json_script(ident: str, data: Any) -> str:
    """Data for the page's script (plain JSON values), inline (a `fetch` of a file is
    refused on file://)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("</", "<\\/")
    return f'<script type="application/json" id="{esc(ident)}">{text}</script>'


_CODE = re.compile(r"`([^`]+)`")


def prose(text: str) -> str:
    """The few kinds of markdown a rule docstring or description uses: paragraphs,
    fenced or indented code blocks, and `inline code`."""
    out: list[str] = []
    blocks = re.split(r"\n\s*\n", text.strip())
    fenced: list[str] | None = None
    for block in blocks:
        if fenced is not None:
            fenced.append(block)
            if block.rstrip().endswith("```"):
                code = "\n\n".join(fenced).strip().strip("`")
                out.append(f"<pre><code>{esc(_unfence(code))}</code></pre>")
                fenced = None
            continue
        if block.lstrip().startswith("```"):
            if block.rstrip().endswith("```") and block.strip() != "```":
                out.append(f"<pre><code>{esc(_unfence(block.strip().strip('`')))}</code></pre>")
            else:
                fenced = [block]
            continue
        if all(line.startswith("    ") for line in block.splitlines()):
            out.append(f"<pre><code>{esc(_dedent(block))}</code></pre>")
            continue
        out.append(f"<p>{inline(block)}</p>")
    if fenced is not None:
        out.append(f"<pre><code>{esc(chr(10).join(fenced))}</code></pre>")
    return "".join(out)


def _unfence(code: str) -> str:
    first, _, rest = code.partition("\n")
    return rest if first.strip().isalpha() or not first.strip() else code


def _dedent(block: str) -> str:
    return "\n".join(line[4:] for line in block.splitlines())


def layout(
    page: str,
    title: str,
    body: str,
    *,
    project: str,
    generated_at: str,
    facets: Mapping[str, Sequence[str]],
    scripts: Sequence[str] = (),
) -> str:
    root = root_of(page)
    options = "".join(
        f'<select id="search-{esc(name)}" aria-label="filter by {esc(name)}">'
        f'<option value="">{esc(PLURALS.get(name, name))}</option>'
        + "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
        + "</select>"
        for name, values in facets.items()
    )
    extra = "".join(f'<script src="{esc(root + s)}" defer></script>' for s in scripts)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · {esc(project)} · steward docs</title>
<link rel="stylesheet" href="{root}{ASSETS}/style.css">
</head>
<body data-root="{root}" data-page="{esc(page)}">
<header class="top">
<a class="brand" href="{root}index.html">{esc(project)} <span>discovery</span></a>
<nav><a href="{root}platform.html">Platform</a><a href="{root}teams/index.html">Teams</a><a href="{root}rules/index.html">Rules</a></nav>
<div class="search" role="search">
<input id="search-input" type="search" placeholder="Find a table, column, owner or team…" autocomplete="off" aria-label="search">
{options}
<div id="search-results" class="search-results" hidden></div>
</div>
</header>
<main>
{body}
</main>
<footer>Written by <code>steward docs build</code>{esc(generated_at)}.</footer>
<script src="{root}{ASSETS}/app.js" defer></script>{extra}
</body>
</html>
"""
