-- One row per order event and case: Create Sales Order (a header event, copied to every
-- item of the order), Create Sales Order Item, Create Return Order (on the returned item).
with order_items as (

    select * from {{ ref('int_sales_order_items') }}

),

return_items as (

    select * from {{ ref('int_return_order_items') }}
    where case_id is not null

),

events as (

    select
        case_id,
        sales_order_id,
        sales_order_item_id,
        'Create Sales Order' as activity,
        order_created_at as event_at,
        order_created_by as resource,
        '{{ var("source_system") }}' as source_system,
        'VBAK' as source_table,
        {{ source_key(['client_id', 'sales_order_id']) }} as source_key,
        cast(null as varchar) as delivery_id,
        cast(null as varchar) as invoice_id,
        cast(null as varchar) as accounting_document_id,
        loaded_batch_id
    from order_items

    union all

    select
        case_id,
        sales_order_id,
        sales_order_item_id,
        'Create Sales Order Item' as activity,
        created_at as event_at,
        created_by as resource,
        '{{ var("source_system") }}' as source_system,
        'VBAP' as source_table,
        {{ source_key(['client_id', 'sales_order_id', 'sales_order_item_id']) }} as source_key,
        null as delivery_id,
        null as invoice_id,
        null as accounting_document_id,
        loaded_batch_id
    from order_items

    union all

    select
        case_id,
        sales_order_id,
        sales_order_item_id,
        'Create Return Order' as activity,
        created_at as event_at,
        created_by as resource,
        '{{ var("source_system") }}' as source_system,
        'VBAK' as source_table,
        {{ source_key(['client_id', 'return_order_id']) }} as source_key,
        null as delivery_id,
        null as invoice_id,
        null as accounting_document_id,
        loaded_batch_id
    from return_items

)

{{ select_events('events') }}
