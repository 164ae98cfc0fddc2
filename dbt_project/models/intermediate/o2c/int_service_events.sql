-- One row per service confirmation and case: Confirm Service (ZSD_SRVCONF).
with order_items as (

    select * from {{ ref('int_sales_order_items') }}

),

confirmations as (

    select * from {{ ref('stg_sap__service_confirmations') }}

),

events as (

    select
        order_items.case_id,
        order_items.sales_order_id,
        order_items.sales_order_item_id,
        'Confirm Service' as activity,
        confirmations.created_at as event_at,
        confirmations.created_by as resource,
        '{{ var("source_system") }}' as source_system,
        'ZSD_SRVCONF' as source_table,
        {{ source_key(['confirmations.client_id', 'confirmations.service_confirmation_id']) }}
            as source_key,
        cast(null as varchar) as delivery_id,
        cast(null as varchar) as invoice_id,
        cast(null as varchar) as accounting_document_id,
        greatest(order_items.loaded_batch_id, confirmations.loaded_batch_id) as loaded_batch_id
    from confirmations
    inner join order_items
        on
            confirmations.client_id = order_items.client_id
            and confirmations.sales_document_id = order_items.sales_order_id
            and confirmations.sales_document_item_id = order_items.sales_order_item_id

)

{{ select_events('events') }}
