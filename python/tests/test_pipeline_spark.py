"""The whole platform on embedded Spark + Delta: day 1, day 2, day 2 again.

Each stage delivers the landing files that have arrived by that day, builds every team in
dependency order with `steward build --all`'s code path, and records what a data engineer
would check: every table is Delta, nothing landed was lost, keys are unique, silver matches
the generator's ground truth, and a re-run changes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from steward.data import GenerationConfig, generate
from steward.teambuild.context import RunContext
from steward.teambuild.runner import build_teams
from steward.teambuild.statements import Statement, StatementLog

from .conftest import PROJECT_DIR
from .spark_support import (
    build_all,
    content_hash,
    deliver,
    rows,
    scalar,
    spark,
    tables_of,
    views_of,
)

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ENV = "itest_pipeline"
PREFIX = f"{ENV}_"
START = date(2026, 3, 28)  # day 2 is the spring-forward day in Europe

# country -> (valid bronze table, quarantine bronze table, silver table)
COUNTRIES = {
    "DE": (
        "bronze_platform.de_readings",
        "bronze_platform.de_readings_quarantine",
        "silver_platform.de_readings",
    ),
    "FR": (
        "bronze_electra.fr_readings",
        "bronze_electra.fr_readings_quarantine",
        "silver_electra.readings",
    ),
    "NL": (
        "bronze_dutchgrid.nl_readings",
        "bronze_dutchgrid.nl_readings_quarantine",
        "silver_dutchgrid.readings",
    ),
    "LU": (
        "bronze_platform.lu_readings",
        "bronze_platform.lu_readings_quarantine",
        "silver_platform.lu_readings",
    ),
}
SILVER_KEYS = {
    "silver_platform.readings": ("meter_id", "interval_start_utc"),
    "silver_platform.de_readings": ("meter_id", "interval_start_utc"),
    "silver_platform.lu_readings": ("meter_id", "interval_start_utc"),
    "silver_electra.readings": ("meter_id", "interval_start_utc"),
    "silver_dutchgrid.readings": ("meter_id", "interval_start_utc"),
    "silver_dutchgrid.register_readings": ("meter_id", "reading_at_utc"),
    "silver_platform.meters": ("meter_id",),
}


def relation_of(node: dict[str, Any]) -> str:
    return f"{node['schema']}.{node['alias']}"


@dataclass(frozen=True)
class Stage:
    name: str
    through: date
    succeeded: bool
    tables: dict[str, str]  # table -> format
    views: set[str]
    hashes: dict[str, tuple[int, int]]
    landed_rows: dict[str, int]
    planted_malformed: dict[str, int]  # what the generator's manifest says it corrupted
    bronze_rows: dict[str, tuple[int, int]]  # country -> (valid, quarantined)
    duplicate_keys: dict[str, int]
    truth: dict[str, dict[str, int]]
    landing: Path
    versions: dict[str, int]  # table -> its Delta version after the stage
    statements: list[Statement]  # what the stage's builds sent Spark, as dbt reports it


def landed_rows(landing: Path, country: str) -> int:
    """Data rows in the delivered files of a country, counted from the files themselves."""
    total = 0
    for path in sorted((landing / country.lower()).rglob("*")):
        if path.suffix == ".parquet":
            total += pq.read_metadata(path).num_rows
        elif path.suffix in (".csv", ".jsonl"):
            lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            total += len(lines) - (1 if path.suffix == ".csv" else 0)
    return total


def compare_with_truth(through: date) -> dict[str, dict[str, int]]:
    """Per country: truth intervals that should be in silver, and how many are missing or wrong."""
    checks = {}
    for country in ("DE", "FR", "LU"):
        silver = PREFIX + COUNTRIES[country][2]
        checks[country] = rows(f"""
            with expected as (
                select * from truth
                where country = '{country}' and delivered and arrival_date <= date'{through}'
            )
            select
                (select count(*) from expected) as expected,
                (select count(*) from expected e left anti join {silver} s
                    using (meter_id, interval_start_utc)) as missing,
                (select count(*) from expected e join {silver} s
                    using (meter_id, interval_start_utc)
                    where abs(s.kwh - e.kwh) > 1e-9
                        or s.interval_minutes <> e.interval_minutes) as wrong,
                (select count(*) from {silver} s left anti join expected e
                    using (meter_id, interval_start_utc)) as unexpected,
                (select count(*) from expected e join {silver} s
                    using (meter_id, interval_start_utc)
                    where e.late) as late_landed,
                (select count(*) from expected where late) as late_expected
        """)[0].asDict()
    # NL: a measured hour equals the truth; an interval spanning a missing reading equals
    # the sum of the true hours it spans; every delivered hour is covered by some interval.
    nl = PREFIX + COUNTRIES["NL"][2]
    checks["NL"] = rows(f"""
        with expected as (
            select * from truth
            where country = 'NL' and delivered and arrival_date <= date'{through}'
        ),
        spans as (
            select s.meter_id, s.interval_start_utc, s.kwh, sum(t.kwh) as true_kwh
            from {nl} s
            join truth t
                on t.meter_id = s.meter_id
                and t.interval_start_utc >= s.interval_start_utc
                and t.interval_start_utc < s.interval_end_utc
            group by 1, 2, 3
        )
        select
            (select count(*) from expected) as expected,
            (select count(*) from expected e left anti join {nl} s
                on s.meter_id = e.meter_id
                and e.interval_start_utc >= s.interval_start_utc
                and e.interval_start_utc < s.interval_end_utc) as missing,
            (select count(*) from spans where abs(kwh - true_kwh) > 1e-9) as wrong,
            (select count(*) from {nl} s left anti join spans p
                using (meter_id, interval_start_utc)) as unexpected,
            (select count(*) from {nl} where quality_flag = 'gap_spanned') as gap_spanned,
            (select count(*) from expected e join {nl} s
                using (meter_id, interval_start_utc)
                where e.late) as late_landed,
            (select count(*) from expected where late) as late_expected
    """)[0].asDict()
    return checks


def planted_malformed(manifest: dict[str, Any], through: date) -> dict[str, int]:
    return {
        country: sum(
            day["malformed_rows"]
            for arrival, day in manifest["countries"][country]["arrival_dates"].items()
            if date.fromisoformat(arrival) <= through
        )
        for country in COUNTRIES
    }


def observe(
    name: str,
    through: date,
    succeeded: bool,
    landing: Path,
    manifest: dict[str, Any],
    statements: list[Statement],
) -> Stage:
    tables = tables_of(PREFIX)
    formats = {t: rows(f"describe detail {t}")[0]["format"] for t in tables}
    return Stage(
        name=name,
        through=through,
        succeeded=succeeded,
        tables=formats,
        views=views_of(PREFIX),
        hashes={t: content_hash(t) for t in tables},
        landed_rows={c: landed_rows(landing, c) for c in COUNTRIES},
        planted_malformed=planted_malformed(manifest, through),
        bronze_rows={
            c: (
                scalar(f"select count(*) from {PREFIX}{v}"),
                scalar(f"select count(*) from {PREFIX}{q}"),
            )
            for c, (v, q, _) in COUNTRIES.items()
        },
        duplicate_keys={
            table: scalar(
                f"select count(*) - count(distinct {', '.join(key)}) from {PREFIX}{table}"
            )
            for table, key in SILVER_KEYS.items()
        },
        truth=compare_with_truth(through),
        landing=landing,
        versions={t: int(rows(f"describe history {t} limit 1")[0]["version"]) for t in tables},
        statements=statements,
    )


@pytest.fixture(scope="module")
def stages(
    project_dir: Path, lakehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Stage]:
    work = tmp_path_factory.mktemp("pipeline")
    generated = generate(
        GenerationConfig(start=START, days=3, rows_per_day=4000, seed=7, out=work / "generated")
    )
    landing = work / "landing"
    manifest = json.loads((generated.truth / "manifest.json").read_text())
    context = RunContext(
        project_dir=project_dir, env=ENV, lakehouse_dir=lakehouse_dir, landing_dir=landing
    )

    observed: dict[str, Stage] = {}
    for name, through in (
        ("day 1", START),
        ("day 2", START + timedelta(days=1)),
        ("day 2 again", START + timedelta(days=1)),
    ):
        deliver(generated.landing, landing, through)
        # the data are of March 2026: the contracts' freshness SLAs are judged as of the
        # end of the delivery day, as the run would have been then
        log = StatementLog()
        runs = build_all(replace(context, as_of=f"{through.isoformat()}T23:59"), callbacks=[log])
        if name == "day 1":
            spark().read.parquet(
                str(generated.truth / "intervals.parquet")
            ).createOrReplaceTempView("truth")
        observed[name] = observe(
            name, through, all(r.success for r in runs), landing, manifest, log.statements
        )
    return observed


STAGE_NAMES = ("day 1", "day 2", "day 2 again")


@pytest.fixture(scope="module")
def expected_relations(stages: dict[str, Stage]) -> dict[str, set[str]]:
    """Every model that is not ephemeral, as the relation its folder gives it, by what it is
    materialised as: `view`, or a table (incremental, reference_table)."""
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    relations: dict[str, set[str]] = {"view": set(), "table": set()}
    for node in manifest["nodes"].values():
        materialized = node["config"]["materialized"]
        if node["resource_type"] == "model" and materialized != "ephemeral":
            kind = "view" if materialized == "view" else "table"
            relations[kind].add(f"{node['schema']}.{node['alias']}")
    return relations


@pytest.mark.parametrize("stage", STAGE_NAMES)
def test_every_team_builds(stages: dict[str, Stage], stage: str) -> None:
    assert stages[stage].succeeded


@pytest.mark.parametrize("stage", STAGE_NAMES)
def test_every_table_is_delta_in_its_namespace(
    stages: dict[str, Stage], expected_relations: dict[str, set[str]], stage: str
) -> None:
    tables = stages[stage].tables
    assert set(tables) == expected_relations["table"]
    assert f"{PREFIX}silver_platform.readings" in tables
    assert {fmt for fmt in tables.values()} == {"delta"}
    # bronze's valid and quarantined rows are views over the one parsed table a country
    assert f"{PREFIX}bronze_platform.de_readings_quarantine" in expected_relations["view"]
    assert stages[stage].views == expected_relations["view"]


@pytest.mark.parametrize("stage", STAGE_NAMES)
def test_every_landed_row_is_in_bronze_or_quarantine(stages: dict[str, Stage], stage: str) -> None:
    observed = stages[stage]
    for country, (valid, quarantined) in observed.bronze_rows.items():
        assert valid + quarantined == observed.landed_rows[country], country
        assert quarantined == observed.planted_malformed[country], country


@pytest.mark.parametrize("stage", STAGE_NAMES)
def test_no_duplicate_keys_in_silver(stages: dict[str, Stage], stage: str) -> None:
    assert stages[stage].duplicate_keys == {table: 0 for table in SILVER_KEYS}


@pytest.mark.parametrize("stage", STAGE_NAMES)
def test_silver_matches_ground_truth(stages: dict[str, Stage], stage: str) -> None:
    for country, check in stages[stage].truth.items():
        assert check["expected"] > 0, country
        assert (check["missing"], check["wrong"], check["unexpected"]) == (0, 0, 0), (
            country,
            check,
        )


def test_late_rows_land_once_in_their_interval(stages: dict[str, Stage]) -> None:
    day1, day2 = stages["day 1"].truth, stages["day 2"].truth
    for country in COUNTRIES:
        # Rows of day 1 that arrive on day 2 are in silver after day 2's run, once, and match.
        assert day2[country]["late_expected"] > day1[country]["late_expected"], country
        assert day2[country]["late_landed"] == day2[country]["late_expected"], country


def test_nl_gap_is_split_when_the_missing_reading_arrives(stages: dict[str, Stage]) -> None:
    # Late NL readings leave hours spanned by one long interval until they arrive.
    assert stages["day 1"].truth["NL"]["gap_spanned"] > 0


def test_rerun_leaves_every_table_unchanged(stages: dict[str, Stage]) -> None:
    assert stages["day 2 again"].hashes == stages["day 2"].hashes
    # ... while a new day does change them (the hash can see a change).
    assert (
        stages["day 2"].hashes[f"{PREFIX}silver_platform.readings"]
        != stages["day 1"].hashes[f"{PREFIX}silver_platform.readings"]
    )


def test_a_rerun_commits_no_column_comment_again(stages: dict[str, Stage]) -> None:
    """persist_docs alters a column's comment only when it differs from the yml: the
    re-run of a day adds no `CHANGE COLUMN` commit to an incremental model's table
    (dbt-spark's adds one per documented column per model per run), and the comments are
    still the documented ones. (A `table` model is replaced every run, comments and all,
    so its comments are written again.)"""
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    incremental = {
        f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    }
    before, after = stages["day 2"].versions, stages["day 2 again"].versions
    assert len(incremental & set(after)) > 10
    altered = {
        table: [
            row["version"]
            for row in rows(f"describe history {table}")
            if row["operation"] == "CHANGE COLUMN" and before[table] < row["version"] <= version
        ]
        for table, version in after.items()
        if table in incremental
    }
    altered = {table: versions for table, versions in altered.items() if versions}
    assert not altered
    node = manifest["nodes"]["model.gridunion.silver_platform__readings"]
    documented = {n: c["description"] for n, c in node["columns"].items() if c["description"]}
    assert documented
    table = f"{PREFIX}silver_platform.readings"
    comments = {r["col_name"]: r["comment"] for r in rows(f"describe table {table}")}
    assert {n: comments.get(n) for n in documented} == documented


def test_an_incremental_model_asks_spark_for_its_window_start_once_per_run(
    stages: dict[str, Stage],
) -> None:
    """A model's window start is read by its input filter (in most models twice: new rows
    and the existing rows they may correct) and by its merge's target pruning: one query
    per model and run, not one per call (45 queries a day at the brief's scale, 36 s)."""
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    windowed = {
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["config"].get("incremental_window")
    }
    asked: dict[str, int] = {}
    for statement in stages["day 2"].statements:
        if "as window_start from" in statement.sql:
            asked[statement.node] = asked.get(statement.node, 0) + 1
    assert set(asked) == windowed  # every windowed model asked (it is incremental on day 2)
    assert {uid: n for uid, n in asked.items() if n != 1} == {}
    # ... and the merge of each model that had rows (an empty table has no window) still
    # pruned the existing table with that start
    had_rows = {
        uid
        for uid in windowed
        if stages["day 1"].hashes[relation_of(manifest["nodes"][uid])][0] > 0
    }
    merges = {s.node: s.sql for s in stages["day 2"].statements if s.verb == "merge"}
    assert len(had_rows) > 10 and had_rows <= set(merges)
    assert {uid for uid in had_rows if ">= date'" not in merges[uid]} == set()


def test_a_merge_describes_its_target_once(
    stages: dict[str, Stage],
) -> None:
    """dbt-spark's incremental materialization describes the target for the schema-change
    check, again for the merge's column list and again after the merge for the comments
    (persist_docs); the adapter keeps the first answer until a statement may change a
    relation (a MERGE changes rows only), so there is one describe, before the merge."""
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    log = StatementLog(stages["day 2"].statements)
    merged = {s.node for s in log.statements if s.verb == "merge"}
    assert len(merged) > 10
    described: dict[str, tuple[int, int]] = {}
    for uid in merged:
        target = relation_of(manifest["nodes"][uid])
        statements = log.of(uid)
        merge_at = next(i for i, s in enumerate(statements) if s.verb == "merge")
        of_target = [
            i
            for i, s in enumerate(statements)
            if s.verb == "describe" and s.sql.split()[-1].lower() == target.lower()
        ]
        described[uid] = (
            sum(1 for i in of_target if i < merge_at),
            sum(1 for i in of_target if i > merge_at),
        )
    assert {uid: n for uid, n in described.items() if n != (1, 0)} == {}


def test_reference_tables_are_rewritten_only_when_their_landing_changed(
    stages: dict[str, Stage],
) -> None:
    """Meters, regions and tariffs land once (day 1): later runs leave their tables as they
    are, no commit, no statement but the fingerprint's; a changed landing file is taken
    (test_consumer_skips_what_reads_a_failing_upstream re-publishes the tariffs)."""
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    reference = {
        f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "reference_table"
    }
    assert len(reference) == 6 and reference <= set(stages["day 1"].versions)
    for later in ("day 2", "day 2 again"):
        assert {t: stages[later].versions[t] for t in reference} == {
            t: stages["day 1"].versions[t] for t in reference
        }
        assert {t: stages[later].hashes[t] for t in reference} == {
            t: stages["day 1"].hashes[t] for t in reference
        }
    written = re.compile(
        r"\b(?:table|into)\s+(" + "|".join(re.escape(t) for t in reference) + r")\b"
    )
    writes = [
        s.sql.split("\n", 1)[0]
        for s in stages["day 2"].statements
        if s.verb in ("create", "alter", "merge", "insert") and written.search(s.sql)
    ]
    assert writes == []


@dataclass(frozen=True)
class Coordination:
    producer_succeeded: bool
    consumer_succeeded: bool
    problems: list[tuple[str, str, str]]  # (product, team, reason)
    versions_before: dict[str, int]
    versions_after: dict[str, int]


def delta_version(table: str) -> int:
    return int(rows(f"describe history {PREFIX}{table}")[0]["version"])


@pytest.fixture(scope="module")
def coordination(
    stages: dict[str, Stage], project_dir: Path, lakehouse_dir: Path, tmp_path_factory: Any
) -> Coordination:
    """After the three days: the platform team publishes a tariff twice with two prices
    (its tariffs' unique test fails), in the same invocation as commercial analytics."""
    context = RunContext(
        project_dir=project_dir,
        env=ENV,
        lakehouse_dir=lakehouse_dir,
        landing_dir=stages["day 2"].landing,
        as_of=f"{(START + timedelta(days=1)).isoformat()}T23:59",
    )
    tariffs = stages["day 2"].landing / "reference" / "tariffs.csv"
    original = tariffs.read_text(encoding="utf-8")
    first_tariff = original.splitlines()[1].split(",")
    conflicting = ",".join(
        [first_tariff[0], first_tariff[1], "Conflicting price", "9.9999", *first_tariff[4:]]
    )
    tables = (
        "gold_commercial_analytics.de_monthly_billing",
        "gold_commercial_analytics.daily_consumption",
    )
    before = {t: delta_version(t) for t in tables}
    try:
        tariffs.write_text(original + conflicting + "\n", encoding="utf-8")
        [producer, consumer] = build_teams(context, ["platform", "commercial_analytics"])
    finally:
        tariffs.write_text(original, encoding="utf-8")
    return Coordination(
        producer.success,
        consumer.success,
        [(p.product_name, p.team, p.reason) for p in consumer.upstream_problems],
        before,
        {t: delta_version(t) for t in tables},
    )


def test_consumer_skips_what_reads_a_failing_upstream(coordination: Coordination) -> None:
    assert not coordination.producer_succeeded  # the tariffs' unique test failed
    [(product, team, reason)] = coordination.problems
    assert (product, team) == ("silver_platform__tariffs", "platform")
    # both teams were one dbt invocation: dbt skipped the reader, steward names why
    assert reason == "its tests failed in this run: unique_silver_platform__tariffs_tariff_id"
    # the bill, which reads the tariffs, was not rebuilt; the daily consumption was
    billing, daily = (
        "gold_commercial_analytics.de_monthly_billing",
        "gold_commercial_analytics.daily_consumption",
    )
    assert coordination.versions_after[billing] == coordination.versions_before[billing]
    assert coordination.versions_after[daily] > coordination.versions_before[daily]
    assert coordination.consumer_succeeded
