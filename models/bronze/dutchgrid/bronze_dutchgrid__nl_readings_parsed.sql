{{ config(
    unique_key=['_source_file', '_row_hash'],
    partition_by=['_arrival_date'],
    incremental_window={'column': '_arrival_date'},
) }}

-- Dutch register readings as landed: one CSV line a row, typed, with `_error` set when a
-- line can't be read.
with landed as (

    select
        {{ steward_landing_columns() }}
    from {{ source('landing_dutchgrid', 'nl_readings') }}
    where value not like 'ean,%'
        and trim(value) <> ''
        {{ steward_window_filter('cast(arrival_date as date)') }}

),

split_fields as (

    select
        *,
        split(_raw, ',') as _fields
    from landed

),

typed as (

    select
        *,
        trim(try_element_at(_fields, 1)) as ean,
        try_to_timestamp(trim(try_element_at(_fields, 2)), "yyyy-MM-dd'T'HH:mm:ssXXX") as meetmoment_utc,
        try_cast(trim(try_element_at(_fields, 3)) as decimal(18, 3)) as register_t1_kwh,
        try_cast(trim(try_element_at(_fields, 4)) as decimal(18, 3)) as register_t2_kwh
    from split_fields

)

select
    ean,
    meetmoment_utc,
    register_t1_kwh,
    register_t2_kwh,
    _raw,
    _arrival_date,
    _source_file,
    _file_modified_at,
    _row_hash,
    case
        when size(_fields) <> 4 then concat('expected 4 fields separated by commas, found ', size(_fields))
        when ean is null or not ean rlike '^[0-9]{18}$' then 'ean is not 18 digits'
        when meetmoment_utc is null then 'meetmoment is not an ISO-8601 time with offset'
        when register_t1_kwh is null then 'register_t1_kwh is not a number'
        when register_t2_kwh is null then 'register_t2_kwh is not a number'
        when register_t1_kwh < 0 or register_t2_kwh < 0 then 'a register is negative'
    end as _error
from typed
