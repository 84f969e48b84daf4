"""OWN001: owner missing, or the yml owner disagrees with the path and the registry."""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext
from steward.lint.locate import with_column
from steward.lint.rule import Violation, rule


@rule(
    "OWN001",
    "owner missing, or yml owner disagrees with the path and the registry",
    needs_registry=True,
)
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        The folder of a model names its owning team. Checks that every model has an owner
        (a folder naming a team of `platform/teams.yml`, else a `meta.owner` or a `group`),
        that a `meta.owner` set in yml is a registered team and agrees with the folder, and
        that the model's dbt `group` is its team's group.

    Why is this bad?
        When a table breaks, its consumers need to know who to call. An owner that
        disagrees with the folder means two sources of truth, and the wrong team is paged,
        charged and asked to approve changes.

    Example:
        ```yaml
        # models/silver/electra/_models.yml
        models:
          - name: silver_electra__readings
            config:
              meta: {owner: platform}
        ```

    Use instead:
        ```yaml
        models:
          - name: silver_electra__readings
            config:
              meta: {owner: electra}
              group: electra
        ```
    """
    for facts in ctx.models():
        node = facts.node
        config = facts.rendered.config
        meta = config.get("meta") or {}
        owner = meta.get("owner") if hasattr(meta, "get") else None
        group = config.get("group")
        origins = facts.rendered.config_origins
        path_team = facts.team if ctx.team(facts.team) is not None else None
        if path_team is None:
            if not owner and not group:
                position = node.properties.position if node.properties else node.position
                yield Violation(
                    position,
                    f"model `{node.name}` has no owner: its folder names no team of "
                    "platform/teams.yml and it sets no `meta.owner`; move it to "
                    "models/<layer>/<team>/",
                    node,
                )
            continue
        if owner:
            origin = origins.get("meta", node.position)
            position = with_column(origin, ctx.project.text(origin.path), "owner")
            if ctx.team(str(owner)) is None:
                yield Violation(
                    position,
                    f"owner `{owner}` of model `{node.name}` is not a team in "
                    f"platform/teams.yml; the folder says `{path_team}`",
                    node,
                )
            elif str(owner) != path_team:
                yield Violation(
                    position,
                    f"owner `{owner}` of model `{node.name}` disagrees with its folder "
                    f"models/{facts.layer}/{path_team}/; the owner is `{path_team}`",
                    node,
                )
        if group and str(group) != path_team:
            origin = origins.get("group", node.position)
            yield Violation(
                with_column(origin, ctx.project.text(origin.path), "group"),
                f"group `{group}` of model `{node.name}` is not its team's group `{path_team}`",
                node,
            )


RULE = check
