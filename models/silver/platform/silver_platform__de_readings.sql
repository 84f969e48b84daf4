{{ config(
    unique_key=['meter_id', 'interval_start_utc'],
    partition_by=['reading_date'],
    incremental_window={'column': 'reading_date'},
) }}

-- German readings conformed: interval start in UTC (local time less one hour in MEZ, two in
-- MESZ, so the repeated autumn hour stays two distinct intervals), 15 minutes, kWh.
with landed as (

    select
        zaehler_id as meter_id,
        timestampadd(hour, case zeitzone when 'MESZ' then -2 else -1 end, messbeginn_lokal)
            as interval_start_utc,
        verbrauch_kwh as kwh,
        _arrival_date as arrival_date,
        _source_file as source_file
    from {{ ref('bronze_platform__de_readings') }}
    where true
        {{ steward_window_filter('_arrival_date') }}

),

latest as (

    {{ steward_latest('landed', ['meter_id', 'interval_start_utc']) }}

)

select
    meter_id,
    'DE' as country,
    interval_start_utc,
    timestampadd(minute, 15, interval_start_utc) as interval_end_utc,
    15 as interval_minutes,
    cast(kwh as decimal(18, 6)) as kwh,
    'measured' as quality_flag,
    to_date(interval_start_utc) as reading_date,
    arrival_date,
    source_file
from latest
where true
    {{ steward_window_filter('to_date(interval_start_utc)') }}
