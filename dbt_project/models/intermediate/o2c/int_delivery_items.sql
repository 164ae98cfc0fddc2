-- One row per delivery item, with the order item (case) it delivers, its goods issue
-- (time from the document flow, user from the goods-issue material document) and proof
-- of delivery; data_issue names why a row has no case.

{#- Several models read it: computed once. -#}
{{ config(materialized='table') }}

with delivery_items as (

    select * from {{ ref('stg_sap__delivery_items') }}

),

deliveries as (

    select * from {{ ref('stg_sap__deliveries') }}

),

-- The delivery item's first goods movement in the document flow (VBFA has no user).
goods_movements as (

    select
        client_id,
        preceding_document_id as delivery_id,
        preceding_item_id as delivery_item_id,
        arg_min(subsequent_document_id, created_at) as goods_movement_document_id,
        arg_min(subsequent_item_id, created_at) as goods_movement_item_id,
        min(created_at) as goods_issue_at,
        sum(quantity) as goods_issued_quantity,
        max(loaded_batch_id) as loaded_batch_id
    from {{ ref('stg_sap__document_flow') }}
    where subsequent_category = 'R'
    group by client_id, preceding_document_id, preceding_item_id

),

-- Its material document (MSEG goods issue; VBFA's 6-digit item is MSEG's 4-digit line):
-- who posted the goods issue.
goods_issue_documents as (

    select * from {{ ref('stg_sap__material_document_items') }}
    where movement_type in {{ sql_text_list(var('goods_issue_movement_types', ['601'])) }}

),

goods_issues as (

    select
        goods_movements.*,
        goods_issue_documents.material_document_year,
        goods_issue_documents.material_document_item_id,
        goods_issue_documents.entered_by as goods_issue_by,
        goods_issue_documents.loaded_batch_id as material_document_batch_id
    from goods_movements
    left join goods_issue_documents
        on
            goods_movements.client_id = goods_issue_documents.client_id
            and goods_movements.goods_movement_document_id
            = goods_issue_documents.material_document_id
            and right(goods_movements.goods_movement_item_id, 4)
            = goods_issue_documents.material_document_item_id
            and cast(year({{ utc_to_local('goods_movements.goods_issue_at') }}) as varchar)
            = goods_issue_documents.material_document_year

),

order_items as (

    select * from {{ ref('int_sales_order_items') }}

)

select
    delivery_items.client_id,
    delivery_items.delivery_id,
    delivery_items.delivery_item_id,
    order_items.case_id,
    delivery_items.sales_document_id as sales_order_id,
    delivery_items.sales_document_item_id as sales_order_item_id,
    deliveries.created_at,
    deliveries.created_by,
    delivery_items.delivery_quantity,
    deliveries.delivery_date,
    deliveries.planned_goods_issue_date,
    deliveries.actual_goods_issue_date,
    goods_issues.goods_movement_document_id,
    goods_issues.goods_movement_item_id,
    goods_issues.material_document_year,
    goods_issues.material_document_item_id,
    goods_issues.goods_issue_at,
    goods_issues.goods_issued_quantity,
    goods_issues.goods_issue_by,
    deliveries.proof_of_delivery_at,
    case
        when deliveries.delivery_id is null then 'delivery_header_unknown'
        when order_items.case_id is null then 'sales_order_item_unknown'
    end as data_issue,
    greatest(
        delivery_items.loaded_batch_id,
        deliveries.loaded_batch_id,
        goods_issues.loaded_batch_id,
        goods_issues.material_document_batch_id
    ) as loaded_batch_id
from delivery_items
left join deliveries
    on
        delivery_items.client_id = deliveries.client_id
        and delivery_items.delivery_id = deliveries.delivery_id
left join goods_issues
    on
        delivery_items.client_id = goods_issues.client_id
        and delivery_items.delivery_id = goods_issues.delivery_id
        and delivery_items.delivery_item_id = goods_issues.delivery_item_id
left join order_items
    on
        delivery_items.client_id = order_items.client_id
        and delivery_items.sales_document_id = order_items.sales_order_id
        and delivery_items.sales_document_item_id = order_items.sales_order_item_id
