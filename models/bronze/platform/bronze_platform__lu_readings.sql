{{ config(materialized='view') }}

-- Luxembourg hourly readings that can be used, as landed (UTC, kWh).
{{ steward_bronze_valid(
    ref('bronze_platform__lu_readings_parsed'),
    ['meter_id', 'interval_start_utc', 'kwh'],
) }}
