{{ config(materialized='view') }}

-- German readings that parse, as landed (local time, decimal kWh), one row a landed line.
{{ steward_bronze_valid(
    ref('bronze_platform__de_readings_parsed'),
    ['zaehler_id', 'messbeginn_lokal', 'zeitzone', 'verbrauch_kwh'],
) }}
