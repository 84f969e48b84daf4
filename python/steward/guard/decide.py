"""The run-time decision on one piece of SQL: send it, or refuse it (rule WRT001).

`check(sql, policy, current_schema)` is pure: it reads `steward.sql.analyze` (which
fails closed) and the `WritePolicy`, and says whether every statement of `sql` stays
inside the running team's namespaces, which writes it makes (they carry commit metadata),
and what the connection's current schema is afterwards (`USE` is tracked so an
unqualified write is judged where it would land).
"""

from __future__ import annotations

from dataclasses import dataclass

from steward.guard.policy import (
    ALLOWED_SETTINGS,
    COMMIT_METADATA_KEY,
    SESSION_CATALOG,
    WritePolicy,
)
from steward.sql.analyze import Relation, Statement, Write, analyze, strip_leading_comments

RULE = "WRT001"
START_SCHEMA = "default"
"""A new Spark or Hive session starts in `default`."""
_NAMESPACE_OBJECTS = ("SCHEMA", "DATABASE", "NAMESPACE")


@dataclass(frozen=True)
class Refusal:
    statement: str
    reason: str
    advice: str
    target: str | None = None
    owner: str | None = None
    rule: str = RULE

    def message(self, policy: WritePolicy) -> str:
        who = f"team {policy.team}" if policy.team else "a run without a team (read-only)"
        return (
            f"steward refused a statement (rule {self.rule}) for {who}, environment "
            f"{policy.env}: `{self.statement}` {self.reason}. Nothing of it was sent to "
            f"Spark. Instead: {self.advice}"
        )


@dataclass(frozen=True)
class Verdict:
    refusal: Refusal | None
    writes: tuple[Write, ...] = ()
    """The persistent writes of an allowed statement (each gets commit metadata)."""
    current_schema: str | None = START_SCHEMA

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def first_line(sql: str, width: int = 100) -> str:
    """The first line of the statement itself (after dbt's query comment), shortened."""
    text = strip_leading_comments(sql)
    line = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
    return line if len(line) <= width else line[: width - 3] + "..."


def check(sql: str, policy: WritePolicy, current_schema: str | None = START_SCHEMA) -> Verdict:
    """Whether `sql` may be sent on a connection whose current schema is `current_schema`
    (None: unknown), for the team and environment of `policy`."""
    analysis = analyze(sql)
    writes: list[Write] = []
    refusals: list[tuple[int, Refusal]] = []
    schema = current_schema
    for statement in analysis.statements:
        refusal = _unknown(statement) or _settings(statement, policy)
        if refusal is not None:
            refusals.append((1, refusal))
        for write in statement.writes:
            if write.kind == "USE":
                schema = _used(write)
                continue
            denied = _write(write, statement, policy, schema)
            if denied is not None:
                refusals.append((0, denied))
            elif not write.temporary:
                writes.append(write)
    if refusals:
        # a refusal that names its target says more than "cannot be proven harmless"
        return Verdict(min(refusals, key=lambda r: r[0])[1], (), current_schema)
    return Verdict(None, tuple(writes), schema)


def _used(write: Write) -> str | None:
    target = write.target
    if write.object_type == "CATALOG" or target is None or not target.schema:
        return None
    return target.schema.lower()


def _unknown(statement: Statement) -> Refusal | None:
    if statement.unknown is None:
        return None
    reason = statement.unknown.reason
    if reason.startswith("dynamic SQL"):
        return Refusal(
            first_line(statement.text),
            f"is {reason}: the relation it writes cannot be known before it runs",
            "write the statement out with its target named (`{{ this }}`, a "
            "ref()), so it can be checked.",
        )
    return Refusal(
        first_line(statement.text),
        f"cannot be proven harmless ({reason})",
        "use a statement steward understands (INSERT, MERGE, CREATE, ALTER, "
        "DROP ... on a named table in your namespace), or ask the platform team.",
    )


def _settings(statement: Statement, policy: WritePolicy) -> Refusal | None:
    for key in statement.settings:
        if key in ALLOWED_SETTINGS:
            continue
        if key == COMMIT_METADATA_KEY:
            return Refusal(
                first_line(statement.text),
                f"sets `{key}`, the commit metadata that says who wrote each "
                "Delta version; steward sets it itself before every write",
                "remove the SET; the metadata names your team and model already.",
            )
        return Refusal(
            first_line(statement.text),
            f"sets `{key}`, which is not on the allow-list of settings "
            f"({', '.join(sorted(ALLOWED_SETTINGS))})",
            "remove the SET, or ask the platform team to review the key for "
            "steward.guard.policy.ALLOWED_SETTINGS.",
        )
    return None


def _write(
    write: Write, statement: Statement, policy: WritePolicy, schema: str | None
) -> Refusal | None:
    text = first_line(statement.text)
    what = write.kind if write.object_type in ("TABLE", "") else f"{write.kind} {write.object_type}"
    target = write.target
    if write.temporary:
        return None
    if target is not None and target.path is not None:
        return _path(text, what, target.path, policy, "writes by path to")
    if write.location is not None:
        denied = _path(text, what, write.location, policy, "puts the table's files at")
        if denied is not None:
            return denied
    if target is None:
        return Refusal(
            text,
            f"would {what} a target that cannot be named",
            "name the relation you write: `{{ this }}` or a ref().",
        )
    if target.catalog and target.catalog != SESSION_CATALOG:
        return Refusal(
            text,
            f"would {what} `{target.qualified}` in catalog "
            f"`{target.catalog}`; steward governs the session catalog only",
            "write to your own namespace in the session catalog.",
            target.qualified,
        )
    return _namespace(text, what, write, target, policy, schema)


def _namespace(
    text: str, what: str, write: Write, target: Relation, policy: WritePolicy, schema: str | None
) -> Refusal | None:
    if write.object_type in _NAMESPACE_OBJECTS:
        namespace: str | None = target.schema
        shown = namespace or ""
    elif target.schema:
        namespace = target.schema
        shown = f"{target.schema}.{target.name}"
    else:
        namespace = schema
        shown = f"{schema}.{target.name}" if schema else target.name
        if schema is None:
            return Refusal(
                text,
                f"would {what} `{target.name}`, which names no schema, on a "
                "connection whose current schema is unknown (after USE CATALOG)",
                "name the schema: write to `{{ this }}` or a ref().",
                target.name,
            )
    assert namespace is not None
    if policy.owns(namespace):
        return None
    owner = policy.owner(namespace)
    unqualified = (
        ""
        if target.schema or write.object_type in _NAMESPACE_OBJECTS
        else (f" (it names no schema, and the connection's current schema is `{namespace}`)")
    )
    if policy.team is None:
        return Refusal(
            text,
            f"would {what} `{shown}`{unqualified}, and no team is set, so the run is read-only",
            "run as your team: `steward build --team <team>`, or set "
            "STEWARD_TEAM=<team> (the profile's `team`) for plain dbt.",
            shown,
            owner.id if owner else None,
        )
    mine = ", ".join(policy.namespaces)
    if owner is not None and owner.id != policy.team:
        return Refusal(
            text,
            f"would {what} `{shown}`{unqualified}, in namespace `{namespace}` "
            f"owned by team {owner.id}; team {policy.team} writes only its own "
            f"namespaces ({mine})",
            f"ask {owner.reach()} for the change, or build what you need in your "
            "own namespace from their public model.",
            shown,
            owner.id,
        )
    where = "another environment's" if owner is not None else "a"
    return Refusal(
        text,
        f"would {what} `{shown}`{unqualified}, in {where} namespace "
        f"`{namespace}` that is not one of team {policy.team}'s ({mine})",
        "write only to your own namespaces; dbt derives them from the model's "
        "folder and the environment (don't set schema, alias or database).",
        shown,
        owner.id if owner else None,
    )


def _path(text: str, what: str, path: str, policy: WritePolicy, how: str) -> Refusal | None:
    if policy.path_allowed(path):
        return None
    if policy.storage_prefix and policy.team:
        why = f"outside team {policy.team}'s storage prefix `{policy.storage_prefix}`"
    else:
        why = "and no storage prefix is set for the team, so nothing may be written by path"
    return Refusal(
        text,
        f"{how} `{path}` ({what}), {why}; a write by path bypasses every namespace",
        "write to a table of your namespace and let the catalog place its files "
        "(no location_root, LOCATION or path).",
        path,
    )
