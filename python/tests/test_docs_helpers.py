"""What the discovery-site tests share: a copy of the reference project with a run history
and a dbt manifest written by the test (the site reads both; neither needs Spark)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from steward.teambuild.history import NodeState

from .fixture_projects import REFERENCE

ROOT = REFERENCE
NOW = datetime(2026, 3, 31, 6, 0, tzinfo=timezone.utc)
PRODUCT = "silver_platform__readings"
PRODUCT_ID = f"model.gridunion.{PRODUCT}"
FRESHNESS_TEST = "test.gridunion.freshness_within_silver_platform__readings.1"
KEY_TEST = "test.gridunion.unique_key_silver_platform__readings.2"
TARIFFS_ID = "model.gridunion.silver_platform__tariffs"
TARIFFS_TEST = "test.gridunion.unique_silver_platform__tariffs_tariff_id.3"


def _test(name: str, kind: str, attached: str, column: str | None) -> dict[str, object]:
    return {
        "resource_type": "test",
        "name": name,
        "attached_node": attached,
        "column_name": column,
        "test_metadata": {"name": kind},
        "config": {"severity": "ERROR"},
    }


def write_manifest(project: Path) -> Path:
    """A dbt manifest with three tests: two of the readings product, one of tariffs."""
    nodes = {
        FRESHNESS_TEST: _test(
            "freshness_within_silver_platform__readings_interval_start_utc__2__day",
            "freshness_within",
            PRODUCT_ID,
            "interval_start_utc",
        ),
        KEY_TEST: _test(
            "unique_key_silver_platform__readings_meter_id__interval_start_utc",
            "unique_key",
            PRODUCT_ID,
            None,
        ),
        TARIFFS_TEST: _test(
            "unique_silver_platform__tariffs_tariff_id", "unique", TARIFFS_ID, "tariff_id"
        ),
        PRODUCT_ID: {
            "resource_type": "model",
            "columns": {
                "meter_id": {"constraints": [{"type": "not_null"}]},
                "quality_flag": {
                    "constraints": [
                        {
                            "type": "check",
                            "expression": "quality_flag in ('measured', 'gap_spanned')",
                        }
                    ]
                },
            },
        },
    }
    path = project / "target" / "manifest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"metadata": {}, "nodes": nodes}), encoding="utf-8")
    return path


def write_history(folder: Path, team: str, states: list[NodeState]) -> Path:
    """A team's file of a run-history snapshot, as `steward docs snapshot` writes it."""
    folder.mkdir(parents=True, exist_ok=True)
    payload = {"team": team, "nodes": {s.unique_id: s.to_json() for s in states}}
    path = folder / f"{team}.json"
    path.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return path


def platform_history(folder: Path) -> Path:
    """Team platform built 3 h before NOW: readings healthy, tariffs' unique test failed."""
    built = NOW - timedelta(hours=3)
    return write_history(
        folder,
        "platform",
        [
            NodeState(PRODUCT_ID, "success", built, "OK"),
            NodeState(FRESHNESS_TEST, "pass", built),
            NodeState(KEY_TEST, "pass", built),
            NodeState(TARIFFS_ID, "success", built, "OK"),
            NodeState(TARIFFS_TEST, "fail", built, "Got 1 result, configured to fail if != 0"),
        ],
    )


def history_folder(project: Path) -> Path:
    return project / ".lakehouse" / "steward" / "runs" / "prod"
