{#
  The SLA's volume: the rows of the newest load lie between min_rows and max_rows
  (inclusive). A load is the rows sharing the newest value of `load_column` (an arrival
  date, a reporting day); without it the whole table is one load (a table rebuilt on every
  run). Generated from a contract's `rowCount` rule by `steward contracts generate`.

    data_tests:
      - rows_per_load: {arguments: {load_column: arrival_date, min_rows: 1, max_rows: 5000000}}
#}
{% test rows_per_load(model, load_column=none, min_rows=none, max_rows=none) %}
with newest_load as (
    select count(*) as row_count
    from {{ model }}
    {% if load_column -%}
    where {{ load_column }} = (select max({{ load_column }}) from {{ model }})
    {%- endif %}
)
select row_count
from newest_load
where false
    {% if min_rows is not none %}or row_count < {{ min_rows }}{% endif %}
    {% if max_rows is not none %}or row_count > {{ max_rows }}{% endif %}
{% endtest %}
