"""The fixture projects: `gridlite` lints clean; `violations` (gridlite with one planted
violation per rule, built from fixtures/violations_overlay) yields exactly those findings,
at the right lines and columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from steward.lint import lint
from steward.project import load_project

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 6, 1)

EXPECTED = [
    ("OWN001", "models/gold/commercial_analytics/_models.yml", 15, 14),
    ("SQL001", "models/gold/commercial_analytics/gold_commercial_analytics__broken.sql", 2, 8),
    ("WRT001", "models/gold/commercial_analytics/gold_commercial_analytics__raw_fr.sql", 1, 34),
    ("LAY001", "models/gold/commercial_analytics/gold_commercial_analytics__raw_fr.sql", 3, 9),
    ("NS003", "models/gold/commercial_analytics/gold_commercial_analytics__tariffs.sql", 1, 33),
    ("REF002", "models/gold/commercial_analytics/gold_commercial_analytics__tariffs.sql", 3, 9),
    ("REF001", "models/gold/commercial_analytics/gold_commercial_analytics__tariffs.sql", 4, 6),
    ("NS002", "models/gold/finance/gold_finance__costs.sql", 1, 1),
    ("NS001", "models/silver/electra/meter_list.sql", 1, 1),
    ("YML001", "models/silver/platform/_models.yml", 17, 1),
    ("DEP001", "models/silver/platform/silver_platform__meter_cycle.sql", 1, 33),
    ("REF001", "models/silver/platform/silver_platform__meters.sql", 5, 47),
    ("EXC001", "platform/exceptions.yml", 2, 1),
]


def test_gridlite_is_clean() -> None:
    result = lint(load_project(FIXTURES / "gridlite"), today=TODAY)
    assert result.findings == ()
    assert result.exit_code == 0
    assert result.models == 4


def test_violations_yield_exactly_the_planted_findings(violations_dir: Path) -> None:
    result = lint(load_project(violations_dir), today=TODAY)
    found = [(f.rule, f.path, f.line, f.column) for f in result.findings]
    assert found == EXPECTED
    assert {f.rule for f in result.findings} >= {
        "SQL001",
        "NS001",
        "NS002",
        "NS003",
        "OWN001",
        "REF001",
        "REF002",
        "LAY001",
        "WRT001",
        "DEP001",
    }
    assert result.exit_code == 1


def test_findings_carry_model_and_team(violations_dir: Path) -> None:
    result = lint(load_project(violations_dir), today=TODAY)
    wrt = next(f for f in result.findings if f.rule == "WRT001")
    assert wrt.model == "gold_commercial_analytics__raw_fr"
    assert wrt.team == "commercial_analytics"
    assert "silver_platform.readings" in wrt.message
    exc = next(f for f in result.findings if f.rule == "EXC001")
    assert exc.model is None


def test_renewed_exception_suppresses(violations_dir: Path) -> None:
    result = lint(load_project(violations_dir), today=dt.date(2026, 1, 1))
    assert not any(f.rule == "EXC001" for f in result.findings)
    assert [f.model for f in result.suppressed] == ["gold_commercial_analytics__tariffs"]
