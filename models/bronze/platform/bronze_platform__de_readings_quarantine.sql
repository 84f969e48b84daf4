{{ config(materialized='view') }}

-- German lines that could not be read, kept with the reason.
{{ steward_bronze_quarantine(ref('bronze_platform__de_readings_parsed')) }}
