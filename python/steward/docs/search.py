"""The search index, built at `docs build` time in MiniSearch's own serialised form, so
the browser loads it (`MiniSearch.loadJS`) instead of indexing on every page.

Two indexes, so a page loads only what a search needs:

- `main`: one document per model, seed, snapshot, source, exposure and team: its name,
  description, owner (team, its name, contact and channel) and tags;
- `columns`: one document per distinct column (name and description), pointing at the
  main documents of the nodes that have it, data products first; loaded right after
  the main one, so a page's first search does not wait for a large project's columns.

Column names live in the second index only: in the main one, a name such as `meter_id`
would match nearly every document, and every search would score them all.

Words: snake_case and camelCase names are split (`silver_platform__readings` is
`silver platform readings`), lower-cased; the browser tokenises a query the same way
(`web/src/search.js`) and searches with prefix and one-typo (fuzzy) matches.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from steward.docs.model import Owner, Site

MAIN_FIELDS = ("name", "description", "owner", "tags")
COLUMN_FIELDS = ("name", "description")
SERIALIZATION_VERSION = 2
SHORT = 160

_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SPLIT = re.compile(r"[\W_]+")


def tokenize(text: str) -> list[str]:
    """The words of `text` as the site's search sees them (`web/src/search.js`)."""
    return [t for t in _SPLIT.split(_CAMEL.sub(r"\1 \2", text).lower()) if t]


@dataclass(frozen=True)
class Document:
    fields: Mapping[str, str]
    stored: Mapping[str, Any]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHORT else text[: SHORT - 1].rstrip() + "…"


def _words(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _document(
    kind: str,
    title: str,
    page: str,
    owner: Owner,
    fields: tuple[str, str, str, str],
    layer: str | None = None,
    access: str | None = None,
) -> Document:
    """A main document: its searched `fields` (MAIN_FIELDS' order) and what a result
    shows (stored under short keys: the index is loaded on every page that searches)."""
    _, description, _, tags = fields
    return Document(
        dict(zip(MAIN_FIELDS, fields, strict=True)),
        {
            "t": kind,
            "n": title,
            "p": page,
            "tm": owner.team or "",
            "l": layer or "",
            "a": access or "",
            "d": _short(description if kind not in ("team", "exposure") else tags),
        },
    )


def main_documents(site: Site) -> list[Document]:
    """One document per node page, then per exposure, then per team."""
    docs = []
    for page in site.nodes:
        o = page.owner
        docs.append(
            _document(
                "product" if page.product else page.resource_type,
                page.name,
                page.page,
                o,
                (
                    page.name,
                    page.description,
                    _words(o.team, o.name, o.contact, o.channel),
                    _words(*page.tags, page.layer, page.resource_type),
                ),
                page.layer,
                page.access,
            )
        )
    for exposure in site.exposures:
        o = exposure.owner
        about = _words(exposure.type, "exposure of", o.team, exposure.url)
        docs.append(
            _document(
                "exposure",
                exposure.label or exposure.name,
                exposure.page,
                o,
                (
                    _words(exposure.name, exposure.label),
                    exposure.description,
                    _words(o.team, o.name, o.contact, o.channel),
                    about,
                ),
            )
        )
    for team in site.teams:
        o = team.owner
        reach = _words(o.contact, o.channel, team.kind, "team", *team.layers)
        docs.append(
            _document(
                "team",
                o.name or o.team or "",
                team.page,
                o,
                (
                    _words(o.team, o.name),
                    " ".join((*team.members, team.service_user)),
                    _words(o.contact, o.channel, o.cost_centre),
                    reach,
                ),
            )
        )
    return docs


def column_documents(site: Site) -> list[Document]:
    """One document per (column name, description), with the main ids of its nodes (the
    node pages are the first main documents, in order)."""
    nodes: dict[tuple[str, str], list[int]] = defaultdict(list)
    types: dict[tuple[str, str], str] = {}
    # data products first: a result shows the first few nodes of a column
    order = sorted(range(len(site.nodes)), key=lambda i: (not site.nodes[i].product, i))
    for index in order:
        page = site.nodes[index]
        for column in page.columns:
            key = (column.name, _short(column.description))
            nodes[key].append(index)
            types.setdefault(key, column.data_type or "")
    return [
        Document(
            {"name": name, "description": description},
            {"t": "column", "n": name, "d": description, "y": types[(name, description)], "m": ids},
        )
        for (name, description), ids in nodes.items()
    ]


def serialise(documents: Sequence[Document], fields: Sequence[str]) -> dict[str, Any]:
    """The index of `documents` exactly as `MiniSearch.toJSON()` would write it for the
    same documents added in order (ids are the positions; `id` of each is its index)."""
    field_ids = {name: i for i, name in enumerate(fields)}
    index: dict[str, dict[int, dict[int, int]]] = defaultdict(dict)
    field_length: dict[str, list[int]] = {}
    average = [0.0] * len(fields)
    for short_id, doc in enumerate(documents):
        lengths = []
        for field in fields:
            field_id = field_ids[field]
            tokens = tokenize(doc.fields.get(field, ""))
            length = len(set(tokens))
            lengths.append(length)
            average[field_id] = (average[field_id] * short_id + length) / (short_id + 1)
            for term in tokens:
                postings = index[term].setdefault(field_id, {})
                postings[short_id] = postings.get(short_id, 0) + 1
        field_length[str(short_id)] = lengths
    return {
        "documentCount": len(documents),
        "nextId": len(documents),
        "documentIds": {str(i): i for i in range(len(documents))},
        "fieldIds": field_ids,
        "fieldLength": field_length,
        "averageFieldLength": average,
        "storedFields": {str(i): dict(doc.stored) for i, doc in enumerate(documents)},
        "dirtCount": 0,
        "index": [
            [term, {str(f): {str(d): n for d, n in docs.items()} for f, docs in by_field.items()}]
            for term, by_field in index.items()
        ],
        "serializationVersion": SERIALIZATION_VERSION,
    }


def facets(site: Site) -> dict[str, list[str]]:
    """The values the search's filters offer."""
    return {
        "team": sorted({t.owner.team or "" for t in site.teams} - {""}),
        "layer": sorted({p.layer for p in site.nodes if p.layer}),
        "access": sorted({p.access for p in site.nodes if p.access}),
    }


def indexes(site: Site) -> dict[str, dict[str, Any]]:
    return {
        "main": serialise(main_documents(site), MAIN_FIELDS),
        "columns": serialise(column_documents(site), COLUMN_FIELDS),
    }
