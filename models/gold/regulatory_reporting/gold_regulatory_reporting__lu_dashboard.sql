{{ config(
    unique_key=['report_date', 'region_id'],
    incremental_window={'column': 'report_date'},
) }}

-- The Luxembourg regulator's dashboard: per region and day, consumption, coverage, the
-- peak hour, and consumption per meter against the Benelux (NL and LU) average.
with readings as (

    select
        readings.meter_id,
        readings.country,
        readings.reading_date,
        readings.interval_start_utc,
        readings.interval_minutes,
        readings.kwh,
        meters.region_id
    from {{ ref('silver_platform__readings') }} as readings
    left join {{ ref('silver_platform__meters') }} as meters
        on readings.meter_id = meters.meter_id
    where readings.country in ('LU', 'NL')
        {{ steward_window_filter('readings.reading_date') }}

),

registered as (

    select
        region_id,
        count(*) as meters_registered
    from {{ ref('silver_platform__meters') }}
    where country = 'LU'
    group by 1

),

regions as (

    select
        regions.region_id,
        regions.region_name,
        coalesce(registered.meters_registered, 0) as meters_registered
    from {{ ref('silver_platform__regions') }} as regions
    left join registered
        on regions.region_id = registered.region_id
    where regions.country = 'LU'

),

benelux as (

    select
        reading_date,
        sum(kwh) / count(distinct meter_id) as benelux_kwh_per_meter
    from readings
    group by 1

),

hourly as (

    select
        reading_date,
        region_id,
        date_trunc('hour', interval_start_utc) as hour_start_utc,
        sum(kwh) as hour_kwh
    from readings
    where country = 'LU'
    group by 1, 2, 3

),

peaks as (

    select
        reading_date,
        region_id,
        max_by(hour_start_utc, hour_kwh) as peak_hour_start_utc,
        max(hour_kwh) as peak_hour_kwh
    from hourly
    group by 1, 2

),

daily as (

    select
        reading_date,
        region_id,
        count(distinct meter_id) as meters_reporting,
        sum(interval_minutes) as minutes_covered,
        sum(kwh) as total_kwh
    from readings
    where country = 'LU'
    group by 1, 2

)

select
    daily.reading_date as report_date,
    daily.region_id,
    regions.region_name,
    regions.meters_registered,
    daily.meters_reporting,
    cast(daily.minutes_covered / (regions.meters_registered * 1440.0) * 100 as decimal(9, 4))
        as coverage_pct,
    cast(daily.total_kwh as decimal(18, 6)) as total_kwh,
    cast(daily.total_kwh / daily.meters_reporting as decimal(18, 6)) as kwh_per_meter,
    cast(benelux.benelux_kwh_per_meter as decimal(18, 6)) as benelux_kwh_per_meter,
    peaks.peak_hour_start_utc,
    cast(peaks.peak_hour_kwh as decimal(18, 6)) as peak_hour_kwh
from daily
left join regions
    on daily.region_id = regions.region_id
left join benelux
    on daily.reading_date = benelux.reading_date
left join peaks
    on daily.reading_date = peaks.reading_date
    and daily.region_id = peaks.region_id
