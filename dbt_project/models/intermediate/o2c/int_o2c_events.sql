-- One row per event and case: every activity family's events, with the activity's place
-- and kind from the catalogue (seed o2c_activities) and the row's id.

{#- The incremental event log reads it twice (new rows, rows gone) and the case facts once:
    computed once. -#}
{{ config(materialized='table') }}

with events as (

    {% for model in [
        'int_order_events', 'int_change_events', 'int_crm_events', 'int_mto_events',
        'int_delivery_events', 'int_service_events', 'int_billing_events',
        'int_payment_events', 'int_dunning_events'
    ] %}
        select * from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

activities as (

    select * from {{ ref('o2c_activities') }}

)

select  -- noqa: ST06
    md5(events.source_event_id || '|' || events.case_id) as event_id,
    events.source_event_id,
    events.case_id,
    events.activity,
    events.event_at,
    events.resource,
    events.is_automated,
    events.source_system,
    events.source_table,
    events.source_key,
    events.sales_order_id,
    events.sales_order_item_id,
    events.delivery_id,
    events.invoice_id,
    events.accounting_document_id,
    activities.sort_order as activity_sort_order,
    activities.kind as activity_kind,
    events.loaded_batch_id
from events
left join activities
    on events.activity = activities.activity
