"""A dbt project steward did not write (`fixtures/adopted_project`): rendered as dbt
renders it, disabled nodes left out, missing packages folded into PKG001, its dialect."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.project import load_project
from steward.project.config_jinja import render_value
from steward.project.profile import adapter_type
from steward.render import render_project
from steward.sql import dialect

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
