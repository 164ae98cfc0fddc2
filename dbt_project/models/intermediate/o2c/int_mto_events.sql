-- One row per make-to-order event and case: Create Purchase Requisition (time and user of
-- the requisition's creation change document; EBAN keeps only a date), Create Production
-- Order, Goods Receipt for Order (goods received into the item's sales-order stock).
with order_items as (

    select * from {{ ref('int_sales_order_items') }}

),

requisitions as (

    select * from {{ ref('stg_sap__purchase_requisitions') }}
    where sales_document_id is not null

),

-- The change document that created the requisition item: CDPOS insert of EBAN's key
-- (TABKEY = client + requisition + item) under a CDHDR insert.
requisition_creations as (

    select
        change_items.client_id,
        change_items.table_key,
        min(change_documents.changed_at) as created_at,
        arg_min(change_documents.changed_by, change_documents.changed_at) as created_by,
        max(greatest(change_items.loaded_batch_id, change_documents.loaded_batch_id))
            as loaded_batch_id
    from {{ ref('stg_sap__change_document_items') }} as change_items
    inner join {{ ref('stg_sap__change_documents') }} as change_documents
        on
            change_items.client_id = change_documents.client_id
            and change_items.object_class = change_documents.object_class
            and change_items.object_id = change_documents.object_id
            and change_items.change_number = change_documents.change_number
    where
        change_items.object_class = 'BANF'
        and change_items.table_name = 'EBAN'
        and change_items.field_name = 'KEY'
        and change_items.change_indicator = 'I'
        and change_documents.change_indicator = 'I'
    group by change_items.client_id, change_items.table_key

),

production_orders as (

    select * from {{ ref('stg_sap__production_order_items') }}
    where sales_document_id is not null

),

goods_receipts as (

    select * from {{ ref('stg_sap__material_document_items') }}
    where
        sales_document_id is not null
        and movement_type in {{ sql_text_list(var('goods_receipt_movement_types', ['101'])) }}

),

events as (

    -- Without its change document (change documents not kept for requisitions): 00:00
    -- local of the requisition date, by EBAN's creator.
    select
        order_items.case_id,
        order_items.sales_order_id,
        order_items.sales_order_item_id,
        'Create Purchase Requisition' as activity,
        coalesce(
            requisition_creations.created_at,
            {{ local_midnight_to_utc('requisitions.requisition_date') }}
        ) as event_at,
        coalesce(requisition_creations.created_by, requisitions.created_by) as resource,
        '{{ var("source_system") }}' as source_system,
        'EBAN' as source_table,
        {{ source_key([
            'requisitions.client_id', 'requisitions.purchase_requisition_id',
            'requisitions.purchase_requisition_item_id'
        ]) }} as source_key,
        cast(null as varchar) as delivery_id,
        cast(null as varchar) as invoice_id,
        cast(null as varchar) as accounting_document_id,
        greatest(
            order_items.loaded_batch_id,
            requisitions.loaded_batch_id,
            requisition_creations.loaded_batch_id
        ) as loaded_batch_id
    from requisitions
    inner join order_items
        on
            requisitions.client_id = order_items.client_id
            and requisitions.sales_document_id = order_items.sales_order_id
            and requisitions.sales_document_item_id = order_items.sales_order_item_id
    left join requisition_creations
        on
            requisitions.client_id = requisition_creations.client_id
            and requisitions.client_id || requisitions.purchase_requisition_id
            || requisitions.purchase_requisition_item_id = requisition_creations.table_key

    union all

    select
        order_items.case_id,
        order_items.sales_order_id,
        order_items.sales_order_item_id,
        'Create Production Order' as activity,
        production_orders.created_at as event_at,
        production_orders.created_by as resource,
        '{{ var("source_system") }}' as source_system,
        'AFPO' as source_table,
        {{ source_key([
            'production_orders.client_id', 'production_orders.production_order_id',
            'production_orders.production_order_item_id'
        ]) }} as source_key,
        null as delivery_id,
        null as invoice_id,
        null as accounting_document_id,
        greatest(order_items.loaded_batch_id, production_orders.loaded_batch_id)
            as loaded_batch_id
    from production_orders
    inner join order_items
        on
            production_orders.client_id = order_items.client_id
            and production_orders.sales_document_id = order_items.sales_order_id
            and production_orders.sales_document_item_id = order_items.sales_order_item_id

    union all

    select
        order_items.case_id,
        order_items.sales_order_id,
        order_items.sales_order_item_id,
        'Goods Receipt for Order' as activity,
        goods_receipts.entered_at as event_at,
        goods_receipts.entered_by as resource,
        '{{ var("source_system") }}' as source_system,
        'MSEG' as source_table,
        {{ source_key([
            'goods_receipts.client_id', 'goods_receipts.material_document_id',
            'goods_receipts.material_document_year', 'goods_receipts.material_document_item_id'
        ]) }} as source_key,
        null as delivery_id,
        null as invoice_id,
        null as accounting_document_id,
        greatest(order_items.loaded_batch_id, goods_receipts.loaded_batch_id) as loaded_batch_id
    from goods_receipts
    inner join order_items
        on
            goods_receipts.client_id = order_items.client_id
            and goods_receipts.sales_document_id = order_items.sales_order_id
            and goods_receipts.sales_document_item_id = order_items.sales_order_item_id

)

{{ select_events('events') }}
