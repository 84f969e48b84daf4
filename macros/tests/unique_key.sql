{#
  The combination of `columns` is unique and none of them is NULL: the contract of a
  model's `unique_key`, which dbt-spark's merge relies on.

    data_tests:
      - unique_key: {columns: [meter_id, interval_start_utc]}
#}
{% test unique_key(model, columns) %}
with keyed as (
    select
        {{ columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ columns | join(', ') }}
)
select *
from keyed
where occurrences > 1
    {% for column in columns %}or {{ column }} is null
    {% endfor %}
{% endtest %}
