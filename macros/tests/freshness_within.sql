{#
  The SLA's freshness: the newest value of the column (a date or timestamp) is at most
  `max_age` `unit`s (minute, hour or day) older than the reference time. A table with no
  row is stale.

    columns:
      - name: interval_start_utc
        data_tests:
          - freshness_within: {arguments: {max_age: 2, unit: day}}

  The reference time is the run's current_timestamp(), unless var('freshness_reference_time')
  says otherwise ('YYYY-MM-DD' or 'YYYY-MM-DD HH:MM[:SS]', UTC): `steward build --as-of`
  sets it to replay old or synthetic data as of the day it stands for. Generated from a
  contract's SLA `latency` by `steward contracts generate`.
#}
{% test freshness_within(model, column_name, max_age, unit='day') %}
{%- set units = {'minute': 'MINUTE', 'hour': 'HOUR', 'day': 'DAY'} -%}
{%- if unit not in units -%}
  {{ exceptions.raise_compiler_error("freshness_within: unit must be minute, hour or day, not " ~ unit) }}
{%- endif -%}
{%- set reference = var('freshness_reference_time', '') | string | trim -%}
{%- if reference and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$', reference) -%}
  {{ exceptions.raise_compiler_error("var freshness_reference_time must be YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] (UTC), not '" ~ reference ~ "'") }}
{%- endif -%}
{%- set now = "timestamp'" ~ reference | replace('T', ' ') ~ "'" if reference else "current_timestamp()" -%}
with newest as (
    select
        max(cast({{ column_name }} as timestamp)) as newest_value,
        {{ now }} as reference_time
    from {{ model }}
)
select
    newest_value,
    reference_time,
    '{{ max_age }} {{ unit }}' as max_age
from newest
where newest_value is null
    or newest_value < timestampadd({{ units[unit] }}, -{{ max_age }}, reference_time)
{% endtest %}
