"""`steward contracts breaking --base REF` on a temporary git repository: a table of
changes to a contracted model, each committed as the base and changed in the working
tree, with whether it is breaking (exit 1, CON003 naming the consumer) or not (exit 0);
then the versioning workflow: v2 beside v1, consumers moving at their pace, v1 removed
after its date."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.contracts import diff_contracts
from steward.project.contracts import parse_contract

PROJECT_DIR = Path(__file__).resolve().parents[2]

CONTRACT = """\
apiVersion: v3.1.0
kind: DataContract
id: readings
version: {version}
status: {status}
{custom}schema:
  - name: silver_platform__readings
    description: Readings.
    properties:
      - {{name: meter_id, logicalType: string, physicalType: string, description: The meter.,
         primaryKey: true, primaryKeyPosition: 1}}
      - {{name: interval_start_utc, logicalType: timestamp, physicalType: timestamp,
         description: Start., primaryKey: true, primaryKeyPosition: 2}}
      - {{name: {kwh}, logicalType: number, physicalType: "{kwh_type}", description: Energy.,
         required: true}}
      - {{name: quality_flag, logicalType: string, physicalType: string, description: The flag.,
         required: {flag_required}}}
{extra}    quality:
      - {{metric: rowCount, arguments: {{loadColumn: interval_start_utc}},
         mustBeBetween: [{volume_min}, 1000000]}}
slaProperties:
  - {{property: latency, value: {latency}, unit: d,
     element: silver_platform__readings.interval_start_utc}}
"""
READINGS_SQL = """\
select
    meter_id,
    interval_start_utc,
    cast(kwh as {kwh_type}) as {kwh},
    quality_flag{extra}
from {{{{ ref('bronze_platform__readings') }}}}
"""
CONSUMER_SQL = """\
select meter_id, sum({kwh}) as total_kwh
from {{{{ ref('silver_platform__readings'{pin}) }}}}
group by meter_id
"""


def contract(**changes: object) -> str:
    values: dict[str, object] = {
        "version": "1.0.0",
        "status": "active",
        "custom": "",
        "kwh": "kwh",
        "kwh_type": "decimal(18,6)",
        "flag_required": "true",
        "extra": "",
        "volume_min": 1000,
        "latency": 2,
    }
    values.update(changes)
    return CONTRACT.format(**values)


def readings_sql(kwh: str = "kwh", kwh_type: str = "decimal(18, 6)", extra: str = "") -> str:
    return READINGS_SQL.format(kwh=kwh, kwh_type=kwh_type, extra=extra)


BASE_FILES = {
    "dbt_project.yml": """\
name: brk
version: "1.0.0"
config-version: 2
models:
  brk:
    +file_format: delta
    silver: {platform: {+group: platform}}
    gold: {commercial_analytics: {+group: commercial_analytics}}
""",
    "platform/teams.yml": """\
teams:
  - {id: platform, name: Platform, kind: engineering, contact: platform@example.com, layers: [bronze, silver]}
  - {id: commercial_analytics, name: Commercial analytics, kind: analytics, contact: commercial-analytics@example.com, layers: [gold]}
""",
    "models/groups.yml": """\
groups:
  - {name: platform, owner: {email: platform@example.com}}
  - {name: commercial_analytics, owner: {email: ca@example.com}}
""",
    "models/bronze/platform/_sources.yml": """\
version: 2
sources:
  - name: landing_platform
    tables:
      - name: readings
        columns:
          - {name: meter_id}
          - {name: interval_start_utc}
          - {name: kwh}
          - {name: quality_flag}
""",
    "models/bronze/platform/bronze_platform__readings.sql": "select meter_id, interval_start_utc, kwh, quality_flag\n"
    "from {{ source('landing_platform', 'readings') }}\n",
    "models/silver/platform/silver_platform__readings.sql": readings_sql(),
    "contracts/platform/silver_platform__readings.yaml": contract(),
    "models/gold/commercial_analytics/gold_commercial_analytics__consumption.sql": CONSUMER_SQL.format(
        kwh="kwh", pin=""
    ),
    "models/gold/commercial_analytics/_exposures.yml": """\
version: 2
exposures:
  - name: billing_dashboard
    type: dashboard
    owner: {email: ca@example.com}
    depends_on: [ref('gold_commercial_analytics__consumption')]
""",
}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def write(root: Path, files: dict[str, str | None]) -> None:
    for rel, text in files.items():
        path = root / rel
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def generate(root: Path) -> None:
    assert main(["contracts", "generate", "--project-dir", str(root)]) == 0


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil_macros = PROJECT_DIR / "macros" / "namespaces"
    for macro in shutil_macros.glob("*.sql"):
        write(root, {f"macros/namespaces/{macro.name}": macro.read_text(encoding="utf-8")})
    write(root, dict(BASE_FILES))
    git(root, "init", "-q")
    generate(root)
    commit(root, "base")
    return root


def breaking(root: Path, capsys: pytest.CaptureFixture[str], base: str = "HEAD") -> tuple[int, str]:
    capsys.readouterr()
    code = main(["contracts", "breaking", "--base", base, "--project-dir", str(root)])
    return code, capsys.readouterr().out


@dataclass(frozen=True)
class Case:
    files: dict[str, str | None]
    breaking: bool
    says: str = ""
    breaks_consumer: bool = True
    """The consumer (it reads meter_id and kwh) and the exposure behind it are named."""
    regenerate: bool = True
    """Run `contracts generate` after the change (it refuses while a consumer's ref() names
    no model)."""


CONTRACT_PATH = "contracts/platform/silver_platform__readings.yaml"
SQL_PATH = "models/silver/platform/silver_platform__readings.sql"
CONSUMER_PATH = "models/gold/commercial_analytics/gold_commercial_analytics__consumption.sql"

CASES: dict[str, Case] = {
    "column_removed": Case(
        {
            CONTRACT_PATH: contract().replace(
                "      - {name: quality_flag, logicalType: string, physicalType: string, "
                "description: The flag.,\n         required: true}\n",
                "",
            ),
            SQL_PATH: readings_sql().replace(",\n    quality_flag", ""),
        },
        True,
        "`quality_flag` removed",
        breaks_consumer=False,
    ),
    "column_renamed": Case(
        {
            CONTRACT_PATH: contract(kwh="energy_kwh"),
            SQL_PATH: readings_sql(kwh="energy_kwh"),
            CONSUMER_PATH: CONSUMER_SQL.format(kwh="energy_kwh", pin=""),
        },
        True,
        "`kwh` renamed to `energy_kwh`",
    ),
    "type_narrowed": Case(
        {
            CONTRACT_PATH: contract(kwh_type="decimal(10,2)"),
            SQL_PATH: readings_sql(kwh_type="decimal(10, 2)"),
        },
        True,
        "`kwh` narrowed: decimal(18,6) -> decimal(10,2)",
    ),
    "type_changed": Case(
        {CONTRACT_PATH: contract(kwh_type="double"), SQL_PATH: readings_sql(kwh_type="double")},
        True,
        "`kwh` changed: decimal(18,6) -> double",
    ),
    "nullable_where_it_was_not_null": Case(
        {CONTRACT_PATH: contract(flag_required="false")},
        True,
        "`quality_flag` may now be NULL",
        breaks_consumer=False,
    ),
    "key_changed": Case(
        {
            CONTRACT_PATH: contract().replace(
                "description: Start., primaryKey: true, primaryKeyPosition: 2",
                "description: Start.",
            )
        },
        True,
        "primary key (meter_id, interval_start_utc) -> (meter_id)",
    ),
    "sla_latency_weakened": Case(
        {CONTRACT_PATH: contract(latency=3)}, True, "latency 2 day -> 3 day"
    ),
    "sla_volume_weakened": Case(
        {CONTRACT_PATH: contract(volume_min=10)}, True, "volume minimum 1000 -> 10"
    ),
    "sql_no_longer_produces_a_contracted_column": Case(
        {SQL_PATH: readings_sql().replace(",\n    quality_flag", "")},
        True,
        "does not produce `quality_flag`",
        breaks_consumer=False,
    ),
    "model_sql_removed_while_its_contract_stays": Case(
        {SQL_PATH: None},
        True,
        "the model `silver_platform__readings` "
        "(models/silver/platform/silver_platform__readings.sql) was removed, its contract stays",
        regenerate=False,
    ),
    "type_changed_only_in_the_sql": Case(
        {SQL_PATH: readings_sql(kwh_type="double")},
        True,
        "yields `kwh` as double, the contract declares decimal(18,6) (changed)",
    ),
    "type_narrowed_only_in_the_sql": Case(
        {SQL_PATH: readings_sql(kwh_type="decimal(10, 2)")},
        True,
        "yields `kwh` as decimal(10,2), the contract declares decimal(18,6) (narrowed)",
    ),
    "same_type_spelt_otherwise_in_the_sql": Case(
        {SQL_PATH: readings_sql(kwh_type="numeric(18,6)")}, False
    ),
    "column_added": Case(
        {
            CONTRACT_PATH: contract(
                extra="      - {name: source, logicalType: string, "
                "physicalType: string, description: Where.}\n"
            ),
            SQL_PATH: readings_sql(extra=",\n    'de' as source"),
        },
        False,
    ),
    "sla_tightened": Case({CONTRACT_PATH: contract(latency=1, volume_min=2000)}, False),
    "contract_removed_unpublishes_the_model": Case(
        {CONTRACT_PATH: None}, True, "is no longer a contracted public model"
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_change_against_base(repo: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    case = CASES[name]
    write(repo, case.files)
    if case.regenerate and case.files.get(CONTRACT_PATH, "") is not None:
        generate(repo)
    code, out = breaking(repo, capsys)
    assert code == (1 if case.breaking else 0), out
    if case.breaking:
        assert "CON003 error" in out and case.says in out, out
        if case.breaks_consumer:
            assert "`gold_commercial_analytics__consumption` of commercial_analytics" in out
            assert "exposure `billing_dashboard` of commercial_analytics" in out
        else:
            assert "no known consumer yet" in out, out
    else:
        assert "CON003 error" not in out, out


def test_lint_reports_a_type_changed_only_in_the_sql_as_breaking_does(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, {SQL_PATH: readings_sql(kwh_type="double")})
    capsys.readouterr()
    code = main(["lint", "--select", "CON003", "--project-dir", str(repo)])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "CON003" in out and "yields `kwh` as double" in out, out


def test_making_a_column_required_and_tightening_are_not_breaking() -> None:
    old = parse_contract(contract(flag_required="false", latency=3), CONTRACT_PATH)
    new = parse_contract(contract(latency=1), CONTRACT_PATH)
    changes = {c.kind: c for c in diff_contracts(old, new)}
    assert set(changes) == {"required", "sla_tightened"}
    assert not any(c.breaking for c in changes.values())


def test_markdown_for_the_pull_request(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, CASES["column_renamed"].files)
    generate(repo)
    capsys.readouterr()
    code = main(
        [
            "contracts",
            "breaking",
            "--base",
            "HEAD",
            "--project-dir",
            str(repo),
            "--format",
            "markdown",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "**breaking** `silver_platform__readings` v1" in out
    assert "team `commercial_analytics`: `gold_commercial_analytics__consumption` uses" in out
    assert "exposure `billing_dashboard`" in out


# ---- the versioning workflow ----------------------------------------------------------
V1_CONTRACT = "contracts/platform/silver_platform__readings.v1.yaml"
V2_CONTRACT = "contracts/platform/silver_platform__readings.v2.yaml"
V1_SQL = "models/silver/platform/silver_platform__readings_v1.sql"
V2_SQL = "models/silver/platform/silver_platform__readings_v2.sql"


def deprecated_v1(date: str) -> str:
    return contract(
        status="deprecated",
        custom=f'customProperties:\n  - {{property: deprecationDate, value: "{date}"}}\n',
    )


def publish_v2(
    repo: Path, date: str, pin: str, kwh: str = "energy_kwh", kwh_type: str = ""
) -> None:
    """v1 kept (deprecated, with a date) beside v2, which renames kwh to energy_kwh (or,
    with `kwh_type`, gives it that type)."""
    v2_contract = contract(version="2.0.0", kwh=kwh, **({"kwh_type": kwh_type} if kwh_type else {}))
    write(
        repo,
        {
            CONTRACT_PATH: None,
            SQL_PATH: None,
            V1_CONTRACT: deprecated_v1(date),
            V1_SQL: readings_sql(),
            V2_CONTRACT: v2_contract,
            V2_SQL: readings_sql(kwh=kwh, kwh_type=kwh_type or "decimal(18, 6)"),
            CONSUMER_PATH: CONSUMER_SQL.format(kwh="kwh", pin=pin),
        },
    )
    generate(repo)


Step = Callable[[Path], None]


def test_v2_beside_v1_with_the_consumer_pinned_is_not_breaking(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish_v2(repo, "2099-12-31", ", v=1")
    code, out = breaking(repo, capsys)
    assert code == 0, out
    generated = (repo / "models/silver/platform/silver_platform__readings.contract.yml").read_text(
        encoding="utf-8"
    )
    assert "latest_version: 2" in generated and "deprecation_date: 2099-12-31" in generated
    assert "consumers" not in generated  # computed, never committed:
    capsys.readouterr()
    argv = ["contracts", "consumers", "silver_platform__readings", "--format", "json"]
    assert main([*argv, "--project-dir", str(repo)]) == 0
    [consumer] = json.loads(capsys.readouterr().out)["models"]
    assert (consumer["version"], consumer["pinned"]) == (1, True)  # the consumer of v1


def test_v2_becoming_latest_breaks_consumers_that_follow_the_latest(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish_v2(repo, "2099-12-31", "")
    code, out = breaking(repo, capsys)
    assert code == 1
    assert "moves v1 -> v2" in out and "ref('silver_platform__readings', v=1)" in out
    assert "gold_commercial_analytics__consumption" in out


def test_consumers_move_at_their_pace_then_v1_goes_after_its_date(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish_v2(repo, "2026-01-31", ", v=1")
    commit(repo, "v2 beside v1; the consumer pins v1")
    # the consumer moves to v2 when it is ready
    write(repo, {CONSUMER_PATH: CONSUMER_SQL.format(kwh="energy_kwh", pin="")})
    generate(repo)
    assert breaking(repo, capsys)[0] == 0
    commit(repo, "the consumer reads v2")
    # v1's date has passed: it goes
    write(repo, {V1_CONTRACT: None, V1_SQL: None})
    generate(repo)
    code, out = breaking(repo, capsys)
    assert code == 0, out


def test_v1_removed_before_its_date_is_breaking(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish_v2(repo, "2099-12-31", ", v=1")
    commit(repo, "v2 beside v1")
    write(
        repo,
        {
            V1_CONTRACT: None,
            V1_SQL: None,
            CONSUMER_PATH: CONSUMER_SQL.format(kwh="energy_kwh", pin=""),
        },
    )
    generate(repo)
    code, out = breaking(repo, capsys)
    assert code == 1
    assert "v1 was removed before its deprecation date 2099-12-31" in out


def test_v1_removed_while_a_consumer_still_pins_it_is_breaking(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish_v2(repo, "2026-01-31", ", v=1")
    commit(repo, "v2 beside v1")
    write(repo, {V1_CONTRACT: None, V1_SQL: None})
    generate(repo)
    code, out = breaking(repo, capsys)
    assert code == 1
    assert "still pin it" in out and "gold_commercial_analytics__consumption" in out


def test_breaking_change_in_place_says_how_to_version_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, CASES["column_renamed"].files)
    generate(repo)
    code, out = breaking(repo, capsys)
    assert code == 1
    assert "Publish it as v2" in out and "keep v1 with a deprecation date" in out


def test_a_type_change_as_v2_beside_a_deprecated_v1_is_not_breaking(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish_v2(repo, "2099-12-31", ", v=1", kwh="kwh", kwh_type="double")
    code, out = breaking(repo, capsys)
    assert code == 0, out
    assert "yields `kwh`" not in out, out


def test_v1_sql_removed_before_its_date_while_its_contract_stays_is_breaking(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish_v2(repo, "2099-12-31", ", v=1")
    commit(repo, "v2 beside v1; the consumer pins v1")
    write(repo, {V1_SQL: None})
    code, out = breaking(repo, capsys)
    assert code == 1, out
    assert f"({V1_SQL}) was removed, its contract stays" in out, out
    assert "`gold_commercial_analytics__consumption` of commercial_analytics" in out, out
    assert "exposure `billing_dashboard` of commercial_analytics" in out, out


def test_bad_base_is_exit_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contracts", "breaking", "--base", "no-such-ref", "--project-dir", str(repo)]) == 2
