{#
  The relation name inside the namespace: the model's entity, `_v<N>` for a version.
  An `alias` set by hand is refused (rule NS003).
#}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {%- if custom_alias_name is not none and node.resource_type in ['model', 'seed', 'snapshot'] -%}
    {{ exceptions.raise_compiler_error(
        node.original_file_path ~ ": `alias` is set by hand to '" ~ custom_alias_name
        ~ "'; steward derives it from the model name <layer>_<team>__<entity>. Remove the `alias` config (rule NS003)") }}
  {%- endif -%}
  {%- if node.resource_type in ['model', 'seed', 'snapshot'] -%}
    {%- set entity = steward_entity(node) -%}
    {%- if node.version -%}
      {{ entity ~ '_v' ~ (node.version | replace('.', '_')) }}
    {%- else -%}
      {{ entity }}
    {%- endif -%}
  {%- elif custom_alias_name -%}
    {{ custom_alias_name | trim }}
  {%- else -%}
    {{ node.name }}
  {%- endif -%}
{%- endmacro %}
