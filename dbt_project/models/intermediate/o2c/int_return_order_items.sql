-- One row per return order item (sales document category H), with the order item (case)
-- it returns; data_issue names why a row has no case.
with returns as (

    select * from {{ ref('stg_sap__sales_documents') }}
    where sales_document_category = 'H'

),

items as (

    select * from {{ ref('stg_sap__sales_document_items') }}

),

order_items as (

    select * from {{ ref('int_sales_order_items') }}

)

select
    returns.client_id,
    returns.sales_document_id as return_order_id,
    items.sales_document_item_id as return_order_item_id,
    returns.created_at,
    returns.created_by,
    order_items.case_id,
    items.reference_document_id as sales_order_id,
    items.reference_item_id as sales_order_item_id,
    case
        when order_items.case_id is null then 'returned_order_item_unknown'
    end as data_issue,
    greatest(returns.loaded_batch_id, items.loaded_batch_id) as loaded_batch_id
from returns
inner join items
    on
        returns.client_id = items.client_id
        and returns.sales_document_id = items.sales_document_id
left join order_items
    on
        items.client_id = order_items.client_id
        and items.reference_document_id = order_items.sales_order_id
        and items.reference_item_id = order_items.sales_order_item_id
