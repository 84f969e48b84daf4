{#
  A data test that checks the rows a run may have written, not the whole table.

  A test's `where` may hold `__steward_window__` (dbt_project.yml sets it for every test of
  the project: `data_tests: +where: __steward_window__`). When the test runs, it becomes:

    - `<target column> >= date'<start>'` when the test's model was merged in this dbt
      invocation with an incremental window (steward_window.sql): the start its merge
      pruned the table to. A model that writes only inside its window (the convention
      `steward_window_filter` keeps) wrote nothing outside it, so a unique key, a row count
      per load or the newest value are judged on the window alone;
    - `true` (the whole table) otherwise: the model was built in full, has no window, was
      not built in this invocation (`dbt test` alone), or the run asked for full checks
      (`steward build --full-checks`, which sets STEWARD_FULL_CHECKS=1; run it on a schedule).

  The placeholder is replaced here, at run time, because dbt renders `where` when it
  parses the project, before any window is known (dbt documents overriding
  get_where_subquery for this).
#}
{% macro spark__get_where_subquery(relation) -%}
  {%- set where = config.get('where') -%}
  {%- if where and '__steward_window__' in where -%}
    {%- set where = where | replace('__steward_window__', steward_window_scope(relation)) -%}
  {%- endif -%}
  {%- if where and where | trim | lower != 'true' -%}
    {%- set filtered -%}
      (select * from {{ relation }} where {{ where }}) dbt_subquery
    {%- endset -%}
    {{ return(filtered) }}
  {%- endif -%}
  {{ return(relation) }}
{%- endmacro %}


{#- The condition that selects what this invocation may have written of `relation`. -#}
{% macro steward_window_scope(relation) -%}
  {%- if env_var('STEWARD_FULL_CHECKS', '') | lower in ('1', 'true', 'yes') -%}{{ return('true') }}{%- endif -%}
  {%- set cache = adapter.steward_run_cache() if adapter.steward_run_cache is defined else {} -%}
  {%- set window = cache.get('window ' ~ invocation_id ~ ' ' ~ (relation | string | lower)) -%}
  {%- if window is none or window['start'] is none -%}{{ return('true') }}{%- endif -%}
  {{ return(window['column'] ~ " >= date'" ~ window['start'] ~ "'") }}
{%- endmacro %}
