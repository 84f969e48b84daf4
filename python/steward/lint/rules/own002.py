"""OWN002: .github/CODEOWNERS is missing or does not match the registry."""

from __future__ import annotations

from collections.abc import Iterator

from steward.access.codeowners import CODEOWNERS_PATH, codeowners, stale_line
from steward.lint.context import LintContext
from steward.lint.rule import Violation, rule
from steward.project.model import Position


@rule("OWN002", ".github/CODEOWNERS is missing or stale", needs_registry=True)
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Compares the committed `.github/CODEOWNERS` with the one `steward codeowners`
        generates from `platform/teams.yml`: each team reviews its folders
        (`models/<layer>/<team>/`, `contracts/<team>/`, `platform/config/teams/<team>.yml`),
        the central team (the owner of the `ops` layer) everything else.

    Why is this bad?
        The registry says who owns what; CODEOWNERS is how GitHub asks them. When the two
        drift (a new team, a team that takes over a layer, a hand edit), a change to a
        team's Silver tables can merge without that team ever seeing it.

    Example:
        ```yaml
        # platform/teams.yml gains a team `grid_ops`, but .github/CODEOWNERS has no line
        # for models/silver/grid_ops/
        ```

    Use instead:
        ```sh
        steward codeowners        # regenerate, then commit .github/CODEOWNERS
        ```
    """
    expected = codeowners(ctx.project)
    committed = ctx.project.text(CODEOWNERS_PATH)
    line = stale_line(committed, expected)
    if line is None:
        return
    if committed is None:
        message = (
            f"{CODEOWNERS_PATH} is missing: without it no team is asked to review "
            "changes to its folders; run `steward codeowners` and commit the file"
        )
    else:
        message = (
            f"{CODEOWNERS_PATH} does not match platform/teams.yml from line {line} "
            "(edited by hand, or the registry changed); run `steward codeowners` and "
            "commit the file"
        )
    yield Violation(Position(CODEOWNERS_PATH, line, 1), message)


RULE = check
