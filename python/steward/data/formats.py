"""The four landing formats: rows of one file rendered to the bytes a country sends.

DE  semicolon CSV, decimal comma, 15-minute kWh at the local interval start + MEZ/MESZ
FR  JSON lines, 30-minute average power in W at the UTC interval start
NL  comma CSV, cumulative T1/T2 registers in kWh at each full hour, local time + offset
LU  Parquet, hourly kWh at the UTC interval start

Malformed rows are corrupted here, by kind (1..MALFORMED_KINDS[country]), so that no
reader can parse them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from steward.data.readings import UNITS_PER_KWH, Readings

DE_HEADER = "zaehler_id;messbeginn;zeitzone;verbrauch_kwh"
NL_HEADER = "ean,meetmoment,register_t1_kwh,register_t2_kwh"
LU_SCHEMA = pa.schema(
    [
        pa.field("meter_id", pa.string()),
        pa.field("interval_start_utc", pa.timestamp("us", tz="UTC")),
        pa.field("kwh", pa.float64()),
    ]
)
FR_INTERVAL_MINUTES = 30
# DE: 1 `n/a` consumption, 2 an impossible date, 3 a missing field. FR: 1 a truncated line.
# NL: 1/2 an empty T1/T2 register, 3/4 a non-numeric one. LU: 1 null meter_id, 2 null kwh.
MALFORMED_KINDS: dict[str, int] = {"DE": 3, "FR": 1, "NL": 4, "LU": 2}

_BERLIN = ZoneInfo("Europe/Berlin")
_AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def render(country: str, ids: pa.StringArray, rows: Readings, malformed: np.ndarray) -> bytes:
    """The bytes of one landing file holding `rows` (malformed: kind per row, 0 = intact)."""
    return _RENDERERS[country](ids, rows, malformed)


def _render_de(ids: pa.StringArray, rows: Readings, malformed: np.ndarray) -> bytes:
    lines = pc.binary_join_element_wise(
        ids.take(pa.array(rows.meter)),
        _labels(rows.time, _de_local),
        _labels(rows.time, _de_zone),
        _fixed(rows.values, 4, ","),
        ";",
    ).to_pylist()
    for i in np.flatnonzero(malformed):
        fields = lines[i].split(";")
        if malformed[i] == 1:
            fields[3] = "n/a"
        elif malformed[i] == 2:
            fields[1] = "31.02." + fields[1][6:]
        else:
            del fields[2]
        lines[i] = ";".join(fields)
    return _text([DE_HEADER, *lines])


def _render_fr(ids: pa.StringArray, rows: Readings, malformed: np.ndarray) -> bytes:
    lines = pc.binary_join_element_wise(
        '{"pdl": "',
        ids.take(pa.array(rows.meter)),
        '", "horodatage": "',
        _labels(rows.time, _utc_iso),
        '", "puissance_moyenne_w": ',
        _fixed(rows.values, 1, "."),
        f', "pas_min": {FR_INTERVAL_MINUTES}}}',
        "",
    ).to_pylist()
    for i in np.flatnonzero(malformed):
        # Any proper prefix of a JSON object is invalid JSON.
        lines[i] = lines[i][: len(lines[i]) * 2 // 3]
    return _text(lines)


def _render_nl(ids: pa.StringArray, rows: Readings, malformed: np.ndarray) -> bytes:
    lines = pc.binary_join_element_wise(
        ids.take(pa.array(rows.meter)),
        _labels(rows.time, _nl_local),
        _fixed(rows.values[:, 0], 3, "."),
        _fixed(rows.values[:, 1], 3, "."),
        ",",
    ).to_pylist()
    for i in np.flatnonzero(malformed):
        fields = lines[i].split(",")
        kind = int(malformed[i])
        fields[2 if kind in (1, 3) else 3] = "" if kind <= 2 else "onbekend"
        lines[i] = ",".join(fields)
    return _text([NL_HEADER, *lines])


def _render_lu(ids: pa.StringArray, rows: Readings, malformed: np.ndarray) -> bytes:
    meter_ids = pc.if_else(
        pa.array(malformed == 1), pa.scalar(None, pa.string()), ids.take(pa.array(rows.meter))
    )
    table = pa.table(
        [
            meter_ids,
            pa.array(rows.time * 1_000_000, type=pa.timestamp("us", tz="UTC")),
            pa.array(rows.values / UNITS_PER_KWH["LU"], mask=malformed == 2, type=pa.float64()),
        ],
        schema=LU_SCHEMA,
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="snappy")
    return bytes(sink.getvalue().to_pybytes())


_RENDERERS: dict[str, Callable[[pa.StringArray, Readings, np.ndarray], bytes]] = {
    "DE": _render_de,
    "FR": _render_fr,
    "NL": _render_nl,
    "LU": _render_lu,
}


def _text(lines: list[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _fixed(units: np.ndarray, decimals: int, point: str) -> pa.Array:
    """Non-negative integers of the last decimal as fixed-point text: 1234, 4 -> 0,1234."""
    scale = 10**decimals
    whole = pa.array(units // scale).cast(pa.string())
    fraction = pc.utf8_lpad(pa.array(units % scale).cast(pa.string()), decimals, "0")
    return pc.binary_join_element_wise(whole, fraction, point)


def _labels(times: np.ndarray, label: Callable[[int], str]) -> pa.Array:
    """Text per epoch second, computed once per distinct instant."""
    instants, index = np.unique(times, return_inverse=True)
    return pa.array([label(int(t)) for t in instants], type=pa.string()).take(pa.array(index))


def _de_local(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, _BERLIN).strftime("%d.%m.%Y %H:%M")


def _de_zone(epoch: int) -> str:
    return "MESZ" if datetime.fromtimestamp(epoch, _BERLIN).dst() else "MEZ"


def _utc_iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _nl_local(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, _AMSTERDAM).isoformat()
