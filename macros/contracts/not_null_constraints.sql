{#
  The `not_null` constraints of a contracted model (its generated yml), enforced by Delta.

  dbt-spark sets them with `alter table ... change column ... set not null`, which Spark 4
  refuses on a Delta table ("Cannot change nullable column to non-nullable"). A Delta CHECK
  constraint does the same job: Delta checks it against the rows already there when it is
  added and on every later write (a merge with a NULL in such a column fails before it
  commits). One constraint per table, `steward_not_null`, covers every not-null column; it
  is re-created whenever dbt creates the table (first build, full refresh, table models).
#}
{% macro spark__alter_column_set_constraints(relation, column_dict) %}
  {%- set columns = [] -%}
  {%- for column_name in column_dict -%}
    {%- for constraint in column_dict[column_name]['constraints'] -%}
      {%- if constraint.type == 'not_null' -%}
        {%- do columns.append(adapter.quote(column_name) if column_dict[column_name]['quote'] else column_name) -%}
      {%- else -%}
        {{ exceptions.warn('Only not_null is supported as a column constraint on Spark; ignoring ' ~ constraint.type ~ ' on ' ~ column_name) }}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- if columns -%}
    {%- call statement('drop_not_null_constraint') -%}
      alter table {{ relation }} drop constraint if exists steward_not_null
    {%- endcall -%}
    {%- call statement('add_not_null_constraint') -%}
      alter table {{ relation }} add constraint steward_not_null check ({{ columns | join(' is not null and ') }} is not null)
    {%- endcall -%}
  {%- endif -%}
{% endmacro %}
