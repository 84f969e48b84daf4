"""`steward cost` output: text, csv, json, html (a per-team stacked chart by day, plotly
with its JavaScript bundled, so the file works offline)."""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

from steward.ops.cost import POLICY_WORDS, CostReport
from steward.ops.inputs import Provenance


def _header(report: CostReport, provenance: Provenance) -> list[str]:
    rates = report.rates
    return [
        f"steward cost: {report.since} to {report.until} (end excluded)",
        provenance.line(),
        f"rates: {rates.compute_core_hour} {rates.currency}/core-hour, "
        f"{rates.storage_gb_month} {rates.currency}/GB-month; shared products: "
        f"{report.policy} ({POLICY_WORDS[report.policy]})",
    ]


def to_text(report: CostReport, provenance: Provenance) -> str:
    lines = _header(report, provenance)
    currency = report.rates.currency
    lines.append(f"{'team':<24} {'compute':>12} {'storage':>12} {'total':>12}  {currency}")
    for team, amounts in report.by_team().items():
        lines.append(
            f"{team:<24} {amounts['compute']:>12.6f} {amounts['storage']:>12.6f} "
            f"{amounts['total']:>12.6f}"
        )
    lines.append(f"{'total':<24} {'':>12} {'':>12} {report.allocated:>12.6f}")
    lines.append(report.check[1])
    return "\n".join(lines) + "\n"


def to_csv(report: CostReport, provenance: Provenance) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["day", "team", "kind", "node", "quantity", "amount", "currency", "shared_from"]
    )
    for c in sorted(report.charges, key=lambda c: (c.day, c.team, c.kind, c.node)):
        writer.writerow(
            [
                c.day.isoformat(),
                c.team,
                c.kind,
                c.node,
                f"{c.quantity:.9f}",
                f"{c.amount:.9f}",
                report.rates.currency,
                c.shared_from or "",
            ]
        )
    return out.getvalue()


def as_dict(report: CostReport, provenance: Provenance) -> dict[str, Any]:
    ok, line = report.check
    return {
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "provenance": provenance.as_dict(),
        "currency": report.rates.currency,
        "rates": {
            "compute_core_hour": report.rates.compute_core_hour,
            "storage_gb_month": report.rates.storage_gb_month,
        },
        "policy": report.policy,
        "teams": report.by_team(),
        "by_day": {day.isoformat(): teams for day, teams in report.by_day().items()},
        "measured": report.measured,
        "allocated": report.allocated,
        "reconciled": ok,
        "reconciliation": line,
    }


def to_json(report: CostReport, provenance: Provenance) -> str:
    return json.dumps(as_dict(report, provenance), indent=2) + "\n"


def to_html(report: CostReport, provenance: Provenance) -> str:
    import plotly.graph_objects as go

    by_day = report.by_day()
    teams = sorted(report.by_team())
    day_labels = [day.isoformat() for day in by_day]
    figure = go.Figure(
        [
            go.Bar(name=team, x=day_labels, y=[by_day[day].get(team, 0.0) for day in by_day])
            for team in teams
        ]
    )
    figure.update_layout(
        barmode="stack",
        title=f"Cost per team and day ({report.rates.currency})",
        xaxis_title="day (UTC)",
        yaxis_title=report.rates.currency,
    )
    chart = figure.to_html(full_html=False, include_plotlyjs=True)
    rows = "".join(
        f"<tr><td>{html.escape(team)}</td><td>{a['compute']:.6f}</td>"
        f"<td>{a['storage']:.6f}</td><td>{a['total']:.6f}</td></tr>"
        for team, a in report.by_team().items()
    )
    header = "".join(f"<p>{html.escape(line)}</p>" for line in _header(report, provenance))
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>steward cost</title></head>"
        f"<body><h1>steward cost</h1>{header}"
        "<table><tr><th>team</th><th>compute</th><th>storage</th><th>total</th></tr>"
        f"{rows}</table><p>{html.escape(report.check[1])}</p>{chart}</body></html>\n"
    )


WRITERS = {"text": to_text, "csv": to_csv, "json": to_json, "html": to_html}
