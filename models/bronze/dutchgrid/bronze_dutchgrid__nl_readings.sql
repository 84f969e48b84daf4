{{ config(materialized='view') }}

-- Dutch cumulative register readings that parse, as landed (UTC instant, kWh).
{{ steward_bronze_valid(
    ref('bronze_dutchgrid__nl_readings_parsed'),
    ['ean', 'meetmoment_utc', 'register_t1_kwh', 'register_t2_kwh'],
) }}
