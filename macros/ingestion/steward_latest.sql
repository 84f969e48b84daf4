{#
  One row per key: the same reading can land more than once (a re-sent file, a late
  correction); the one that arrived last wins, ties broken by file name, so every run
  picks the same row.
#}
{% macro steward_latest(relation, key_columns) %}
select * except (_arrival_rank)
from (
    select
        *,
        row_number() over (
            partition by {{ key_columns | join(', ') }}
            order by arrival_date desc, source_file desc
        ) as _arrival_rank
    from {{ relation }}
)
where _arrival_rank = 1
{% endmacro %}
