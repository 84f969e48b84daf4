"""`steward.render`: dbt Jinja to Spark SQL, both is_incremental() branches, safely."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.project import load_project
from steward.render import Target, render_project
from tests.rulecases import write_project

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def rendered():  # type: ignore[no-untyped-def]
    return render_project(load_project(FIXTURES / "gridlite"))


def test_relations_come_from_the_project_namespace_macros(rendered) -> None:  # type: ignore[no-untyped-def]
    relations = {n.node.name: n.relation_name for n in rendered.nodes.values()}
    assert relations["silver_platform__readings"] == "silver_platform.readings"
    assert relations["gold_commercial_analytics__daily_consumption"] == (
        "gold_commercial_analytics.daily_consumption"
    )


def test_dev_target_prefixes_the_schema() -> None:
    rendered = render_project(load_project(FIXTURES / "gridlite"), Target(name="dev"))
    node = next(n for n in rendered.nodes.values() if n.node.name == "silver_platform__meters")
    assert node.relation_name == "dev_silver_platform.meters"


def test_both_branches_of_is_incremental(rendered) -> None:  # type: ignore[no-untyped-def]
    node = rendered.nodes["model.gridlite.silver_platform__readings"]
    full, incremental = node.sql
    assert not full.incremental and incremental.incremental
    assert "from silver_platform.readings" not in full.sql
    assert "(select max(read_at) from silver_platform.readings)" in incremental.sql
    assert "date_sub(current_date(), 3)" in full.sql


def test_package_macros_vars_and_hooks(rendered) -> None:  # type: ignore[no-untyped-def]
    bronze = rendered.nodes["model.gridlite.bronze_platform__readings"]
    assert "(value_wh * 15 / 60.0)" in bronze.sql[0].sql
    assert "local_packages/grid_utils/macros/kwh.sql" in bronze.macros
    meters = rendered.nodes["model.gridlite.silver_platform__meters"]
    assert "in ('DE', 'LU')" in meters.sql[0].sql
    (hook,) = meters.statements
    assert (hook.kind, hook.sql) == ("post-hook", "optimize silver_platform.meters")


def test_ref_positions_are_in_the_source(rendered) -> None:  # type: ignore[no-untyped-def]
    node = rendered.nodes["model.gridlite.silver_platform__readings"]
    lines = {ref.args[-1]: ref.position.line for ref in node.refs}
    assert lines == {"bronze_platform__readings": 10, "silver_platform__meters": 15}


def test_operations(rendered) -> None:  # type: ignore[no-untyped-def]
    assert [o.kind for o in rendered.operations] == ["on-run-start", "on-run-end"]


def test_run_query_statement_and_adapter_execute_are_recorded(tmp_path: Path) -> None:
    files = {
        "macros/ops.sql": (
            "{% macro audit() %}\n"
            "  {% call statement('a', fetch_result=True) %}insert into ops_platform.audit "
            "select 1{% endcall %}\n"
            "  {% do adapter.execute('delete from ops_platform.audit where 1 = 0') %}\n"
            "  {% set rows = run_query('select max(x) from ops_platform.audit') %}\n"
            "  {{ return(rows.columns[0].values() | length) }}\n"
            "{% endmacro %}\n"
        ),
        "models/ops/platform/ops_platform__run_log.sql": "select {{ audit() }} as n\n",
    }
    project = load_project(write_project(tmp_path, files))
    node = render_project(project).nodes["model.case.ops_platform__run_log"]
    assert node.sql[0].sql == "select 0 as n"
    recorded = [(s.kind, s.position.path, s.position.line) for s in node.statements]
    assert recorded == [
        ("statement", "macros/ops.sql", 2),
        ("adapter.execute", "macros/ops.sql", 3),
        ("run_query", "macros/ops.sql", 4),
    ]


def test_builtins_override_of_ref(tmp_path: Path) -> None:
    files = {
        "macros/ref.sql": ("{% macro ref(name) %}{{ return(builtins.ref(name)) }}{% endmacro %}\n"),
    }
    rendered = render_project(load_project(write_project(tmp_path, files)))
    node = rendered.nodes["model.case.silver_platform__readings"]
    assert node.sql[0].sql == "select * from bronze_platform.readings"
    assert node.refs[0].target == "model.case.bronze_platform__readings"


def test_dynamic_config_is_captured(tmp_path: Path) -> None:
    files = {
        "models/silver/platform/silver_platform__readings.sql": (
            "{% set kind = 'incre' ~ 'mental' %}\n{{ config(materialized=kind) }}\n"
            "select * from {{ ref('bronze_platform__readings') }}\n"
            "{% if is_incremental() %}where x > 1{% endif %}\n"
        ),
    }
    rendered = render_project(load_project(write_project(tmp_path, files)))
    node = rendered.nodes["model.case.silver_platform__readings"]
    assert node.config["materialized"] == "incremental"
    assert node.config_origins["materialized"].line == 2
    assert len(node.sql) == 2


def test_unresolved_macro_never_crashes(tmp_path: Path) -> None:
    files = {
        "models/silver/platform/silver_platform__readings.sql": "select {{ codegen.thing() }} from {{ ref('bronze_platform__readings') }}\n"
    }
    rendered = render_project(load_project(write_project(tmp_path, files)))
    node = rendered.nodes["model.case.silver_platform__readings"]
    assert node.sql == ()
    assert node.problems[0].macro == "codegen.thing"


def test_return_from_a_sibling_macro_of_the_same_file(tmp_path: Path) -> None:
    files = {
        "macros/names.sql": (
            "{% macro layers() %}{{ return(['bronze', 'silver']) }}{% endmacro %}\n"
            "{% macro first_layer() %}{{ return(layers()[0]) }}{% endmacro %}\n"
        ),
        "models/silver/platform/silver_platform__readings.sql": "select '{{ first_layer() }}' as layer\n",
    }
    rendered = render_project(load_project(write_project(tmp_path, files)))
    node = rendered.nodes["model.case.silver_platform__readings"]
    assert node.sql[0].sql == "select 'bronze' as layer"


def test_only_queries_that_shape_the_sql_answer_placeholders() -> None:
    from steward.render.results import PlaceholderTable, query_result

    # a model's own data: empty, as in an empty warehouse (the first-build branch)
    assert not query_result("select max(loaded_at) from silver_platform.readings")
    assert not query_result("select a from t order by a\ndesc")
    # the catalog: one row of placeholders named after the selected columns
    catalog = query_result("select table_schema, table_name as name from information_schema.tables")
    assert isinstance(catalog, PlaceholderTable) and len(catalog) == 1
    (row,) = catalog.rows
    assert (row[0], row["name"], row.name) == (
        "steward__unknown_table_schema",
        "steward__unknown_name",
        "steward__unknown_name",
    )
    assert catalog.columns["table_schema"].values() == ["steward__unknown_table_schema"]
    # the values of a column (the statement dbt_utils.get_column_values sends)
    values = query_result("select kind as value from t group by 1", "get_column_values")
    assert [tuple(r) for r in values.rows] == [("steward__unknown_value",)]
