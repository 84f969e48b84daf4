"""The `steward_spark` adapter's pure parts (no Spark): reading a Delta table's CHECK
constraints from the `Table Properties` row of the `describe extended` dbt-spark makes
anyway (as Delta 4.4 prints it), and which statements keep the described columns."""

from __future__ import annotations

import pytest

from dbt.adapters.steward_spark.impl import _TEMPORARY_VIEW, _keeps_relations, table_constraints


def test_constraints_are_read_with_their_expressions_and_other_properties_are_not() -> None:
    properties = (
        "[delta.constraints.steward_country_1a2b3c4d=country is null or country in ( 'DE' , "
        "'FR' ),delta.constraints.steward_not_null=meter_id is not null and kwh is not null,"
        "delta.minReaderVersion=1,delta.minWriterVersion=3]"
    )
    assert table_constraints(properties) == {
        "steward_country_1a2b3c4d": "country is null or country in ( 'DE' , 'FR' )",
        "steward_not_null": "meter_id is not null and kwh is not null",
    }


def test_a_constraint_last_in_the_row_ends_at_the_bracket() -> None:
    assert table_constraints("[delta.minReaderVersion=1,delta.constraints.Kwh_Ok=kwh >= 0]") == {
        "kwh_ok": "kwh >= 0"
    }


def test_a_table_without_constraints_or_properties_has_none() -> None:
    assert table_constraints("[delta.minReaderVersion=1,delta.minWriterVersion=3]") == {}
    assert table_constraints("[]") == {}
    assert table_constraints(None) == {}


@pytest.mark.parametrize(
    ("sql", "keeps"),
    [
        ("select max(reading_date) from t", True),
        ("describe extended s.t", True),
        ("merge into s.t as DBT_INTERNAL_DEST using v on ...", True),
        ("insert into s.t select * from v", True),
        ("merge with schema evolution into s.t using v on ...", False),
        ("alter table s.t change column c comment 'x'", False),
        ("create or replace table s.t as select 1", False),
        ("create or replace temporary view t__dbt_tmp as select 1", False),
        ("drop table if exists s.t", False),
    ],
)
def test_only_reads_and_row_writes_keep_what_was_described(sql: str, keeps: bool) -> None:
    assert _keeps_relations(sql) is keeps


def test_a_temporary_view_is_its_own_thread_s_but_a_global_one_is_everyone_s() -> None:
    assert _TEMPORARY_VIEW.match("create or replace temporary view t__dbt_tmp as select 1")
    assert _TEMPORARY_VIEW.match("CREATE TEMP VIEW v AS SELECT 1")
    assert not _TEMPORARY_VIEW.match("create or replace global temporary view v as select 1")
    assert not _TEMPORARY_VIEW.match("create or replace view s.v as select 1")
