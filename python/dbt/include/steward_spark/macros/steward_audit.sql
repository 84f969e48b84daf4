{#
  The commit history of every Delta table in `schemas`, for `steward audit`: one debug log
  line per commit, `steward-audit {json}` (table, version, timestamp, operation,
  userMetadata). Read-only: SHOW and DESCRIBE HISTORY only. Run it with
  `dbt run-operation steward_audit_history --args '{schemas: [...]}'`.
#}
{% macro steward_audit_history(schemas) %}
  {%- for schema in schemas -%}
    {%- set exists = run_query("show schemas like '" ~ schema ~ "'") -%}
    {%- if exists | length > 0 -%}
      {%- set tables = run_query("show table extended in " ~ schema ~ " like '*'") -%}
      {%- for table in tables if not table['isTemporary'] -%}
        {%- set info = table['information'] -%}
        {%- if 'Provider: delta' in info and 'Type: VIEW' not in info -%}
          {%- set name = schema ~ '.' ~ table['tableName'] -%}
          {%- do log('steward-audit-table ' ~ tojson({'table': name}), info=false) -%}
          {%- for commit in run_query('describe history ' ~ name) -%}
            {%- do log('steward-audit ' ~ tojson({
                'table': name,
                'version': commit['version'] | int,
                'timestamp': commit['timestamp'] | string,
                'operation': commit['operation'],
                'user_metadata': commit['userMetadata'],
            }), info=false) -%}
          {%- endfor -%}
        {%- endif -%}
      {%- endfor -%}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}
