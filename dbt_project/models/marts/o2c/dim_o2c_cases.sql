-- One row per sales order item (case): attributes for slicing, the fulfilment model,
-- payment timing and channel, rejection, open/closed status and event counts.
with order_items as (

    select * from {{ ref('int_sales_order_items') }}

),

billing_items as (

    select * from {{ ref('int_billing_document_items') }}
    where case_id is not null

),

postings as (

    select * from {{ ref('int_billing_postings') }}

),

events as (

    select * from {{ ref('fct_o2c_events') }}

),

customers as (

    select * from {{ ref('stg_sap__customers') }}

),

material_texts as (

    select * from {{ ref('stg_sap__material_texts') }}
    where language_code = '{{ var("text_language") }}'

),

order_type_texts as (

    select * from {{ ref('stg_sap__order_type_texts') }}
    where language_code = '{{ var("text_language") }}'

),

rejection_reason_texts as (

    select * from {{ ref('stg_sap__rejection_reason_texts') }}
    where language_code = '{{ var("text_language") }}'

),

billing_plan_dates as (

    select
        billing_plans.client_id,
        billing_plans.sales_document_id as sales_order_id,
        count(*) as billing_plan_dates,
        count(*) filter (where plan_dates.billing_status = 'C') as billed_plan_dates
    from {{ ref('stg_sap__billing_plans') }} as billing_plans
    inner join {{ ref('stg_sap__billing_plan_dates') }} as plan_dates
        on
            billing_plans.client_id = plan_dates.client_id
            and billing_plans.billing_plan_id = plan_dates.billing_plan_id
    group by billing_plans.client_id, billing_plans.sales_document_id

),

-- Payment in advance: the order has a down-payment request.
down_payment_orders as (

    select distinct
        client_id,
        sales_order_id
    from billing_items
    where billing_kind = 'down_payment_request'

),

-- Invoices of the item that count: not cancelled, with their receivable's clearing.
invoices as (

    select
        billing_items.case_id,
        billing_items.billing_document_id,
        sum(billing_items.billed_quantity) as billed_quantity,
        bool_or(coalesce(postings.is_cleared_by_payment, false)) as is_paid,
        max(case when postings.is_cleared_by_payment then postings.cleared_at end) as paid_at
    from billing_items
    left join postings
        on
            billing_items.client_id = postings.client_id
            and billing_items.billing_document_id = postings.billing_document_id
    where billing_items.billing_kind = 'invoice' and not billing_items.is_cancelled
    group by billing_items.case_id, billing_items.billing_document_id

),

invoice_totals as (

    select
        case_id,
        count(*) as invoice_count,
        sum(billed_quantity) as billed_quantity,
        bool_and(is_paid) as are_all_paid,
        max(paid_at) as last_paid_at
    from invoices
    group by case_id

),

rejections as (

    select
        case_id,
        max(event_at) as rejected_at,
        arg_max(activity = 'Cancel Sales Order', event_at) as is_order_cancelled
    from events
    where activity in ('Reject Sales Order Item', 'Cancel Sales Order')
    group by case_id

),

event_stats as (

    select
        case_id,
        count(*) as event_count,
        count(*) filter (where is_automated) as automated_event_count,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at
    from events
    group by case_id

),

cases as (

    select  -- noqa: ST06
        order_items.*,
        customers.customer_name,
        material_texts.material_description,
        order_type_texts.order_type_text,
        rejection_reason_texts.rejection_reason_text,
        down_payment_orders.sales_order_id is not null as has_down_payment_request,
        coalesce(invoice_totals.invoice_count, 0) as invoice_count,
        coalesce(invoice_totals.billed_quantity, 0) as billed_quantity,
        invoice_totals.are_all_paid,
        invoice_totals.last_paid_at,
        billing_plan_dates.billing_plan_dates,
        billing_plan_dates.billed_plan_dates,
        rejections.rejected_at,
        coalesce(rejections.is_order_cancelled, false) as is_order_cancelled_rejection,
        event_stats.event_count,
        event_stats.automated_event_count,
        event_stats.first_event_at,
        event_stats.last_event_at,
        -- Fully invoiced: every billing-plan date billed (subscriptions), else the invoiced
        -- quantity reaches the ordered quantity.
        case
            when order_items.fulfilment_model = 'subscription'
                then coalesce(
                    billing_plan_dates.billed_plan_dates = billing_plan_dates.billing_plan_dates,
                    false
                )
            else coalesce(invoice_totals.billed_quantity, 0) >= order_items.ordered_quantity
        end as is_fully_invoiced
    from order_items
    left join down_payment_orders
        on
            order_items.client_id = down_payment_orders.client_id
            and order_items.sales_order_id = down_payment_orders.sales_order_id
    left join invoice_totals
        on order_items.case_id = invoice_totals.case_id
    left join billing_plan_dates
        on
            order_items.client_id = billing_plan_dates.client_id
            and order_items.sales_order_id = billing_plan_dates.sales_order_id
    left join rejections
        on order_items.case_id = rejections.case_id
    left join event_stats
        on order_items.case_id = event_stats.case_id
    left join customers
        on
            order_items.client_id = customers.client_id
            and order_items.customer_id = customers.customer_id
    left join material_texts
        on
            order_items.client_id = material_texts.client_id
            and order_items.material_id = material_texts.material_id
    left join order_type_texts
        on
            order_items.client_id = order_type_texts.client_id
            and order_items.order_type = order_type_texts.order_type
    left join rejection_reason_texts
        on
            order_items.client_id = rejection_reason_texts.client_id
            and order_items.rejection_reason_code = rejection_reason_texts.rejection_reason_code

)

select  -- noqa: ST06
    case_id,
    sales_order_id,
    sales_order_item_id,
    fulfilment_model,
    case when has_down_payment_request then 'in_advance' else 'after_invoice' end
        as payment_timing,
    channel,
    customer_id,
    customer_name,
    material_id,
    material_description,
    plant_id,
    sales_org_id,
    company_code,
    order_type,
    order_type_text,
    item_category,
    opportunity_id,
    created_at,
    ordered_quantity,
    net_value_amount,
    currency_code,
    is_rejected,
    case when is_rejected then rejection_reason_code end as rejection_reason_code,
    case when is_rejected then rejection_reason_text end as rejection_reason_text,
    is_rejected and is_order_cancelled_rejection as is_order_cancelled,
    case when is_rejected then rejected_at end as rejected_at,
    cast(invoice_count as integer) as invoice_count,
    cast(billed_quantity as decimal(18, 3)) as billed_quantity,
    -- Closed: rejected (at the rejection), or fully invoiced with every invoice paid (at
    -- the last payment).
    is_rejected or (is_fully_invoiced and invoice_count > 0 and are_all_paid) as is_closed,
    case
        when is_rejected then rejected_at
        when is_fully_invoiced and invoice_count > 0 and are_all_paid then last_paid_at
    end as closed_at,
    cast(coalesce(event_count, 0) as integer) as event_count,
    cast(coalesce(automated_event_count, 0) as integer) as automated_event_count,
    first_event_at,
    last_event_at
from cases
