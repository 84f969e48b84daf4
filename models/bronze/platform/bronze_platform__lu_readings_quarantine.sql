{{ config(materialized='view') }}

-- Luxembourg rows that could not be used, kept with the reason.
{{ steward_bronze_quarantine(ref('bronze_platform__lu_readings_parsed')) }}
