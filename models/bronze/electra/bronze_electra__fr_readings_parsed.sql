{{ config(
    unique_key=['_source_file', '_row_hash'],
    partition_by=['_arrival_date'],
    incremental_window={'column': '_arrival_date'},
) }}

-- French readings as landed: one JSON line a row, typed, with `_error` set when a line
-- can't be read.
with landed as (

    select
        {{ steward_landing_columns() }}
    from {{ source('landing_electra', 'fr_readings') }}
    where trim(value) <> ''
        {{ steward_window_filter('cast(arrival_date as date)') }}

),

decoded as (

    select
        *,
        from_json(
            _raw,
            'pdl string, horodatage string, puissance_moyenne_w string, pas_min string'
        ) as _json
    from landed

),

typed as (

    select
        *,
        _json.pdl as pdl,
        try_to_timestamp(_json.horodatage, "yyyy-MM-dd'T'HH:mm:ssX") as horodatage_utc,
        try_cast(_json.puissance_moyenne_w as decimal(18, 3)) as puissance_moyenne_w,
        try_cast(_json.pas_min as int) as pas_min
    from decoded

)

select
    pdl,
    horodatage_utc,
    puissance_moyenne_w,
    pas_min,
    _raw,
    _arrival_date,
    _source_file,
    _file_modified_at,
    _row_hash,
    case
        when _json is null or pdl is null then 'not a JSON object with a pdl'
        when not pdl rlike '^[0-9]{14}$' then 'pdl is not 14 digits'
        when horodatage_utc is null then 'horodatage is not an ISO-8601 UTC time'
        when puissance_moyenne_w is null then 'puissance_moyenne_w is not a number'
        when puissance_moyenne_w < 0 then 'puissance_moyenne_w is negative'
        when pas_min is null or pas_min <> 30 then 'pas_min is not 30'
    end as _error
from typed
