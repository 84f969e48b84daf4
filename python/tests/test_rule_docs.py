"""The rule pages in docs/rules/ are generated from the rules' docstrings and up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.cli.main import main
from steward.lint.docs import HEADINGS, pages, sections
from steward.lint.rules import all_rules

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"


def test_committed_rule_pages_are_up_to_date() -> None:
    expected = pages(all_rules())
    committed = {p.name for p in DOCS.glob("*.md")}
    assert committed == set(expected), "run `steward rules --write-docs docs/rules`"
    for name, text in expected.items():
        assert (DOCS / name).read_text(encoding="utf-8") == text, (
            f"docs/rules/{name} is stale: run `steward rules --write-docs docs/rules`"
        )


def test_every_page_has_every_section() -> None:
    for rule in all_rules():
        found = sections(rule)
        assert set(HEADINGS) <= set(found), rule.id
        assert all(found[h] for h in HEADINGS), rule.id


def test_rules_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["rules"]) == 0
    assert "WRT001" in capsys.readouterr().out
    assert main(["rules", "ref001"]) == 0
    assert capsys.readouterr().out.startswith("# REF001: ")
    assert main(["rules", "NOPE01"]) == 2
    assert "no rule `NOPE01`" in capsys.readouterr().err
    assert main(["rules", "--write-docs", str(tmp_path), "--check"]) == 1
    assert main(["rules", "--write-docs", str(tmp_path)]) == 0
    assert main(["rules", "--write-docs", str(tmp_path), "--check"]) == 0
