{{ config(
    unique_key=['_source_file', '_row_hash'],
    partition_by=['_arrival_date'],
    incremental_window={'column': '_arrival_date'},
) }}

-- German readings that parse, as landed (local time, decimal kWh), one row a landed line.
{{ steward_bronze_valid(
    ref('bronze_platform__de_readings_parsed'),
    ['zaehler_id', 'messbeginn_lokal', 'zeitzone', 'verbrauch_kwh'],
) }}
