{{ config(materialized='reference_table') }}

-- The 30 regions of the four countries, as landed.
{{ steward_reference_csv(
    source('landing_platform', 'regions'),
    'region_id,',
    'region_id string, region_name string, country string, grid_operator string',
) }}
