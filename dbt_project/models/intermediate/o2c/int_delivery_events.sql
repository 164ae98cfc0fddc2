-- One row per delivery event and case: Create Delivery, Post Goods Issue (time from the
-- document flow's goods movement, user from its material document) and Proof of Delivery,
-- per delivered order item.
with delivery_items as (

    select * from {{ ref('int_delivery_items') }}
    where case_id is not null

),

events as (

    select
        case_id,
        sales_order_id,
        sales_order_item_id,
        'Create Delivery' as activity,
        created_at as event_at,
        created_by as resource,
        '{{ var("source_system") }}' as source_system,
        'LIKP' as source_table,
        {{ source_key(['client_id', 'delivery_id']) }} as source_key,
        delivery_id,
        cast(null as varchar) as invoice_id,
        cast(null as varchar) as accounting_document_id,
        loaded_batch_id
    from delivery_items

    union all

    -- The document flow row identifies the goods issue (its key stays the event's id when
    -- the material document arrives later); the material document names who posted it.
    select
        case_id,
        sales_order_id,
        sales_order_item_id,
        'Post Goods Issue' as activity,
        goods_issue_at as event_at,
        goods_issue_by as resource,
        '{{ var("source_system") }}' as source_system,
        'VBFA' as source_table,
        {{ source_key([
            'client_id', 'delivery_id', 'delivery_item_id', 'goods_movement_document_id'
        ]) }} as source_key,
        delivery_id,
        null as invoice_id,
        null as accounting_document_id,
        loaded_batch_id
    from delivery_items
    where goods_issue_at is not null

    union all

    -- LIKP keeps when the customer confirmed receipt, not who entered it: no user, and
    -- not an automated step either.
    select
        case_id,
        sales_order_id,
        sales_order_item_id,
        'Proof of Delivery' as activity,
        proof_of_delivery_at as event_at,
        null as resource,
        '{{ var("source_system") }}' as source_system,
        'LIKP' as source_table,
        {{ source_key(['client_id', 'delivery_id']) }} as source_key,
        delivery_id,
        null as invoice_id,
        null as accounting_document_id,
        loaded_batch_id
    from delivery_items
    where proof_of_delivery_at is not null

)

{{ select_events('events') }}
