{#
  Spark's session catalog has one level of namespace (the schema); a `database` set by
  hand is refused (rule NS003).
#}
{% macro generate_database_name(custom_database_name=none, node=none) -%}
  {%- if custom_database_name is not none and node is not none and node.resource_type != 'source' -%}
    {{ exceptions.raise_compiler_error(
        node.original_file_path ~ ": `database` is set by hand to '" ~ custom_database_name
        ~ "'; steward derives every relation from the folder. Remove the `database` config (rule NS003)") }}
  {%- endif -%}
  {{ return(none) }}
{%- endmacro %}
