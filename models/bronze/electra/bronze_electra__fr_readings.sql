{{ config(materialized='view') }}

-- French 30-minute readings that parse, as landed (UTC, average watts).
{{ steward_bronze_valid(
    ref('bronze_electra__fr_readings_parsed'),
    ['pdl', 'horodatage_utc', 'puissance_moyenne_w', 'pas_min'],
) }}
