{{ config(materialized='reference_table') }}

-- The 30 regions of the group's four countries. One row per region.
select distinct
    trim(region_id) as region_id,
    trim(region_name) as region_name,
    upper(trim(country)) as country,
    trim(grid_operator) as grid_operator
from {{ ref('bronze_platform__regions') }}
where region_id is not null
