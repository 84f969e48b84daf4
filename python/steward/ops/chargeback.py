"""`steward cost` end to end: read the ops tables (and measure storage), price, allocate."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass

from steward.ops.cost import CostReport, Product, Rates, StorageSample, Usage, allocate
from steward.ops.inputs import (
    OpsInputError,
    Provenance,
    measure_storage,
    products,
    provenance,
    rates_and_policy,
    require_history,
    storage_samples,
    usage,
)
from steward.ops.progress import steps
from steward.ops.store import OpsStore
from steward.teambuild.context import RunContext


@dataclass(frozen=True)
class CostInputs:
    usage: list[Usage]
    samples: list[StorageSample]
    products: dict[str, Product]
    rates: Rates
    policy: str
    """The configured `cost.shared_policy`."""
    provenance: Provenance


def gather(context: RunContext, since: dt.date, until: dt.date) -> CostInputs:
    """Everything the allocation needs, read (and storage measured) once."""
    from steward.teambuild.order import BuildPlan
    from steward.teambuild.runner import parse_manifest
    from steward.teambuild.settings import prepare

    plan = BuildPlan.load(context.project_dir)
    context = prepare(context, plan, [])
    rates, policy = rates_and_policy(plan.project, str(context.env))
    with steps("steward cost", 4) as step:
        step("reading the run history")
        store = OpsStore.open(context)
        found = provenance(store, since, until)
        require_history(found, f"{since} to {until}")
        step("reading the project (dbt parse)")
        manifest = parse_manifest(context)
        step("measuring storage (DESCRIBE DETAIL)")
        measure_storage(store, manifest, plan.owners)
        step("reading Spark metrics")
        used = usage(store, since, until)
        if not used:
            raise OpsInputError(
                f"the {found.invocations} build(s) from {since} to {until} have no Spark "
                "metrics: they ran without Spark's event log; set spark.eventLog.enabled "
                "and spark.eventLog.dir in profiles/profiles.yml (the local target has them) "
                "and build again"
            )
        samples = storage_samples(store, until)
    return CostInputs(used, samples, products(manifest, plan.owners), rates, policy, found)


def chargeback(
    context: RunContext, since: dt.date, until: dt.date, policy: str | None = None
) -> tuple[CostReport, Provenance]:
    """The cost report of the range (under `policy`, else the configured one)."""
    inputs = gather(context, since, until)
    if policy is not None and policy != inputs.policy:
        print(
            f"steward cost: --policy {policy} instead of the configured {inputs.policy}",
            file=sys.stderr,
        )
    report = allocate(
        inputs.usage,
        inputs.samples,
        inputs.products,
        inputs.rates,
        policy or inputs.policy,
        since,
        until,
    )
    return report, inputs.provenance
