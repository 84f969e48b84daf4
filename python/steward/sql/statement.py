"""What `analyze` finds: the statements of some SQL, their reads, writes and unknowns."""

from __future__ import annotations

from dataclasses import dataclass

from steward.sql.relation import Relation


@dataclass(frozen=True)
class Write:
    """One write: `kind` is the statement (`INSERT OVERWRITE`, `MERGE`, `DROP` ...),
    `object_type` what it acts on (`TABLE`, `VIEW`, `SCHEMA`, `DIRECTORY` ...)."""

    kind: str
    target: Relation | None
    object_type: str = "TABLE"
    statement: int = 0
    temporary: bool = False
    location: str | None = None
    """Where the data goes when the statement names it: `LOCATION '...'`, `OPTIONS (path
    '...')`, `ALTER TABLE ... SET LOCATION '...'`."""

    @property
    def is_path(self) -> bool:
        return self.target is not None and self.target.path is not None


@dataclass(frozen=True)
class Unknown:
    """A statement that cannot be proven harmless, and why."""

    text: str
    reason: str
    statement: int = 0


@dataclass(frozen=True)
class Statement:
    index: int
    kind: str
    text: str
    reads: tuple[Relation, ...]
    writes: tuple[Write, ...]
    unknown: Unknown | None = None
    settings: tuple[str, ...] = ()
    """The configuration keys a `SET key = value` / `RESET key` assigns (`*` for a bare
    `RESET`; `variable:<name>` for `SET VAR`)."""


@dataclass(frozen=True)
class StatementAnalysis:
    statements: tuple[Statement, ...]
    parse_errors: tuple[str, ...] = ()

    @property
    def reads(self) -> tuple[Relation, ...]:
        return tuple(dict.fromkeys(r for s in self.statements for r in s.reads))

    @property
    def writes(self) -> tuple[Write, ...]:
        return tuple(w for s in self.statements for w in s.writes)

    @property
    def path_reads(self) -> tuple[Relation, ...]:
        return tuple(r for r in self.reads if r.path is not None)

    @property
    def path_writes(self) -> tuple[Write, ...]:
        return tuple(w for w in self.writes if w.is_path)

    @property
    def settings(self) -> tuple[str, ...]:
        return tuple(key for s in self.statements for key in s.settings)

    @property
    def unknown(self) -> tuple[Unknown, ...]:
        return tuple(s.unknown for s in self.statements if s.unknown is not None)

    @property
    def is_read_only(self) -> bool:
        return not self.writes and not self.unknown

    @property
    def is_single_query(self) -> bool:
        return len(self.statements) == 1 and self.statements[0].kind == "SELECT"
