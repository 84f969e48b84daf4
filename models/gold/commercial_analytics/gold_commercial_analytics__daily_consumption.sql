{{ config(
    unique_key=['consumption_date', 'region_id', 'tariff_id'],
    incremental_window={'column': 'consumption_date'},
) }}

-- Daily consumption by region and tariff (UTC days), for commercial reporting.
with readings as (

    select
        meter_id,
        reading_date,
        kwh,
        quality_flag
    from {{ ref('silver_platform__readings') }}
    where true
        {{ steward_window_filter('reading_date') }}

),

meters as (

    select
        meter_id,
        country,
        region_id,
        tariff_id
    from {{ ref('silver_platform__meters') }}

)

select
    readings.reading_date as consumption_date,
    coalesce(meters.country, 'unknown') as country,
    coalesce(meters.region_id, 'unassigned') as region_id,
    coalesce(meters.tariff_id, 'unassigned') as tariff_id,
    cast(sum(readings.kwh) as decimal(18, 6)) as total_kwh,
    count(distinct readings.meter_id) as meters_reporting,
    count(*) as intervals,
    cast(
        sum(case when readings.quality_flag = 'measured' then readings.kwh else 0 end)
        / nullif(sum(readings.kwh), 0)
        as decimal(9, 6)
    ) as measured_share
from readings
left join meters
    on readings.meter_id = meters.meter_id
group by 1, 2, 3, 4
