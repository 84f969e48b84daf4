{#-
  persist_docs, as dbt-spark's, but an ALTER only for a column whose comment differs from
  its description: each ALTER is a Delta commit, and on an incremental model's daily run
  the comments are already there (dbt-spark alters every documented column every run).
  The `describe extended` the adapter keeps (an incremental model's target, described
  before its merge; a MERGE changes no comment) tells what is there, so a daily run
  sends no statement here at all.
-#}
{% macro steward_spark__persist_docs(relation, model, for_relation, for_columns) -%}
  {% if for_columns and config.persist_column_docs() and model.columns %}
    {% set current = {} %}
    {% set columns_end = namespace(reached=false) %}
    {% for row in adapter.steward_described_rows(relation) %}
      {# the columns come first; a blank row or a `# ...` heading ends them #}
      {% if not row[0] or row[0].startswith('#') %}{% set columns_end.reached = true %}{% endif %}
      {% if not columns_end.reached %}
        {% do current.update({row[0] | lower: row[2] or ''}) %}
      {% endif %}
    {% endfor %}
    {% set changed = {} %}
    {% for name, column in model.columns.items() %}
      {% set description = column.get('description') or '' %}
      {% if name | lower in current and current[name | lower] != description %}
        {% do changed.update({name: column}) %}
      {% endif %}
    {% endfor %}
    {% if changed %}
      {% do alter_column_comment(relation, changed) %}
    {% endif %}
  {% endif %}
{% endmacro %}
