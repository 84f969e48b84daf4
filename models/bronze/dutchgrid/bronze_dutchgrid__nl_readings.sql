{{ config(
    unique_key=['_source_file', '_row_hash'],
    partition_by=['_arrival_date'],
    incremental_window={'column': '_arrival_date'},
) }}

-- Dutch cumulative register readings that parse, as landed (UTC instant, kWh).
{{ steward_bronze_valid(
    ref('bronze_dutchgrid__nl_readings_parsed'),
    ['ean', 'meetmoment_utc', 'register_t1_kwh', 'register_t2_kwh'],
) }}
