{#- ECC and S/4HANA layouts. ECC keeps document statuses in VBUK/VBUP; S/4HANA dropped
    those tables and keeps the status fields on VBAK/VBAP/LIKP/LIPS. Staging gives both
    layouts the same shape: a column the raw table lacks comes out as NULL. -#}

{#- 'ecc' or 's4': var sap_flavour, or (auto) 'ecc' when raw_sap.vbuk exists. -#}
{% macro sap_flavour() -%}
    {%- set flavour = var('sap_flavour', 'auto') -%}
    {%- if flavour != 'auto' -%}
        {{ return(flavour) }}
    {%- endif -%}
    {{ return('ecc' if relation_exists(source('raw_sap', 'vbuk')) else 's4') }}
{%- endmacro %}

{#- True when the raw table behind `relation` exists (a flavour may lack it). Linting
    (target lint, an empty database) compiles every model as if its tables existed. -#}
{% macro relation_exists(relation) -%}
    {%- if not execute or target.name == 'lint' -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set found = adapter.get_relation(relation.database, relation.schema, relation.identifier) -%}
    {{ return(found is not none) }}
{%- endmacro %}

{#- The column when `relation` has it, else a typed NULL. -#}
{% macro optional_column(relation, column, data_type='varchar') -%}
    {%- set present = [] -%}
    {%- if execute and relation_exists(relation) -%}
        {%- for c in adapter.get_columns_in_relation(relation) -%}
            {%- if c.name | lower == column | lower -%}
                {%- do present.append(c.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if present -%}
        {{ column }}
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}
