"""CON002: the generated contract yml is stale."""

from __future__ import annotations

from collections.abc import Iterator

from steward.contracts.checks import stale_generated
from steward.lint.context import LintContext
from steward.lint.rule import Violation, rule


@rule("CON002", "generated contract yml is stale")
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Generates, in memory, the properties yml of every contracted model
        (`<model>.contract.yml` beside its SQL) from its contract and the model's config,
        and compares it with the committed file: missing, different, left behind by a
        removed contract, or a hand-written yml describing the model too. The file does
        not list the model's consumers (`steward contracts consumers` computes them), so
        another team starting to read the model never makes it stale.

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
    for item in stale_generated(ctx.project):
        node = ctx.project.node_by_name(item.model) if item.model else None
        yield Violation(item.position, item.message, node)


RULE = check
