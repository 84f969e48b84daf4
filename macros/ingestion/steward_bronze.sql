{#
  Bronze keeps everything that landed, and parses it once. A country's `_parsed` model is
  the one incremental table: every landed row, typed, with `_error` set when the row can't
  be read (its merge, its tests and its constraints). `steward_bronze_valid` (the rows
  that parse) and `steward_bronze_quarantine` (the rows that don't, with the raw text and
  the reason) are views over it: landed rows = valid + quarantined by construction, nothing
  is dropped, and a landed file is read once a run, not once for each.
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
{% endmacro %}
