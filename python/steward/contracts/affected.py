"""The consumers a contract change breaks, out of all the consumers of its model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from steward.contracts.changes import ContractChange
from steward.contracts.consumers import Consumers, ModelConsumer


def broken_consumers(
    found: Consumers | None, changes: Iterable[ContractChange]
) -> Consumers | None:
    """The consumers a set of changes breaks: users of a changed column; everyone for a
    change to the whole model (key, SLA, a removed version)."""
    if found is None:
        return None
    columns = set()
    for change in changes:
        if change.column is None:
            return found
        columns.add(change.column)
    models = tuple(m for m in found.models if any(m.uses(c) for c in columns))
    names = {m.name for m in models} | set(found.producer_names)
    exposures = tuple(e for e in found.exposures if names & set(e.via))
    return Consumers(
        found.model, found.team, found.producers, models, exposures, found.producer_names
    )


def merged_consumers(first: Consumers, second: Consumers) -> Consumers:
    """The consumers of the head and of the base (a consumer updated in the same change
    still had to change), each once."""
    models: dict[str, ModelConsumer] = {}
    for model in (*first.models, *second.models):
        seen = models.get(model.unique_id)
        if seen is None:
            models[model.unique_id] = model
        else:
            extra = tuple(c for c in model.columns if c.column not in seen.columns_used)
            models[model.unique_id] = replace(seen, columns=seen.columns + extra)
    exposures = {e.unique_id: e for e in (*second.exposures, *first.exposures)}
    return Consumers(
        first.model,
        first.team or second.team,
        tuple(dict.fromkeys((*first.producers, *second.producers))),
        tuple(sorted(models.values(), key=lambda m: (m.team or "", m.name))),
        tuple(sorted(exposures.values(), key=lambda e: (e.team or "", e.name))),
        tuple(dict.fromkeys((*first.producer_names, *second.producer_names))),
    )


def describe_broken(found: Consumers | None) -> str:
    if found is None or not (found.models or found.exposures):
        return "no known consumer yet (the relation is public: others may read it)"
    return "breaks " + found.describe()
