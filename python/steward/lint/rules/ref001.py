"""REF001: a relation named directly in SQL instead of `ref()` or `source()`."""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext, Read
from steward.lint.rule import Violation, rule
from steward.render.results import PLACEHOLDER


@rule("REF001", "a relation named directly in SQL instead of ref()/source()")
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Finds every relation a model, snapshot, hook or operation (a macro run with
        `dbt run-operation`) reads that did not come from `ref()` or `source()`: a
        hard-coded `schema.table`, an unqualified table name, or a path read such as
        ``delta.`/mnt/...` ``.

    Why is this bad?
        dbt only sees `ref()` and `source()`. A hard-coded name is invisible to the
        dependency graph, to impact analysis and to the build order; it always reads
        production, even from a dev build; and it breaks silently when the producer
        renames or versions the table.

    Example:
        ```sql
        select * from silver_platform.meters
        ```

    Use instead:
        ```sql
        select * from {{ ref('silver_platform__meters') }}
        ```
    """
    for facts in ctx.facts.values():
        node = facts.node
        if node.resource_type not in ("model", "snapshot"):
            continue
        for read in facts.reads:
            if read.ref is not None or PLACEHOLDER in read.relation.qualified:
                continue  # a placeholder stands for what a catalog query (reported) lists
            message = _message(ctx, read)
            where = "" if read.origin.kind == "model" else f" (in a {read.origin.kind})"
            yield Violation(
                read.position,
                f"{node.resource_type} `{node.name}`{where} {message}",
                node,
            )
    for read in ctx.operation_reads:
        path = read.origin.position.path
        subject = (
            f"operation in `{path}`"
            if read.origin.kind == "operation"
            else f"{read.origin.kind} hook"
        )
        yield Violation(
            read.position,
            f"{subject} {_message(ctx, read)}",
            None,
            ctx.operation_team(path),
        )


def _message(ctx: LintContext, read: Read) -> str:
    relation = read.relation
    if relation.path is not None:
        return (
            f"reads the path `{relation.schema}.`{relation.path}`` directly; "
            "declare it as a source and use source()"
        )
    if read.target is not None and read.target.startswith("source."):
        source = ctx.project.sources[read.target]
        return (
            f"names `{relation.qualified}` directly; use "
            f"{{{{ source('{source.source_name}', '{source.name}') }}}}"
        )
    if read.target is not None:
        target = ctx.facts[read.target].node
        return f"names `{relation.qualified}` directly; use {{{{ ref('{target.name}') }}}}"
    return (
        f"names relation `{relation.qualified}` directly; use ref() for a model or "
        "source() for a declared source"
    )


RULE = check
