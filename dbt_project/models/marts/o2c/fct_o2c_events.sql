-- One row per event and case: the O2C event log. Incremental: a run merges the events
-- whose source rows changed since the last run (load batch), and removes the events whose
-- source is gone, so a daily run does not rewrite history.
{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy='merge',
    on_schema_change='fail',
    post_hook=[
        "{% if is_incremental() %}delete from {{ this }} where event_id not in (select event_id from {{ ref('int_o2c_events') }}){% endif %}"
    ]
) }}

with events as (

    select * from {{ ref('int_o2c_events') }}

)

select
    events.event_id,
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
    events.activity_sort_order,
    events.activity_kind,
    events.loaded_batch_id
from events
{% if is_incremental() %}
    where
        events.loaded_batch_id
        > (select coalesce(max(current_rows.loaded_batch_id), 0) from {{ this }} as current_rows)
{% endif %}
