"""The one small error hierarchy of steward.

A `UserError` is something the user can fix (bad input, bad usage, bad configuration).
The CLI prints it as one line and exits 2; it never shows a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class UserError(Exception):
    """Bad input, usage or configuration; `str()` is the one line shown to the user."""

    message: str
    path: Path | str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class EnvironmentProblem(UserError):
    """The machine lacks something steward needs (Java, the Delta jars, ...)."""
