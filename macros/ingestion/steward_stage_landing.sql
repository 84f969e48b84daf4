{#
  Landing files become sources: for every source table with `meta.landing`, a view over
  its folder under var('landing_root'), re-listed on every query, so files that arrived
  since the last run are seen without a refresh. Hive-style `arrival_date=YYYY-MM-DD`
  folders become a partition column, which the bronze models prune on.

    meta:
      landing:
        path: de              # folder under landing_root
        format: text          # text (one `value` line per row) or parquet

  Run from `on-run-start`; it stages only the sources that the selected models read, so a
  team's build creates views only in its own landing namespace.
#}
{% macro steward_stage_landing() %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set wanted = [] -%}
  {%- for node in graph.nodes.values() if node.unique_id in selected_resources -%}
    {%- for source_id in node.depends_on.nodes if source_id.startswith('source.') -%}
      {%- do wanted.append(source_id) -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- set root = var('landing_root') | string -%}
  {%- for source in graph.sources.values() if source.unique_id in wanted and source.meta.get('landing') -%}
    {%- set spec = source.meta['landing'] -%}
    {%- set fmt = spec.get('format', 'text') -%}
    {%- if fmt not in ['text', 'parquet'] -%}
      {{ exceptions.raise_compiler_error(source.original_file_path ~ ": source " ~ source.source_name ~ "." ~ source.name ~ ": meta.landing.format must be text or parquet, not " ~ fmt) }}
    {%- endif -%}
    {%- set path = root.rstrip('/') ~ '/' ~ spec['path'] -%}
    {%- set relation = source.schema ~ '.' ~ source.identifier -%}
    {%- do run_query('create schema if not exists ' ~ source.schema) -%}
    {%- do run_query(
        'create or replace view ' ~ relation ~ ' as select *, _metadata.file_path as _source_file, '
        ~ '_metadata.file_modification_time as _file_modified_at from ' ~ fmt ~ '.`' ~ path ~ '`') -%}
    {{ log("landing: " ~ relation ~ " -> " ~ path, info=true) }}
  {%- endfor -%}
  {{ return('') }}
{% endmacro %}
