"""YML001: an unknown or misspelled key in dbt yml or config."""

from __future__ import annotations

from collections.abc import Iterator

from steward.findings import WARNING
from steward.lint.context import LintContext
from steward.lint.rule import Violation, rule


@rule("YML001", "an unknown or misspelled key in dbt yml or config", severity=WARNING)
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Validates the keys of `dbt_project.yml`, the yml properties files, the registry
        and the exceptions file against the keys dbt (and steward) know, and checks that
        every data test named in yml exists. An unknown key is reported once per file and
        key, at its first line (the others named); a test or config path of a package
        that is not installed is part of that package's PKG001 finding.

    Why is this bad?
        dbt silently ignores what it does not know: a test written `relationship:` instead
        of `relationships:` never runs, and a config key with a typo never applies.

    Example:
        ```yaml
        columns:
          - name: meter_id
            data_tests:
              - relationship: {to: ref('silver_platform__meters'), field: meter_id}
        ```

    Use instead:
        ```yaml
              - relationships:
                  arguments: {to: ref('silver_platform__meters'), field: meter_id}
        ```
    """
    for issue in ctx.project.issues:
        node = ctx.project.node_by_name(issue.model) if issue.model else None
        yield Violation(issue.position, issue.message, node)


RULE = check
