{#
  A model's constraints, enforced by Delta: a guarantee Delta can check on every write is a
  CHECK constraint on the table, not a data test that scans the table after each run.

  Declared the dbt way, in the model's yml (a contracted model's generated yml has them
  from its contract):

    columns:
      - name: kwh
        constraints:
          - {type: not_null}
          - {type: check, expression: "kwh >= 0"}
      - name: country
        constraints:
          - {type: check, expression: "country in ('DE', 'FR', 'NL', 'LU')"}

  and, for a rule over several columns, a model-level `constraints: [{type: check,
  expression: ...}]`. A `check` may have a `name`; steward names the others
  `steward_<column>_<hash of the expression>` (`steward_check_<hash>` for a model's own).
  Every not_null column shares one constraint, `steward_not_null`. Note that Delta treats a
  NULL as a violation: write `col is null or ...` where NULL is allowed.

  Applied to every model with `file_format: delta` (a model without one is a Parquet
  table, as dbt-spark creates it), with or without an enforced contract, whenever the table is
  created (first build, full refresh, table models) and before every merge into it: the
  constraints the table has (read from the `describe` the merge already makes, so a run
  where nothing changed sends no statement for them) are compared with the yml's; a missing
  or changed one is added (Delta first checks the rows already there and refuses, naming
  the constraint, when one breaks it), and a `steward_` constraint no longer declared is
  dropped. From then on a write with a row that breaks one fails before it commits,
  naming the constraint and the row's values; the table keeps its version.

  dbt-spark itself adds only model-level checks, and only on creation; its `set not null`
  fails on Spark 4 ("Cannot change nullable column to non-nullable").
#}

{#- name -> expression of the Delta CHECK constraints `model` declares. -#}
{% macro steward_declared_constraints(model) %}
  {%- set declared = {} -%}
  {%- set not_null = [] -%}
  {%- set where = model.original_file_path ~ " (" ~ model.name ~ ")" -%}
  {%- for column_name, column in (model.columns or {}).items() -%}
    {%- set quoted = adapter.quote(column_name) if column.get('quote') else column_name -%}
    {%- for constraint in column.get('constraints') or [] -%}
      {%- if constraint.type == 'not_null' -%}
        {%- do not_null.append(quoted) -%}
      {%- elif constraint.type == 'check' -%}
        {%- if not constraint.expression -%}
          {{ exceptions.raise_compiler_error(where ~ ": the check constraint of column " ~ column_name ~ " has no `expression`; write e.g. {type: check, expression: \"" ~ column_name ~ " >= 0\"}") }}
        {%- endif -%}
        {%- set name = constraint.name or ("steward_" ~ column_name ~ "_" ~ local_md5(constraint.expression)[:8]) -%}
        {%- do declared.update({name | lower: constraint.expression}) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- for constraint in model.constraints or [] -%}
    {%- if constraint.type == 'check' -%}
      {%- if not constraint.expression -%}
        {{ exceptions.raise_compiler_error(where ~ ": a model-level check constraint has no `expression`") }}
      {%- endif -%}
      {%- set name = constraint.name or ("steward_check_" ~ local_md5(constraint.expression)[:8]) -%}
      {%- do declared.update({name | lower: constraint.expression}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if not_null -%}
    {%- do declared.update({'steward_not_null': not_null | join(' is not null and ') ~ ' is not null'}) -%}
  {%- endif -%}
  {{ return(declared) }}
{% endmacro %}


{#- Make the table's constraints the declared ones. `created`: the table was just created
    (CREATE OR REPLACE leaves it with none), so nothing needs to be asked. -#}
{% macro steward_sync_constraints(relation, model, created=false) %}
  {%- if not execute or (config.get('file_format') or '') | lower != 'delta' -%}{{ return(none) }}{%- endif -%}
  {%- set declared = steward_declared_constraints(model) -%}
  {%- set present = {} if created else adapter.steward_table_constraints(relation) -%}
  {#- drop steward's retired ones and every declared one whose expression changed -#}
  {%- for name, expression in present.items() -%}
    {%- if (name.startswith('steward_') or name in declared) and not steward_same_expression(declared.get(name), expression) -%}
      {%- call statement('drop_constraint_' ~ name) -%}
        alter table {{ relation }} drop constraint if exists {{ name }}
      {%- endcall -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for name, expression in declared.items() -%}
    {%- if not steward_same_expression(present.get(name), expression) -%}
      {%- call statement('add_constraint_' ~ name) -%}
        alter table {{ relation }} add constraint {{ name }} check ({{ expression }})
      {%- endcall -%}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}


{#- Delta keeps an expression as its parser's tokens (`b in ( 'x' , 'y' )` for
    `b IN ('x', 'y')`): compared without case and whitespace. -#}
{% macro steward_same_expression(one, other) %}
  {%- if one is none or other is none -%}{{ return(false) }}{%- endif -%}
  {{ return(modules.re.sub('\\s+', '', one | lower) == modules.re.sub('\\s+', '', other | lower)) }}
{% endmacro %}


{% macro spark__persist_constraints(relation, model) %}
  {%- do steward_sync_constraints(relation, model, created=true) -%}
{% endmacro %}
