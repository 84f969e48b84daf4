"""PKG001: a package in packages.yml that is not installed."""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext
from steward.lint.rule import Violation, rule


@rule("PKG001", "a package in packages.yml that is not installed")
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Reports each package that `packages.yml` (or `dependencies.yml`) names but that is
        not installed in `dbt_packages/`, once, with the models, data tests and
        operations that use it and were therefore not checked. Those models and
        operations are not reported one by one (as SQL001), nor those tests or the
        package's config paths in `dbt_project.yml` (as YML001); everything that does not
        need the package is still checked.

    Why is this bad?
        A model that calls `dbt_utils.star` cannot be rendered without `dbt_utils`, so no
        rule can check it: the gate would pass blind, or drown the one cause in hundreds
        of findings.

    Example:
        ```yaml
        # packages.yml, and no dbt_packages/dbt_utils
        packages:
          - package: dbt-labs/dbt_utils
            version: 1.3.0
        ```

    Use instead:
        ```sh
        dbt deps   # then steward lint
        ```
    """
    for package in ctx.project.missing_packages:
        models: set[str] = set()
        tests = len(package.tests)
        for facts in ctx.facts.values():
            problems = facts.rendered.problems
            if any(ctx.project.missing_package_of(p.macro) is package for p in problems):
                if facts.node.resource_type == "test":
                    tests += 1
                else:
                    models.add(facts.node.name)
        operations = sum(
            1 for p in ctx.rendered.problems if ctx.project.missing_package_of(p.macro) is package
        )
        where = f"{package.position.path} line {package.position.line}"
        listed = f": {', '.join(sorted(models))}" if models else ""
        counts = [_count(len(models), "model"), _count(tests, "test")]
        if operations:
            counts.append(_count(operations, "operation"))
        counted = f"{', '.join(counts[:-1])} and {counts[-1]}"
        yield Violation(
            package.position,
            f"package {package.name} ({where}) is not installed: {counted} that use it were "
            f"not checked; run dbt deps{listed}",
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


RULE = check
