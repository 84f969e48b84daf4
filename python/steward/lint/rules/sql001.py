"""SQL001: a model or macro that does not render or parse."""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext, NodeFacts
from steward.lint.locate import source_position, with_column
from steward.lint.rule import Violation, rule
from steward.project.model import Position
from steward.sql import dialect
from steward.sql.problems import first_problem


@rule("SQL001", "a model or macro that does not render or parse")
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Renders every model, snapshot, test, hook and macro as dbt would (both branches of
        `is_incremental()`) and parses the result as Spark SQL. A template that fails to
        render, a macro that cannot be resolved, a `ref`/`source` to nothing, or SQL that
        does not parse is reported at its line and column in the source file (the
        rendered SQL is mapped back to the template). So is what sqlglot lets pass but
        Spark rejects: a `(` never closed, a stray `)`, an empty list item (`a,, b`).

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
            if ctx.project.missing_package_of(problem.macro) is not None:
                continue  # one PKG001 finding for the package
            position = problem.position
            if problem.macro:
                needle = problem.macro.split(" ")[0]
                position = with_column(position, ctx.project.text(position.path), needle)
            yield Violation(
                position,
                f"{node.resource_type} `{node.name}` does not render: {problem.message}",
                node,
            )
        yield from _body_problems(facts)
        for site in facts.writes:
            if site.unknown is not None and site.unknown.reason.startswith("does not parse"):
                yield Violation(
                    site.position,
                    f"{site.origin.kind} of `{node.name}` {site.unknown.reason}",
                    node,
                )
    for problem in ctx.rendered.problems:
        if ctx.project.missing_package_of(problem.macro) is not None:
            continue  # counted in the package's PKG001 finding
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


def _body_problems(facts: NodeFacts) -> Iterator[Violation]:
    """What is wrong with the node's SQL, once per place in its file: sqlglot's parse
    error, or a `(` that is never closed, a stray `)`, an empty list item (which sqlglot
    accepts and Spark does not), mapped from the rendered SQL back to the template."""
    node = facts.node
    reported: set[Position] = set()
    for sql, analysis in facts.body:
        problem = first_problem(sql.sql, parses=not analysis.parse_errors)
        if problem is None:
            if not analysis.unknown:
                continue
            position, reason = node.position, analysis.unknown[0].reason
        else:
            line, column = source_position(node.raw_code, sql.sql, problem.offset, problem.token)
            position, reason = Position(node.path, line, column), problem.message
        if position in reported:
            continue
        reported.add(position)
        branch = " (is_incremental() branch)" if sql.incremental else ""
        yield Violation(
            position,
            f"{node.resource_type} `{node.name}` does not parse as {dialect.display()}{branch}: {reason}",
            node,
        )


RULE = check
