{{ config(
    unique_key=['meter_id', 'reading_at_utc'],
    partition_by=['reading_date'],
    incremental_window={'column': 'reading_date'},
) }}

-- Dutch cumulative register readings, one per meter and hour, deduplicated.
with landed as (

    select
        ean as meter_id,
        meetmoment_utc as reading_at_utc,
        register_t1_kwh,
        register_t2_kwh,
        _arrival_date as arrival_date,
        _source_file as source_file
    from {{ ref('bronze_dutchgrid__nl_readings') }}
    where true
        {{ steward_window_filter('_arrival_date') }}

),

latest as (

    {{ steward_latest('landed', ['meter_id', 'reading_at_utc']) }}

)

select
    meter_id,
    reading_at_utc,
    register_t1_kwh,
    register_t2_kwh,
    to_date(reading_at_utc) as reading_date,
    arrival_date,
    source_file
from latest
where true
    {{ steward_window_filter('to_date(reading_at_utc)') }}
