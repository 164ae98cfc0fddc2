-- One row per invoice (billing kind invoice, e.g. F2), created by the run's as-of time:
-- the payment KPIs at invoice grain (DESIGN.md section 6), so that a 50-line invoice counts
-- once. Amounts in document, company-code and reporting currency; days to pay, paid on
-- time, days past due as of the run, cash discount taken or lost, dunning level.
with invoices as (

    select * from {{ ref('int_billing_documents') }}
    where billing_kind = 'invoice'

),

postings as (

    select * from {{ ref('int_billing_postings') }}

),

-- The order the invoice bills (an invoice bills one order) and its attributes.
invoice_orders as (

    select
        billing_items.client_id,
        billing_items.billing_document_id,
        min(billing_items.case_id) as first_case_id,
        count(distinct billing_items.case_id) as case_count
    from {{ ref('int_billing_document_items') }} as billing_items
    where billing_items.case_id is not null
    group by billing_items.client_id, billing_items.billing_document_id

),

order_items as (

    select * from {{ ref('int_sales_order_items') }}

),

payment_terms as (

    select * from {{ ref('sap_payment_terms') }}

),

company_codes as (

    select * from {{ ref('stg_sap__company_codes') }}

),

dunning_levels as (

    select
        client_id,
        billing_document_id,
        max(dunning_level) as dunning_level,
        max(dunning_run_date) as last_dunned_date
    from {{ ref('stg_sap__dunned_items') }}
    where billing_document_id is not null
    group by client_id, billing_document_id

),

run_context as (

    select * from {{ ref('int_run_context') }}

),

joined as (

    select  -- noqa: ST06
        invoices.billing_document_id as invoice_id,
        order_items.sales_order_id,
        order_items.customer_id,
        invoices.payer_id,
        invoices.company_code,
        order_items.sales_org_id,
        order_items.order_type,
        order_items.fulfilment_model,
        order_items.payment_timing,
        order_items.channel,
        coalesce(invoice_orders.case_count, 0) as case_count,
        invoices.currency_code,
        invoices.net_value_amount as amount,
        company_codes.currency_code as company_currency_code,
        -- The posted receivable; before the release, the invoice's own rate (KURRF).
        coalesce(
            postings.amount_company_currency,
            round(invoices.net_value_amount * invoices.exchange_rate, 2)
        ) as amount_company_currency,
        invoices.created_at,
        invoices.billing_date,
        invoices.payment_terms_code,
        postings.accounting_document_id,
        postings.posted_at as released_at,
        postings.accounting_document_id is not null as is_released,
        invoices.is_cancelled,
        invoices.cancelled_at,
        -- Due dates of the receivable; before the release, from the invoice's terms
        -- (seed sap_payment_terms) with the billing date as baseline.
        coalesce(postings.baseline_date, invoices.billing_date) as baseline_date,
        case
            when postings.accounting_document_id is not null then postings.net_due_date
            else invoices.billing_date + payment_terms.net_payment_days
        end as net_due_date,
        case
            when postings.accounting_document_id is not null then postings.cash_discount_date
            when payment_terms.cash_discount_percent > 0
                then invoices.billing_date + payment_terms.cash_discount_days
        end as cash_discount_date,
        case
            when postings.accounting_document_id is not null
                then postings.cash_discount_percent
            else payment_terms.cash_discount_percent
        end as cash_discount_percent,
        coalesce(postings.is_cleared_by_payment, false) as is_cleared,
        case when postings.is_cleared_by_payment then postings.clearing_date end
            as clearing_date,
        case when postings.is_cleared_by_payment then postings.cleared_at end as cleared_at,
        case when postings.is_cleared_by_payment then postings.clearing_document_id end
            as clearing_document_id,
        case
            when postings.is_cleared_by_payment then coalesce(postings.cash_discount_amount, 0)
        end as cash_discount_amount,
        coalesce(dunning_levels.dunning_level, 0) as dunning_level,
        dunning_levels.last_dunned_date,
        run_context.as_of_local_date
    from invoices
    cross join run_context
    left join postings
        on
            invoices.client_id = postings.client_id
            and invoices.billing_document_id = postings.billing_document_id
    left join invoice_orders
        on
            invoices.client_id = invoice_orders.client_id
            and invoices.billing_document_id = invoice_orders.billing_document_id
    left join order_items
        on invoice_orders.first_case_id = order_items.case_id
    left join payment_terms
        on invoices.payment_terms_code = payment_terms.payment_terms_code
    left join company_codes
        on
            invoices.client_id = company_codes.client_id
            and invoices.company_code = company_codes.company_code
    left join dunning_levels
        on
            invoices.client_id = dunning_levels.client_id
            and invoices.billing_document_id = dunning_levels.billing_document_id

),

measured as (

    select
        *,
        is_released and not is_cleared and not is_cancelled as is_open,
        case
            when is_cleared then greatest(clearing_date - net_due_date, 0)
            when is_released and not is_cancelled
                then greatest(as_of_local_date - net_due_date, 0)
        end as days_past_due
    from joined

)

select  -- noqa: ST06
    measured.invoice_id,
    measured.sales_order_id,
    measured.customer_id,
    measured.payer_id,
    measured.company_code,
    measured.sales_org_id,
    measured.order_type,
    measured.fulfilment_model,
    measured.payment_timing,
    measured.channel,
    cast(measured.case_count as integer) as case_count,
    measured.currency_code,
    cast(measured.amount as decimal(18, 2)) as amount,
    measured.company_currency_code,
    cast(measured.amount_company_currency as decimal(18, 2)) as amount_company_currency,
    '{{ var("reporting_currency") }}' as reporting_currency_code,
    cast(
        {{ convert_currency(
            'measured.amount_company_currency', 'measured.company_currency_code',
            "'" ~ var('reporting_currency') ~ "'", 'measured.billing_date'
        ) }} as decimal(18, 2)
    ) as amount_reporting_currency,
    measured.created_at,
    measured.billing_date,
    cast(date_trunc('month', measured.billing_date) as date) as billing_month,
    measured.payment_terms_code,
    measured.is_released,
    measured.released_at,
    measured.accounting_document_id,
    measured.is_cancelled,
    measured.cancelled_at,
    measured.baseline_date,
    measured.net_due_date,
    measured.cash_discount_date,
    cast(measured.cash_discount_percent as decimal(5, 3)) as cash_discount_percent,
    measured.is_cleared,
    measured.clearing_date,
    measured.cleared_at,
    measured.clearing_document_id,
    cast(measured.clearing_date - measured.billing_date as integer) as days_to_pay,
    case when measured.is_cleared then measured.clearing_date <= measured.net_due_date end
        as is_paid_on_time,
    cast(measured.days_past_due as integer) as days_past_due,
    measured.is_open,
    coalesce(measured.is_open and measured.days_past_due > 0, false) as is_overdue,
    case
        when measured.is_open and measured.days_past_due > 0
            then cast(measured.amount_company_currency as decimal(18, 2))
        else 0
    end as overdue_amount_company_currency,
    measured.is_cleared and measured.cash_discount_amount > 0 as is_discount_taken,
    measured.is_cleared
    and measured.cash_discount_date is not null
    and not measured.cash_discount_amount > 0 as is_discount_lost,
    cast(measured.cash_discount_amount as decimal(18, 2)) as cash_discount_amount,
    cast(measured.dunning_level as integer) as dunning_level,
    measured.last_dunned_date,
    case
        when not measured.is_open then null
        when measured.days_past_due = 0 then 'not_due'
        when measured.days_past_due <= 30 then '1-30'
        when measured.days_past_due <= 60 then '31-60'
        when measured.days_past_due <= 90 then '61-90'
        else '90+'
    end as aging_bucket
from measured
