"""NS002: unknown layer or team."""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext
from steward.lint.rule import Violation, rule


@rule("NS002", "unknown layer or team (not in the registry)", needs_registry=True)
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Checks that the layer and team of each model's folder are known: the layer is one
        of the platform's layers, the team is in `platform/teams.yml`, and the team lists
        that layer among the layers it owns.

    Why is this bad?
        A team that is not in the registry has no owner, contact or cost centre; a team
        building in a layer it does not own (an analytics team writing Silver) breaks the
        layer contract everybody else relies on.

    Example:
        ```text
        models/silver/commercial_analytics/silver_commercial_analytics__tariffs.sql
        models/platinum/platform/platinum_platform__x.sql
        ```

    Use instead:
        ```text
        models/gold/commercial_analytics/gold_commercial_analytics__tariffs.sql
        ```
        or add the layer to the team's `layers:` in `platform/teams.yml` after review.
    """
    for facts in ctx.models():
        node = facts.node
        if facts.layer is None or facts.team is None:
            continue
        team = ctx.team(facts.team)
        if facts.layer not in ctx.layers:
            known = ", ".join(sorted(ctx.layers))
            yield Violation(
                node.position,
                f"unknown layer `{facts.layer}` (known layers: {known})",
                node,
            )
        elif team is None:
            yield Violation(
                node.position,
                f"unknown team `{facts.team}`: not in platform/teams.yml",
                node,
            )
        elif facts.layer not in team.layers:
            yield Violation(
                node.position,
                f"team `{team.id}` does not own layer `{facts.layer}` (its layers: "
                f"{', '.join(team.layers) or 'none'}); see platform/teams.yml",
                node,
            )


RULE = check
