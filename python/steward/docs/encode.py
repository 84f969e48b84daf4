"""The graphs as the browser reads them: compact, integer-indexed JSON.

A page's neighbourhood graph is inline (drawn at once); its column graph, which holds
every column's lineage and is most of a page's data, is a script of its own
(`data/<page>.js`, see `column_script`) that the page loads when a column is selected.

A graph is `{"s": [strings], "n": [[label, kind, x, y, page, team, layer, hop], ...],
"e": [[source, target, kind], ...]}`: every string is an index into `s` (-1: none),
a node's id is its position in `n`. The column data adds `"c": {column: [roots,
upstream, used, truncated]}`, each a list of node positions (`upstream` and `used` in
the order of their labels).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from steward.docs.model import ColumnTrace, GraphView


def _number(value: float) -> float | int:
    rounded = round(value, 1)
    return int(rounded) if rounded.is_integer() else rounded


class _Strings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str | None) -> int:
        if text is None or text == "":
            return -1
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found


def graph_data(view: GraphView) -> tuple[dict[str, Any], dict[str, int]]:
    """The compact form of `view`, and each item's position by id."""
    strings = _Strings()
    position = {item.id: i for i, item in enumerate(view.nodes)}
    nodes = [
        [
            strings(item.label),
            strings(item.kind),
            _number(item.x),
            _number(item.y),
            strings(item.page),
            strings(item.team),
            strings(item.layer),
            item.hop,
        ]
        for item in view.nodes
    ]
    edges = [
        [position[e.source], position[e.target], strings(e.kind)]
        for e in view.edges
        if e.source in position and e.target in position
    ]
    return {"s": list(strings.index), "n": nodes, "e": edges}, position


def column_data(view: GraphView, traces: Mapping[str, ColumnTrace]) -> dict[str, Any]:
    data, position = graph_data(view)
    labels = {item.id: item.label for item in view.nodes}

    def members(trace: ColumnTrace, role: str) -> list[int]:
        ids = [i for i, r in trace.roles.items() if r == role and i in position]
        return [position[i] for i in sorted(ids, key=lambda i: (labels[i], i))]

    data["c"] = {
        name: [
            members(trace, "root"),
            members(trace, "upstream"),
            members(trace, "used"),
            1 if trace.truncated else 0,
        ]
        for name, trace in traces.items()
    }
    return data


def dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def data_path(page: str) -> str:
    """The site path of a page's column data (`models/x.html` -> `data/models/x.js`)."""
    return "data/" + page.removesuffix(".html") + ".js"


def column_script(page: str, view: GraphView, traces: Mapping[str, ColumnTrace]) -> str:
    """The script that hands a page its column data (a `fetch` is refused on file://)."""
    text = dumps(column_data(view, traces)).replace("</", "<\\/")
    return (
        "window.stewardColumnData=window.stewardColumnData||{};"
        f"window.stewardColumnData[{dumps(page)}]={text};\n"
    )
