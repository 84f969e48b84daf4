{{ config(
    unique_key=['meter_id', 'interval_start_utc'],
    partition_by=['reading_date'],
    incremental_window={'column': 'reading_date'},
) }}

-- The group's conformed meter readings: every country, interval start in UTC, kWh,
-- interval length and a quality flag. One row per meter and interval.
{% set countries = [
    ('DE', ref('silver_platform__de_readings'), 'de_csv'),
    ('FR', ref('silver_electra__readings'), 'fr_jsonl'),
    ('NL', ref('silver_dutchgrid__readings'), 'nl_registers'),
    ('LU', ref('silver_platform__lu_readings'), 'lu_parquet'),
] %}

{% for country, relation, source_system in countries %}
select
    meter_id,
    country,
    interval_start_utc,
    interval_end_utc,
    interval_minutes,
    kwh,
    quality_flag,
    reading_date,
    '{{ source_system }}' as source_system,
    arrival_date
from {{ relation }}
where true
    {{ steward_window_filter('reading_date') }}
{% if not loop.last %}
union all
{% endif %}
{% endfor %}
