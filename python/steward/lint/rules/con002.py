"""CON002: the generated contract yml is stale."""

from __future__ import annotations

from collections.abc import Iterator

from steward.contracts.checks import lint_lineage
from steward.contracts.generate import generated_files, stale
from steward.graph import DependencyGraph
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
        A model that does not render or parse is SQL001 alone: whose consumer it is (and
        what depends on it) cannot be told, so it makes no consumer list stale.

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
    lineage = lint_lineage(ctx)
    files = generated_files(ctx.project, lineage)
    for item in stale(ctx.project, files, _unknown(ctx, lineage.graph)):
        node = ctx.project.node_by_name(item.model) if item.model else None
        yield Violation(item.position, item.message, node)


def _unknown(ctx: LintContext, graph: DependencyGraph) -> set[str]:
    """The nodes that do not render or parse (SQL001), and all that depend on them, by
    name: what they read cannot be told, so whose consumers they are is not checked."""
    broken = {
        uid
        for uid, facts in ctx.facts.items()
        if facts.rendered.problems or any(a.parse_errors for _, a in facts.body)
    }
    names = {ctx.project.nodes[uid].dbt_name for uid in broken if uid in ctx.project.nodes}
    for uid in broken & set(graph.nodes):
        names.update(graph.nodes[d].name for d in {uid, *graph.descendants(uid)})
    return names


RULE = check
