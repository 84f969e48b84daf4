{{ config(
    unique_key=['meter_id', 'interval_start_utc'],
    partition_by=['reading_date'],
    incremental_window={'column': 'reading_date'},
) }}

-- Luxembourg readings conformed: hourly kWh, UTC.
with landed as (

    select
        meter_id,
        interval_start_utc,
        kwh,
        _arrival_date as arrival_date,
        _source_file as source_file
    from {{ ref('bronze_platform__lu_readings') }}
    where true
        {{ steward_window_filter('_arrival_date') }}

),

latest as (

    {{ steward_latest('landed', ['meter_id', 'interval_start_utc']) }}

)

select
    meter_id,
    'LU' as country,
    interval_start_utc,
    timestampadd(minute, 60, interval_start_utc) as interval_end_utc,
    60 as interval_minutes,
    cast(kwh as decimal(18, 6)) as kwh,
    'measured' as quality_flag,
    to_date(interval_start_utc) as reading_date,
    arrival_date,
    source_file
from latest
where true
    {{ steward_window_filter('to_date(interval_start_utc)') }}
