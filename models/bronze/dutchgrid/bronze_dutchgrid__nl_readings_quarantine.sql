{{ config(materialized='view') }}

-- Dutch lines that could not be read, kept with the reason.
{{ steward_bronze_quarantine(ref('bronze_dutchgrid__nl_readings_parsed')) }}
