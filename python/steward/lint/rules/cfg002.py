"""CFG002: the generated folder config of dbt_project.yml is stale."""

from __future__ import annotations

from collections.abc import Iterator

from steward.config.generate import DBT_PROJECT, stale
from steward.lint.context import LintContext
from steward.lint.rule import Violation, rule
from steward.project.model import Position


@rule("CFG002", "generated folder config is stale against the layered configuration")
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Generates, in memory, the `models:` section of `dbt_project.yml` from
        `platform/config/` (and the teams of `platform/teams.yml`), as
        `steward config generate` writes it between its two marker comments, and compares
        it with the committed file: missing, edited by hand, or not regenerated after a
        layer file changed.

    Why is this bad?
        dbt builds with what `dbt_project.yml` says, not with what `platform/config/`
        says: a stale section runs with old defaults while `steward config show` reports
        the new ones, and a hand edit there is a second place where the same setting is
        decided, which the next generation silently overwrites.

    Example:
        ```yaml
        # platform/config/teams/electra.yml gains `models: {silver: {lookback_days: 6}}`,
        # and dbt_project.yml is not regenerated
        ```

    Use instead:
        ```shell
        steward config generate        # and commit dbt_project.yml with the layer file
        ```
    """
    line = stale(ctx.project)
    if line is None:
        return
    yield Violation(
        Position(DBT_PROJECT, line, 1),
        f"the generated `models:` section of {DBT_PROJECT} is stale against platform/config/ "
        "from this line (edited by hand, or a layer file changed); run "
        "`steward config generate` and commit it",
    )


RULE = check
