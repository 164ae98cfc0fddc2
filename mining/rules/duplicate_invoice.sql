-- A delivery, a service confirmation round or a billing-plan date invoiced twice, the
-- first invoice not cancelled.
with invoices as (
    select
        invoice.case_id,
        invoice.event_id,
        invoice.event_at,
        invoice.invoice_id,
        item.is_cancelled,
        case
            when reference.reference_document_id <> reference.sales_document_id
                then 'delivery ' || reference.reference_document_id
            when cases.fulfilment_model = 'subscription' then 'plan date ' || (
                select max(plan_date.billing_date)::varchar
                from staging.stg_sap__billing_plans as plan
                inner join staging.stg_sap__billing_plan_dates as plan_date
                    on
                        plan.client_id = plan_date.client_id
                        and plan.billing_plan_id = plan_date.billing_plan_id
                where
                    plan.sales_document_id = invoice.sales_order_id
                    and plan_date.billing_date <= item.billing_date
            )
            else 'confirmation ' || (
                select count(*)::varchar
                from marts.fct_o2c_events as confirmation
                where
                    confirmation.case_id = invoice.case_id
                    and confirmation.activity = 'Confirm Service'
                    and confirmation.event_at < invoice.event_at
            )
        end as billed_for
    from marts.fct_o2c_events as invoice
    inner join marts.dim_o2c_cases as cases
        on invoice.case_id = cases.case_id
    inner join intermediate.int_billing_document_items as item
        on
            invoice.invoice_id = item.billing_document_id
            and invoice.case_id = item.case_id
    inner join staging.stg_sap__billing_document_items as reference
        on
            item.client_id = reference.client_id
            and item.billing_document_id = reference.billing_document_id
            and item.billing_item_id = reference.billing_item_id
    where invoice.activity = 'Create Invoice'
)
select distinct on (second.event_id)
    second.case_id,
    'duplicate_invoice' as rule,
    second.event_id,
    first.event_id as related_event_id,
    second.billed_for || ' invoiced by ' || first.invoice_id || ' and again by '
    || second.invoice_id as detail,
    second.event_at as detected_at
from invoices as second
inner join invoices as first
    on
        second.case_id = first.case_id
        and second.billed_for = first.billed_for
        and first.event_at < second.event_at
        and not coalesce(first.is_cancelled, false)
order by second.event_id, first.event_at
