"""CON002: the generated contract yml is stale."""

from __future__ import annotations

from collections.abc import Iterator

from steward.contracts.checks import lint_lineage, stale_generated
from steward.lint.context import LintContext
from steward.lint.rule import Violation, rule


@rule("CON002", "generated contract yml is stale", graph=True)
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Generates, in memory, the properties yml of every contracted model
        (`<model>.contract.yml` beside its SQL) and compares it with the committed file:
        missing, different, left behind by a removed contract, or a hand-written yml
        describing the model too. The consumers in the file come from the graph and
        column lineage, so a new consumer in another team's folder makes it stale as well.

    Why is this bad?
        dbt enforces what the generated yml says, not what the contract says: a stale file
        builds with old types and tests, and the contract is a promise nobody checks.
        dbt allows one properties entry per model, so a second, hand-written entry is
        either a parse error or silently wins.

    Example:
        ```yaml
        # contracts/platform/silver_platform__meters.yaml gains a column, and
        # models/silver/platform/silver_platform__meters.contract.yml is not regenerated
        ```

    Use instead:
        ```shell
        steward contracts generate        # and commit the generated files
        ```
    """
    if ctx.project.contracts_dir is None or not ctx.project.contracts:
        return
    for item in stale_generated(ctx.project, lint_lineage(ctx)):
        node = ctx.project.node_by_name(item.model) if item.model else None
        yield Violation(item.position, item.message, node)


RULE = check
