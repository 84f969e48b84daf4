{{ config(
    unique_key=['_source_file', '_row_hash'],
    partition_by=['_arrival_date'],
    incremental_window={'column': '_arrival_date'},
) }}

-- Luxembourg hourly readings that can be used, as landed (UTC, kWh).
{{ steward_bronze_valid(
    ref('bronze_platform__lu_readings_parsed'),
    ['meter_id', 'interval_start_utc', 'kwh'],
) }}
