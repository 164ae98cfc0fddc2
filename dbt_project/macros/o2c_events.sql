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

{#- A list var as a SQL list of numbers. -#}
{% macro sql_number_list(values) -%}
    ({% for value in values %}{{ value | int }}{% if not loop.last %}, {% endif %}{% endfor %})
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

{#- An amount converted between currencies with the rate of int_currency_rates valid on a
    date; the amount itself when both currencies are the same, NULL when no rate is known.
    Pass qualified column names (the subquery's table would capture bare ones). -#}
{% macro convert_currency(amount, from_currency, to_currency, on_date) -%}
    case
        when {{ from_currency }} = {{ to_currency }} then {{ amount }}
        else {{ amount }} * (
            select rates.exchange_rate
            from {{ ref('int_currency_rates') }} as rates
            where
                rates.from_currency_code = {{ from_currency }}
                and rates.to_currency_code = {{ to_currency }}
                and {{ on_date }} between rates.valid_from_date and rates.valid_to_date
        )
    end
{%- endmacro %}

{#- Working days after the local date of `start_at` up to and including that of `end_at`,
    by the calendar `calendar_id` (int_calendar_days); NULL when either is NULL. Pass
    qualified column names: the subquery's own tables would capture bare ones. -#}
{% macro working_days_between(calendar_id, start_at, end_at) -%}
    (
        select end_day.working_day_number - start_day.working_day_number
        from {{ ref('int_calendar_days') }} as start_day
        inner join {{ ref('int_calendar_days') }} as end_day
            on start_day.calendar_id = end_day.calendar_id
        where
            start_day.calendar_id = {{ calendar_id }}
            and start_day.calendar_date = cast({{ utc_to_local(start_at) }} as date)
            and end_day.calendar_date = cast({{ utc_to_local(end_at) }} as date)
    )
{%- endmacro %}

{#- Days between two UTC timestamps, with the fraction of a day (seconds / 86400). -#}
{% macro days_between(start_at, end_at) -%}
    (epoch({{ end_at }}) - epoch({{ start_at }})) / 86400.0
{%- endmacro %}
