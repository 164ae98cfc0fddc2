-- One row per company code, customer and aging bucket, as of the run: the open
-- receivables (invoices released to accounting, not cleared, not cancelled) by days past
-- their net due date: not_due, 1-30, 31-60, 61-90, 90+.
with open_invoices as (

    select * from {{ ref('fct_o2c_invoices') }}
    where is_open

),

run_context as (

    select * from {{ ref('int_run_context') }}

)

select  -- noqa: ST06
    run_context.as_of_local_date as as_of_date,
    open_invoices.company_code,
    open_invoices.customer_id,
    open_invoices.aging_bucket,
    cast(count(*) as integer) as open_invoices,
    any_value(open_invoices.company_currency_code) as company_currency_code,
    cast(sum(open_invoices.amount_company_currency) as decimal(18, 2))
        as open_amount_company_currency,
    cast(sum(open_invoices.overdue_amount_company_currency) as decimal(18, 2))
        as overdue_amount_company_currency,
    any_value(open_invoices.reporting_currency_code) as reporting_currency_code,
    cast(sum(open_invoices.amount_reporting_currency) as decimal(18, 2))
        as open_amount_reporting_currency,
    cast(
        coalesce(
            sum(open_invoices.amount_reporting_currency) filter (where open_invoices.is_overdue),
            0
        ) as decimal(18, 2)
    ) as overdue_amount_reporting_currency,
    cast(max(open_invoices.days_past_due) as integer) as days_past_due_max
from open_invoices
cross join run_context
group by
    run_context.as_of_local_date,
    open_invoices.company_code,
    open_invoices.customer_id,
    open_invoices.aging_bucket
