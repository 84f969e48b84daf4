"""The shape of the lint benchmark project: its teams, and which models each layer of
each team has and what each reads.

Every read follows the layer contract (bronze reads its own sources, silver its own bronze
and public silver, gold public silver and gold), so the project lints clean.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

ENGINEERING = ("platform", "electra", "dutchgrid")
ANALYTICS = ("commercial_analytics", "regulatory_reporting", "ml_forecasting")
COUNTRY = {"platform": "DE", "electra": "FR", "dutchgrid": "NL"}
# silver of these teams may read another team's public silver; the others read only their
# own, so the team graph stays acyclic (electra, dutchgrid -> platform -> analytics)
SILVER_READERS = {"platform": ("electra", "dutchgrid"), "electra": (), "dutchgrid": ()}
GOLD_READERS = {
    "commercial_analytics": (),
    "regulatory_reporting": ("commercial_analytics",),
    "ml_forecasting": ("commercial_analytics",),
}

NOUNS = (
    "readings",
    "meters",
    "tariffs",
    "regions",
    "invoices",
    "contracts",
    "customers",
    "outages",
    "grid_events",
    "substations",
    "feeders",
    "forecasts",
    "weather",
    "prices",
    "settlements",
    "payments",
    "installations",
    "inspections",
    "alarms",
    "interruptions",
    "connections",
    "losses",
    "peaks",
    "balances",
    "schedules",
)
QUALIFIERS = (
    "daily",
    "hourly",
    "monthly",
    "by_region",
    "by_tariff",
    "latest",
    "history",
    "enriched",
    "summary",
    "quality",
    "deltas",
    "rollup",
)

_LAYER_SHARE = (("bronze", 0.24), ("silver", 0.33))


@dataclass(frozen=True)
class BenchModel:
    name: str
    layer: str
    team: str
    path: str
    public: bool
    upstream: tuple[str, ...] = ()


def _counts(total: int) -> dict[tuple[str, str], int]:
    ops = max(1, total // 100)
    rest = max(total - ops, 9)
    counts: dict[tuple[str, str], int] = {("ops", "platform"): ops}
    assigned = 0
    for layer, share in _LAYER_SHARE:
        per_team = max(1, round(rest * share / 3))
        for team in ENGINEERING:
            counts[(layer, team)] = per_team
            assigned += per_team
    gold = max(3, rest - assigned)
    for index, team in enumerate(ANALYTICS):
        counts[("gold", team)] = gold // 3 + (1 if index < gold % 3 else 0)
    return counts


def _entities(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        noun = rng.choice(NOUNS)
        qualifier = rng.choice(QUALIFIERS)
        name = f"{noun}_{qualifier}"
        suffix = 2
        while name in seen:
            name = f"{noun}_{qualifier}_{suffix}"
            suffix += 1
        seen.add(name)
        names.append(name)
    return names


def plan_models(total: int, seed: int) -> list[BenchModel]:
    rng = random.Random(seed)
    counts = _counts(total)
    names: dict[tuple[str, str], list[str]] = {}
    for (layer, team), count in counts.items():
        names[(layer, team)] = [f"{layer}_{team}__{e}" for e in _entities(rng, count)]
    public: dict[tuple[str, str], list[str]] = {
        key: [n for i, n in enumerate(values) if i % 3 == 0 or i == len(values) - 1]
        for key, values in names.items()
    }
    plan: list[BenchModel] = []

    def add(layer: str, team: str, index: int, upstream: list[str]) -> None:
        name = names[(layer, team)][index]
        plan.append(
            BenchModel(
                name=name,
                layer=layer,
                team=team,
                path=f"models/{layer}/{team}/{name}.sql",
                public=name in public[(layer, team)] and layer != "bronze",
                upstream=tuple(dict.fromkeys(upstream)),
            )
        )

    for team in ENGINEERING:
        for index in range(counts[("bronze", team)]):
            add("bronze", team, index, [])
    for team in ENGINEERING:
        for index in range(counts[("silver", team)]):
            upstream = [rng.choice(names[("bronze", team)])]
            if index and rng.random() < 0.5:
                upstream.append(rng.choice(names[("silver", team)][:index]))
            for other in SILVER_READERS[team]:
                if rng.random() < 0.4:
                    upstream.append(rng.choice(public[("silver", other)]))
            if len(upstream) == 1:
                upstream.append(rng.choice(names[("bronze", team)]))
            add("silver", team, index, upstream)
    public_silver = [n for team in ENGINEERING for n in public[("silver", team)]]
    for team in ANALYTICS:
        for index in range(counts[("gold", team)]):
            upstream = rng.sample(public_silver, k=min(len(public_silver), rng.randint(1, 3)))
            if index and rng.random() < 0.5:
                upstream.append(rng.choice(names[("gold", team)][:index]))
            for other in GOLD_READERS[team]:
                if rng.random() < 0.3:
                    upstream.append(rng.choice(public[("gold", other)]))
            if len(upstream) == 1:
                upstream.append(rng.choice(public_silver))
            add("gold", team, index, upstream)
    for index in range(counts[("ops", "platform")]):
        add("ops", "platform", index, [])
    return plan
