"""Column lineage of single queries: fixtures/lineage/<case>.yaml are input/expected pairs.

Each file starts with a `# title:` line and holds `schema` (relation -> columns), `sql`
and `expect`: the output columns in order, each with the upstream columns it comes from
(`relation.column`) and, when given, its transform and whether it is resolved; the
columns the query uses (`relation.column kind`); and whether the column list is complete.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.lineage import LineageError, query_lineage
from steward.lineage.model import ColumnRef

CASES = sorted((Path(__file__).parent / "fixtures" / "lineage").glob("*.yaml"))


def _title(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# title:"), f"{path.name} must start with `# title:`"
    return first.removeprefix("# title:").strip()


def _ref(text: str) -> ColumnRef:
    relation, column = text.rsplit(".", 1)
    return ColumnRef(relation, column)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_lineage_case(path: Path) -> None:
    assert _title(path)
    case: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    result = query_lineage(case["sql"], case.get("schema") or {})
    expect = case["expect"]
    assert [c.name for c in result.columns] == list(expect["columns"])
    for name, want in expect["columns"].items():
        column = result.column(name)
        assert column is not None
        assert set(column.sources) == {_ref(r) for r in want["from"]}, name
        if "transform" in want:
            assert column.transform == want["transform"], name
        assert column.resolved == want.get("resolved", name != "*"), name
    uses = sorted(f"{u.ref.node}.{u.ref.column} {u.kind}" for u in result.uses)
    assert uses == sorted(expect.get("uses", [])), uses
    assert result.complete == expect.get("complete", True)


def test_every_case_has_a_title() -> None:
    assert CASES
    for path in CASES:
        assert _title(path)


@pytest.mark.parametrize("sql", ["select from where", "insert into t values (1)"])
def test_what_is_not_a_query_is_a_lineage_error(sql: str) -> None:
    with pytest.raises(LineageError):
        query_lineage(sql, {})
