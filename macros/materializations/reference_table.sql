{#
  `materialized='reference_table'`: a table that is rewritten only when something it is made
  from changed. Reference data (meters, regions, tariffs) lands rarely, but a `table` model
  is replaced on every run: its CREATE, a comment ALTER per documented column and its
  constraints again, a dozen statements and Delta commits a day for each such model.

  Before building, the model's inputs are fingerprinted:
    - its compiled SQL, its columns (descriptions, constraints) and its config;
    - each landing source it reads: the files' paths and modification times (a re-sent or
      late file changes the fingerprint);
    - each model it reads: that table's latest Delta version and commit time.
  The fingerprint is kept in the table's `steward.inputs_fingerprint` property. When the
  table exists, it is the same, and this is not a `--full-refresh`, nothing is written and
  dbt reports the model as `OK (unchanged)`. Otherwise dbt-spark's `table` materialization
  builds it (comments, constraints, grants, hooks as for any table) and the new fingerprint
  is stored. An input steward cannot fingerprint (a source that is not a landing source, a
  view) means: always rebuild, as a `table` does.
#}
{% materialization reference_table, adapter='spark', supported_languages=['sql'] %}
  {%- set existing = load_cached_relation(this) -%}
  {%- set fingerprint = steward_inputs_fingerprint() -%}
  {%- if existing is not none and fingerprint is not none and not should_full_refresh()
        and steward_stored_fingerprint(existing) == fingerprint -%}
    {%- do store_raw_result('main', message='OK (unchanged)', code='OK', rows_affected=0) -%}
    {{ log("steward: " ~ this ~ ": inputs unchanged since it was built; not rewritten", info=false) }}
    {{ return({'relations': [existing]}) }}
  {%- endif -%}
  {%- set result = dbt.materialization_table_spark() -%}
  {%- if fingerprint is not none -%}
    {%- call statement('steward_fingerprint') -%}
      alter table {{ this }} set tblproperties ('steward.inputs_fingerprint' = '{{ fingerprint }}')
    {%- endcall -%}
  {%- endif -%}
  {{ return(result) }}
{% endmaterialization %}


{#- The fingerprint of everything the model is made from, or none if an input has none. -#}
{% macro steward_inputs_fingerprint() %}
  {%- set parts = [compiled_code, tojson(model.columns, sort_keys=true), tojson(model.config, sort_keys=true)] -%}
  {%- for input_id in model.depends_on.nodes -%}
    {%- set is_source = input_id.startswith('source.') -%}
    {%- set node = graph.sources[input_id] if is_source else graph.nodes.get(input_id) -%}
    {%- if node is none -%}{{ return(none) }}{%- endif -%}
    {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.identifier if is_source else node.alias) -%}
    {%- if is_source -%}
      {%- if not node.meta.get('landing') -%}{{ return(none) }}{%- endif -%}
      {%- set sql = "select sha2(concat_ws('|', sort_array(collect_set(concat(_source_file, '@', cast(_file_modified_at as string))))), 256) from " ~ relation -%}
    {%- else -%}
      {%- if node.config.materialized in ('view', 'ephemeral') -%}{{ return(none) }}{%- endif -%}
      {%- set sql = "describe history " ~ relation ~ " limit 1" -%}
    {%- endif -%}
    {%- set result = run_query(sql) -%}
    {%- if result is none or result.rows | length == 0 -%}{{ return(none) }}{%- endif -%}
    {%- set row = result.rows[0] -%}
    {%- set value = row[0] if is_source else row['version'] ~ '@' ~ row['timestamp'] -%}
    {%- if value is none -%}{{ return(none) }}{%- endif -%}
    {%- do parts.append(input_id ~ '=' ~ value) -%}
  {%- endfor -%}
  {{ return(local_md5(parts | join('\n'))) }}
{% endmacro %}


{#- The fingerprint a reference table was last built from, or none. -#}
{% macro steward_stored_fingerprint(relation) %}
  {%- set result = run_query("show tblproperties " ~ relation ~ " ('steward.inputs_fingerprint')") -%}
  {%- if result is none or result.rows | length == 0 -%}{{ return(none) }}{%- endif -%}
  {{ return(result.rows[0][1]) }}
{% endmacro %}
