{{ config(
    unique_key=['report_date', 'country'],
    incremental_window={'column': 'report_date'},
) }}

-- Regulator KPIs per country and day: coverage of the registered meters' time by
-- readings, consumption, and how much of it was measured rather than spanned over a gap.
with readings as (

    select
        meter_id,
        country,
        reading_date,
        interval_minutes,
        kwh,
        quality_flag
    from {{ ref('silver_platform__readings') }}
    where true
        {{ steward_window_filter('reading_date') }}

),

registered as (

    select
        country,
        count(*) as meters_registered
    from {{ ref('silver_platform__meters') }}
    group by 1

),

daily as (

    select
        reading_date as report_date,
        country,
        count(distinct meter_id) as meters_reporting,
        count(*) as intervals_received,
        sum(interval_minutes) as minutes_covered,
        sum(kwh) as total_kwh,
        sum(case when quality_flag = 'measured' then kwh else 0 end) as measured_kwh,
        sum(case when quality_flag = 'gap_spanned' then 1 else 0 end) as gap_spanned_intervals,
        sum(case when quality_flag = 'invalid' then 1 else 0 end) as invalid_intervals
    from readings
    group by 1, 2

)

select
    daily.report_date,
    daily.country,
    registered.meters_registered,
    daily.meters_reporting,
    daily.intervals_received,
    cast(daily.minutes_covered / (registered.meters_registered * 1440.0) * 100 as decimal(9, 4))
        as coverage_pct,
    cast(daily.total_kwh as decimal(18, 6)) as total_kwh,
    cast(daily.measured_kwh / nullif(daily.total_kwh, 0) as decimal(9, 6)) as measured_share,
    daily.gap_spanned_intervals,
    daily.invalid_intervals
from daily
left join registered
    on daily.country = registered.country
