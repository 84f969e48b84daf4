{{ config(materialized='reference_table') }}

-- Tariffs of the four countries with their prices. One row per tariff.
select distinct
    trim(tariff_id) as tariff_id,
    upper(trim(country)) as country,
    trim(tariff_name) as tariff_name,
    energy_price_eur_per_kwh,
    low_price_eur_per_kwh,
    standing_charge_eur_per_month,
    coalesce(time_of_use, false) as time_of_use
from {{ ref('bronze_platform__tariffs') }}
where tariff_id is not null
