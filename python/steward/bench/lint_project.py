"""A generated multi-team dbt project for the lint benchmark.

`generate_lint_project(root, models=1000)` writes a project shaped like the reference
one: the six teams of the reference registry, `models/<layer>/<team>/<layer>_<team>__<entity>`,
the namespace macros, a yml properties file per team folder and sources per bronze team.
Models read as named CTEs with joins, window functions, `is_incremental()` branches,
`var()` and project macros; every read follows the layer contract (bronze reads its own
sources, silver its own bronze and public silver, gold public silver and gold), so the
project lints clean and the benchmark measures the clean path every pull request takes.

The output is a pure function of (`models`, `seed`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

ENGINEERING = ("platform", "electra", "dutchgrid")
ANALYTICS = ("commercial_analytics", "regulatory_reporting", "ml_forecasting")
COUNTRY = {"platform": "DE", "electra": "FR", "dutchgrid": "NL"}
# silver of these teams may read another team's public silver; the others read only their
# own, so the team graph stays acyclic (electra, dutchgrid -> platform -> analytics)
SILVER_READERS = {"platform": ("electra", "dutchgrid"), "electra": (), "dutchgrid": ()}
GOLD_READERS = {
    "commercial_analytics": (),
    "regulatory_reporting": ("commercial_analytics",),
    "ml_forecasting": ("commercial_analytics",),
}

NOUNS = (
    "readings",
    "meters",
    "tariffs",
    "regions",
    "invoices",
    "contracts",
    "customers",
    "outages",
    "grid_events",
    "substations",
    "feeders",
    "forecasts",
    "weather",
    "prices",
    "settlements",
    "payments",
    "installations",
    "inspections",
    "alarms",
    "interruptions",
    "connections",
    "losses",
    "peaks",
    "balances",
    "schedules",
)
QUALIFIERS = (
    "daily",
    "hourly",
    "monthly",
    "by_region",
    "by_tariff",
    "latest",
    "history",
    "enriched",
    "summary",
    "quality",
    "deltas",
    "rollup",
)

_LAYER_SHARE = (("bronze", 0.24), ("silver", 0.33))


@dataclass(frozen=True)
class BenchModel:
    name: str
    layer: str
    team: str
    path: str
    public: bool
    upstream: tuple[str, ...] = ()


@dataclass(frozen=True)
class BenchProject:
    root: Path
    models: tuple[BenchModel, ...]
    files: tuple[str, ...] = field(default=())

    @property
    def model_paths(self) -> tuple[str, ...]:
        return tuple(m.path for m in self.models)

    def model(self, name: str) -> BenchModel:
        return next(m for m in self.models if m.name == name)

    def change_candidate(self) -> BenchModel:
        """A silver model in the middle of the graph with readers: the typical change."""
        readers: dict[str, int] = {}
        for model in self.models:
            for upstream in model.upstream:
                readers[upstream] = readers.get(upstream, 0) + 1
        silver = [m for m in self.models if m.layer == "silver" and readers.get(m.name)]
        return silver[len(silver) // 2] if silver else self.models[len(self.models) // 2]


def _counts(total: int) -> dict[tuple[str, str], int]:
    ops = max(1, total // 100)
    rest = max(total - ops, 9)
    counts: dict[tuple[str, str], int] = {("ops", "platform"): ops}
    assigned = 0
    for layer, share in _LAYER_SHARE:
        per_team = max(1, round(rest * share / 3))
        for team in ENGINEERING:
            counts[(layer, team)] = per_team
            assigned += per_team
    gold = max(3, rest - assigned)
    for index, team in enumerate(ANALYTICS):
        counts[("gold", team)] = gold // 3 + (1 if index < gold % 3 else 0)
    return counts


def _entities(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        noun = rng.choice(NOUNS)
        qualifier = rng.choice(QUALIFIERS)
        name = f"{noun}_{qualifier}"
        suffix = 2
        while name in seen:
            name = f"{noun}_{qualifier}_{suffix}"
            suffix += 1
        seen.add(name)
        names.append(name)
    return names


def _plan(total: int, seed: int) -> list[BenchModel]:
    rng = random.Random(seed)
    counts = _counts(total)
    names: dict[tuple[str, str], list[str]] = {}
    for (layer, team), count in counts.items():
        names[(layer, team)] = [f"{layer}_{team}__{e}" for e in _entities(rng, count)]
    public: dict[tuple[str, str], list[str]] = {
        key: [n for i, n in enumerate(values) if i % 3 == 0 or i == len(values) - 1]
        for key, values in names.items()
    }
    plan: list[BenchModel] = []

    def add(layer: str, team: str, index: int, upstream: list[str]) -> None:
        name = names[(layer, team)][index]
        plan.append(
            BenchModel(
                name=name,
                layer=layer,
                team=team,
                path=f"models/{layer}/{team}/{name}.sql",
                public=name in public[(layer, team)] and layer != "bronze",
                upstream=tuple(dict.fromkeys(upstream)),
            )
        )

    for team in ENGINEERING:
        for index in range(counts[("bronze", team)]):
            add("bronze", team, index, [])
    for team in ENGINEERING:
        for index in range(counts[("silver", team)]):
            upstream = [rng.choice(names[("bronze", team)])]
            if index and rng.random() < 0.5:
                upstream.append(rng.choice(names[("silver", team)][:index]))
            for other in SILVER_READERS[team]:
                if rng.random() < 0.4:
                    upstream.append(rng.choice(public[("silver", other)]))
            if len(upstream) == 1:
                upstream.append(rng.choice(names[("bronze", team)]))
            add("silver", team, index, upstream)
    public_silver = [n for team in ENGINEERING for n in public[("silver", team)]]
    for team in ANALYTICS:
        for index in range(counts[("gold", team)]):
            upstream = rng.sample(public_silver, k=min(len(public_silver), rng.randint(1, 3)))
            if index and rng.random() < 0.5:
                upstream.append(rng.choice(names[("gold", team)][:index]))
            for other in GOLD_READERS[team]:
                if rng.random() < 0.3:
                    upstream.append(rng.choice(public[("gold", other)]))
            if len(upstream) == 1:
                upstream.append(rng.choice(public_silver))
            add("gold", team, index, upstream)
    for index in range(counts[("ops", "platform")]):
        add("ops", "platform", index, [])
    return plan


# ---- file texts -------------------------------------------------------------------------

DBT_PROJECT = """\
# Generated by `steward bench lint`: a multi-team project shaped like the reference one.
name: gridbench
version: "1.0.0"
config-version: 2
profile: gridbench

model-paths: ["models"]
macro-paths: ["macros"]

vars:
  lookback_days: 3
  feature_history_days: 8
  bench_exclude_weekends: false

models:
  gridbench:
    +file_format: delta
    +materialized: incremental
    +incremental_strategy: merge
    +access: private
    bronze:
      +tags: [bronze]
      +on_schema_change: append_new_columns
{bronze}
    silver:
      +tags: [silver]
      +on_schema_change: fail
{silver}
    gold:
      +tags: [gold]
      +on_schema_change: fail
{gold}
    ops:
      +materialized: table
      platform: {{+group: platform}}
"""

TEAMS_YML = """\
teams:
  - {id: platform, name: Platform data engineering, kind: engineering,
     layers: [bronze, silver, ops]}
  - {id: electra, name: Electra Metering data engineering, kind: engineering,
     layers: [bronze, silver]}
  - {id: dutchgrid, name: DutchGrid Analytics data engineering, kind: engineering,
     layers: [bronze, silver]}
  - {id: commercial_analytics, name: Commercial analytics, kind: analytics, layers: [gold]}
  - {id: regulatory_reporting, name: Regulatory reporting, kind: analytics, layers: [gold]}
  - {id: ml_forecasting, name: Demand forecasting, kind: ml, layers: [gold]}
"""

MACROS = {
    "macros/namespaces/generate_schema_name.sql": """\
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- set layer_team = bench_layer_team(node) -%}
  {%- if custom_schema_name is not none and node.resource_type not in ['test'] -%}
    {{ exceptions.raise_compiler_error(node.original_file_path ~ ": `schema` is set by hand") }}
  {%- endif -%}
  {%- if layer_team is not none -%}
    {{ bench_schema_prefix() ~ layer_team[0] ~ '_' ~ layer_team[1] }}
  {%- else -%}
    {{ bench_schema_prefix() ~ 'shared' }}
  {%- endif -%}
{%- endmacro %}
""",
    "macros/namespaces/generate_alias_name.sql": """\
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {%- if custom_alias_name is not none and node.resource_type in ['model', 'seed', 'snapshot'] -%}
    {{ exceptions.raise_compiler_error(node.original_file_path ~ ": `alias` is set by hand") }}
  {%- endif -%}
  {%- set layer_team = bench_layer_team(node) -%}
  {%- if layer_team is none -%}
    {{ node.name }}
  {%- else -%}
    {{ node.name[(layer_team[0] ~ '_' ~ layer_team[1] ~ '__') | length:] }}
  {%- endif -%}
{%- endmacro %}
""",
    "macros/namespaces/namespace.sql": """\
{% macro bench_layers() %}
  {{ return(['bronze', 'silver', 'gold', 'ops']) }}
{% endmacro %}

{% macro bench_schema_prefix() %}
  {%- set env = target.schema | trim | lower -%}
  {{ return('' if env == 'prod' else env ~ '_') }}
{% endmacro %}

{% macro bench_layer_team(node) %}
  {%- set fqn = node.fqn or [] -%}
  {%- if fqn | length >= 4 and fqn[1] in bench_layers() -%}
    {{ return([fqn[1], fqn[2]]) }}
  {%- endif -%}
  {{ return(none) }}
{% endmacro %}
""",
    "macros/transforms.sql": """\
{#- energy of an interval from an average power in watts -#}
{% macro bench_to_kwh(column, minutes=15) -%}
    cast({{ column }} as double) * {{ minutes }} / 60000.0
{%- endmacro %}

{% macro bench_safe_divide(numerator, denominator) -%}
    case when {{ denominator }} is null or {{ denominator }} = 0 then null
         else ({{ numerator }}) / ({{ denominator }}) end
{%- endmacro %}

{% macro bench_surrogate_key(columns) -%}
    sha2(concat_ws('||',
    {%- for column in columns %}
        coalesce(cast({{ column }} as string), '_null_'){% if not loop.last %},{% endif %}
    {%- endfor %}), 256)
{%- endmacro %}

{#- one row per key: the newest by `order_column` wins -#}
{% macro bench_dedupe(relation, key_columns, order_column) %}
    select * except (_row_rank)
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by {{ order_column }} desc
            ) as _row_rank
        from {{ relation }}
    )
    where _row_rank = 1
{% endmacro %}

{#- inside an incremental run, only the days since the newest day already built -#}
{% macro bench_window_filter(column, days=none) -%}
    {%- if is_incremental() -%}
    and {{ column }} >= date_sub(
        (select max({{ column }}) from {{ this }}), {{ days or var('lookback_days') }})
    {%- endif -%}
{%- endmacro %}
""",
}


def _bronze_sql(model: BenchModel, rng: random.Random) -> str:
    entity = model.name.split("__", 1)[1]
    minutes = rng.choice((15, 30, 60))
    return f"""\
{{{{ config(
    unique_key=['{entity}_id', 'event_ts'],
    partition_by=['event_date'],
) }}}}

-- {entity.replace("_", " ")} as landed in {COUNTRY[model.team]}: typed, one row per id and time.
with source as (

    select *
    from {{{{ source('landing_{model.team}', '{entity}') }}}}
    where _loaded_at is not null
    {{% if is_incremental() %}}
        and _loaded_at > (select max(_loaded_at) from {{{{ this }}}})
    {{% endif %}}

),

renamed as (

    select
        cast(id as string) as {entity}_id,
        cast(meter_ref as string) as meter_id,
        cast(region_code as string) as region_id,
        to_timestamp(event_time, 'yyyy-MM-dd HH:mm:ss') as event_ts,
        to_date(event_time) as event_date,
        {{{{ bench_to_kwh('raw_value', {minutes}) }}}} as kwh,
        try_cast(amount as decimal(18, 2)) as amount_eur,
        nullif(trim(lower(status)), '') as status,
        '{COUNTRY[model.team]}' as country,
        _loaded_at
    from source

),

deduplicated as (
{{{{ bench_dedupe('renamed', ['{entity}_id', 'event_ts'], '_loaded_at') }}}}
)

select * from deduplicated
"""


def _silver_sql(model: BenchModel, rng: random.Random) -> str:
    entity = model.name.split("__", 1)[1]
    first, *others = model.upstream
    ctes = [
        f"""\
base as (

    select *
    from {{{{ ref('{first}') }}}}
    where event_ts is not null
        {{{{ bench_window_filter('event_date') }}}}

)"""
    ]
    joins = []
    extra_columns = []
    for index, upstream in enumerate(others, start=1):
        alias = f"u{index}"
        ctes.append(f"""\
{alias} as (

    select
        meter_id,
        max(region_id) as region_id,
        sum(kwh) as kwh,
        max(event_ts) as last_event_ts
    from {{{{ ref('{upstream}') }}}}
    group by meter_id

)""")
        joins.append(f"    left join {alias}\n        on base.meter_id = {alias}.meter_id")
        extra_columns.append(f"        {alias}.kwh as kwh_{alias},")
        extra_columns.append(f"        {alias}.last_event_ts as last_event_ts_{alias},")
    if rng.random() < 0.5:
        band = """\
        case
            when base.kwh >= 100 then 'high'
            when base.kwh >= 10 then 'medium'
            when base.kwh >= 0 then 'low'
            else 'invalid'
        end as consumption_band,"""
    else:
        band = """\
        case when base.amount_eur < 0 then 'credit' else 'debit' end as booking_side,"""
    ctes.append(f"""\
enriched as (

    select
        base.meter_id,
        coalesce(base.region_id, {"u1.region_id" if others else "'unknown'"}) as region_id,
        base.event_ts,
        base.event_date,
        base.kwh,
        base.amount_eur,
        base.status,
        base.country,
{chr(10).join(extra_columns)}
{band}
        row_number() over (
            partition by base.meter_id
            order by base.event_ts desc
        ) as recency_rank,
        sum(base.kwh) over (partition by base.meter_id, base.event_date) as daily_kwh
    from base
{chr(10).join(joins)}

)""")
    return f"""\
{{{{ config(
    unique_key=['meter_id', 'event_ts'],
    partition_by=['event_date'],
) }}}}

-- {entity.replace("_", " ")}: conformed, one row per meter and time, with its region.
with {("," + chr(10) + chr(10)).join(ctes)}

select
    {{{{ bench_surrogate_key(['meter_id', 'event_ts']) }}}} as {entity}_key,
    *
from enriched
where recency_rank <= {rng.choice((96, 672, 2976))}
"""


def _gold_sql(model: BenchModel, rng: random.Random) -> str:
    entity = model.name.split("__", 1)[1]
    unions = "\n\n    union all\n\n".join(
        f"""\
    select meter_id, region_id, event_date, kwh, amount_eur, '{up.split("__", 1)[0]}' as origin
    from {{{{ ref('{up}') }}}}
    where event_date is not null"""
        for up in model.upstream
    )
    grain = rng.choice(("day", "month"))
    period = "event_date" if grain == "day" else "trunc(event_date, 'MM')"
    materialized = rng.choice(("table", "incremental"))
    config = (
        "{{ config(materialized='table') }}"
        if materialized == "table"
        else "{{ config(unique_key=['region_id', 'period_start']) }}"
    )
    incremental = (
        ""
        if materialized == "table"
        else """
{% if is_incremental() %}
where period_start >= (select max(period_start) from {{ this }})
{% endif %}"""
    )
    return f"""\
{config}

-- {entity.replace("_", " ")} per region and {grain}, with its trend.
with inputs as (

{unions}

),

per_period as (

    select
        region_id,
        {period} as period_start,
        sum(kwh) as kwh,
        sum(amount_eur) as amount_eur,
        count(distinct meter_id) as meters,
        count(*) as rows_in
    from inputs
    group by region_id, {period}

),

trended as (

    select
        *,
        lag(kwh, 1) over (partition by region_id order by period_start) as kwh_previous,
        avg(kwh) over (
            partition by region_id
            order by period_start
            rows between 6 preceding and current row
        ) as kwh_moving_avg,
        dense_rank() over (partition by period_start order by kwh desc) as region_rank,
        percent_rank() over (partition by period_start order by amount_eur) as amount_percentile
    from per_period

)

select
    region_id,
    period_start,
    kwh,
    amount_eur,
    meters,
    {{{{ bench_safe_divide('kwh - kwh_previous', 'kwh_previous') }}}} as kwh_change_ratio,
    kwh_moving_avg,
    region_rank,
    amount_percentile,
    {{% if var('bench_exclude_weekends', false) -%}}
    dayofweek(period_start) not in (1, 7)
    {{%- else -%}}
    true
    {{%- endif %}} as is_counted
from trended{incremental}
"""


def _ops_sql(model: BenchModel) -> str:
    return """\
{{ config(materialized='table') }}

select
    cast(null as string) as run_id,
    cast(null as string) as team,
    cast(null as timestamp) as started_at,
    cast(null as timestamp) as finished_at,
    cast(null as string) as status
where false
"""


def _models_yml(models: list[BenchModel]) -> str:
    lines = ["version: 2", "", "models:"]
    for model in models:
        entity = model.name.split("__", 1)[1].replace("_", " ")
        lines.append(f"  - name: {model.name}")
        lines.append(f"    description: The {entity} of {model.team}.")
        if model.public:
            lines.append("    access: public")
        lines.append("    columns:")
        lines.append("      - name: meter_id")
        lines.append("        description: The meter's native id.")
        lines.append("        data_tests: [not_null]")
        lines.append("      - {name: region_id, description: The region of the meter.}")
    return "\n".join(lines) + "\n"


def _sources_yml(team: str, models: list[BenchModel]) -> str:
    lines = [
        "version: 2",
        "",
        "sources:",
        f"  - name: landing_{team}",
        f"    schema: landing_{team}",
        "    tables:",
    ]
    for model in models:
        lines.append(f"      - name: {model.name.split('__', 1)[1]}")
    return "\n".join(lines) + "\n"


def generate_lint_project(root: Path, models: int = 1000, seed: int = 7) -> BenchProject:
    """Write the benchmark project into `root` (created; existing files overwritten)."""
    if models < 10:
        raise ValueError("the benchmark project needs at least 10 models")
    plan = _plan(models, seed)
    rng = random.Random(seed + 1)
    files: dict[str, str] = {}
    by_folder: dict[tuple[str, str], list[BenchModel]] = {}
    for model in plan:
        by_folder.setdefault((model.layer, model.team), []).append(model)
        if model.layer == "bronze":
            files[model.path] = _bronze_sql(model, rng)
        elif model.layer == "silver":
            files[model.path] = _silver_sql(model, rng)
        elif model.layer == "gold":
            files[model.path] = _gold_sql(model, rng)
        else:
            files[model.path] = _ops_sql(model)
    for (layer, team), folder_models in by_folder.items():
        folder = f"models/{layer}/{team}"
        files[f"{folder}/_{team}__models.yml"] = _models_yml(folder_models)
        if layer == "bronze":
            files[f"{folder}/_{team}__sources.yml"] = _sources_yml(team, folder_models)

    def groups(layer: str) -> str:
        teams = ENGINEERING if layer != "gold" else ANALYTICS
        return "\n".join(f"      {team}: {{+group: {team}}}" for team in teams)

    files["dbt_project.yml"] = DBT_PROJECT.format(
        bronze=groups("bronze"), silver=groups("silver"), gold=groups("gold")
    )
    files["platform/teams.yml"] = TEAMS_YML
    files["models/groups.yml"] = "groups:\n" + "".join(
        f"  - name: {team}\n    owner: {{name: {team}, email: {team}@gridbench.example}}\n"
        for team in (*ENGINEERING, *ANALYTICS)
    )
    files.update(MACROS)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    # the review rules the registry implies, as `steward codeowners` writes them
    from steward.access.codeowners import CODEOWNERS_PATH, codeowners
    from steward.project import load_project

    owners = root / CODEOWNERS_PATH
    owners.parent.mkdir(parents=True, exist_ok=True)
    owners.write_text(codeowners(load_project(root)), encoding="utf-8")
    files[CODEOWNERS_PATH] = owners.read_text(encoding="utf-8")
    return BenchProject(root, tuple(plan), tuple(sorted(files)))
