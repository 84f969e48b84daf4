"""dbt parses the generated contract yml (slow: dbt in a subprocess; no warehouse): the
reference platform's, and a versioned model's (v1 deprecated beside v2, one consumer
pinned to v1), as the versioning workflow leaves them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from steward.cli.main import main

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROFILE = """\
gridunion:
  target: prod
  outputs:
    prod:
      type: spark
      method: session
      host: localhost
      schema: prod
"""
READINGS = "silver_platform__readings"
CONTRACTS = PROJECT_DIR / "contracts" / "platform"
MODELS = Path("models/silver/platform")
CONSUMER = Path("models/gold/commercial_analytics/gold_commercial_analytics__daily_consumption.sql")


def copy_project(tmp_path: Path) -> Path:
    work = tmp_path / "project"
    work.mkdir()
    for part in ("dbt_project.yml", "models", "macros", "contracts", "platform"):
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, work / part)
        else:
            shutil.copy(source, work / part)
    return work


def dbt_parse(work: Path) -> dict[str, Any]:
    profiles = work / "profiles"
    profiles.mkdir(exist_ok=True)
    (profiles / "profiles.yml").write_text(PROFILE)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dbt.cli.main",
            "parse",
            "--project-dir",
            str(work),
            "--profiles-dir",
            str(profiles),
            "--no-partial-parse",
        ],
        capture_output=True,
        text=True,
        cwd=work,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "[WARNING]" not in done.stdout, done.stdout[-4000:]
    return dict(json.loads((work / "target" / "manifest.json").read_text()))


def data_tests_on(manifest: dict[str, Any], unique_id: str) -> set[str]:
    return {
        node["test_metadata"]["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and unique_id in node["depends_on"]["nodes"]
    }


def test_reference_platform_contracts_parse_and_are_enforced(tmp_path: Path) -> None:
    manifest = dbt_parse(copy_project(tmp_path))
    contracted = {c.stem for c in (PROJECT_DIR / "contracts").rglob("*.yaml")}
    for name in contracted:
        node = manifest["nodes"][f"model.gridunion.{name}"]
        assert node["config"]["contract"]["enforced"], name
        assert node["access"] == "public", name
        assert all(c["data_type"] for c in node["columns"].values()), name
        assert node["config"]["meta"]["contract"]["path"] == (
            f"contracts/{node['group']}/{name}.yaml"
        )
    readings = f"model.gridunion.{READINGS}"
    assert data_tests_on(manifest, readings) >= {
        "unique_key",
        "values_between",  # kwh >= 0 is a warning: a data test, not a constraint
        "rows_per_load",
        "freshness_within",
    }
    # the accepted values fail the build: Delta CHECK constraints, not data tests
    assert "accepted_values" not in data_tests_on(manifest, readings)
    checks = [
        c["expression"]
        for c in manifest["nodes"][readings]["columns"]["country"]["constraints"]
        if c["type"] == "check"
    ]
    assert checks == ["country in ('DE', 'FR', 'NL', 'LU')"]
    assert "relationships" in data_tests_on(manifest, "model.gridunion.silver_platform__meters")
    # the freshness test reads its reference time from the var STEWARD_AS_OF sets
    assert manifest["metadata"]["project_name"] == "gridunion"


def test_versioned_model_parses_with_v1_deprecated_beside_v2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = copy_project(tmp_path)
    contract = (CONTRACTS / f"{READINGS}.yaml").read_text(encoding="utf-8")
    (work / "contracts/platform" / f"{READINGS}.yaml").unlink()
    (work / "contracts/platform" / f"{READINGS}.v1.yaml").write_text(
        contract.replace(
            "status: active",
            "status: deprecated\ncustomProperties:\n  - {property: deprecationDate, "
            'value: "2099-12-31"}',
        )
    )
    (work / "contracts/platform" / f"{READINGS}.v2.yaml").write_text(
        contract.replace("version: 1.0.0", "version: 2.0.0").replace(
            "- name: source_system", "- name: source"
        )
    )
    sql = (work / MODELS / f"{READINGS}.sql").read_text(encoding="utf-8")
    (work / MODELS / f"{READINGS}.sql").unlink()
    (work / MODELS / f"{READINGS}_v1.sql").write_text(sql)
    (work / MODELS / f"{READINGS}_v2.sql").write_text(sql.replace("as source_system", "as source"))
    consumer = work / CONSUMER
    consumer.write_text(
        consumer.read_text().replace(
            "ref('silver_platform__readings')", "ref('silver_platform__readings', v=1)"
        )
    )
    assert main(["contracts", "generate", "--project-dir", str(work)]) == 0
    assert (
        main(["lint", str(work), "--select", "CON001", "--select", "CON002", "--select", "CON003"])
        == 0
    )

    manifest = dbt_parse(work)
    v1 = manifest["nodes"][f"model.gridunion.{READINGS}.v1"]
    v2 = manifest["nodes"][f"model.gridunion.{READINGS}.v2"]
    assert (v1["alias"], v2["alias"]) == ("readings_v1", "readings_v2")
    assert str(v1["deprecation_date"]).startswith("2099-12-31")
    assert v2["latest_version"] == 2 and v2["deprecation_date"] is None
    assert "source" in v2["columns"] and "source_system" in v1["columns"]
    assert data_tests_on(manifest, v1["unique_id"]) >= {"unique_key", "freshness_within"}
    assert data_tests_on(manifest, v2["unique_id"]) >= {"unique_key", "freshness_within"}
    pinned = manifest["nodes"]["model.gridunion.gold_commercial_analytics__daily_consumption"]
    assert v1["unique_id"] in pinned["depends_on"]["nodes"]
    following = manifest["nodes"][
        "model.gridunion.gold_ml_forecasting__hourly_region_load_features"
    ]
    assert v2["unique_id"] in following["depends_on"]["nodes"]

    capsys.readouterr()
    assert (
        main(["contracts", "consumers", READINGS, "--format", "json", "--project-dir", str(work)])
        == 0
    )
    models = {m["name"]: m for m in json.loads(capsys.readouterr().out)["models"]}
    assert (
        models["gold_commercial_analytics__daily_consumption"]["version"],
        models["gold_commercial_analytics__daily_consumption"]["pinned"],
    ) == (1, True)
    assert models["gold_ml_forecasting__hourly_region_load_features"]["version"] == 2
