"""CFG001: a locked configuration key overridden by a team or an environment."""

from __future__ import annotations

from collections.abc import Iterator

from steward.config.locks import lock_violations, node_lock_violations
from steward.lint.context import LintContext
from steward.lint.locate import with_column
from steward.lint.rule import Violation, rule


@rule("CFG001", "a locked configuration key overridden by a team or environment")
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Finds keys that `locked:` in `platform/config/defaults.yml` reserves to the
        platform, set in a team file (`platform/config/teams/<team>.yml`, also in its
        `environments:` section) or an environment file
        (`platform/config/environments/<env>.yml`), even to the locked value. A team file's
        `models.<key>` counts for every layer of the team's folders. A model that sets a
        locked dbt config (`file_format`, `incremental_strategy`, `on_schema_change`,
        `materialized`) to another value in its `config()` or yml is found too.

    Why is this bad?
        Some settings hold the platform together: every table is Delta (merges, time
        travel, the audit of who wrote what), other teams read Silver, so it merges on
        its key and a schema drift stops the run, Delta keeps 30 days of history, and
        every environment writes its own namespaces. A team that changes one of them
        for its own folders changes them for everyone who reads its tables. The resolved
        configuration keeps the locked value anyway, so the override would also lie
        about what runs; `steward build` refuses to run with it.

    Example:
        ```yaml
        # platform/config/teams/electra.yml
        models:
          silver:
            on_schema_change: append_new_columns
        ```

    Use instead:
        ```yaml
        # platform/config/teams/electra.yml: only what the team may decide
        models:
          silver:
            lookback_days: 6
        ```
        and ask the platform team to change `platform/config/defaults.yml` if the lock
        itself is wrong.
    """
    config = ctx.project.platform_config
    if config is None:
        return
    for found in lock_violations(config, ctx.project.registry):
        yield Violation(found.position, found.message, team=found.team)
    nodes = [
        (facts.node, facts.rendered.config, facts.rendered.config_origins) for facts in ctx.models()
    ]
    for found in node_lock_violations(config, nodes):
        text = ctx.project.text(found.position.path)
        position = with_column(found.position, text, found.key)
        yield Violation(position, found.message, found.node)


RULE = check
