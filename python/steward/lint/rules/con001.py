"""CON001: a public model without a contract, or a contract without a model."""

from __future__ import annotations

from collections.abc import Iterator

from steward.contracts.checks import contract_problems
from steward.lint.context import LintContext
from steward.lint.rule import Violation, rule


@rule("CON001", "a public model without a contract, or a contract without a model")
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        In a project with a `contracts/` folder: every public model (`access: public`) has
        a data contract `contracts/<team>/<model>.yaml` (ODCS v3), every contract has its
        model, in the same team, and every contract is valid (the ODCS schema and what
        steward needs: a Spark type and a description per column, quality rules and SLA
        properties it can test). A versioned model has one contract per version
        (`<model>.v<N>.yaml`), exactly one of them `status: active`.

    Why is this bad?
        A public model is a data product other teams build on. Without a contract nothing
        states its schema, keys, quality and freshness, nothing enforces them on every
        build, and nobody notices when a change breaks a consumer. A contract without its
        model promises what nobody delivers.

    Example:
        ```yaml
        # models/silver/platform/_platform__models.yml
        models:
          - name: silver_platform__meters
            config: {access: public}     # no contracts/platform/silver_platform__meters.yaml
        ```

    Use instead:
        ```yaml
        # contracts/platform/silver_platform__meters.yaml
        apiVersion: v3.1.0
        kind: DataContract
        id: gridunion-silver-platform-meters
        version: 1.0.0
        schema:
          - name: silver_platform__meters
            properties:
              - {name: meter_id, logicalType: string, physicalType: string,
                 description: The meter's id., primaryKey: true}
        ```
        then `steward contracts generate`, which makes it public in the generated yml.
    """
    access = {
        uid: str(facts.rendered.config.get("access") or "protected")
        for uid, facts in ctx.facts.items()
        if facts.node.resource_type == "model"
    }
    for problem in contract_problems(ctx.project, access):
        node = ctx.project.node_by_name(problem.model) if problem.model else None
        yield Violation(problem.position, problem.message, node)


RULE = check
