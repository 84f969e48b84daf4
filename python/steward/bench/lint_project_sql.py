"""The SQL of the lint benchmark's models, one writer a layer.

Models read as named CTEs with joins, window functions, `is_incremental()` branches,
`var()` and the project's macros, as the reference project's do.
"""

from __future__ import annotations

import random

from steward.bench.lint_project_plan import COUNTRY, BenchModel


def model_sql(model: BenchModel, rng: random.Random) -> str:
    """The SQL of `model`; every layer but ops draws from `rng`, in plan order."""
    if model.layer == "bronze":
        return _bronze_sql(model, rng)
    if model.layer == "silver":
        return _silver_sql(model, rng)
    if model.layer == "gold":
        return _gold_sql(model, rng)
    return _ops_sql(model)


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
