"""Judge a table's commit history: every version must carry steward's commit metadata,
written by the team that owns the table. Pure: commits in, findings out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from steward.guard.metadata import parse


@dataclass(frozen=True)
class Commit:
    table: str
    version: int
    timestamp: str
    operation: str
    user_metadata: str | None


@dataclass(frozen=True)
class AuditFinding:
    table: str
    version: int
    timestamp: str
    operation: str
    owner: str
    writer: str | None
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AuditReport:
    env: str
    findings: tuple[AuditFinding, ...]
    tables: int
    commits: int

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.as_dict() for f in self.findings],
            "summary": {
                "env": self.env,
                "tables": self.tables,
                "commits": self.commits,
                "findings": len(self.findings),
            },
        }


def judge(
    commits: Iterable[Commit],
    owners: Mapping[str, str],
    env: str,
    tables: Iterable[str] = (),
    since: str | None = None,
) -> AuditReport:
    """`owners` maps each governed schema to its team; a commit lacking steward's metadata,
    or written by another team, is a finding. `since` (`YYYY-MM-DD[ HH:MM:SS]`, UTC as
    DESCRIBE HISTORY shows it) leaves out older commits."""
    findings = []
    seen_tables = set(tables)
    count = 0
    for commit in commits:
        if since is not None and commit.timestamp < since:
            continue
        count += 1
        seen_tables.add(commit.table)
        owner = owners.get(commit.table.split(".", 1)[0], "")
        metadata = parse(commit.user_metadata)
        if metadata is None:
            problem = (
                "no steward commit metadata: written outside a guarded dbt run (a "
                "notebook, a bare SparkSession, a job, another tool)"
            )
            writer = None
        elif metadata.team != owner:
            problem = (
                f"written by team {metadata.team} ({metadata.node}, invocation "
                f"{metadata.invocation_id}), which does not own it"
            )
            writer = metadata.team
        else:
            continue
        findings.append(
            AuditFinding(
                commit.table,
                commit.version,
                commit.timestamp,
                commit.operation,
                owner,
                writer,
                problem,
            )
        )
    findings.sort(key=lambda f: (f.table, f.version))
    return AuditReport(env, tuple(findings), len(seen_tables), count)
