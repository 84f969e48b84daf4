"""SQL001: a model or macro that does not render or parse."""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext
from steward.lint.locate import find_text, with_column
from steward.lint.rule import Violation, rule
from steward.project.model import Position
from steward.sql.analyze import parse_error_location


@rule("SQL001", "a model or macro that does not render or parse")
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Renders every model, snapshot, test, hook and macro as dbt would (both branches of
        `is_incremental()`) and parses the result as Spark SQL. A template that fails to
        render, a macro that cannot be resolved, a `ref`/`source` to nothing, or SQL that
        does not parse is reported at its line in the source file.

    Why is this bad?
        What cannot be rendered and parsed cannot be checked: every other rule is blind to
        it, and the failure shows up later, in a team's scheduled build.

    Example:
        ```sql
        select {{ dbt_utils.star(ref('silver_platform__meters')) }}  -- package not installed
        from {{ ref('silver_platform__meters') }}
        ```

    Use instead:
        ```sql
        select meter_id, region from {{ ref('silver_platform__meters') }}
        ```
        or install the package as a `local:` entry of `packages.yml`.
    """
    for facts in ctx.facts.values():
        node = facts.node
        for problem in facts.rendered.problems:
            position = problem.position
            if problem.macro:
                needle = problem.macro.split(" ")[0]
                position = with_column(position, ctx.project.text(position.path), needle)
            yield Violation(
                position,
                f"{node.resource_type} `{node.name}` does not render: {problem.message}",
                node,
            )
        for sql, analysis in facts.body:
            if not analysis.parse_errors and not analysis.unknown:
                continue
            located = parse_error_location(sql.sql)
            position = node.position
            if located is not None:
                line, _column, token = located
                found = find_text(node.raw_code, token, line) if token.strip() else None
                position = (
                    Position(node.path, *found)
                    if found
                    else Position(node.path, min(line, node.raw_code.count("\n") + 1))
                )
            reason = (
                analysis.parse_errors[0] if analysis.parse_errors else (analysis.unknown[0].reason)
            )
            branch = " (is_incremental() branch)" if sql.incremental else ""
            yield Violation(
                position,
                f"{node.resource_type} `{node.name}` does not parse as Spark SQL{branch}: {reason}",
                node,
            )
        for site in facts.writes:
            if site.unknown is not None and site.unknown.reason.startswith("does not parse"):
                yield Violation(
                    site.position,
                    f"{site.origin.kind} of `{node.name}` {site.unknown.reason}",
                    node,
                )
    for problem in ctx.rendered.problems:
        what = (
            "operation does not render"
            if problem.macro is not None
            else "macro file does not compile"
        )
        position = problem.position
        if problem.macro:
            position = with_column(
                position, ctx.project.text(position.path), problem.macro.split(" ")[0]
            )
        yield Violation(position, f"{what}: {problem.message}")
    for site in ctx.operations:
        if site.unknown is not None and site.unknown.reason.startswith("does not parse"):
            yield Violation(site.position, f"{site.origin.kind} hook {site.unknown.reason}")


RULE = check
