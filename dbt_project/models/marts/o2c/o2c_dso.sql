-- One row per month, company code and customer with receivables or credit sales: days
-- sales outstanding (DESIGN.md section 6) = average of the end-of-day receivables over
-- the month / credit sales of the month x days in the month, in the company code's
-- currency and in the reporting currency. Receivables: invoices (not cancelled) from the
-- local day they were released to accounting until the day before their clearing date;
-- credit sales: invoices (not cancelled) by billing date. The month of the as-of date
-- counts its days up to the as-of date. DSO is empty when there were no sales.
with invoices as (

    select
        *,
        cast({{ utc_to_local('released_at') }} as date) as released_date
    from {{ ref('fct_o2c_invoices') }}
    where not is_cancelled

),

run_context as (

    select * from {{ ref('int_run_context') }}

),

months as (

    select
        cast(unnest(generate_series(
            (select date_trunc('month', min(invoices.billing_date)) from invoices),
            date_trunc('month', run_context.as_of_local_date),
            interval 1 month
        )) as date) as month_start,
        run_context.as_of_local_date
    from run_context

),

periods as (

    select
        month_start,
        least(last_day(month_start), as_of_local_date) as period_end
    from months

),

-- Days each receivable was open at the end of a day of the period.
receivables as (

    select
        periods.month_start,
        invoices.company_code,
        invoices.customer_id,
        sum(
            invoices.amount_company_currency * (
                least(periods.period_end, coalesce(invoices.clearing_date - 1, periods.period_end))
                - greatest(periods.month_start, invoices.released_date) + 1
            )
        ) as receivable_days_company_currency,
        sum(
            invoices.amount_reporting_currency * (
                least(periods.period_end, coalesce(invoices.clearing_date - 1, periods.period_end))
                - greatest(periods.month_start, invoices.released_date) + 1
            )
        ) as receivable_days_reporting_currency
    from invoices
    inner join periods
        on
            invoices.released_date <= periods.period_end
            and coalesce(invoices.clearing_date - 1, periods.period_end) >= periods.month_start
            and invoices.released_date <= coalesce(invoices.clearing_date - 1, periods.period_end)
    group by periods.month_start, invoices.company_code, invoices.customer_id

),

sales as (

    select
        periods.month_start,
        invoices.company_code,
        invoices.customer_id,
        sum(invoices.amount_company_currency) as credit_sales_company_currency,
        sum(invoices.amount_reporting_currency) as credit_sales_reporting_currency
    from invoices
    inner join periods
        on invoices.billing_date between periods.month_start and periods.period_end
    group by periods.month_start, invoices.company_code, invoices.customer_id

),

currencies as (

    select distinct
        company_code,
        company_currency_code
    from invoices

),

combined as (

    select
        coalesce(receivables.month_start, sales.month_start) as month_start,
        coalesce(receivables.company_code, sales.company_code) as company_code,
        coalesce(receivables.customer_id, sales.customer_id) as customer_id,
        coalesce(receivables.receivable_days_company_currency, 0)
            as receivable_days_company_currency,
        coalesce(receivables.receivable_days_reporting_currency, 0)
            as receivable_days_reporting_currency,
        coalesce(sales.credit_sales_company_currency, 0) as credit_sales_company_currency,
        coalesce(sales.credit_sales_reporting_currency, 0) as credit_sales_reporting_currency
    from receivables
    full outer join sales
        on
            receivables.month_start = sales.month_start
            and receivables.company_code = sales.company_code
            and receivables.customer_id = sales.customer_id

)

select
    combined.month_start,
    combined.company_code,
    combined.customer_id,
    cast(periods.period_end - combined.month_start + 1 as integer) as days_in_period,
    currencies.company_currency_code,
    cast(
        combined.receivable_days_company_currency / (periods.period_end - combined.month_start + 1)
        as double
    ) as average_receivables_company_currency,
    cast(combined.credit_sales_company_currency as double) as credit_sales_company_currency,
    cast(
        combined.receivable_days_company_currency
        / nullif(combined.credit_sales_company_currency, 0) as double
    ) as dso_days_company_currency,
    '{{ var("reporting_currency") }}' as reporting_currency_code,
    cast(
        combined.receivable_days_reporting_currency
        / (periods.period_end - combined.month_start + 1) as double
    ) as average_receivables_reporting_currency,
    cast(combined.credit_sales_reporting_currency as double) as credit_sales_reporting_currency,
    cast(
        combined.receivable_days_reporting_currency
        / nullif(combined.credit_sales_reporting_currency, 0) as double
    ) as dso_days
from combined
inner join periods
    on combined.month_start = periods.month_start
left join currencies
    on combined.company_code = currencies.company_code
