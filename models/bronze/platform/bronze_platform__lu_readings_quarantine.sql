{{ config(
    unique_key=['_source_file', '_row_hash'],
    partition_by=['_arrival_date'],
    incremental_window={'column': '_arrival_date'},
) }}

-- Luxembourg rows that could not be used, kept with the reason.
{{ steward_bronze_quarantine(ref('bronze_platform__lu_readings_parsed')) }}
