"""`StatementLog`: the statements of a dbt invocation, from dbt's own events."""

from __future__ import annotations

from dbt.adapters.events.types import SQLQuery, SQLQueryStatus
from dbt_common.events.base_types import msg_from_base_event

from steward.teambuild.statements import StatementLog


def _query(sql: str, node: str | None) -> object:
    info = {"unique_id": node} if node else {}
    return msg_from_base_event(SQLQuery(conn_name="master", sql=sql, node_info=info))


def test_each_statement_is_kept_with_its_node_and_verb_after_leading_comments() -> None:
    log = StatementLog()
    log(_query('/* {"app": "dbt", "node_id": "m"} */\n\n  -- back compat\n  merge into a.b t', "m"))
    log(_query("select cast(max(d) as string) as window_start from a.b", "m"))
    log(msg_from_base_event(SQLQueryStatus(status="OK", elapsed=0.1)))  # not a statement
    log(_query("show table extended in a like '*'", None))  # dbt's own, between nodes

    assert len(log) == 3
    assert [s.verb for s in log.statements] == ["merge", "select", "show"]
    assert log.statements[0].sql == "merge into a.b t"
    assert log.by_node() == {"m": 2, "": 1}
    assert [s.verb for s in log.of("m")] == ["merge", "select"]
