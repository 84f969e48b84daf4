{{ config(
    unique_key=['_source_file', '_row_hash'],
    partition_by=['_arrival_date'],
    incremental_window={'column': '_arrival_date'},
) }}

-- Dutch lines that could not be read, kept with the reason.
{{ steward_bronze_quarantine(ref('bronze_dutchgrid__nl_readings_parsed')) }}
