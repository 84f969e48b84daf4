{{ config(
    unique_key=['_source_file', '_row_hash'],
    partition_by=['_arrival_date'],
    incremental_window={'column': '_arrival_date'},
) }}

-- French 30-minute readings that parse, as landed (UTC, average watts).
{{ steward_bronze_valid(
    ref('bronze_electra__fr_readings_parsed'),
    ['pdl', 'horodatage_utc', 'puissance_moyenne_w', 'pas_min'],
) }}
