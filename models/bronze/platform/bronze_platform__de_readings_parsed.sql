{{ config(
    unique_key=['_source_file', '_row_hash'],
    partition_by=['_arrival_date'],
    incremental_window={'column': '_arrival_date'},
) }}

-- German readings as landed: one line of semicolon CSV a row, typed, with `_error` set
-- when a line can't be read.
with landed as (

    select
        {{ steward_landing_columns() }}
    from {{ source('landing_platform', 'de_readings') }}
    where value not like 'zaehler_id;%'
        and trim(value) <> ''
        {{ steward_window_filter('cast(arrival_date as date)') }}

),

split_fields as (

    select
        *,
        split(_raw, ';') as _fields
    from landed

),

typed as (

    select
        *,
        trim(try_element_at(_fields, 1)) as zaehler_id,
        try_to_timestamp(trim(try_element_at(_fields, 2)), 'dd.MM.yyyy HH:mm') as messbeginn_lokal,
        upper(trim(try_element_at(_fields, 3))) as zeitzone,
        try_cast(replace(trim(try_element_at(_fields, 4)), ',', '.') as decimal(18, 6)) as verbrauch_kwh
    from split_fields

)

select
    zaehler_id,
    messbeginn_lokal,
    zeitzone,
    verbrauch_kwh,
    _raw,
    _arrival_date,
    _source_file,
    _file_modified_at,
    _row_hash,
    case
        when size(_fields) <> 4 then concat('expected 4 fields separated by ;, found ', size(_fields))
        when zaehler_id is null or not zaehler_id rlike '^DE[0-9]{12}$' then 'zaehler_id is not DE and 12 digits'
        when messbeginn_lokal is null then 'messbeginn is not a time of the form dd.MM.yyyy HH:mm'
        when zeitzone not in ('MEZ', 'MESZ') then 'zeitzone is neither MEZ nor MESZ'
        when verbrauch_kwh is null then 'verbrauch_kwh is not a number'
        when verbrauch_kwh < 0 then 'verbrauch_kwh is negative'
    end as _error
from typed
