-- One row per sales order item: the case of the event log (case_id = order-item), with
-- its payment terms (the item's VBKD row, else the header's) and the payment timing they
-- stand for (seed sap_payment_terms: terms with a down payment are paid in advance).

{#- Several models read it: computed once. -#}
{{ config(materialized='table') }}

with items as (

    select * from {{ ref('stg_sap__sales_document_items') }}

),

orders as (

    select * from {{ ref('int_sales_orders') }}

),

item_statuses as (

    select * from {{ ref('stg_sap__sales_document_item_statuses') }}

),

item_business_data as (

    select * from {{ ref('stg_sap__sales_business_data') }}
    where sales_document_item_id <> '000000'

),

payment_terms as (

    select * from {{ ref('sap_payment_terms') }}

),

item_categories as (

    select * from {{ ref('sap_item_categories') }}

)

select  -- noqa: ST06
    items.sales_document_id || '-' || items.sales_document_item_id as case_id,
    items.client_id,
    items.sales_document_id as sales_order_id,
    items.sales_document_item_id as sales_order_item_id,
    items.created_at,
    items.created_by,
    orders.created_at as order_created_at,
    orders.created_by as order_created_by,
    items.material_id,
    items.item_description,
    items.item_category,
    item_categories.fulfilment_model,
    items.plant_id,
    items.ordered_quantity,
    items.sales_unit,
    items.net_price_amount,
    items.net_value_amount,
    coalesce(items.currency_code, orders.currency_code) as currency_code,
    items.rejection_reason_code,
    items.rejection_reason_code is not null as is_rejected,
    coalesce(items.overall_status, item_statuses.overall_status) as overall_status,
    coalesce(items.delivery_status, item_statuses.delivery_status) as delivery_status,
    coalesce(items.billing_status, item_statuses.billing_status) as billing_status,
    orders.order_type,
    orders.sales_org_id,
    orders.customer_id,
    orders.company_code,
    orders.requested_delivery_date,
    coalesce(item_business_data.payment_terms_code, orders.payment_terms_code)
        as payment_terms_code,
    case
        when coalesce(payment_terms.has_down_payment, false) then 'in_advance'
        else 'after_invoice'
    end as payment_timing,
    orders.opportunity_id,
    orders.channel,
    greatest(
        items.loaded_batch_id,
        orders.loaded_batch_id,
        item_statuses.loaded_batch_id,
        item_business_data.loaded_batch_id
    ) as loaded_batch_id
from items
inner join orders
    on
        items.client_id = orders.client_id
        and items.sales_document_id = orders.sales_order_id
left join item_statuses
    on
        items.client_id = item_statuses.client_id
        and items.sales_document_id = item_statuses.document_id
        and items.sales_document_item_id = item_statuses.item_id
left join item_business_data
    on
        items.client_id = item_business_data.client_id
        and items.sales_document_id = item_business_data.sales_document_id
        and items.sales_document_item_id = item_business_data.sales_document_item_id
left join payment_terms
    on
        coalesce(item_business_data.payment_terms_code, orders.payment_terms_code)
        = payment_terms.payment_terms_code
left join item_categories
    on items.item_category = item_categories.item_category
