{{ config(materialized='reference_table') }}

-- Every meter of the group, with its country, region and tariff. One row per meter.
with landed as (

    select
        trim(meter_id) as meter_id,
        upper(trim(country)) as country,
        trim(region_id) as region_id,
        trim(tariff_id) as tariff_id,
        installed_on,
        row_number() over (partition by trim(meter_id) order by _file_modified_at desc) as _rank
    from {{ ref('bronze_platform__meters') }}
    where meter_id is not null

)

select
    meter_id,
    country,
    region_id,
    tariff_id,
    installed_on
from landed
where _rank = 1
