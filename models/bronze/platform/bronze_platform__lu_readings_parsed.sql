{{ config(
    unique_key=['_source_file', '_row_hash'],
    partition_by=['_arrival_date'],
    incremental_window={'column': '_arrival_date'},
) }}

-- Luxembourg readings as landed (Parquet), with `_error` set when a row can't be used.
with landed as (

    select
        meter_id,
        interval_start_utc,
        kwh,
        {{ steward_landing_columns(
            "to_json(named_struct('meter_id', meter_id, 'interval_start_utc', "
            ~ "cast(interval_start_utc as string), 'kwh', cast(kwh as string)))"
        ) }}
    from {{ source('landing_platform', 'lu_readings') }}
    where true
        {{ steward_window_filter('cast(arrival_date as date)') }}

)

select
    meter_id,
    cast(interval_start_utc as timestamp) as interval_start_utc,
    cast(kwh as decimal(18, 6)) as kwh,
    _raw,
    _arrival_date,
    _source_file,
    _file_modified_at,
    _row_hash,
    case
        when meter_id is null or not meter_id rlike '^LU[0-9]{10}$' then 'meter_id is missing or not LU and 10 digits'
        when interval_start_utc is null then 'interval_start_utc is missing'
        when kwh is null then 'kwh is missing'
        when kwh < 0 then 'kwh is negative'
    end as _error
from landed
