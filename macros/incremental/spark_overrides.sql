{#
  Two changes to dbt-spark's Delta path, both for correctness:

  1. A NULL in a `unique_key` column fails the build. dbt-spark merges with `=` on the
     key, so a NULL key never matches and is inserted again on every run: silent
     duplicates. The model's query is wrapped in a filter that raises on such a row, in the
     same pass over the data (no extra scan).
  2. The merge prunes the existing table to the model's incremental window (see
     steward_window.sql), so a daily run rewrites only recent files.
#}

{% macro steward_unique_key_columns() %}
  {%- set unique_key = config.get('unique_key') -%}
  {%- if unique_key is none -%}{{ return([]) }}{%- endif -%}
  {%- if unique_key is string -%}{{ return([unique_key]) }}{%- endif -%}
  {{ return(unique_key | list) }}
{% endmacro %}


{% macro steward_guard_null_keys(compiled_code) %}
  {%- set keys = steward_unique_key_columns() -%}
  {%- if keys | length == 0 -%}{{ return(compiled_code) }}{%- endif -%}
  {%- set message = "steward: NULL in unique_key (" ~ keys | join(', ') ~ ") of " ~ this ~ "; a NULL key would be inserted again on every merge. Fix the input or filter it out." -%}
  {%- set condition = [] -%}
  {%- for key in keys -%}{%- do condition.append(key ~ " is not null") -%}{%- endfor -%}
  {%- set guarded -%}
select * from (
{{ compiled_code }}
) as steward_keyed
where coalesce(assert_true({{ condition | join(' and ') }}, '{{ message | replace("'", "") }}'), true)
  {%- endset -%}
  {{ return(guarded) }}
{% endmacro %}


{%- macro spark__create_table_as(temporary, relation, compiled_code, language='sql') -%}
  {%- if language == 'sql' -%}
    {%- set compiled_code = steward_guard_null_keys(compiled_code) -%}
    {%- if temporary -%}
      {{ create_temporary_view(relation, compiled_code) }}
    {%- else -%}
      {% if config.get('file_format', validator=validation.any[basestring]) in ['delta', 'iceberg'] %}
        create or replace table {{ relation }}
      {% else %}
        create table {{ relation }}
      {% endif %}
      {%- set contract_config = config.get('contract') -%}
      {%- if contract_config.enforced -%}
        {{ get_assert_columns_equivalent(compiled_code) }}
        {%- set compiled_code = get_select_subquery(compiled_code) %}
      {% endif %}
      {{ file_format_clause() }}
      {{ options_clause() }}
      {{ tblproperties_clause() }}
      {{ partition_cols(label="partitioned by") }}
      {{ clustered_cols(label="clustered by") }}
      {{ location_clause() }}
      {{ comment_clause() }}

      as
      {{ compiled_code }}
    {%- endif -%}
  {%- else -%}
    {{ py_write_table(compiled_code=compiled_code, target_relation=relation) }}
  {%- endif -%}
{%- endmacro -%}


{% macro spark__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) %}
  {%- set predicates = [] if incremental_predicates is none else [] + incremental_predicates -%}
  {%- set window = steward_window_config() -%}
  {%- if window is not none -%}
    {%- set start = steward_window_start(relation=target) -%}
    {%- if start is not none -%}
      {%- do predicates.append("DBT_INTERNAL_DEST." ~ window.get('target_column', window['column']) ~ " >= date'" ~ start ~ "'") -%}
    {%- endif -%}
  {%- endif -%}
  {{ return(dbt.spark__get_merge_sql(target, source, unique_key, dest_columns, predicates)) }}
{% endmacro %}
