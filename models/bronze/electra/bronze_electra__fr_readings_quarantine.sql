{{ config(materialized='view') }}

-- French lines that could not be read, kept with the reason.
{{ steward_bronze_quarantine(ref('bronze_electra__fr_readings_parsed')) }}
