{{ config(
    unique_key=['meter_id', 'interval_start_utc'],
    partition_by=['reading_date'],
    incremental_window={'column': 'reading_date'},
) }}

-- French readings conformed: 30-minute intervals in UTC, kWh from the average power
-- (W x 0.5 h / 1000).
with landed as (

    select
        pdl as meter_id,
        horodatage_utc as interval_start_utc,
        puissance_moyenne_w * pas_min / 60 / 1000 as kwh,
        pas_min,
        _arrival_date as arrival_date,
        _source_file as source_file
    from {{ ref('bronze_electra__fr_readings') }}
    where true
        {{ steward_window_filter('_arrival_date') }}

),

latest as (

    {{ steward_latest('landed', ['meter_id', 'interval_start_utc']) }}

)

select
    meter_id,
    'FR' as country,
    interval_start_utc,
    timestampadd(minute, pas_min, interval_start_utc) as interval_end_utc,
    pas_min as interval_minutes,
    cast(kwh as decimal(18, 6)) as kwh,
    'measured' as quality_flag,
    to_date(interval_start_utc) as reading_date,
    arrival_date,
    source_file
from latest
where true
    {{ steward_window_filter('to_date(interval_start_utc)') }}
