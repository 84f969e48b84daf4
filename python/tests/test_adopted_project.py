"""A dbt project steward did not write (`fixtures/adopted_project`): rendered as dbt
renders it, disabled nodes left out, missing packages folded into PKG001, its dialect."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from steward.cli.main import main
from steward.project import load_project
from steward.project.config_jinja import render_value
from steward.project.profile import adapter_type
from steward.render import Target, render_project
from steward.render.columns import UNKNOWN_COLUMNS
from steward.sql import dialect
from steward.sql.problems import first_problem

FIXTURE = Path(__file__).parent / "fixtures" / "adopted_project"


def _lint(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    main(["lint", "--project-dir", str(FIXTURE), "--format", "json", *args])
    dialect.use(dialect.DIALECT)
    return list(json.loads(capsys.readouterr().out)["findings"])


def test_jinja_in_config_values_renders_with_vars() -> None:
    project = load_project(FIXTURE)
    orders = project.nodes["model.adopted.orders"]
    assert orders.config["schema"] == "core"
    assert render_value("{{ var('on', false) | as_bool }}", {"on": True}) is True
    assert render_value("{{ target.name }}", {}) == "prod"


def test_disabled_nodes_are_left_out_from_every_level() -> None:
    project = load_project(FIXTURE)
    names = {node.name for node in project.nodes.values()}
    assert {"orders", "needs_utils", "uses_legacy", "shop_days"} <= names
    assert "legacy_orders" not in names  # `+enabled: "{{ var(...) | as_bool }}"`
    assert "old_report" not in names  # `config(enabled=false)`
    assert set(project.disabled) == {"legacy_orders", "old_report"}


def test_dispatch_package_vars_and_private_macros_render() -> None:
    rendered = render_project(load_project(FIXTURE))
    orders = rendered.nodes["model.adopted.orders"]
    assert not orders.problems
    sql = orders.sql[0].sql
    assert "concat(order_id, '-')" in sql  # dbt-spark's spark__concat, not the global one
    assert "cast(ordered_at as date)" in sql  # through `shop_utils._require`
    assert "from shop.orders" in sql  # a var whose value is Jinja renders in the model
    assert "select 7 as days" in rendered.nodes["model.shop_utils.shop_days"].sql[0].sql


def test_a_missing_package_is_one_finding(capsys: pytest.CaptureFixture[str]) -> None:
    findings = _lint(capsys)
    (package,) = [f for f in findings if f["rule"] == "PKG001"]
    assert (package["path"], package["line"]) == ("packages.yml", 4)
    assert "package dbt_utils (packages.yml line 4) is not installed" in str(package["message"])
    assert "1 model and 1 test" in str(package["message"])
    assert str(package["message"]).endswith(": needs_utils")
    messages = [str(f["message"]) for f in findings]
    assert not [
        m for m in messages if "dbt_utils" in m and "PKG001" not in m and "package" not in m
    ]
    (disabled,) = [m for m in messages if "uses_legacy" in m]
    assert "names a disabled node (models/legacy/legacy_orders.sql" in disabled


def test_the_dialect_comes_from_the_profile_or_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spark = [f for f in _lint(capsys) if f["rule"] == "SQL001" and f["model"] == "order_payloads"]
    assert "does not parse as Spark SQL" in str(spark[0]["message"])
    assert not [
        f
        for f in _lint(capsys, "--dialect", "snowflake")
        if f["rule"] == "SQL001" and f["model"] == "order_payloads"
    ]
    project = shutil.copytree(FIXTURE, tmp_path / "adopted")
    (project / "profiles.yml").write_text(
        "adopted:\n  target: dev\n  outputs:\n    dev: {type: snowflake, account: x}\n"
    )
    assert adapter_type(project, "adopted") == "snowflake"
    main(["lint", "--project-dir", str(project), "--format", "json"])
    dialect.use(dialect.DIALECT)
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert not [f for f in findings if f["model"] == "order_payloads"]


# ---- fixtures/adopted_warehouse: Snowflake, macros that need the warehouse's answers ----

WAREHOUSE = Path(__file__).parent / "fixtures" / "adopted_warehouse"


def _warehouse_findings(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    main(["lint", "--project-dir", str(WAREHOUSE), "--format", "json", *args])
    dialect.use(dialect.DIALECT)
    return list(json.loads(capsys.readouterr().out)["findings"])


def _warehouse_sql() -> dict[str, str]:
    """Each model's SQL as steward renders it for the fixture's Snowflake profile."""
    dialect.use("snowflake")
    try:
        rendered = render_project(load_project(WAREHOUSE), Target(type="snowflake"))
        problems = {uid: n.problems for uid, n in rendered.nodes.items() if n.problems}
        assert not problems
        return {n.node.name: n.sql[0].sql for n in rendered.nodes.values() if n.sql}
    finally:
        dialect.use(dialect.DIALECT)


def test_every_model_of_the_warehouse_fixture_renders_and_parses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    findings = _warehouse_findings(capsys)
    assert not [f for f in findings if f["rule"] == "SQL001"]
    assert len(_warehouse_sql()) == 6


def test_a_select_list_may_end_with_a_comma_where_the_dialect_allows_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spark = [f for f in _warehouse_findings(capsys, "--dialect", "spark") if f["rule"] == "SQL001"]
    assert [(f["model"], f["line"]) for f in spark] == [("customers", 3)]
    assert "a trailing comma before `from`: remove it" in spark[0]["message"]
    for name, allowed in (("bigquery", True), ("snowflake", True), ("duckdb", True)):
        dialect.use(name)
        try:
            assert (first_problem("select a, b, from t") is None) is allowed
            assert first_problem("select f(a, b,) from t") is not None  # not a select list
        finally:
            dialect.use(dialect.DIALECT)
    dialect.use("postgres")
    try:
        assert first_problem("select a, b, from t") is not None
    finally:
        dialect.use(dialect.DIALECT)


def test_an_adapter_not_installed_gets_the_installed_one_where_dbt_core_has_no_default() -> None:
    # dbt-core's default__current_timestamp only raises "not implemented" (dbt-snowflake
    # has the real one); the installed dbt-spark's stands in
    assert "current_timestamp() as counted_at" in _warehouse_sql()["customer_count"]


def test_a_relation_whose_columns_are_unknown_has_one_placeholder_column() -> None:
    # no yml documents the columns of source raw.events: the column list is not empty
    sql = _warehouse_sql()["all_events"]
    assert f'select "{UNKNOWN_COLUMNS}" /* text */' in sql


def test_a_catalog_query_answers_one_placeholder_relation_and_renders_as_dbt_compile(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sql = _warehouse_sql()["stacked_events"]
    # one relation from the catalog; none of its columns is known, so `*` as in dbt compile
    assert "select * from steward__unknown_table_schema.steward__unknown_table_name" in sql
    reads = [f for f in _warehouse_findings(capsys) if f["rule"] == "REF001"]
    assert [f["model"] for f in reads] == ["stacked_events"]
    assert "`information_schema.tables`" in reads[0]["message"]  # not the placeholder


def test_the_values_of_a_column_of_a_project_relation_are_one_placeholder() -> None:
    # the relation is the project's own (it exists once built); its values are unknown
    sql = _warehouse_sql()["names_pivoted"]
    assert "when name = 'steward__unknown_value' then 1" in sql
    assert "as steward__unknown_value_customers" in sql


def test_graph_has_every_key_of_dbts_graph() -> None:
    assert _warehouse_sql()["metric_names"].strip() == "select 'none' as metric_name"


def test_generic_tests_and_seeds_of_a_package_are_read() -> None:
    project = load_project(WAREHOUSE)
    assert not [i.message for i in project.issues if "is_positive" in i.message]
    seed = project.nodes["seed.warehouse_kit.country_codes"]
    assert seed.config["schema"] == "reference"  # the root's `seeds: warehouse_kit:` applies
    assert not [i.message for i in project.issues if "matches no seed" in i.message]


def test_a_git_package_installed_under_its_project_name_is_installed() -> None:
    project = load_project(WAREHOUSE)
    # `https://github.com/acme/dbt-audit-kit.git` installs as `dbt_packages/audit_kit`
    assert [p.name for p in project.missing_packages] == ["checks_kit"]


def test_an_unknown_yml_key_is_one_finding_per_file_and_key(
    capsys: pytest.CaptureFixture[str],
) -> None:
    findings = _warehouse_findings(capsys)
    # `anchors:` at the top of models.yml is dbt's own key for YAML anchors: no finding
    unknown = [(f["path"], f["line"], f["message"]) for f in findings if f["rule"] == "YML001"]
    assert unknown == [
        (
            "models/models.yml",
            8,
            "unknown key `descripton` in column `id` of model `customers` (also at lines 14, "
            "21 of this file); dbt ignores it",
        ),
        (
            "models/sources.yml",
            13,
            "unknown key `warn_after` in source table `raw.events` (also at line 15 of this "
            "file); dbt ignores it",
        ),
    ]


def test_tests_of_a_missing_package_are_folded_into_its_finding(
    capsys: pytest.CaptureFixture[str],
) -> None:
    findings = _warehouse_findings(capsys)
    (package,) = [f for f in findings if f["rule"] == "PKG001"]
    assert package["message"] == (
        "package checks_kit (packages.yml line 6) is not installed: 0 models, 2 tests and "
        "1 operation that use it were not checked; run dbt deps"
    )
    # nor is the operation (macros/maintenance.sql) an SQL001 of its own
    assert not [f for f in findings if f["rule"] == "SQL001"]
    assert not [f for f in findings if "is_even" in f["message"] and f["rule"] != "PKG001"]
    # nor is `models: checks_kit:` in dbt_project.yml a path that matches no model
    assert not [f for f in findings if "checks_kit" in f["message"] and f["rule"] != "PKG001"]
