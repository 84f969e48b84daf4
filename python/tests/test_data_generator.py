"""`steward data generate`: the four landing formats parse back to the ground truth.

Each test reads the files the way a pipeline would (its own small parsers, not the
generator's code), so the formats are checked from the outside.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from steward.cli import main as cli_main
from steward.data import COUNTRIES, REGIONS, TARIFFS, GenerationConfig, generate
from steward.data.faults import RESEND_SHARE, resend_plan
from steward.errors import UserError

BERLIN = ZoneInfo("Europe/Berlin")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DE_LINE = re.compile(r"^DE\d{12};\d\d\.\d\d\.\d{4} \d\d:\d\d;(MEZ|MESZ);\d+,\d{4}$")
FR_LINE = re.compile(
    r'^\{"pdl": "\d{14}", "horodatage": "\d{4}-\d\d-\d\dT\d\d:\d\d:00Z", '
    r'"puissance_moyenne_w": \d+\.\d, "pas_min": 30\}$'
)
NL_LINE = re.compile(r"^871\d{15},\d{4}-\d\d-\d\dT\d\d:00:00\+0[12]:00,\d+\.\d{3},\d+\.\d{3}$")
ROWS_PER_DAY = 20_000


# --- parsers: what a pipeline does with each format ----------------------------------


class Unparseable(ValueError):
    pass


@dataclass(frozen=True)
class Row:
    meter: str
    epoch: int  # interval start (NL: the moment of the reading), UTC seconds
    kwh: float  # NL: 0.0; see registers
    registers: tuple[Decimal, Decimal] | None = None


def parse_de(line: str) -> Row:
    try:
        meter, start, zone, value = line.split(";")
        offset = {"MEZ": 1, "MESZ": 2}[zone]
        local = datetime.strptime(start, "%d.%m.%Y %H:%M")
        kwh = float(value.replace(",", "."))
    except (ValueError, KeyError) as exc:
        raise Unparseable(line) from exc
    moment = local.replace(tzinfo=timezone(timedelta(hours=offset)))
    return Row(meter, int(moment.timestamp()), kwh)


def parse_fr(line: str) -> Row:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise Unparseable(line) from exc
    moment = datetime.strptime(record["horodatage"], "%Y-%m-%dT%H:%M:%SZ")
    watts = float(record["puissance_moyenne_w"])
    return Row(record["pdl"], int(moment.replace(tzinfo=timezone.utc).timestamp()), watts / 2000)


def parse_nl(line: str) -> Row:
    ean, moment, t1, t2 = line.split(",")
    try:
        registers = (Decimal(t1), Decimal(t2))
    except ArithmeticError as exc:
        raise Unparseable(line) from exc
    return Row(ean, int(datetime.fromisoformat(moment).timestamp()), 0.0, registers)


PARSERS = {"DE": parse_de, "FR": parse_fr, "NL": parse_nl}


@dataclass(frozen=True)
class Landed:
    """Every landing row of a country, re-sent copies left out."""

    rows: list[tuple[Row, date, Path]]  # row, arrival date, file
    malformed: list[tuple[str, Path]]


def read_landing(out: Path, country: str) -> Landed:
    rows: list[tuple[Row, date, Path]] = []
    malformed: list[tuple[str, Path]] = []
    for path in sorted((out / "landing" / country.lower()).glob("arrival_date=*/*")):
        if "_resent_" in path.name:
            continue
        arrival = date.fromisoformat(path.parent.name.split("=")[1])
        if country == "LU":
            table = pq.read_table(path)
            for record in table.to_pylist():
                if record["meter_id"] is None or record["kwh"] is None:
                    malformed.append((str(record), path))
                    continue
                epoch = int(record["interval_start_utc"].timestamp())
                rows.append((Row(record["meter_id"], epoch, record["kwh"]), arrival, path))
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        if country in ("DE", "NL"):
            lines = lines[1:]
        for line in lines:
            try:
                rows.append((PARSERS[country](line), arrival, path))
            except Unparseable:
                malformed.append((line, path))
    return Landed(rows, malformed)


def read_truth(out: Path, country: str) -> dict[str, np.ndarray]:
    table = pq.read_table(out / "truth" / "intervals.parquet")
    table = table.filter(pa.compute.equal(table["country"], country))
    columns = {name: table[name].to_numpy() for name in table.column_names}
    columns["epoch"] = table["interval_start_utc"].cast(pa.int64()).to_numpy() // 1_000_000
    columns["arrival_date"] = np.array(table["arrival_date"].to_pylist())
    return columns


def truth_by_key(truth: dict[str, np.ndarray]) -> dict[tuple[str, int], dict[str, object]]:
    names = ("kwh", "delivered", "late", "arrival_date", "interval_minutes")
    return {
        (meter, int(epoch)): {name: truth[name][i] for name in names}
        for i, (meter, epoch) in enumerate(zip(truth["meter_id"], truth["epoch"], strict=True))
    }


def reading_day(country: str, epoch: int) -> date:
    """The day whose file carries an interval: local day for DE, UTC day otherwise."""
    zone = BERLIN if country == "DE" else timezone.utc
    return datetime.fromtimestamp(epoch, zone).date()


def file_day(path: Path) -> date:
    return datetime.strptime(path.name.split("_")[2], "%Y%m%d").date()


def hashes(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spring(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("spring") / "data"
    generate(GenerationConfig(start=date(2026, 3, 28), days=3, rows_per_day=ROWS_PER_DAY, out=out))
    return out


@pytest.fixture(scope="module")
def autumn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("autumn") / "data"
    generate(GenerationConfig(start=date(2026, 10, 24), days=3, rows_per_day=ROWS_PER_DAY, out=out))
    return out


@pytest.fixture(params=["spring", "autumn"])
def run(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(request.param)


# --- formats parse back to the truth -----------------------------------------------------


@pytest.mark.parametrize("country", ["DE", "FR", "LU"])
def test_interval_formats_parse_back_to_the_truth(run: Path, country: str) -> None:
    truth = truth_by_key(read_truth(run, country))
    landed = read_landing(run, country)
    seen = set()
    for row, arrival, path in landed.rows:
        key = (row.meter, row.epoch)
        assert key not in seen, f"{key} delivered twice outside re-sent files"
        seen.add(key)
        expected = truth[key]
        assert row.kwh == expected["kwh"]
        assert expected["delivered"]
        assert arrival == expected["arrival_date"]
        assert ("_late_" in path.name) == expected["late"]
        assert file_day(path) == reading_day(country, row.epoch)
    delivered = {key for key, value in truth.items() if value["delivered"]}
    assert seen == delivered
    assert len(landed.malformed) == len(truth) - len(delivered)


def test_nl_register_differences_are_the_interval_kwh(run: Path) -> None:
    truth = truth_by_key(read_truth(run, "NL"))
    landed = read_landing(run, "NL")
    readings: dict[str, dict[int, tuple[Decimal, Decimal]]] = defaultdict(dict)
    arrivals: dict[tuple[str, int], tuple[date, Path]] = {}
    for row, arrival, path in landed.rows:
        assert row.registers is not None
        readings[row.meter][row.epoch] = row.registers
        arrivals[(row.meter, row.epoch)] = (arrival, path)
    checked = 0
    for meter, series in readings.items():
        for epoch, (t1, t2) in series.items():
            key = (meter, epoch - 3600)  # a reading closes the hour before it
            if key not in truth:
                assert epoch == min(series), "only the opening reading closes no interval"
                assert 1000 <= t1 <= 50_000 and 1000 <= t2 <= 50_000
                continue
            expected = truth[key]
            assert expected["delivered"]
            assert arrivals[(meter, epoch)][0] == expected["arrival_date"]
            assert ("_late_" in arrivals[(meter, epoch)][1].name) == expected["late"]
            previous = series.get(epoch - 3600)
            if previous is not None:
                consumed = (t1 - previous[0]) + (t2 - previous[1])
                assert float(consumed) == expected["kwh"]
                checked += 1
    assert checked > 0.95 * len(truth)
    delivered = sum(1 for value in truth.values() if value["delivered"])
    assert len(landed.malformed) == len(truth) - delivered


def test_nl_only_the_register_of_the_tariff_moves(run: Path) -> None:
    landed = read_landing(run, "NL")
    series: dict[str, dict[int, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for row, _, _ in landed.rows:
        assert row.registers is not None
        series[row.meter][row.epoch] = row.registers
    moved = Counter()
    for readings in series.values():
        for epoch, (t1, t2) in readings.items():
            previous = readings.get(epoch - 3600)
            if previous is None:
                continue
            start = datetime.fromtimestamp(epoch - 3600, AMSTERDAM)
            low = start.hour >= 23 or start.hour < 7 or start.weekday() >= 5
            assert t1 >= previous[0] and t2 >= previous[1], "registers never decrease"
            if low:
                assert t2 == previous[1], f"T2 moved at {start} (a T1 hour)"
            else:
                assert t1 == previous[0], f"T1 moved at {start} (a T2 hour)"
            moved[(low, start.hour)] += 1
    # The switch hours are all there: 06:00 and 23:00 are T1, 07:00 and 22:00 T2 on weekdays.
    assert {(True, 6), (False, 7), (False, 22), (True, 23)} <= set(moved)


def test_nl_meetmoment_carries_the_local_offset(spring: Path) -> None:
    path = next((spring / "landing/nl/arrival_date=2026-03-29").glob("readings_nl_20260329_01.csv"))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "ean,meetmoment,register_t1_kwh,register_t2_kwh"
    moments = {line.split(",")[1] for line in lines[1:] if NL_LINE.match(line)}
    # The first reading of the UTC day is 01:00 UTC: the clock already jumped to summer time.
    assert "2026-03-29T03:00:00+02:00" in moments
    assert "2026-03-29T01:00:00+01:00" not in moments
    assert "2026-03-30T02:00:00+02:00" in moments  # D+1 00:00 UTC closes the day


def test_nl_first_day_file_holds_the_opening_reading(spring: Path) -> None:
    first = spring / "landing/nl/arrival_date=2026-03-28/readings_nl_20260328_01.csv"
    second = spring / "landing/nl/arrival_date=2026-03-29/readings_nl_20260329_01.csv"
    assert "2026-03-28T01:00:00+01:00" in first.read_text()  # 00:00 UTC, the opening
    assert "2026-03-29T01:00:00+01:00" in first.read_text()  # 00:00 UTC, closes the day
    assert "2026-03-29T01:00:00+01:00" not in second.read_text()


def test_text_formats_are_exact(spring: Path) -> None:
    de = next((spring / "landing/de/arrival_date=2026-03-28").glob("readings_de_*_01.csv"))
    de_lines = de.read_text(encoding="utf-8").splitlines()
    assert de_lines[0] == "zaehler_id;messbeginn;zeitzone;verbrauch_kwh"
    fr = next((spring / "landing/fr/arrival_date=2026-03-28").glob("readings_fr_*_01.jsonl"))
    fr_lines = fr.read_text(encoding="utf-8").splitlines()
    for lines, pattern in ((de_lines[1:], DE_LINE), (fr_lines, FR_LINE)):
        well_formed = [line for line in lines if pattern.match(line)]
        assert len(well_formed) >= 0.99 * len(lines)


def test_lu_parquet_types(spring: Path) -> None:
    path = spring / "landing/lu/arrival_date=2026-03-28/readings_lu_20260328_01.parquet"
    schema = pq.read_schema(path)
    assert schema.field("meter_id").type == pa.string()
    assert schema.field("interval_start_utc").type == pa.timestamp("us", tz="UTC")
    assert schema.field("kwh").type == pa.float64()
    table = pq.read_table(path)
    ids = [i for i in table["meter_id"].to_pylist() if i is not None]
    assert all(re.fullmatch(r"LU\d{10}", i) for i in ids)
    kwh = np.array([k for k in table["kwh"].to_pylist() if k is not None])
    assert np.all(np.round(kwh, 4) == kwh) and np.all(kwh >= 0)


# --- daylight saving time ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "change_day", "intervals"),
    [("spring", date(2026, 3, 29), 92), ("autumn", date(2026, 10, 25), 100)],
)
def test_de_dst_days_have_92_and_100_intervals(
    request: pytest.FixtureRequest, fixture: str, change_day: date, intervals: int
) -> None:
    out = request.getfixturevalue(fixture)
    truth = read_truth(out, "DE")
    per_day: Counter[tuple[str, date]] = Counter(
        (meter, reading_day("DE", int(epoch)))
        for meter, epoch in zip(truth["meter_id"], truth["epoch"], strict=True)
    )
    for (_, day), count in per_day.items():
        assert count == (intervals if day == change_day else 96)


def test_de_repeated_hour_is_disambiguated(autumn: Path) -> None:
    path = autumn / "landing/de/arrival_date=2026-10-25/readings_de_20261025_01.csv"
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    meter = lines[0].split(";")[0]
    repeated = [
        line.split(";")[1:3]
        for line in lines
        if line.startswith(meter) and line.split(";")[1].startswith("25.10.2026 02:")
    ]
    zones = [zone for _, zone in repeated]
    assert zones == sorted(zones, key=["MESZ", "MEZ"].index), "first MESZ, then MEZ"
    instants = {parse_de(f"{meter};{start};{zone};0,0").epoch for start, zone in repeated}
    assert len(instants) == len(repeated)  # no two rows map to the same UTC instant
    truth = read_truth(autumn, "DE")
    midnight = int(datetime(2026, 10, 25, tzinfo=timezone.utc).timestamp())
    in_repeated_hour = (truth["meter_id"] == meter) & (truth["epoch"] >= midnight)
    in_repeated_hour &= truth["epoch"] < midnight + 7200
    assert in_repeated_hour.sum() == 8  # 00:00-01:45 UTC = 02:00-02:45 MESZ, then MEZ


# --- injected faults ---------------------------------------------------------------------


def test_late_rows_are_about_one_percent_and_arrive_one_to_three_days_later(spring: Path) -> None:
    total = late = 0
    for country in ("DE", "FR", "NL", "LU"):
        truth = read_truth(spring, country)
        total += len(truth["late"])
        late += int(truth["late"].sum())
        for epoch, is_late, arrival in zip(
            truth["epoch"], truth["late"], truth["arrival_date"], strict=True
        ):
            own_day = reading_day(country, int(epoch))
            delay = (arrival - own_day).days
            assert (1 <= delay <= 3) if is_late else delay == 0
    assert 0.007 < late / total < 0.013
    manifest = json.loads((spring / "truth/manifest.json").read_text())
    assert sum(c["late_rows"] for c in manifest["countries"].values()) == late
    # Partitions after the last day are written too.
    assert (spring / "landing/de/arrival_date=2026-04-02").is_dir()


def test_malformed_rows_are_about_a_thousandth_and_unparseable(spring: Path) -> None:
    total = broken = 0
    for country in ("DE", "FR", "NL", "LU"):
        truth = read_truth(spring, country)
        undelivered = int((~truth["delivered"]).sum())
        assert undelivered >= 1, f"{country} has no malformed row"
        assert not np.any(truth["late"] & ~truth["delivered"])
        total += len(truth["delivered"])
        broken += undelivered
        assert len(read_landing(spring, country).malformed) == undelivered
    assert 0.0005 < broken / total < 0.0016


def test_each_malformation_kind_occurs(tmp_path: Path) -> None:
    out = tmp_path / "data"
    generate(GenerationConfig(days=2, rows_per_day=100_000, out=out, seed=7))

    def odd_lines(country: str, pattern: re.Pattern[str], header: bool) -> list[str]:
        lines: list[str] = []
        for path in (out / "landing" / country).glob("*/*"):
            text = path.read_text(encoding="utf-8").splitlines()
            lines += [line for line in text[header:] if not pattern.match(line)]
        return lines

    # `31.02.2026 10:15` has the shape of a date: only a date parser rejects it.
    de = odd_lines("de", re.compile(DE_LINE.pattern.replace("^", r"^(?!.*;31\.02\.)")), True)
    assert any(line.endswith(";n/a") for line in de)
    assert any(";31.02." in line for line in de)
    assert any(line.count(";") == 2 for line in de)
    for line in de:
        with pytest.raises(Unparseable):
            parse_de(line)
    nl = [line.split(",") for line in odd_lines("nl", NL_LINE, header=True)]
    assert any("" in fields[2:] for fields in nl)
    assert any("onbekend" in fields[2:] for fields in nl)
    for line in odd_lines("fr", FR_LINE, header=False):
        assert line.startswith('{"pdl": ') and not line.endswith("}")
        with pytest.raises(json.JSONDecodeError):
            json.loads(line)
    tables = [pq.read_table(path) for path in (out / "landing/lu").glob("*/*.parquet")]
    assert sum(t["meter_id"].null_count for t in tables) > 0
    assert sum(t["kwh"].null_count for t in tables) > 0


def test_resent_files_are_byte_identical_copies(run: Path) -> None:
    manifest = json.loads((run / "truth/manifest.json").read_text())
    duplicates = [d for c in manifest["countries"].values() for d in c["duplicates"]]
    assert duplicates, "a run of 2 or more days re-sends at least one file"
    for duplicate in duplicates:
        copy, original = run / duplicate["file"], run / duplicate["original"]
        assert copy.read_bytes() == original.read_bytes()
        assert "_resent_" in copy.name and copy.name.replace("_resent", "") == original.name
        delay = date.fromisoformat(copy.parent.name[13:]) - date.fromisoformat(
            original.parent.name[13:]
        )
        assert delay.days in (0, 1)
    on_disk = sorted(p.relative_to(run).as_posix() for p in run.rglob("*_resent_*"))
    assert on_disk == sorted(d["file"] for d in duplicates)


def test_resend_plan_hits_about_five_percent_of_daily_files() -> None:
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(100)]
    plan = resend_plan(1, [("DE", 10), ("FR", 10), ("NL", 10), ("LU", 10)], days)
    share = len(plan) / (40 * len(days))
    assert RESEND_SHARE * 0.7 < share < RESEND_SHARE * 1.3
    assert {r.offset_days for r in plan.values()} == {0, 1}


def test_resend_plan_always_resends_one_file_in_a_multi_day_run() -> None:
    two_days = [date(2026, 1, 1), date(2026, 1, 2)]
    for seed in range(50):
        assert resend_plan(seed, [("DE", 1), ("FR", 1), ("NL", 1), ("LU", 1)], two_days)


# --- manifest, reference data, scale -----------------------------------------------------


def test_manifest_counts_match_the_files(spring: Path) -> None:
    manifest = json.loads((spring / "truth/manifest.json").read_text())
    assert manifest["arguments"] == {
        "start": "2026-03-28",
        "days": 3,
        "rows_per_day": ROWS_PER_DAY,
        "seed": 42,
    }
    for country, summary in manifest["countries"].items():
        folder = spring / "landing" / country.lower()
        for arrival, counts in summary["arrival_dates"].items():
            files = sorted((folder / f"arrival_date={arrival}").iterdir())
            assert counts["files"] == len(files)
            if country == "LU":
                rows = sum(pq.read_metadata(f).num_rows for f in files)
            else:
                header = 1 if country in ("DE", "NL") else 0
                rows = sum(len(f.read_text(encoding="utf-8").splitlines()) - header for f in files)
            assert counts["rows"] == rows
        assert summary["files"] == sum(1 for p in folder.rglob("*") if p.is_file())


def test_meter_counts_and_shares(spring: Path) -> None:
    manifest = json.loads((spring / "truth/manifest.json").read_text())
    expected = {"DE": 83, "FR": 104, "NL": 167, "LU": 125}  # round(share * 20000 / per day)
    assert {c: v["meters"] for c, v in manifest["countries"].items()} == expected


def test_reference_master_data(spring: Path) -> None:
    reference = spring / "landing/reference"
    meters = list(csv.DictReader(io.StringIO((reference / "meters.csv").read_text("utf-8"))))
    regions = list(csv.DictReader(io.StringIO((reference / "regions.csv").read_text("utf-8"))))
    tariffs = list(csv.DictReader(io.StringIO((reference / "tariffs.csv").read_text("utf-8"))))
    assert list(meters[0]) == ["meter_id", "country", "region_id", "tariff_id", "installed_on"]
    assert list(regions[0]) == ["region_id", "region_name", "country", "grid_operator"]
    assert list(tariffs[0])[:6] == [
        "tariff_id",
        "country",
        "tariff_name",
        "energy_price_eur_per_kwh",
        "standing_charge_eur_per_month",
        "time_of_use",
    ]
    assert len(regions) == len(REGIONS) == 30
    assert Counter(r["country"] for r in regions) == {"DE": 12, "FR": 9, "NL": 6, "LU": 3}
    assert len(tariffs) == len(TARIFFS)
    for country in ("DE", "FR", "NL", "LU"):
        assert 2 <= sum(t["country"] == country for t in tariffs) <= 4
    for tariff in tariffs:
        assert (tariff["time_of_use"] == "true") == (tariff["country"] == "NL")
        assert (tariff["low_price_eur_per_kwh"] != "") == (tariff["time_of_use"] == "true")
    region_country = {r["region_id"]: r["country"] for r in regions}
    tariff_country = {t["tariff_id"]: t["country"] for t in tariffs}
    for meter in meters:
        assert region_country[meter["region_id"]] == meter["country"]
        assert tariff_country[meter["tariff_id"]] == meter["country"]
        assert date.fromisoformat(meter["installed_on"]) < date(2026, 3, 28)
    assert len({m["region_id"] for m in meters}) == 30  # enough meters to reach every region
    truth_meters = set(pq.read_table(spring / "truth/intervals.parquet")["meter_id"].to_pylist())
    assert truth_meters == {m["meter_id"] for m in meters}
    nl = [m["meter_id"] for m in meters if m["country"] == "NL"]
    assert all(re.fullmatch(r"871\d{15}", ean) and _gs1_valid(ean) for ean in nl)


def _gs1_valid(code: str) -> bool:
    digits = [int(d) for d in reversed(code)]
    return sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


def test_consumption_has_a_daily_shape(spring: Path) -> None:
    truth = read_truth(spring, "DE")
    hours = np.array(
        [datetime.fromtimestamp(int(e), BERLIN).hour for e in truth["epoch"][::7]], dtype=int
    )
    kwh = truth["kwh"][::7]
    assert np.all(truth["kwh"] >= 0)
    night = kwh[(hours >= 2) & (hours < 5)].mean()
    evening = kwh[(hours >= 18) & (hours < 21)].mean()
    assert evening > 2 * night


def test_one_meter_per_country_at_tiny_scale(tmp_path: Path) -> None:
    result = generate(GenerationConfig(days=1, rows_per_day=1, out=tmp_path / "data"))
    assert [c.meters for c in result.countries] == [1, 1, 1, 1]
    assert [c.country for c in result.countries] == [c.code for c in COUNTRIES]


# --- determinism and replacement ---------------------------------------------------------


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    def run(name: str, seed: int) -> dict[str, str]:
        out = tmp_path / name
        generate(GenerationConfig(days=2, rows_per_day=3_000, seed=seed, out=out))
        return hashes(out)

    first, second, other = run("a", 42), run("b", 42), run("c", 43)
    assert first == second
    assert len(first) > 20
    assert other != first
    assert other.get("landing/reference/meters.csv") != first["landing/reference/meters.csv"]


def test_landing_and_truth_are_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "data"
    (out / "landing/de/arrival_date=1999-01-01").mkdir(parents=True)
    (out / "landing/de/arrival_date=1999-01-01/stale.csv").write_text("old")
    (out / "keep.txt").write_text("not ours")
    generate(GenerationConfig(days=1, rows_per_day=500, out=out))
    assert not (out / "landing/de/arrival_date=1999-01-01").exists()
    assert (out / "keep.txt").read_text() == "not ours"
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt", "landing", "truth"]


def test_a_failed_run_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "data"
    generate(GenerationConfig(days=1, rows_per_day=500, out=out))
    before = hashes(out)

    def interrupt(_: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate(GenerationConfig(days=2, rows_per_day=500, seed=1, out=out), progress=interrupt)
    assert hashes(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["landing", "truth"]


# --- the command line --------------------------------------------------------------------


@pytest.fixture
def steward(monkeypatch: pytest.MonkeyPatch):
    # Only this command's module: the test does not depend on the other commands.
    monkeypatch.setattr(cli_main, "COMMAND_MODULES", ("steward.cli.data",))
    return cli_main.main


def test_cli_help(steward, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        steward(["data", "generate", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "--rows-per-day" in text and "REPLACED WHOLE" in text


def test_cli_generates_and_prints_a_json_summary(
    steward, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "data"
    arguments = ["--days", "2", "--rows-per-day", "2000", "--out", str(out), "--format", "json"]
    code = steward(["data", "generate", *arguments])
    captured = capsys.readouterr()
    assert code == 0
    summary = json.loads(captured.out)
    assert list(summary["countries"]) == ["DE", "FR", "NL", "LU"]
    keys = {"landing_rows", "files", "late_rows", "malformed_rows", "duplicate_files"}
    assert keys <= set(summary["countries"]["DE"])
    assert captured.err.count("\n") == 2  # one progress line a day
    assert (out / "truth/intervals.parquet").is_file()


def test_cli_text_summary(steward, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert steward(["data", "generate", "--days", "1", "--out", str(tmp_path / "d")]) == 0
    text = capsys.readouterr().out
    assert "landing rows" in text and "duplicate files" in text
    assert [line.split()[0] for line in text.splitlines()[2:]] == ["DE", "FR", "NL", "LU", "total"]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--days", "0"],
        ["--days", "three"],
        ["--rows-per-day", "-5"],
        ["--seed", "-1"],
        ["--start", "2026-02-30"],
        ["--start", "yesterday"],
    ],
)
def test_cli_bad_arguments_exit_2_with_one_line_and_write_nothing(
    steward, tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str]
) -> None:
    out = tmp_path / "data"
    assert steward(["data", "generate", "--out", str(out), *arguments]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("steward: error: ") and captured.err.count("\n") == 1
    assert not out.exists()


def test_cli_out_pointing_at_a_file(
    steward, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "data"
    target.write_text("a file")
    assert steward(["data", "generate", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a file" in err
    assert target.read_text() == "a file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_config_validates_in_the_library_too() -> None:
    with pytest.raises(UserError, match="--days"):
        GenerationConfig(days=0)
