"""EXC001: an expired, unused or undated exception (produced by `steward.lint.exceptions`)."""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext
from steward.lint.rule import Violation, rule


@rule("EXC001", "an exception in platform/exceptions.yml that is expired, unused or undated")
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Reviews `platform/exceptions.yml`: every entry names a rule, a model glob, a
        reason, an owner and an expiry date. An entry past its date stops suppressing and
        is an error; an entry that matches no finding is a warning (remove it).

    Why is this bad?
        An exception is a debt with a name on it. Without a date it becomes permanent; an
        unused one hides the next real violation on the same model.

    Example:
        ```yaml
        exceptions:
          - rule: REF001
            model: gold_commercial_analytics__*
            reason: legacy billing extract
            owner: commercial_analytics
        ```

    Use instead:
        ```yaml
          - rule: REF001
            model: gold_commercial_analytics__legacy_bills
            reason: legacy billing extract, replaced by the silver tariff model (PR 412)
            owner: commercial_analytics
            expires: 2027-03-31
        ```
    """
    return iter(())


RULE = check
