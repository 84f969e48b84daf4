"""Layered configuration: resolution order and provenance, locked keys, what is generated
into dbt_project.yml, environments with per-developer dev namespaces (no Spark here; the
real builds are in test_config_spark.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.config import config_env, developer_env, namespace_env, resolve_for
from steward.config.generate import BEGIN, END
from steward.errors import UserError
from steward.lint import lint
from steward.project import load_project
from steward.project.model import Project
from steward.teambuild.context import RunContext
from steward.teambuild.order import BuildPlan
from steward.teambuild.settings import prepare, sla_defaults, team_settings

from .conftest import PROJECT_DIR
from .rulecases import RULES_DIR, write_project

DEFAULTS = (RULES_DIR / "CFG001.yaml").read_text(encoding="utf-8")
LAYERS = {
    "platform/config/environments/dev.yml": "spark: {shuffle_partitions: 2}\n",
    "platform/config/environments/prod.yml": "alerts: {events: [failure, sla_breach]}\n",
    "platform/config/teams/electra.yml": (
        "# electra\n"
        "spark: {shuffle_partitions: 6}\n"
        "models:\n"
        "  lookback_days: 6\n"
        "environments:\n"
        "  dev:\n"
        "    spark: {shuffle_partitions: 3}\n"
    ),
}


def _defaults() -> str:
    import yaml

    return str(yaml.safe_load(DEFAULTS)["defaults"])


def _project(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    """The rule cases' base project with the layer files (and `files` over them)."""
    layers = {"platform/config/defaults.yml": _defaults(), **LAYERS, **(files or {})}
    return write_project(tmp_path / "p", layers)


def _where(project: Project, team: str | None, env: str | None, key: str) -> tuple:
    config = project.platform_config
    assert config is not None
    setting = resolve_for(config, project.registry, team, env).by_key[key]
    return setting.value, f"{setting.position.path}:{setting.position.line}", setting.source


def test_each_layer_wins_over_the_one_below_and_says_where(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path))
    key = "spark.shuffle_partitions"
    assert _where(project, None, None, key) == (4, "platform/config/defaults.yml:12", "defaults")
    assert _where(project, "platform", "dev", key)[0::2] == (2, "environment dev")
    assert _where(project, "electra", "prod", key) == (
        6,
        "platform/config/teams/electra.yml:2",
        "team electra",
    )
    # the team's own section for an environment is the last layer
    assert _where(project, "electra", "dev", key) == (
        3,
        "platform/config/teams/electra.yml:7",
        "team electra in dev",
    )


def test_model_settings_are_per_layer_of_the_teams_folders(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path))
    # defaults.yml's silver section over its project-wide value
    assert _where(project, "electra", "prod", "models.silver.on_schema_change")[0:2] == (
        "fail",
        "platform/config/defaults.yml:11",
    )
    assert _where(project, "electra", "prod", "models.bronze.on_schema_change")[0] == (
        "append_new_columns"
    )
    # a team's `models.<key>` reaches every layer it owns, and only its own team
    assert _where(project, "electra", "prod", "models.silver.lookback_days")[0:2] == (
        6,
        "platform/config/teams/electra.yml:4",
    )
    assert _where(project, "platform", "prod", "models.silver.lookback_days")[0] == 4
    config = project.platform_config
    assert config is not None
    gold_only = resolve_for(config, project.registry, "commercial_analytics", "prod")
    assert {k.split(".")[1] for k in gold_only.by_key if k.startswith("models.")} == {"gold"}


def test_a_locked_key_keeps_its_default_and_the_override_is_a_finding(tmp_path: Path) -> None:
    electra = {"platform/config/teams/electra.yml": "models:\n  silver: {file_format: parquet}\n"}
    project = load_project(_project(tmp_path, electra))
    value, where, source = _where(project, "electra", "prod", "models.silver.file_format")
    assert (value, where, source) == ("delta", "platform/config/defaults.yml:4", "defaults")
    [finding] = [f for f in lint(project).findings if f.rule == "CFG001"]
    assert (finding.path, finding.line, finding.severity) == (
        "platform/config/teams/electra.yml",
        2,
        "error",
    )
    assert "models.file_format" in finding.message and "it stays `delta`" in finding.message


def test_show_explains_every_value_with_its_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    args = ["config", "show", "--team", "electra", "--env", "dev", "--explain"]
    assert main([*args, "--format", "json", "--project-dir", str(root)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["config"]["spark"]["shuffle_partitions"] == 3
    assert report["explain"]["spark.shuffle_partitions"] == {
        "file": "platform/config/teams/electra.yml",
        "line": 7,
        "layer": "team electra in dev",
        "locked": False,
    }
    assert report["explain"]["cost.currency"]["locked"] is True
    assert all(entry["file"] and entry["line"] for entry in report["explain"].values())
    assert main([*args, "--project-dir", str(root)]) == 0
    text = capsys.readouterr().out
    assert "platform/config/teams/electra.yml:7 (team electra in dev)" in text


def test_diff_names_exactly_the_settings_that_differ(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    argv = ["config", "diff", "--team", "electra", "--env", "dev", "--env", "prod"]
    assert main([*argv, "--format", "json", "--project-dir", str(root)]) == 0
    changes = json.loads(capsys.readouterr().out)["changes"]
    assert [c["key"] for c in changes] == ["spark.shuffle_partitions", "alerts.events"]
    assert (changes[0]["from"]["value"], changes[0]["to"]["value"]) == (3, 6)


def test_generate_writes_only_its_section_and_dbt_sees_the_layers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    before = (root / "dbt_project.yml").read_text(encoding="utf-8")
    assert main(["config", "generate", "--check", "--project-dir", str(root)]) == 1
    assert main(["config", "generate", "--project-dir", str(root)]) == 0
    after = (root / "dbt_project.yml").read_text(encoding="utf-8")
    assert after.startswith('name: case\nversion: "1.0.0"\nconfig-version: 2\n')
    assert after.count(BEGIN) == 1 and after.count(END) == 1 and "+meta: {owner:" not in after
    assert before != after
    assert main(["config", "generate", "--check", "--project-dir", str(root)]) == 0
    project = load_project(root)
    assert [f for f in lint(project).findings if f.rule == "CFG002"] == []
    silver = project.node_by_name("silver_electra__readings")
    bronze = project.node_by_name("bronze_platform__readings")
    assert silver is not None and bronze is not None
    assert silver.config["on_schema_change"] == "fail" and silver.config["group"] == "electra"
    assert silver.config["meta"]["lookback_days"] == 6  # electra's own file
    assert bronze.config["meta"]["lookback_days"] == 4
    assert bronze.config["tblproperties"]["delta.logRetentionDuration"] == "interval 30 days"
    # generating again changes nothing; a text after the section is kept
    (root / "dbt_project.yml").write_text(after + "\ntests:\n  case: {+severity: error}\n")
    assert main(["config", "generate", "--project-dir", str(root)]) == 0
    assert (root / "dbt_project.yml").read_text().endswith("tests:\n  case: {+severity: error}\n")


def test_the_reference_platform_is_generated_and_clean() -> None:
    project = load_project(PROJECT_DIR)
    findings = [f for f in lint(project).findings if f.rule in ("CFG001", "CFG002")]
    assert findings == []
    assert project.platform_config is not None
    assert set(project.platform_config.environments) == {"dev", "staging", "prod"}


def test_dev_is_per_developer_and_collides_with_nobody() -> None:
    project = load_project(PROJECT_DIR)
    config, registry = project.platform_config, project.registry
    assert config is not None and registry is not None
    anna = namespace_env("dev", config, {"STEWARD_DEV_PREFIX": "anna"})
    bob = namespace_env("dev", config, {"STEWARD_DEV_PREFIX": "Bob.Meyer"})
    assert (anna, bob) == ("dev_anna", "dev_bob_meyer")
    assert namespace_env("staging", config, {}) == "staging"
    spaces = {
        env: set(registry.namespaces("platform", env)) for env in (anna, bob, "staging", "prod")
    }
    assert "dev_anna_silver_platform" in spaces[anna] and "silver_platform" in spaces["prod"]
    for env, names in spaces.items():
        for other, other_names in spaces.items():
            assert env == other or not names & other_names
    # what a dev build may write is its own: never staging's or production's
    assert registry.owns("platform", "dev_anna_silver_platform.readings", anna)
    assert not registry.owns("platform", "silver_platform.readings", anna)
    assert not registry.owns("platform", "staging_silver_platform.readings", anna)
    assert not registry.owns("platform", "dev_bob_meyer_silver_platform.readings", anna)
    # a developer's environment takes dev's overlay; one no file names, none
    assert [config_env(e, config) for e in (anna, "ci_42", "prod")] == ["dev", None, "prod"]


def test_the_os_user_names_the_dev_environment_unless_the_prefix_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "anna.keller")
    assert developer_env({}) == "dev_anna_keller"
    assert developer_env({"STEWARD_DEV_PREFIX": "dev_jo"}) == "dev_jo"
    with pytest.raises(UserError, match="STEWARD_DEV_PREFIX"):
        developer_env({"STEWARD_DEV_PREFIX": "42"})


def test_a_shared_dev_and_a_project_without_layers_keep_dev(tmp_path: Path) -> None:
    shared = _defaults().replace("dev: per_developer", "dev: shared")
    root = _project(tmp_path, {"platform/config/defaults.yml": shared})
    assert namespace_env("dev", load_project(root).platform_config, {}) == "dev"
    assert namespace_env("dev", None, {"STEWARD_DEV_PREFIX": "anna"}) == "dev"


def test_a_build_resolves_dev_and_gets_its_teams_spark_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STEWARD_DEV_PREFIX", "anna")
    plan = BuildPlan.load(PROJECT_DIR)
    context = prepare(RunContext(project_dir=PROJECT_DIR, env="dev"), plan, ["platform"])
    assert context.env == "dev_anna"
    prod = prepare(RunContext(project_dir=PROJECT_DIR), plan, ["platform"])
    variables = dict(team_settings(plan.project, prod, "platform", ["platform", "electra"]))
    assert variables == {"STEWARD_SHUFFLE_PARTITIONS": "8", "STEWARD_DRIVER_MEMORY": "6g"}
    dev = dict(team_settings(plan.project, context, "ml_forecasting", ["ml_forecasting"]))
    assert dev == {"STEWARD_SHUFFLE_PARTITIONS": "4", "STEWARD_DRIVER_MEMORY": "3g"}
    with_team = RunContext(project_dir=PROJECT_DIR, env="prod", settings=tuple(variables.items()))
    assert with_team.dbt_environment()["STEWARD_SHUFFLE_PARTITIONS"] == "8"
    assert sla_defaults(plan.project, "prod")["regulatory_reporting"].total_seconds() == 24 * 3600


def test_a_locked_key_in_another_teams_file_does_not_stop_this_build(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    for part in ("dbt_project.yml", "models", "macros", "platform", "contracts"):
        source = PROJECT_DIR / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    electra = root / "platform/config/teams/electra.yml"
    text = electra.read_text()
    electra.write_text(text + "retention: {log_days: 90}\n")
    line = text.count("\n") + 1
    plan = BuildPlan.load(root)
    assert prepare(RunContext(project_dir=root), plan, ["dutchgrid"]).env == "prod"
    with pytest.raises(UserError) as refused:
        prepare(RunContext(project_dir=root), plan, ["electra"])
    message = str(refused.value)
    assert message.startswith(f"platform/config/teams/electra.yml:{line}: `retention.log_days`")
    assert message.endswith("(rule CFG001)")
