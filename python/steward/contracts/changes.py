"""The changes found between two revisions of a contract, and the CON003 they make.

`breaking_changes` (base against head) and `head_problems` (the head alone) both report
in these terms, so `steward lint` and `steward contracts breaking` cannot drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from steward.contracts.consumers import Consumers
from steward.findings import ERROR, Finding
from steward.project.contracts import Contract
from steward.project.model import Position

BREAKING = (
    "column_removed",
    "column_renamed",
    "type_changed",
    "nullable",
    "key_changed",
    "sla_weakened",
    "not_produced",
    "sql_type_changed",
    "model_removed",
    "version_removed",
)


@dataclass(frozen=True)
class ContractChange:
    model: str
    version: int
    kind: str
    detail: str
    position: Position
    column: str | None = None

    @property
    def breaking(self) -> bool:
        return self.kind in BREAKING


@dataclass(frozen=True)
class Violation:
    """One CON003: breaking changes to one version of a model, and whom they break."""

    model: str
    version: int
    team: str | None
    message: str
    position: Position
    changes: tuple[ContractChange, ...]
    consumers: Consumers | None
    severity: str = ERROR

    def finding(self) -> Finding:
        return Finding(
            "CON003",
            self.severity,
            self.position.path,
            self.position.line,
            self.position.column,
            self.model,
            self.team,
            self.message,
        )


@dataclass(frozen=True)
class BreakingReport:
    base: str
    changes: tuple[ContractChange, ...]
    violations: tuple[Violation, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(v.finding() for v in self.violations)

    @property
    def breaking(self) -> bool:
        return any(v.severity == ERROR for v in self.violations)


def version_label(contract: Contract) -> str:
    return f"`{contract.model}`" + (f" v{contract.dbt_version}" if contract.dbt_version else "")


def details(changes: Sequence[ContractChange]) -> str:
    return "; ".join(c.detail for c in changes)
