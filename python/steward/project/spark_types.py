"""Spark SQL data types as contracts state them: normalised once, compared by meaning.

`decimal(18, 6)`, `DECIMAL(18,6)` and `numeric(18,6)` are one type; `integer` is `int`,
`long` is `bigint`. A change of type is *narrowed* when every value of the new type fits
the old one but not the other way round (consumers may lose values), *widened* in the
opposite case, else *changed*.
"""

from __future__ import annotations

import functools
import re

import sqlglot
from sqlglot import exp

_DECIMAL = re.compile(r"^decimal\((\d+),(\d+)\)$")
_INTEGERS = ("tinyint", "smallint", "int", "bigint")
_INTEGER_DIGITS = {"tinyint": 3, "smallint": 5, "int": 10, "bigint": 19}
_FLOATS = ("float", "double")

LOGICAL_TYPES: dict[str, tuple[str, ...]] = {
    "string": ("string", "varchar", "char"),
    "integer": _INTEGERS,
    "number": (*_INTEGERS, "decimal", *_FLOATS),
    "boolean": ("boolean",),
    "date": ("date",),
    "timestamp": ("timestamp", "timestamp_ntz"),
    "time": ("string",),
    "array": ("array",),
    "map": ("map",),
    "object": ("struct",),
}
"""ODCS logical type -> the Spark type families that may carry it."""


@functools.lru_cache(maxsize=4096)
def normalise(text: str) -> str | None:
    """The canonical spelling of a Spark type (`decimal(18,6)`, `int`, `array<string>`),
    or None when it is not a Spark SQL type (a project spells few types, many times)."""
    try:
        built = exp.DataType.build(text.strip(), dialect="spark")
    except (sqlglot.errors.SqlglotError, ValueError):
        return None
    if built.this == exp.DataType.Type.USERDEFINED:
        return None
    text = re.sub(r"\s+", "", built.sql(dialect="spark")).lower()
    return "decimal(10,0)" if text == "decimal" else text  # Spark's default precision


def family(normalised: str) -> str:
    """`decimal(18,6)` -> decimal, `array<int>` -> array, `varchar(3)` -> varchar."""
    return re.split(r"[(<]", normalised, maxsplit=1)[0]


def fits_logical(logical: str, normalised: str) -> bool:
    return family(normalised) in LOGICAL_TYPES.get(logical, (family(normalised),))


def _digits(normalised: str) -> tuple[int, int] | None:
    """(integer digits, fraction digits) of an exact numeric type."""
    match = _DECIMAL.match(normalised)
    if match:
        precision, scale = int(match.group(1)), int(match.group(2))
        return precision - scale, scale
    if normalised in _INTEGER_DIGITS:
        return _INTEGER_DIGITS[normalised], 0
    return None


def classify_change(old: str, new: str) -> str | None:
    """None when equal, else `narrowed`, `widened` or `changed` (both normalised)."""
    if old == new:
        return None
    before, after = _digits(old), _digits(new)
    if before is not None and after is not None:
        if after[0] >= before[0] and after[1] >= before[1]:
            return "widened"
        if after[0] <= before[0] and after[1] <= before[1]:
            return "narrowed"
        return "changed"
    if old in _FLOATS and new in _FLOATS:
        return "widened" if _FLOATS.index(new) > _FLOATS.index(old) else "narrowed"
    if new == "string" and old != "string":
        return "widened"
    if old == "string" and new != "string":
        return "narrowed"
    return "changed"
