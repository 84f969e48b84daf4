{{ config(
    unique_key=['_source_file', '_row_hash'],
    partition_by=['_arrival_date'],
    incremental_window={'column': '_arrival_date'},
) }}

-- German lines that could not be read, kept with the reason.
{{ steward_bronze_quarantine(ref('bronze_platform__de_readings_parsed')) }}
