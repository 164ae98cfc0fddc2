-- One row per sales order item (case): its invoices (not cancelled) and their payment,
-- whether it is fully invoiced, and its billing exceptions (cancelled invoices, credit
-- memos, returns, dunning, invoices not released).
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

dunning_levels as (

    select
        client_id,
        billing_document_id,
        max(dunning_level) as dunning_level
    from {{ ref('stg_sap__dunned_items') }}
    where billing_document_id is not null
    group by client_id, billing_document_id

),

returns as (

    select
        case_id,
        count(distinct return_order_id) as return_order_count
    from {{ ref('int_return_order_items') }}
    where case_id is not null
    group by case_id

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

-- One row per billing document of the case.
documents as (

    select
        billing_items.case_id,
        billing_items.client_id,
        billing_items.billing_document_id,
        any_value(billing_items.billing_kind) as billing_kind,
        any_value(billing_items.is_cancelled) as is_cancelled,
        any_value(billing_items.created_at) as created_at,
        sum(billing_items.billed_quantity) as billed_quantity,
        max(billing_items.loaded_batch_id) as loaded_batch_id
    from billing_items
    group by billing_items.case_id, billing_items.client_id, billing_items.billing_document_id

),

documents_with_postings as (

    select
        documents.*,
        postings.posted_at,
        coalesce(postings.is_cleared_by_payment, false) as is_paid,
        case when postings.is_cleared_by_payment then postings.cleared_at end as paid_at,
        coalesce(dunning_levels.dunning_level, 0) as dunning_level,
        greatest(documents.loaded_batch_id, postings.loaded_batch_id) as batch_id
    from documents
    left join postings
        on
            documents.client_id = postings.client_id
            and documents.billing_document_id = postings.billing_document_id
    left join dunning_levels
        on
            documents.client_id = dunning_levels.client_id
            and documents.billing_document_id = dunning_levels.billing_document_id

),

per_case as (

    select
        case_id,
        count(*) filter (where billing_kind = 'invoice' and not is_cancelled) as invoice_count,
        sum(billed_quantity) filter (where billing_kind = 'invoice' and not is_cancelled)
            as billed_quantity,
        bool_and(is_paid) filter (where billing_kind = 'invoice' and not is_cancelled)
            as are_all_invoices_paid,
        min(created_at) filter (where billing_kind = 'invoice' and not is_cancelled)
            as first_invoice_at,
        max(created_at) filter (where billing_kind = 'invoice' and not is_cancelled)
            as last_invoice_at,
        min(paid_at) filter (where billing_kind = 'invoice' and not is_cancelled)
            as first_payment_at,
        max(paid_at) filter (where billing_kind = 'invoice' and not is_cancelled)
            as last_payment_at,
        count(*) filter (where billing_kind = 'invoice' and is_cancelled)
            as cancelled_invoice_count,
        count(*) filter (where billing_kind = 'credit_memo') as credit_memo_count,
        count(*) filter (where billing_kind = 'down_payment_request')
            as down_payment_request_count,
        count(*) filter (
            where billing_kind = 'invoice' and not is_cancelled and posted_at is null
        ) as unreleased_invoice_count,
        max(dunning_level) filter (where billing_kind = 'invoice') as dunning_level,
        max(batch_id) as loaded_batch_id
    from documents_with_postings
    group by case_id

)

select  -- noqa: ST06
    order_items.case_id,
    coalesce(per_case.invoice_count, 0) as invoice_count,
    coalesce(per_case.billed_quantity, 0) as billed_quantity,
    -- Fully invoiced: every billing-plan date billed (subscriptions), else the invoiced
    -- quantity reaches the ordered quantity.
    case
        when order_items.fulfilment_model = 'subscription'
            then coalesce(
                billing_plan_dates.billed_plan_dates = billing_plan_dates.billing_plan_dates, false
            )
        else coalesce(per_case.billed_quantity, 0) >= order_items.ordered_quantity
    end as is_fully_invoiced,
    coalesce(per_case.invoice_count, 0) > 0 and per_case.are_all_invoices_paid
        as are_all_invoices_paid,
    per_case.first_invoice_at,
    per_case.last_invoice_at,
    per_case.first_payment_at,
    per_case.last_payment_at,
    coalesce(per_case.cancelled_invoice_count, 0) as cancelled_invoice_count,
    coalesce(per_case.credit_memo_count, 0) as credit_memo_count,
    coalesce(returns.return_order_count, 0) as return_order_count,
    coalesce(per_case.down_payment_request_count, 0) as down_payment_request_count,
    coalesce(per_case.unreleased_invoice_count, 0) as unreleased_invoice_count,
    coalesce(per_case.dunning_level, 0) as dunning_level,
    per_case.loaded_batch_id
from order_items
left join per_case
    on order_items.case_id = per_case.case_id
left join returns
    on order_items.case_id = returns.case_id
left join billing_plan_dates
    on
        order_items.client_id = billing_plan_dates.client_id
        and order_items.sales_order_id = billing_plan_dates.sales_order_id
