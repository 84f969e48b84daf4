"""The project macros of the lint benchmark project: the namespace macros (schema and
alias from the layer/team folder) and the transforms its models call."""

from __future__ import annotations

MACROS = {
    "macros/namespaces/generate_schema_name.sql": """\
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- set layer_team = bench_layer_team(node) -%}
  {%- if custom_schema_name is not none and node.resource_type not in ['test'] -%}
    {{ exceptions.raise_compiler_error(node.original_file_path ~ ": `schema` is set by hand") }}
  {%- endif -%}
  {%- if layer_team is not none -%}
    {{ bench_schema_prefix() ~ layer_team[0] ~ '_' ~ layer_team[1] }}
  {%- else -%}
    {{ bench_schema_prefix() ~ 'shared' }}
  {%- endif -%}
{%- endmacro %}
""",
    "macros/namespaces/generate_alias_name.sql": """\
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {%- if custom_alias_name is not none and node.resource_type in ['model', 'seed', 'snapshot'] -%}
    {{ exceptions.raise_compiler_error(node.original_file_path ~ ": `alias` is set by hand") }}
  {%- endif -%}
  {%- set layer_team = bench_layer_team(node) -%}
  {%- if layer_team is none -%}
    {{ node.name }}
  {%- else -%}
    {{ node.name[(layer_team[0] ~ '_' ~ layer_team[1] ~ '__') | length:] }}
  {%- endif -%}
{%- endmacro %}
""",
    "macros/namespaces/namespace.sql": """\
{% macro bench_layers() %}
  {{ return(['bronze', 'silver', 'gold', 'ops']) }}
{% endmacro %}

{% macro bench_schema_prefix() %}
  {%- set env = target.schema | trim | lower -%}
  {{ return('' if env == 'prod' else env ~ '_') }}
{% endmacro %}

{% macro bench_layer_team(node) %}
  {%- set fqn = node.fqn or [] -%}
  {%- if fqn | length >= 4 and fqn[1] in bench_layers() -%}
    {{ return([fqn[1], fqn[2]]) }}
  {%- endif -%}
  {{ return(none) }}
{% endmacro %}
""",
    "macros/transforms.sql": """\
{#- energy of an interval from an average power in watts -#}
{% macro bench_to_kwh(column, minutes=15) -%}
    cast({{ column }} as double) * {{ minutes }} / 60000.0
{%- endmacro %}

{% macro bench_safe_divide(numerator, denominator) -%}
    case when {{ denominator }} is null or {{ denominator }} = 0 then null
         else ({{ numerator }}) / ({{ denominator }}) end
{%- endmacro %}

{% macro bench_surrogate_key(columns) -%}
    sha2(concat_ws('||',
    {%- for column in columns %}
        coalesce(cast({{ column }} as string), '_null_'){% if not loop.last %},{% endif %}
    {%- endfor %}), 256)
{%- endmacro %}

{#- one row per key: the newest by `order_column` wins -#}
{% macro bench_dedupe(relation, key_columns, order_column) %}
    select * except (_row_rank)
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by {{ order_column }} desc
            ) as _row_rank
        from {{ relation }}
    )
    where _row_rank = 1
{% endmacro %}

{#- inside an incremental run, only the days since the newest day already built -#}
{% macro bench_window_filter(column, days=none) -%}
    {%- if is_incremental() -%}
    and {{ column }} >= date_sub(
        (select max({{ column }}) from {{ this }}), {{ days or var('lookback_days') }})
    {%- endif -%}
{%- endmacro %}
""",
}
