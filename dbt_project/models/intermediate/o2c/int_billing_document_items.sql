-- One row per billing document item, with the order item (case) it bills: directly
-- (AUBEL/AUPOS), or through the return order for the credit memo of a return.
-- data_issue names why a row has no case.

{#- Several models read it: computed once. -#}
{{ config(materialized='table') }}

with billing_items as (

    select * from {{ ref('stg_sap__billing_document_items') }}

),

billing_documents as (

    select * from {{ ref('int_billing_documents') }}

),

order_items as (

    select * from {{ ref('int_sales_order_items') }}

),

return_items as (

    select * from {{ ref('int_return_order_items') }}

)

select  -- noqa: ST06
    billing_items.client_id,
    billing_items.billing_document_id,
    billing_items.billing_item_id,
    coalesce(order_items.case_id, return_items.case_id) as case_id,
    coalesce(order_items.sales_order_id, return_items.sales_order_id) as sales_order_id,
    coalesce(order_items.sales_order_item_id, return_items.sales_order_item_id)
        as sales_order_item_id,
    billing_items.sales_document_id as billed_sales_document_id,
    billing_items.sales_document_item_id as billed_sales_document_item_id,
    return_items.return_order_id,
    billing_documents.billing_type,
    billing_documents.billing_kind,
    billing_documents.creation_activity,
    billing_documents.billing_date,
    billing_documents.created_at,
    billing_documents.created_by,
    billing_documents.is_cancelled,
    billing_items.billed_quantity,
    billing_items.net_value_amount,
    billing_documents.currency_code,
    case
        when billing_documents.billing_document_id is null then 'billing_header_unknown'
        when billing_documents.billing_kind is null then 'billing_type_unknown'
        when coalesce(order_items.case_id, return_items.case_id) is null
            then 'sales_order_item_unknown'
    end as data_issue,
    greatest(billing_items.loaded_batch_id, billing_documents.loaded_batch_id) as loaded_batch_id
from billing_items
left join billing_documents
    on
        billing_items.client_id = billing_documents.client_id
        and billing_items.billing_document_id = billing_documents.billing_document_id
left join order_items
    on
        billing_items.client_id = order_items.client_id
        and billing_items.sales_document_id = order_items.sales_order_id
        and billing_items.sales_document_item_id = order_items.sales_order_item_id
left join return_items
    on
        billing_items.client_id = return_items.client_id
        and billing_items.sales_document_id = return_items.return_order_id
        and billing_items.sales_document_item_id = return_items.return_order_item_id
