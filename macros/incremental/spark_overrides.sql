{#
  Changes to dbt-spark's Delta path, all for correctness:

  1. A NULL in a `unique_key` column fails the build. dbt-spark merges with `=` on the
     key, so a NULL key never matches and is inserted again on every run: silent
     duplicates. The model's query is wrapped in a check that raises on such a row, in the
     same pass over the data (no extra scan).
  2. The merge prunes the existing table to the model's incremental window (see
     steward_window.sql), so a daily run rewrites only recent files.
  3. Before any incremental write into an existing table, its Delta constraints are made
     the declared ones (see constraints/delta_constraints.sql), so the rows written are
     checked by them.
#}

{% macro steward_unique_key_columns() %}
  {%- set unique_key = config.get('unique_key') -%}
  {%- if unique_key is none -%}{{ return([]) }}{%- endif -%}
  {%- if unique_key is string -%}{{ return([unique_key]) }}{%- endif -%}
  {{ return(unique_key | list) }}
{% endmacro %}


{#- `compiled_code`, raising `message` on the first row where a condition is not true
    (NULL included), in the same pass over the data. The conditions judge the rows the
    model returns, never rows its own filters drop (a bronze model's unparsable lines): in
    a WHERE, Spark's optimizer would push them below those filters; a projection stays
    above them. `struct(*)` and `.*` keep the model's columns, names and types. -#}
{% macro steward_checked_rows(compiled_code, checks) %}
  {%- set conditions = [] -%}
  {%- for condition, message in checks -%}
    {%- do conditions.append("(coalesce(" ~ condition ~ ", false) or raise_error('" ~ message | replace("\\", "") | replace("'", "") ~ "'))") -%}
  {%- endfor -%}
  {%- set checked -%}
select steward_checked.steward_row.* from (
    select if({{ conditions | join('\n        and ') }}, struct(*), null) as steward_row
    from (
{{ compiled_code }}
    ) as steward_model
) as steward_checked
  {%- endset -%}
  {{ return(checked) }}
{% endmacro %}


{% macro steward_guard_null_keys(compiled_code) %}
  {%- set keys = steward_unique_key_columns() -%}
  {%- if keys | length == 0 -%}{{ return(compiled_code) }}{%- endif -%}
  {%- set message = "steward: NULL in unique_key (" ~ keys | join(', ') ~ ") of " ~ this ~ "; a NULL key would be inserted again on every merge. Fix the input or filter it out." -%}
  {%- set condition = [] -%}
  {%- for key in keys -%}{%- do condition.append(key ~ " is not null") -%}{%- endfor -%}
  {{ return(steward_checked_rows(compiled_code, [(condition | join(' and '), message)])) }}
{% endmacro %}


{#- The model's query, failing on a row that breaks one of its Delta constraints: a table
    is created (or replaced) before dbt adds its constraints, so without this a bad row
    would be committed first and the constraint refused after. -#}
{% macro steward_guard_constraints(compiled_code, relation) %}
  {%- if (config.get('file_format') or '') | lower != 'delta' -%}{{ return(compiled_code) }}{%- endif -%}
  {%- set declared = steward_declared_constraints(model) -%}
  {%- if not declared -%}{{ return(compiled_code) }}{%- endif -%}
  {%- set checks = [] -%}
  {%- for name, expression in declared.items() -%}
    {%- do checks.append((expression, "steward: a row breaks CHECK constraint " ~ name ~ " (" ~ expression ~ ") of " ~ relation ~ "; nothing was written. Fix the input or the constraint.")) -%}
  {%- endfor -%}
  {{ return(steward_checked_rows(compiled_code, checks)) }}
{% endmacro %}


{%- macro spark__create_table_as(temporary, relation, compiled_code, language='sql') -%}
  {%- if language == 'sql' -%}
    {%- set compiled_code = steward_guard_null_keys(compiled_code) -%}
    {%- if not temporary -%}
      {%- set compiled_code = steward_guard_constraints(compiled_code, relation) -%}
    {%- endif -%}
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


{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
  {%- do steward_sync_constraints(target, model) -%}
  {{ return(dbt.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates)) }}
{% endmacro %}
