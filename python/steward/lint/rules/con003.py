"""CON003: a breaking change to a public model without a new version."""

from __future__ import annotations

from collections.abc import Iterator

from steward.contracts.checks import head_violations, lint_lineage
from steward.lint.context import LintContext
from steward.lint.rule import Violation, rule


@rule("CON003", "a breaking change to a public model without a new version", graph=True)
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        `steward contracts breaking --base REF` compares every contract and its model with
        the base revision: a column removed or renamed, a type narrowed or changed, a
        column made nullable, the key changed, the SLA weakened (longer latency, lower
        volume), a contracted column the SQL no longer produces, a version removed before
        its deprecation date. Each is an error unless it comes as a new model version,
        the old one kept with a `deprecation_date`; the finding names the consumers it
        breaks. `steward lint` (no base) reports what the head breaks on its own: a
        contracted column the model's SQL does not produce, and (a warning) a deprecated
        version past its date.

    Why is this bad?
        Consumers in other teams build on the contract. A breaking change merged in place
        fails their builds or, worse, silently changes their numbers; with a new version
        they move when they are ready, and the old one goes on a date everyone knows.

    Example:
        ```yaml
        # contracts/platform/silver_platform__readings.yaml, version 1.0.0
              - name: kwh                    # renamed to energy_kwh in place
        ```

    Use instead:
        ```yaml
        # contracts/platform/silver_platform__readings.v1.yaml: status deprecated,
        #   customProperties: [{property: deprecationDate, value: 2027-03-31}]
        # contracts/platform/silver_platform__readings.v2.yaml: version 2.0.0, active,
        #   with energy_kwh; silver_platform__readings_v1.sql and _v2.sql beside each other
        ```
        Consumers not ready pin `ref('silver_platform__readings', v=1)`.
    """
    if ctx.project.contracts_dir is None or not ctx.project.contracts:
        return
    for violation in head_violations(ctx.project, lint_lineage(ctx)):
        node = ctx.project.node_by_name(violation.model)
        yield Violation(
            violation.position,
            violation.message,
            node,
            team=violation.team,
            severity=violation.severity,
        )


RULE = check
