"""From rendered SQL back to the template: what is wrong with a piece of SQL
(`steward.sql.problems`), where it is in the source (`steward.lint.locate.source_position`),
and the YAML shapes that would otherwise fail silently (`yamlio`, `dbt_project`)."""

from __future__ import annotations

import datetime as dt

import pytest

from steward.errors import UserError
from steward.lint.locate import line_col, source_position
from steward.project import load_project
from steward.project.dbt_project import check_shapes
from steward.project.yamlio import parse_yaml
from steward.render import render_project
from steward.sql.analyze import analyze
from steward.sql.problems import first_problem, structure_problems

from .conftest import PROJECT_DIR

PROBLEMS = [
    # (sql, words in the message, the text at the problem's offset)
    ("select a,, b from t", "empty item", ","),
    ("select coalesce(a,, b) from t", "empty item", ","),
    ("select a, from t", "trailing comma before `from`", ","),
    ("select f(a,) from t", "trailing comma before `)`", ","),
    ("select f(, a) from t", "starts with a comma", ","),
    ("select a from t group by 1,", "ends with a comma", ","),
    ("select cast(a as int from t", "`(` is never closed", "("),
    ("select a from (t\nleft join u on t.a = u.a", "`(` is never closed", "("),
    ("select a) from t", "`)` closes no `(`", ")"),
    ("select a\nform t\nwhere b", "Unexpected token at `t`", "t"),
    ("select a from t where x = 'abc", "quote (') is never closed", "'"),
    ("select a /* from t", "`/*` comment is never closed", "/*"),
    ("select a, b from t where where", "missing for Where at `where`", "where"),
]


@pytest.mark.parametrize(("sql", "words", "token"), PROBLEMS)
def test_first_problem(sql: str, words: str, token: str) -> None:
    problem = first_problem(sql)
    assert problem is not None
    assert words in problem.message
    assert sql[problem.offset :].startswith(token)


@pytest.mark.parametrize(
    "sql",
    [
        "select a, b from t",
        "select '(' as a, \"(\" as b, `c(` from t -- (\nwhere x = ',,'",
        "select a from t /* ( , , */ where b in (1, 2)",
        "with x as (select 1 as a) select * from x; select (1)",
        "select transform(xs, (x, i) -> x + i) from t",
    ],
)
def test_no_problem(sql: str) -> None:
    assert first_problem(sql) is None


def test_a_cte_with_a_missing_paren_is_reported_where_sqlglot_stops() -> None:
    # the `(` never closed is the CTE's, found at its opening: sqlglot's error is nearer
    sql = "with x as (select 1 as a\nselect * from x"
    problem = first_problem(sql)
    assert problem is not None and "Expecting )" in problem.message
    assert line_col(sql, problem.offset) == (2, 1)


def test_the_reference_project_has_no_structure_problem() -> None:
    rendered = render_project(load_project(PROJECT_DIR))
    checked = 0
    for item in rendered.nodes.values():
        for sql in (*item.sql, *item.statements):
            assert not analyze(sql.sql).parse_errors, sql.position
            assert structure_problems(sql.sql) == (), sql.position
            checked += 1
    assert checked > 30


TEMPLATE = """{{ config(
    materialized='table',
) }}

-- a comment
select
    a,
    b
from {{ ref('x') }} as x
where {{ window('d') }}
    and c = 1
"""


RENDERED = "-- a comment\nselect\n    a,\n    b\nfrom s.x as x\nwhere d > 1\n    and c = 1"


def _at(rendered: str, needle: str, nth: int = 0) -> int:
    index = -1
    for _ in range(nth + 1):
        index = rendered.index(needle, index + 1)
    return index


def test_a_verbatim_line_maps_exactly() -> None:
    rendered = RENDERED
    assert source_position(TEMPLATE, rendered, _at(rendered, "b")) == (8, 5)
    assert source_position(TEMPLATE, rendered, _at(rendered, "c =")) == (11, 9)


def test_a_line_jinja_produced_maps_to_its_template_line() -> None:
    rendered = RENDERED
    # `as x` is in the template's SQL: its column there
    assert source_position(TEMPLATE, rendered, _at(rendered, "x", 1), "x") == (9, 24)
    # `d > 1` is the macro's output: the line of the call, at its first character
    assert source_position(TEMPLATE, rendered, _at(rendered, "d >"), "d") == (10, 1)


def test_a_macro_that_renders_several_lines_maps_to_the_call() -> None:
    rendered = (
        "-- a comment\nselect\n    a,\n    b\nfrom s.x as x\nwhere d > 1\n  and\n  e < 2\n"
        "    and c = 1"
    )
    assert source_position(TEMPLATE, rendered, _at(rendered, "e <"), "e") == (10, 1)
    assert source_position(TEMPLATE, rendered, _at(rendered, "c =")) == (11, 9)


def test_a_duplicate_key_is_an_error_at_its_line() -> None:
    with pytest.raises(UserError) as error:
        parse_yaml("a: 1\nb:\n  c: 2\n  c: 3\n", "f.yml")
    assert str(error.value).startswith("f.yml:4: ")
    assert "duplicate key `c` (first on line 3)" in str(error.value)


def test_a_merge_key_may_be_overridden() -> None:
    data = parse_yaml("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  x: 3\n", "f.yml")
    assert data["other"] == {"x": 3, "y": 2}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name: p\nmodels: 5\n", "dbt_project.yml:2: `models` must be a mapping"),
        ("name: p\nmodels:\n  p: [a]\n", "dbt_project.yml:3: `models.p` must be a mapping"),
        ("name: p\nvars: [1]\n", "`vars` must be a mapping of names to values"),
        ("name: p\nmacro-paths: {a: 1}\n", "`macro-paths` must be a folder or a list"),
        ("name: p\non-run-end: [[1]]\n", "`on-run-end` must be a statement or a list"),
        ("name: p\ndispatch: 5\n", "`dispatch` must be a list of"),
        ("name: p\nprofile: [a]\n", "`profile` must be a string, not `['a']`"),
    ],
)
def test_a_project_file_of_the_wrong_shape_is_an_error(text: str, words: str) -> None:
    with pytest.raises(UserError) as error:
        check_shapes(parse_yaml(text, "dbt_project.yml"))
    assert words in str(error.value)


def test_a_project_file_of_the_right_shape_passes() -> None:
    text = (PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8")
    check_shapes(parse_yaml(text, "dbt_project.yml"))
    check_shapes(parse_yaml("name: p\nmodels:\nmodel-paths: models\n", "dbt_project.yml"))


def test_yaml_values_keep_their_types_lines_and_anchors() -> None:
    text = (
        "defaults: &d\n"
        "  tags: [a, b]\n"
        "  retries: 3\n"
        "models:\n"
        "  - name: m\n"
        "    enabled: false\n"
        "    ratio: 0.5\n"
        "    since: 2026-03-28\n"
        "    owner: null\n"
        "    quoted: '42'\n"
        "    <<: *d\n"
        "  - name: n\n"
        "    tags: *tags_of_d\n"
    ).replace("*tags_of_d", "[c]")
    data = parse_yaml(text, "f.yml")
    first = data["models"][0]
    assert first == {
        "name": "m",
        "enabled": False,
        "ratio": 0.5,
        "since": dt.date(2026, 3, 28),
        "owner": None,
        "quoted": "42",
        "tags": ["a", "b"],
        "retries": 3,
    }
    assert first["tags"] is data["defaults"]["tags"]  # an alias is the anchored value
    assert (data.key_line("models"), data["models"].item_line(1)) == (4, 12)
    assert (first.line, first.key_line("since"), data["models"][1]["tags"].line) == (5, 8, 13)


def test_a_yaml_tag_steward_does_not_know_is_an_error_at_its_line() -> None:
    with pytest.raises(UserError) as error:
        parse_yaml("a: 1\nb: !include other.yml\n", "f.yml")
    assert str(error.value).startswith("f.yml:2: invalid YAML")
