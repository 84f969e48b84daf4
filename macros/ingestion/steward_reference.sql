{#
  A master-data CSV (header line, comma separated, quotes allowed) staged as a text
  source, read with its declared schema. Reference files are replaced whole, so these
  models are tables rebuilt on every run.
#}
{% macro steward_reference_csv(source_relation, header_prefix, schema) %}
with landed as (

    select
        value as _raw,
        _source_file,
        _file_modified_at
    from {{ source_relation }}
    where value not like '{{ header_prefix }}%'
        and trim(value) <> ''

)

select
    _parsed.*,
    _source_file,
    _file_modified_at
from (
    select
        from_csv(_raw, '{{ schema }}', map('mode', 'PERMISSIVE')) as _parsed,
        _source_file,
        _file_modified_at
    from landed
)
{% endmacro %}
