{#
  Bronze keeps everything that landed. A landing model parses each row and sets `_error`
  when the row can't be read; `steward_bronze_valid` keeps the rows that parse,
  `steward_bronze_quarantine` the rows that don't, with the raw text and the reason:
  landed rows = valid + quarantined, nothing is dropped.
#}

{#- The columns every landed row carries: where and when it arrived, and its identity. -#}
{% macro steward_landing_columns(raw_expression='value') %}
        {{ raw_expression }} as _raw,
        cast(arrival_date as date) as _arrival_date,
        _source_file,
        _file_modified_at,
        sha2({{ raw_expression }}, 256) as _row_hash
{%- endmacro %}


{% macro steward_bronze_valid(parsed, columns) %}
select
    {% for column in columns %}{{ column }},
    {% endfor %}_arrival_date,
    _source_file,
    _file_modified_at,
    _row_hash
from {{ parsed }}
where _error is null
    {{ steward_window_filter('_arrival_date') }}
{% endmacro %}


{% macro steward_bronze_quarantine(parsed) %}
select
    _raw,
    _error,
    _arrival_date,
    _source_file,
    _file_modified_at,
    _row_hash
from {{ parsed }}
where _error is not null
    {{ steward_window_filter('_arrival_date') }}
{% endmacro %}
