-- One row per sales order (sales document category C), with its statuses in either SAP
-- layout, its payment terms (VBKD header) and its CRM opportunity.
with orders as (

    select * from {{ ref('stg_sap__sales_documents') }}
    where sales_document_category = 'C'

),

header_statuses as (

    select * from {{ ref('stg_sap__sales_document_statuses') }}

),

-- Business data of the header (POSNR 000000): the order's payment terms.
header_business_data as (

    select * from {{ ref('stg_sap__sales_business_data') }}
    where sales_document_item_id = '000000'

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

-- The opportunity that names the order, else the one the order names (customer reference).
opportunity_by_order as (

    select
        sap_sales_order_id,
        min(opportunity_id) as opportunity_id
    from opportunities
    where sap_sales_order_id is not null
    group by sap_sales_order_id

)

select
    orders.client_id,
    orders.sales_document_id as sales_order_id,
    orders.created_at,
    orders.created_by,
    orders.order_type,
    orders.sales_org_id,
    orders.distribution_channel_id,
    orders.customer_id,
    orders.company_code,
    orders.net_value_amount,
    orders.currency_code,
    orders.requested_delivery_date,
    orders.customer_reference,
    orders.delivery_block_code,
    orders.billing_block_code,
    header_business_data.payment_terms_code,
    coalesce(orders.credit_status, header_statuses.credit_status) as credit_status,
    coalesce(orders.overall_status, header_statuses.overall_status) as overall_status,
    coalesce(orders.delivery_status, header_statuses.delivery_status) as delivery_status,
    coalesce(orders.billing_status, header_statuses.billing_status) as billing_status,
    coalesce(opportunity_by_order.opportunity_id, by_reference.opportunity_id) as opportunity_id,
    case
        when coalesce(opportunity_by_order.opportunity_id, by_reference.opportunity_id) is not null
            then 'crm'
        else 'direct'
    end as channel,
    greatest(
        orders.loaded_batch_id,
        header_statuses.loaded_batch_id,
        header_business_data.loaded_batch_id
    ) as loaded_batch_id
from orders
left join header_statuses
    on
        orders.client_id = header_statuses.client_id
        and orders.sales_document_id = header_statuses.document_id
left join header_business_data
    on
        orders.client_id = header_business_data.client_id
        and orders.sales_document_id = header_business_data.sales_document_id
left join opportunity_by_order
    on orders.sales_document_id = opportunity_by_order.sap_sales_order_id
left join opportunities as by_reference
    on orders.customer_reference = by_reference.opportunity_id
