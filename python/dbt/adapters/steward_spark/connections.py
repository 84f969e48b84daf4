"""The guarded connection manager and the credentials of `type: steward_spark`.

`add_query` is the one place every statement dbt sends passes through (materializations,
hooks, on-run-start/end, run_query and statement blocks, run-operation, seeds,
snapshots, tests storing failures, grants, introspection). Each is checked by
`steward.guard.check` before it is sent; a refused statement raises a `DbtRuntimeError`
and never reaches Spark. Before a write, the connection's Delta commit metadata is set
(team, node, invocation, git sha), on the same connection. A write that loses a Delta
write conflict to another writer (Delta aborted it: nothing of it was committed) is sent
again, at most STEWARD_CONFLICT_RETRIES times (default 3) with a growing pause, each retry
logged with the conflict's name; then it fails with that name.

Per connection the guard tracks the current schema (`USE`) and the metadata last set,
so the session state must really be per connection: on the thrift method each connection
is its own Hive session; on the session method each gets its own SparkSession
(`session.py`).

One invocation may build several teams (`steward build --all` on the session method):
STEWARD_BUILD_TEAMS then names the file of every node's team (`steward.guard.teams`), each
statement is judged by the policy of the team of the node that sends it, and that team
(with its Spark settings) is set on the connection's own SparkSession before the statement
runs, for the engine guard and the commit metadata. A statement no node sends may do what
one of the build's teams may do.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dbt.adapters.contracts.connection import Connection, ConnectionState
from dbt.adapters.events.logging import AdapterLogger
from dbt.adapters.exceptions import FailedToConnectError
from dbt.adapters.spark.connections import (
    SparkConnectionManager,
    SparkConnectionMethod,
    SparkCredentials,
)
from dbt_common.events.contextvars import get_node_info
from dbt_common.exceptions import DbtConfigError, DbtRuntimeError

from steward.errors import UserError
from steward.guard import CommitMetadata, Verdict, WritePolicy, check, git_sha
from steward.guard import teams as build_teams
from steward.guard.decide import START_SCHEMA
from steward.guard.policy import COMMIT_METADATA_KEY
from steward.lakehouse.conflicts import delta_conflict
from steward.lakehouse.conflicts import pause as conflict_pause
from steward.lakehouse.conflicts import retries as conflict_retries
from steward.project.model import Registry
from steward.project.registry import read_registry

logger = AdapterLogger("steward_spark")


@dataclass
class StewardSparkCredentials(SparkCredentials):
    team: str | None = None
    """The running team; default STEWARD_TEAM. None: the run is read-only."""
    storage_prefix: str | None = None
    """Where the team may write by path (LOCATION, delta.`...`); none: nowhere."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.team = (self.team or os.environ.get("STEWARD_TEAM") or "").strip() or None
        self.storage_prefix = (self.storage_prefix or "").strip() or None

    @property
    def type(self) -> str:
        return "steward_spark"

    # `team` and `storage_prefix` are deliberately not connection keys: dbt hashes those
    # into its partial-parse check, so each team's build would re-parse the whole project
    # (a day's six team builds parsed it six times). No model's SQL depends on them; the
    # guard reads them from the credentials, and `steward build` prints the team.


TEAM_SETTING = "spark.steward.team"
"""What the engine guard (jvm/steward-guard) reads a session's team from, per statement."""


@dataclass
class _ConnectionState:
    schema: str | None = START_SCHEMA
    metadata: str | None = None
    team: str | None = None
    """The team last set on the connection's session (several-team invocations only)."""


_UNREAD = object()


class StewardSparkConnectionManager(SparkConnectionManager):
    TYPE = "steward_spark"

    def __init__(self, profile: Any, mp_context: Any) -> None:
        super().__init__(profile, mp_context)
        self._states: weakref.WeakKeyDictionary[Any, _ConnectionState] = weakref.WeakKeyDictionary()
        self._states_lock = threading.Lock()
        self._policy: WritePolicy | None = None
        self._build: Any = _UNREAD
        self._team_policies: dict[str, WritePolicy] = {}
        self._registry: Registry | None = None

    # ---- the policy of this run --------------------------------------------------------
    @property
    def project_root(self) -> Path | None:
        root = getattr(self.profile, "project_root", None)
        return Path(root) if root else None

    def policy(self) -> WritePolicy:
        if self._policy is None:
            credentials: StewardSparkCredentials = self.profile.credentials  # type: ignore[assignment]
            root = self.project_root
            try:
                registry = read_registry(root)[0] if root is not None else None
                self._registry = registry
                self._policy = WritePolicy.for_team(
                    credentials.team,
                    str(credentials.schema),
                    registry,
                    credentials.storage_prefix,
                )
            except UserError as exc:
                raise DbtConfigError(f"steward_spark: {exc}") from None
        return self._policy

    def build_teams(self) -> build_teams.BuildTeams | None:
        """The teams of a several-team invocation (STEWARD_BUILD_TEAMS), read once."""
        if self._build is _UNREAD:
            credentials: StewardSparkCredentials = self.profile.credentials  # type: ignore[assignment]
            try:
                build = build_teams.from_environment()
            except UserError as exc:
                raise DbtConfigError(f"steward_spark: {exc}") from None
            if build is not None and credentials.team is not None:
                raise DbtConfigError(
                    f"steward_spark: both STEWARD_TEAM ({credentials.team}) and "
                    f"{build_teams.ENV_VAR} are set: a build is one team's or every node's "
                    "own team's; unset one of them"
                )
            if build is not None and credentials.method != SparkConnectionMethod.SESSION:
                raise DbtConfigError(
                    f"steward_spark: {build_teams.ENV_VAR} (one invocation for several teams) "
                    "needs the session method: on a shared server the engine guard takes a "
                    "session's team from its user, so each team builds in its own invocation"
                )
            self._build = build
        return self._build  # type: ignore[no-any-return]

    def _team_policy(self, team: str) -> WritePolicy:
        policy = self._team_policies.get(team)
        if policy is None:
            base = self.policy()
            try:
                policy = WritePolicy.for_team(team, base.env, self._registry, base.storage_prefix)
            except UserError as exc:
                raise DbtConfigError(f"steward_spark: {exc}") from None
            self._team_policies[team] = policy
        return policy

    def _judge(self, sql: str, node: str | None, schema: str | None) -> tuple[Verdict, WritePolicy]:
        """The verdict on `sql` and the policy that gave it: the running team's; in a
        several-team invocation the node's team's, or for a statement no node sends the
        first of the build's teams that may send it (else the first team's refusal)."""
        build = self.build_teams()
        if build is None:
            policy = self.policy()
            return check(sql, policy, schema), policy
        team = build.team_of(node)
        candidates = [team] if team is not None else list(build.teams)
        first: tuple[Verdict, WritePolicy] | None = None
        for name in candidates:
            policy = self._team_policy(name)
            verdict = check(sql, policy, schema)
            if verdict.refusal is None:
                return verdict, policy
            first = first or (verdict, policy)
        assert first is not None  # a build has at least one team
        return first

    def _use_team(self, connection: Connection, state: _ConnectionState, team: str | None) -> None:
        """Set `team` and its settings on the connection's SparkSession, where a
        several-team invocation changes team between nodes."""
        build = self.build_teams()
        if build is None or state.team == team:
            return
        from dbt.adapters.steward_spark.session import IsolatedSession

        session = getattr(connection.handle, "handle", None)
        if not isinstance(session, IsolatedSession):  # checked in build_teams(): unreachable
            raise DbtRuntimeError("steward_spark: several teams need the session method")
        session.spark.conf.set(TEAM_SETTING, team or "")
        for key, value in build.settings.get(team or "", {}).items():
            session.spark.conf.set(key, value)
        state.team = team

    def _state(self, handle: Any) -> _ConnectionState:
        with self._states_lock:
            state = self._states.get(handle)
            if state is None:
                state = self._states[handle] = _ConnectionState()
            return state

    # ---- the choke point -----------------------------------------------------------------
    def add_query(
        self,
        sql: str,
        auto_begin: bool = True,
        bindings: Any | None = None,
        abridge_sql_log: bool = False,
        retryable_exceptions: tuple[type[Exception], ...] = (),
        retry_limit: int = 1,
    ) -> tuple[Connection, Any]:
        connection = self.get_thread_connection()
        state = self._state(connection.handle)
        node = (get_node_info() or {}).get("unique_id")
        # seeds send `insert ... values (%s, ...)` with bindings; judge the statement shape
        judged = sql.replace("%s", "null") if bindings else sql
        verdict, policy = self._judge(judged, node, state.schema)
        if verdict.refusal is not None:
            message = verdict.refusal.message(policy)
            logger.debug(f"steward_spark refused:\n{sql}")
            raise DbtRuntimeError(message)
        self._use_team(connection, state, policy.team)
        if verdict.writes:
            self._set_commit_metadata(connection, state, policy, node)
        attempt = 0
        while True:
            try:
                result = super().add_query(
                    sql, auto_begin, bindings, abridge_sql_log, retryable_exceptions, retry_limit
                )
                break
            except DbtRuntimeError as exc:
                conflict = delta_conflict(str(exc))
                if conflict is None or not verdict.writes:
                    raise
                attempt += 1
                limit = conflict_retries()
                if attempt > limit:
                    raise DbtRuntimeError(
                        f"steward_spark: Delta write conflict ({conflict}) still there after "
                        f"{limit} retries; another writer keeps changing the same table. "
                        f"Last error: {exc}"
                    ) from exc
                node = (get_node_info() or {}).get("unique_id") or connection.name
                wait = conflict_pause(attempt)
                logger.warning(
                    f"steward_spark: Delta write conflict ({conflict}) for {node}: another "
                    f"writer committed to the same table first; nothing of this statement "
                    f"was committed; retry {attempt} of {limit} in {wait:.1f} s"
                )
                time.sleep(wait)
        state.schema = verdict.current_schema
        return result

    def _set_commit_metadata(
        self,
        connection: Connection,
        state: _ConnectionState,
        policy: WritePolicy,
        node: str | None,
    ) -> None:
        metadata = CommitMetadata(
            team=policy.team or "",
            node=str(node or connection.name or "unknown"),
            invocation_id=_invocation_id(),
            git_sha=git_sha(self.project_root),
            env=policy.env,
        )
        text = metadata.to_json()
        if state.metadata == text:
            return
        from dbt.adapters.steward_spark.session import IsolatedSession

        session = getattr(connection.handle, "handle", None)
        if isinstance(session, IsolatedSession):
            # the embedded session's own configuration, set directly: the same setting as
            # the SET below, without a statement for Spark to parse and plan
            session.spark.conf.set(COMMIT_METADATA_KEY, text)
        else:
            super().add_query(metadata.set_statement(), auto_begin=False)
        state.metadata = text

    # ---- connections ---------------------------------------------------------------------
    @classmethod
    def open(cls, connection: Connection) -> Connection:
        if connection.state == ConnectionState.OPEN:
            return connection
        credentials = connection.credentials
        if credentials.method != SparkConnectionMethod.SESSION:
            return super().open(connection)
        from dbt.adapters.spark.session import SessionConnectionWrapper

        from dbt.adapters.steward_spark.session import IsolatedSession

        try:
            session = IsolatedSession(credentials.server_side_parameters)
        except Exception as exc:
            raise FailedToConnectError(f"failed to connect: {type(exc).__name__}: {exc}") from exc
        handle = SessionConnectionWrapper(session)  # type: ignore[arg-type]
        connection.handle = handle
        connection.state = ConnectionState.OPEN
        return connection


def _invocation_id() -> str:
    try:
        from dbt_common.invocation import get_invocation_id

        return str(get_invocation_id())
    except Exception:
        return "unknown"
