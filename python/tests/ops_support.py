"""The project the ops tests build: two teams, a shared product and its consumer.

Written at test time from the layered-configuration fixture (its platform/config/ and
profile): team `platform` owns a public Silver table (`numbers`, built from Spark's
`range`, so its build does measurable Spark work) and the ops namespace; team `consumer`
reads it into a Gold summary. Each team has one data test that fails on demand
(`--vars {break_tests: true}`). The product's contract SLA is `freshness_hours`.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from steward.cli.main import main

from .conftest import PROJECT_DIR

FIXTURE = Path(__file__).parent / "fixtures" / "config_project"
WEBHOOK_ENV = "STEWARD_OPS_WEBHOOK"
"""The variable the project's `alerts.webhook_env` names."""

FILES = {
    "dbt_project.yml": """
        name: opsprobe
        version: "1.0.0"
        config-version: 2
        profile: gridunion
        model-paths: ["models"]
        macro-paths: ["macros"]
        test-paths: ["tests"]
        flags:
          send_anonymous_usage_stats: false
        """,
    "platform/teams.yml": """
        teams:
          - id: platform
            name: Platform
            kind: engineering
            layers: [silver, ops]
            contact: platform@example.com
            channel: "#platform"
          - id: consumer
            name: Consumer analytics
            kind: analytics
            layers: [gold]
            contact: consumer@example.com
            channel: "#consumer"
          - id: reader
            name: Second reader
            kind: analytics
            layers: [gold]
            contact: reader@example.com
            channel: "#reader"
        """,
    "models/groups.yml": """
        version: 2
        groups:
          - name: platform
            owner: {name: Platform, email: platform@example.com}
          - name: consumer
            owner: {name: Consumer analytics, email: consumer@example.com}
          - name: reader
            owner: {name: Second reader, email: reader@example.com}
        """,
    "models/silver/platform/silver_platform__numbers.sql": """
        {{ config(materialized='table') }}
        select id, id % 97 as bucket, cast(id * 2 as double) as v, current_timestamp() as loaded_at
        from range(0, {{ var('rows', 50000) }})
        """,
    "models/silver/platform/_models.yml": """
        version: 2
        models:
          - name: silver_platform__numbers
            access: public
            config:
              meta: {sla: {freshness_hours: 30}}
        """,
    "models/gold/consumer/gold_consumer__summary.sql": """
        {{ config(materialized='table') }}
        select bucket, count(*) as n, sum(v) as total
        from {{ ref('silver_platform__numbers') }} group by bucket
        """,
    "models/gold/reader/gold_reader__top.sql": """
        {{ config(materialized='table') }}
        select id, v from {{ ref('silver_platform__numbers') }} where bucket = 1
        """,
    "tests/assert_numbers_present.sql": """
        {{ config(group='platform') }}
        select 1 as problem from {{ ref('silver_platform__numbers') }}
        having count(*) = 0 or {{ var('break_tests', false) }}
        """,
    "tests/assert_summary_present.sql": """
        {{ config(group='consumer') }}
        select 1 as problem from {{ ref('gold_consumer__summary') }} having count(*) = 0
        """,
}


def write_project(work: Path) -> Path:
    """The project, under `work`, with its folder config generated."""
    work.mkdir(parents=True)
    shutil.copytree(FIXTURE / "platform" / "config", work / "platform" / "config")
    (work / "platform" / "config" / "teams" / "cfgtest.yml").unlink()
    defaults = work / "platform" / "config" / "defaults.yml"
    text = defaults.read_text(encoding="utf-8").replace(
        "webhook_env: null", f"webhook_env: {WEBHOOK_ENV}"
    )
    defaults.write_text(text, encoding="utf-8")
    shutil.copytree(PROJECT_DIR / "macros", work / "macros")
    shutil.copytree(PROJECT_DIR / "profiles", work / "profiles")
    (work / "landing").mkdir()
    for name, text in FILES.items():
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    assert main(["config", "generate", "--project-dir", str(work)]) == 0
    return work
