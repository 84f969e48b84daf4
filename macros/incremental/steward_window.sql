{#
  The incremental window of a model: how far back a run re-reads its input and re-merges
  its output, so that late rows land once, in the right place, and a daily run touches
  only recent data.

  A model declares it once, in its config:

    {{ config(incremental_window={'column': 'reading_date'}) }}

  keys: column (a date or timestamp column of the model: the newest value already in the
  table anchors the window), lookback_days (default: the folder's meta.lookback_days, which
  `steward config generate` writes from platform/config/, else var('lookback_days')), grain ('day' or
  'month': the start is moved back to the first day of its month), target_column (the
  column the merge prunes the existing table on, default `column`).

  The model filters its input with `steward_window_start()`; the merge prunes the existing
  table with the same start (see spark__get_merge_sql), so input and target always agree.
#}

{% macro steward_window_config() %}
  {%- set window = config.get('incremental_window') -%}
  {%- if window is none or not execute -%}{{ return(window) }}{%- endif -%}
  {%- if window is not mapping or 'column' not in window -%}
    {{ exceptions.raise_compiler_error(model.original_file_path ~ ": incremental_window must be a mapping with at least `column`, e.g. {'column': 'reading_date'}") }}
  {%- endif -%}
  {{ return(window) }}
{% endmacro %}


{#- The first day of the window as 'YYYY-MM-DD', or none on a full build (or an empty table). -#}
{% macro steward_window_start(relation=none) %}
  {%- if not execute -%}{{ return(none) }}{%- endif -%}
  {%- set window = steward_window_config() -%}
  {%- if window is none -%}
    {{ exceptions.raise_compiler_error(model.original_file_path ~ ": steward_window_start() needs config(incremental_window={'column': ...})") }}
  {%- endif -%}
  {%- set cache = adapter.steward_run_cache() if adapter.steward_run_cache is defined else {} -%}
  {%- set own = relation is none or (relation | string | lower) == (this | string | lower) -%}
  {%- if own -%}
    {#- what this run may write of the model, for its tests (see macros/tests/get_where_subquery.sql) -#}
    {%- do cache.setdefault('window ' ~ invocation_id ~ ' ' ~ (this | string | lower), {'column': window.get('target_column', window['column']), 'start': none}) -%}
  {%- endif -%}
  {%- if not is_incremental() -%}{{ return(none) }}{%- endif -%}
  {%- set lookback = window.get('lookback_days', (config.get('meta') or {}).get('lookback_days', var('lookback_days', 4))) | int -%}
  {%- set start_expr = "date_sub(to_date(max(" ~ window['column'] ~ ")), " ~ lookback ~ ")" -%}
  {%- if window.get('grain', 'day') == 'month' -%}
    {%- set start_expr = "trunc(" ~ start_expr ~ ", 'MM')" -%}
  {%- endif -%}
  {%- set sql = "select cast(" ~ start_expr ~ " as string) as window_start from " ~ (relation or this) -%}
  {#- asked for by the model's SQL and by its merge: one query per model and run (the table
      changes only when the model itself is written, after both have asked) -#}
  {%- set key = 'window_start ' ~ invocation_id ~ ' ' ~ sql -%}
  {%- if key in cache -%}{{ return(cache[key]) }}{%- endif -%}
  {%- set result = run_query(sql) -%}
  {%- set value = result.columns[0].values()[0] if result is not none and result.rows | length > 0 else none -%}
  {%- do cache.update({key: value}) -%}
  {%- if own -%}
    {%- do cache['window ' ~ invocation_id ~ ' ' ~ (this | string | lower)].update({'start': value}) -%}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}


{#- `and <column> >= '<start>'` inside an incremental run, nothing otherwise. -#}
{% macro steward_window_filter(column, days_before=0) %}
  {%- set start = steward_window_start() -%}
  {%- if start is not none -%}
    {%- if days_before | int > 0 -%}
      and {{ column }} >= date_sub(date'{{ start }}', {{ days_before | int }})
    {%- else -%}
      and {{ column }} >= date'{{ start }}'
    {%- endif -%}
  {%- endif -%}
{% endmacro %}
