{{ config(materialized='reference_table') }}

-- Tariffs per country, as landed.
{{ steward_reference_csv(
    source('landing_platform', 'tariffs'),
    'tariff_id,',
    'tariff_id string, country string, tariff_name string, energy_price_eur_per_kwh decimal(10,4), '
    ~ 'standing_charge_eur_per_month decimal(10,2), time_of_use boolean, low_price_eur_per_kwh decimal(10,4)',
) }}
