{#
  The namespace of a node, derived from where it lives: models/<layer>/<team>/ gives
  layer and team, the environment gives the prefix. Every relation name in the project
  comes from here, so two teams can't collide and a dev build can't touch production.
#}

{% macro steward_layers() %}
  {{ return(['bronze', 'silver', 'gold', 'ops']) }}
{% endmacro %}


{#- The environment is the target's `schema` (profiles/profiles.yml: STEWARD_ENV, else
    `prod` on the embedded `local` target, a private lakehouse, and `dev` on the shared
    cluster, so a cluster build is a dev build unless the orchestrator says otherwise). -#}
{% macro steward_env() %}
  {%- set env = target.schema | trim | lower -%}
  {%- if not modules.re.match('^[a-z][a-z0-9_]*$', env) -%}
    {{ exceptions.raise_compiler_error("environment '" ~ env ~ "' (STEWARD_ENV / the target's schema) is not a valid name: use lower snake case, e.g. dev, staging, prod or ci_1234") }}
  {%- endif -%}
  {{ return(env) }}
{% endmacro %}


{% macro steward_schema_prefix() %}
  {%- set env = steward_env() -%}
  {{ return('' if env == 'prod' else env ~ '_') }}
{% endmacro %}


{#- (layer, team) of a node from its fqn: [project, layer, team, ...]. -#}
{% macro steward_layer_team(node) %}
  {%- set fqn = node.fqn or [] -%}
  {%- if fqn | length >= 4 and fqn[1] in steward_layers() -%}
    {{ return([fqn[1], fqn[2]]) }}
  {%- endif -%}
  {{ return(none) }}
{% endmacro %}


{#- The entity of a model: what follows `<layer>_<team>__` in its name. -#}
{% macro steward_entity(node) %}
  {%- set layer_team = steward_layer_team(node) -%}
  {%- if layer_team is none -%}{{ return(node.name) }}{%- endif -%}
  {%- set prefix = layer_team[0] ~ '_' ~ layer_team[1] ~ '__' -%}
  {%- if not node.name.startswith(prefix) -%}
    {{ exceptions.raise_compiler_error(
        node.original_file_path ~ ": model '" ~ node.name ~ "' lives in " ~ layer_team[0] ~ "/" ~ layer_team[1]
        ~ " and must be named " ~ prefix ~ "<entity> (rule NS001)") }}
  {%- endif -%}
  {{ return(node.name[prefix | length:]) }}
{% endmacro %}
