{{ config(
    unique_key=['region_id', 'hour_start_utc'],
    incremental_window={'column': 'hour_start_utc'},
) }}

-- Hourly load per region with lagged features for demand forecasting. Lags are taken by
-- time (one hour, one day, one week earlier), not by row, so a missing hour gives a NULL
-- feature rather than a shifted one. The input window reaches back
-- var('feature_history_days') further than the output so the lags are complete.
with readings as (

    select
        meter_id,
        interval_start_utc,
        kwh
    from {{ ref('silver_platform__readings') }}
    where true
        {{ steward_window_filter('reading_date', days_before=var('feature_history_days')) }}

),

meters as (

    select
        meter_id,
        region_id
    from {{ ref('silver_platform__meters') }}

),

hourly as (

    select
        coalesce(meters.region_id, 'unassigned') as region_id,
        date_trunc('hour', readings.interval_start_utc) as hour_start_utc,
        sum(readings.kwh) as load_kwh,
        count(distinct readings.meter_id) as meters_reporting
    from readings
    left join meters
        on readings.meter_id = meters.meter_id
    group by 1, 2

),

features as (

    select
        region_id,
        hour_start_utc,
        load_kwh,
        meters_reporting,
        max(load_kwh) over (
            partition by region_id order by unix_seconds(hour_start_utc)
            range between 3600 preceding and 3600 preceding
        ) as load_lag_1h_kwh,
        max(load_kwh) over (
            partition by region_id order by unix_seconds(hour_start_utc)
            range between 86400 preceding and 86400 preceding
        ) as load_lag_24h_kwh,
        max(load_kwh) over (
            partition by region_id order by unix_seconds(hour_start_utc)
            range between 604800 preceding and 604800 preceding
        ) as load_lag_168h_kwh,
        avg(load_kwh) over (
            partition by region_id order by unix_seconds(hour_start_utc)
            range between 86400 preceding and 1 preceding
        ) as load_avg_previous_24h_kwh
    from hourly

)

select
    region_id,
    hour_start_utc,
    cast(load_kwh as decimal(18, 6)) as load_kwh,
    meters_reporting,
    cast(load_lag_1h_kwh as decimal(18, 6)) as load_lag_1h_kwh,
    cast(load_lag_24h_kwh as decimal(18, 6)) as load_lag_24h_kwh,
    cast(load_lag_168h_kwh as decimal(18, 6)) as load_lag_168h_kwh,
    cast(load_avg_previous_24h_kwh as decimal(18, 6)) as load_avg_previous_24h_kwh,
    hour(hour_start_utc) as hour_of_day,
    dayofweek(hour_start_utc) as day_of_week,
    dayofweek(hour_start_utc) in (1, 7) as is_weekend
from features
where true
    {{ steward_window_filter('to_date(hour_start_utc)') }}
