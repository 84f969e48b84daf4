"""Delta Lake's write conflicts: recognised by name, retried a bounded number of times.

Delta commits optimistically: a writer whose table changed under it since it read
(another writer committed first) gets a conflict error, and nothing of its statement was
committed, so sending the same statement again is safe. Both writers of steward (the dbt
adapter `steward_spark` and the operations tables' store) retry such a statement at most
`retries()` times (STEWARD_CONFLICT_RETRIES, default 3; 0 turns retrying off) with a
growing, jittered pause, saying each time which conflict it was; then the error stands.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

CONFLICTS = (
    "DELTA_CONCURRENT_APPEND",
    "DELTA_CONCURRENT_DELETE_READ",
    "DELTA_CONCURRENT_DELETE_DELETE",
    "DELTA_CONCURRENT_TRANSACTION",
    "DELTA_CONCURRENT_WRITE",
    "DELTA_METADATA_CHANGED",
    "DELTA_PROTOCOL_CHANGED",
    "ConcurrentAppendException",
    "ConcurrentDeleteReadException",
    "ConcurrentDeleteDeleteException",
    "ConcurrentTransactionException",
    "MetadataChangedException",
    "ProtocolChangedException",
)
CREATE_RACES = (
    "DELTA_CREATE_TABLE_WITH_NON_EMPTY_LOCATION",
    "TABLE_OR_VIEW_ALREADY_EXISTS",
    "DELTA_TABLE_ALREADY_EXISTS",
    "SCHEMA_ALREADY_EXISTS",
    "AlreadyExistsException",
)
"""What a `CREATE ... IF NOT EXISTS` meets when another writer creates the same table at
the same moment (two teams' first builds in an environment both create the ops tables):
the other's files are there before its first commit, or its metastore entry appears
between the check and the create (Spark's or Delta's own "already exists", whichever
check it meets). Sent again, the statement finds the table and does
nothing."""
DEFAULT_RETRIES = 3


def delta_conflict(message: str) -> str | None:
    """The Delta conflict named in an error message, or None if it is not one."""
    return next((name for name in CONFLICTS if name in message), None)


def retries() -> int:
    try:
        return max(0, int(os.environ.get("STEWARD_CONFLICT_RETRIES", DEFAULT_RETRIES)))
    except ValueError:
        return DEFAULT_RETRIES


def pause(attempt: int) -> float:
    """Seconds to wait before retry `attempt` (1, 2, ...): 1, 2, 4 ... s, jittered."""
    return min(30.0, 2.0 ** (attempt - 1)) * (0.5 + random.random())


def create_race(message: str) -> str | None:
    """The concurrent-create error named in a message, or None (see CREATE_RACES)."""
    return next((name for name in CREATE_RACES if name in message), None)


def with_retries(
    action: Callable[[], T], what: str, say: Callable[[str], None], *, creates: bool = False
) -> T:
    """`action()`, sent again while it fails with a Delta conflict (at most `retries()`);
    with `creates` (an idempotent `CREATE ... IF NOT EXISTS`) also on a concurrent create."""
    attempt = 0
    while True:
        try:
            return action()
        except Exception as exc:
            conflict = delta_conflict(str(exc))
            race = create_race(str(exc)) if creates and conflict is None else None
            limit = retries()
            if (conflict is None and race is None) or attempt >= limit:
                raise
            attempt += 1
            wait = pause(attempt)
            if race is not None:
                say(
                    f"concurrent create ({race}) of {what}: another build created it at the "
                    f"same moment; retry {attempt} of {limit} in {wait:.1f} s"
                )
            else:
                say(
                    f"Delta write conflict ({conflict}) for {what}: another writer committed "
                    f"to the same table first; nothing of this statement was committed; retry "
                    f"{attempt} of {limit} in {wait:.1f} s"
                )
            time.sleep(wait)
