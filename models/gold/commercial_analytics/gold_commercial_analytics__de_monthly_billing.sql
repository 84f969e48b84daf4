{{ config(
    unique_key=['meter_id', 'billing_month'],
    incremental_window={'column': 'last_reading_date', 'grain': 'month', 'target_column': 'billing_month'},
) }}

-- German monthly billing per meter: energy at the tariff's price plus the standing charge.
-- The window starts on the first day of a month, so a month is always recomputed whole.
with readings as (

    select
        meter_id,
        reading_date,
        kwh
    from {{ ref('silver_platform__readings') }}
    where country = 'DE'
        {{ steward_window_filter('reading_date') }}

),

meters as (

    select
        meter_id,
        tariff_id
    from {{ ref('silver_platform__meters') }}
    where country = 'DE'

),

tariffs as (

    select
        tariff_id,
        energy_price_eur_per_kwh,
        standing_charge_eur_per_month
    from {{ ref('silver_platform__tariffs') }}
    where country = 'DE'

),

monthly as (

    select
        meter_id,
        trunc(reading_date, 'MM') as billing_month,
        sum(kwh) as billed_kwh,
        count(distinct reading_date) as days_with_readings,
        max(reading_date) as last_reading_date
    from readings
    group by 1, 2

)

select
    monthly.meter_id,
    monthly.billing_month,
    meters.tariff_id,
    cast(monthly.billed_kwh as decimal(18, 6)) as billed_kwh,
    tariffs.energy_price_eur_per_kwh,
    cast(round(monthly.billed_kwh * tariffs.energy_price_eur_per_kwh, 2) as decimal(18, 2)) as energy_amount_eur,
    tariffs.standing_charge_eur_per_month as standing_charge_eur,
    cast(
        round(monthly.billed_kwh * tariffs.energy_price_eur_per_kwh, 2) + tariffs.standing_charge_eur_per_month
        as decimal(18, 2)
    ) as total_amount_eur,
    monthly.days_with_readings,
    monthly.last_reading_date,
    monthly.last_reading_date = last_day(monthly.billing_month) as is_month_complete
from monthly
left join meters
    on monthly.meter_id = meters.meter_id
left join tariffs
    on meters.tariff_id = tariffs.tariff_id
