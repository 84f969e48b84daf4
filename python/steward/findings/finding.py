"""A finding: one rule broken at one place."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """`path` is relative to the project root; `line` and `column` are 1-based and point
    at the offending text in the source file (not in the rendered SQL)."""

    rule: str
    severity: str
    path: str
    line: int
    column: int
    model: str | None
    team: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def describe(self) -> str:
        """`path:line:column: RULE severity: message`, the line of the text output."""
        return f"{self.location}: {self.rule} {self.severity}: {self.message}"
