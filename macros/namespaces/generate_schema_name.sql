{#
  <prefix><layer>_<team>, from the folder of the node. A `schema` set by hand is refused:
  it is how a model writes into another team's namespace (rule NS003).
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- set layer_team = steward_layer_team(node) -%}
  {%- if custom_schema_name is not none and node.resource_type not in ['test'] -%}
    {{ exceptions.raise_compiler_error(
        node.original_file_path ~ ": `schema` is set by hand to '" ~ custom_schema_name
        ~ "'; steward derives it from the folder (models/<layer>/<team>/). Remove the `schema` config (rule NS003)") }}
  {%- endif -%}
  {%- if layer_team is not none -%}
    {{ steward_schema_prefix() ~ layer_team[0] ~ '_' ~ layer_team[1] }}
  {%- else -%}
    {{ steward_schema_prefix() ~ 'shared' }}
  {%- endif -%}
{%- endmacro %}
