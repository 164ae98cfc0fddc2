{#- Helpers shared by the event models. -#}

{#- The users whom USR02 does not know but who are automated (var automated_user_names). -#}
{% macro automated_user_names_sql() -%}
    {%- set names = var('automated_user_names', []) -%}
    {%- if names | length == 0 -%}
        (cast(null as varchar))
    {%- else -%}
        ({% for name in names %}'{{ name }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{#- A list var as a SQL list of text literals. -#}
{% macro sql_text_list(values) -%}
    ({% for value in values %}'{{ value }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- Final select of an event model: the common columns in their order, the business event's
    id (source_event_id: table, key of the source row and activity; a header event copied to
    several items shares it), and is_automated
    from the acting user's USR02 type (B, C automated; var automated_user_names for users
    USR02 does not know). `automated_without_user`: what an event with no user is (a
    program's own step such as a dunning run: true; a date milestone: false). -#}
{% macro select_events(events_relation, automated_without_user=false) -%}
select
    e.source_table || ':' || e.source_key || ':' || e.activity as source_event_id,
    e.case_id,
    e.sales_order_id,
    e.sales_order_item_id,
    e.activity,
    e.event_at,
    e.resource,
    case
        when e.resource is null then {{ automated_without_user }}
        else coalesce(u.is_automated, e.resource in {{ automated_user_names_sql() }}, false)
    end as is_automated,
    e.source_system,
    e.source_table,
    e.source_key,
    e.delivery_id,
    e.invoice_id,
    e.accounting_document_id,
    greatest(e.loaded_batch_id, u.loaded_batch_id) as loaded_batch_id
from {{ events_relation }} as e
left join {{ ref('int_users') }} as u
    on e.resource = u.user_name
{%- endmacro %}

{#- The as-of time given as var as_of, as a UTC timestamp (NULL when not given). -#}
{% macro as_of_var_sql() -%}
    {%- set value = var('as_of', '') | string | trim -%}
    {%- if value == '' or value == 'None' -%}
        cast(null as timestamp)
    {%- elif modules.re.search('(Z|[+-][0-9][0-9]:?[0-9][0-9])$', value) -%}
        timezone('UTC', cast('{{ value }}' as timestamptz))
    {%- else -%}
        {{ local_to_utc("cast('" ~ value ~ "' as timestamp)") }}
    {%- endif -%}
{%- endmacro %}

{#- UTC timestamp -> the source system's local wall-clock timestamp. -#}
{% macro utc_to_local(utc_timestamp) -%}
    timezone('{{ var("source_timezone") }}', timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}

{#- Source key text: the key fields of the source row joined by '/'. -#}
{% macro source_key(columns) -%}
    concat_ws('/', {{ columns | join(', ') }})
{%- endmacro %}
