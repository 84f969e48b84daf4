"""LAY001: a read against the layer direction."""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext, NodeFacts, Read
from steward.lint.rule import Violation, rule

ORDER = {"bronze": 0, "silver": 1, "gold": 2}


def _verdict(ctx: LintContext, facts: NodeFacts, read: Read) -> str | None:
    """Why `read` is against the layers, or None when it is allowed."""
    layer, team = facts.layer, facts.team
    if read.target is None:
        return None
    if read.target.startswith("source."):
        source_team = ctx.team_of(read.target)
        if layer != "bronze":
            return "sources are read only in bronze; read the team's bronze or silver model"
        if source_team is not None and source_team != team:
            return (
                f"bronze reads only its own team's sources; this source belongs to `{source_team}`"
            )
        return None
    target = ctx.facts.get(read.target)
    if target is None:
        return None
    if target.node.resource_type != "model":
        if target.node.resource_type == "seed" and target.team not in (None, team):
            return f"reads seed `{target.node.name}` of team `{target.team}`"
        return None
    target_layer, target_team = target.layer, target.team
    if target_layer == "ops":
        return "`ops` tables are the platform team's own; no model reads them"
    if target_layer not in ORDER or layer not in ORDER:
        return None
    if ORDER[target_layer] > ORDER[layer]:
        return f"{layer} may not read {target_layer}: reads never go upward"
    if layer == "bronze":
        if target_layer == "bronze" and target_team == team:
            return None
        return "bronze reads only its own team's sources"
    if layer == "silver":
        if target_layer == "bronze" and target_team != team:
            return (
                f"silver reads only its own team's bronze; `{target.node.name}` is "
                f"`{target_team}`'s (read their public silver instead)"
            )
        return None
    if target_layer == "bronze":
        return "gold reads silver and gold, never bronze"
    return None


@rule("LAY001", "a read against the layer direction", needs_registry=True, graph=True)
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Checks every read against the layer contract: bronze reads only its own team's
        sources; silver reads its own bronze and any public silver; gold reads public
        silver and gold, and its own gold. Reads never go upward, and `ops` is the
        platform team's own layer.

    Why is this bad?
        Layers are promises: bronze is raw, silver is conformed, gold is for consumers.
        A gold model on another team's bronze skips the conforming and the quality gates;
        a silver model reading gold creates a loop in the platform's build order.

    Example:
        ```sql
        -- models/gold/commercial_analytics/gold_commercial_analytics__bills.sql
        select * from {{ source('landing_platform', 'de_readings') }}
        ```

    Use instead:
        ```sql
        select * from {{ ref('silver_platform__readings') }}
        ```
    """
    for facts in ctx.models():
        if facts.layer == "ops" or facts.layer is None:
            continue
        for read in facts.reads:
            reason = _verdict(ctx, facts, read)
            if reason:
                how = read.ref.display if read.ref else f"`{read.relation.qualified}`"
                yield Violation(
                    read.position,
                    f"`{facts.node.name}` ({facts.layer}) reads {how}: {reason}",
                    facts.node,
                )


RULE = check
