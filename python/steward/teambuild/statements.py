"""The SQL statements a dbt invocation sends, as dbt reports them (its `SQLQuery` event).

`StatementLog` is a dbt callback (`invoke_dbt(..., callbacks=[log])`): every statement the
adapter sends, with the node it ran for (empty for dbt's own introspection between nodes).
`steward bench pipeline` counts a day's statements with it; the tests check what a model
asks of Spark (one window-start query per model and run, for instance)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from steward.sql.classify_text import strip_leading_comments


@dataclass(frozen=True)
class Statement:
    node: str  # the node's unique_id, or "" outside any node
    sql: str  # as sent, without the comments before it (dbt's query comment, macros' notes)

    @property
    def verb(self) -> str:
        """The statement's first keyword: select, merge, create, alter, describe ..."""
        words = self.sql.split(None, 1)
        return words[0].lower() if words else ""


@dataclass
class StatementLog:
    statements: list[Statement] = field(default_factory=list)

    def __call__(self, event: Any) -> None:
        if event.info.name != "SQLQuery":
            return
        node = getattr(getattr(event.data, "node_info", None), "unique_id", "") or ""
        self.statements.append(Statement(node, strip_leading_comments(event.data.sql)))

    def __len__(self) -> int:
        return len(self.statements)

    def of(self, node: str) -> list[Statement]:
        return [s for s in self.statements if s.node == node]

    def by_node(self) -> Counter[str]:
        return Counter(s.node for s in self.statements)
