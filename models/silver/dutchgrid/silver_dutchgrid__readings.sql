{{ config(
    unique_key=['meter_id', 'interval_start_utc'],
    partition_by=['reading_date'],
    incremental_window={'column': 'reading_date'},
) }}

-- Dutch interval kWh from cumulative registers: the consumption of an interval is the rise
-- of both registers from the previous reading to this one. The first interval of a day
-- needs the last reading of the day before, which is already in the register table, so
-- the window reads the registers from two days earlier.
-- A missing reading (lost or not yet arrived) leaves one longer interval flagged
-- `gap_spanned`; when the reading arrives, the next run splits it into hourly intervals
-- (same key for the first part, so the long row is replaced).
with registers as (

    select
        meter_id,
        reading_at_utc,
        register_t1_kwh,
        register_t2_kwh,
        arrival_date,
        source_file
    from {{ ref('silver_dutchgrid__register_readings') }}
    where true
        {{ steward_window_filter('reading_date', days_before=2) }}

),

with_previous as (

    select
        *,
        lag(reading_at_utc) over by_meter as previous_reading_at_utc,
        lag(register_t1_kwh) over by_meter as previous_t1_kwh,
        lag(register_t2_kwh) over by_meter as previous_t2_kwh
    from registers
    window by_meter as (partition by meter_id order by reading_at_utc)

),

intervals as (

    select
        meter_id,
        previous_reading_at_utc as interval_start_utc,
        reading_at_utc as interval_end_utc,
        cast(timestampdiff(minute, previous_reading_at_utc, reading_at_utc) as int) as interval_minutes,
        register_t1_kwh - previous_t1_kwh as kwh_t1,
        register_t2_kwh - previous_t2_kwh as kwh_t2,
        arrival_date,
        source_file
    from with_previous
    where previous_reading_at_utc is not null

)

select
    meter_id,
    'NL' as country,
    interval_start_utc,
    interval_end_utc,
    interval_minutes,
    cast(kwh_t1 + kwh_t2 as decimal(18, 6)) as kwh,
    case
        when kwh_t1 < 0 or kwh_t2 < 0 then 'invalid'
        when interval_minutes = 60 then 'measured'
        else 'gap_spanned'
    end as quality_flag,
    to_date(interval_start_utc) as reading_date,
    cast(kwh_t1 as decimal(18, 6)) as kwh_t1,
    cast(kwh_t2 as decimal(18, 6)) as kwh_t2,
    arrival_date,
    source_file
from intervals
where true
    {{ steward_window_filter('to_date(interval_start_utc)') }}
