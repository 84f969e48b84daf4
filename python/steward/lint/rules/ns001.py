"""NS001: model name or folder off the `<layer>_<team>__<entity>` convention."""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext, parse_model_name
from steward.lint.rule import Violation, rule


@rule(
    "NS001",
    "name or folder does not follow <layer>_<team>__<entity> under models/<layer>/<team>/",
    needs_registry=True,
)
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Checks that every model is named `<layer>_<team>__<entity>` and lives in
        `models/<layer>/<team>/`, with name and folder agreeing.

    Why is this bad?
        The name and the folder are the namespace: `generate_schema_name` and
        `generate_alias_name` derive the relation `<layer>_<team>.<entity>` from them, the
        folder selects the team's build and carries its config. A model off the convention
        collides with other teams' tables or lands in the wrong schema.

    Example:
        ```text
        models/silver/platform/meters_clean.sql
        models/silver/platform/silver_electra__meters.sql
        ```

    Use instead:
        ```text
        models/silver/platform/silver_platform__meters_clean.sql
        models/silver/electra/silver_electra__meters.sql
        ```
    """
    for facts in ctx.models():
        node = facts.node
        folders = node.folders
        if len(folders) < 2:
            yield Violation(
                node.position,
                f"model `{node.name}` is not under models/<layer>/<team>/; move it to the "
                "folder of its layer and team",
                node,
            )
            continue
        expected = f"{folders[0]}_{folders[1]}"
        parsed = parse_model_name(node.name)
        if parsed is None:
            yield Violation(
                node.position,
                f"model name `{node.name}` does not follow <layer>_<team>__<entity>; in "
                f"models/{folders[0]}/{folders[1]}/ name it `{expected}__<entity>`",
                node,
            )
        elif f"{parsed.layer}_{parsed.team}" != expected:
            yield Violation(
                node.position,
                f"model `{node.name}` lives in models/{folders[0]}/{folders[1]}/: name and "
                f"folder disagree; name it `{expected}__{parsed.entity}` or move it to "
                f"models/{parsed.layer}/{parsed.team}/",
                node,
            )


RULE = check
