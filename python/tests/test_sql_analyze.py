"""`steward.sql.analyze`: reads and writes of Spark SQL, failing closed."""

from __future__ import annotations

import pytest

from steward.sql import analyze


def writes(sql: str) -> list[tuple[str, str, str]]:
    return [(w.kind, w.object_type, str(w.target)) for w in analyze(sql).writes]


def test_reads_are_cte_aware_with_subqueries_and_set_operations() -> None:
    result = analyze(
        "with a as (select * from s.t), b as (select * from a) "
        "select * from b join (select * from s.u) x on 1 = 1 "
        "union all select * from s.v where id in (select id from s.w)"
    )
    assert sorted(r.qualified for r in result.reads) == ["s.t", "s.u", "s.v", "s.w"]
    assert result.is_read_only


def test_path_reads() -> None:
    result = analyze("select * from delta.`/mnt/raw/de` join parquet.`s3://b/k` on 1 = 1")
    assert [r.path for r in result.path_reads] == ["/mnt/raw/de", "s3://b/k"]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("insert into a.b select * from c.d", [("INSERT", "TABLE", "a.b")]),
        ("insert overwrite table a.b select 1", [("INSERT OVERWRITE", "TABLE", "a.b")]),
        (
            "merge into a.b t using c.d s on t.id = s.id when matched then update set *",
            [("MERGE", "TABLE", "a.b")],
        ),
        ("create table a.b as select 1", [("CREATE", "TABLE", "a.b")]),
        ("create or replace view a.v as select 1", [("CREATE OR REPLACE", "VIEW", "a.v")]),
        ("drop table if exists a.b", [("DROP", "TABLE", "a.b")]),
        (
            "alter table a.b rename to c.d",
            [("ALTER", "TABLE", "a.b"), ("ALTER RENAME", "TABLE", "c.d")],
        ),
        ("truncate table a.b", [("TRUNCATE", "TABLE", "a.b")]),
        ("delete from a.b where x = 1", [("DELETE", "TABLE", "a.b")]),
        ("update a.b set x = 1", [("UPDATE", "TABLE", "a.b")]),
        ("grant select on table a.b to `x`", [("GRANT", "TABLE", "a.b")]),
        ("revoke select on table a.b from `x`", [("REVOKE", "TABLE", "a.b")]),
        ("use silver_x", [("USE", "SCHEMA", "silver_x")]),
        ("create schema if not exists foo", [("CREATE", "SCHEMA", "foo")]),
        ("optimize a.b zorder by (x)", [("OPTIMIZE", "TABLE", "a.b")]),
        ("vacuum `a`.`b` retain 168 hours", [("VACUUM", "TABLE", "a.b")]),
        ("restore table a.b to version as of 3", [("RESTORE", "TABLE", "a.b")]),
        (
            "insert overwrite directory '/x' using delta select 1",
            [("INSERT OVERWRITE DIRECTORY", "DIRECTORY", "/x")],
        ),
        ("delete from delta.`/p` where 1 = 1", [("DELETE", "TABLE", "/p")]),
    ],
)
def test_writes(sql: str, expected: list[tuple[str, str, str]]) -> None:
    assert writes(sql) == expected


def test_several_statements_in_one_string() -> None:
    result = analyze("select 1; insert into a.b select * from c.d; vacuum a.b")
    assert [s.kind for s in result.statements] == ["SELECT", "INSERT", "VACUUM"]
    assert [r.qualified for r in result.reads] == ["c.d"]


def test_semicolon_in_a_string_does_not_split() -> None:
    assert len(analyze("select ';' as x from a.b").statements) == 1


@pytest.mark.parametrize(
    "sql", ["execute immediate 'drop table a.b'", "frobnicate a.b", "add jar /tmp/x.jar"]
)
def test_fails_closed(sql: str) -> None:
    result = analyze(sql)
    assert result.unknown
    assert not result.is_read_only


def test_temporary_view_is_marked() -> None:
    (write,) = analyze("create or replace temporary view v as select * from a.b").writes
    assert write.temporary


def test_harmless_commands() -> None:
    for sql in (
        "set spark.sql.shuffle.partitions = 4",
        "show tables",
        "describe a.b",
        "refresh table a.b",
        "cache table a.b",
    ):
        assert analyze(sql).is_read_only, sql


def test_unparsable_sql_reports_a_parse_error() -> None:
    result = analyze("select a, from where (")
    assert result.parse_errors
    assert result.unknown
