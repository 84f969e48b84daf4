{{ config(materialized='reference_table') }}

-- Meter master data of the four countries, as landed.
{{ steward_reference_csv(
    source('landing_platform', 'meters'),
    'meter_id,',
    'meter_id string, country string, region_id string, tariff_id string, installed_on date',
) }}
