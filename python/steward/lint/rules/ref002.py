"""REF002: a reference to another team's model that is not public."""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext
from steward.lint.rule import Violation, rule


@rule(
    "REF002",
    "a reference to another team's model that is not public",
    needs_registry=True,
    graph=True,
)
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Finds reads (by `ref()` or by name) of another team's model whose `access` is not
        `public`.

    Why is this bad?
        Only public models are data products: they have a contract, an SLA and a
        deprecation process. A private model can change or vanish in any pull request of
        its team, breaking the reader without warning.

    Example:
        ```sql
        -- models/gold/commercial_analytics/gold_commercial_analytics__bills.sql
        select * from {{ ref('bronze_platform__readings') }}   -- private to platform
        ```

    Use instead:
        ```sql
        select * from {{ ref('silver_platform__readings') }}   -- public, with a contract
        ```
        or ask the owning team to publish the model (`access: public` and a contract).
    """
    for facts in ctx.facts.values():
        node = facts.node
        if node.resource_type not in ("model", "snapshot") or facts.team is None:
            continue
        for read in facts.reads:
            target = ctx.facts.get(read.target or "")
            if target is None or target.node.resource_type != "model":
                continue
            if target.team is None or target.team == facts.team:
                continue
            access = target.rendered.config.get("access") or "protected"
            if access == "public":
                continue
            how = read.ref.display if read.ref else f"`{read.relation.qualified}`"
            yield Violation(
                read.position,
                f"`{node.name}` reads {how}, a model of team `{target.team}` with access "
                f"`{access}`; only public models may be read across teams (ask "
                f"`{target.team}` to publish it)",
                node,
            )


RULE = check
