-- One row per stage an open case waits in, company code, sales org, fulfilment model,
-- payment timing and channel, as of the run: the order backlog (open items, their net
-- value and age). Counts and sums, so a BI tool re-aggregates them freely (mean age =
-- age_days_sum / open_items).
with open_cases as (

    select * from {{ ref('dim_o2c_cases') }}
    where not is_closed

),

run_context as (

    select * from {{ ref('int_run_context') }}

)

select
    run_context.as_of_local_date as as_of_date,
    open_cases.open_stage,
    open_cases.company_code,
    open_cases.sales_org_id,
    open_cases.fulfilment_model,
    open_cases.payment_timing,
    open_cases.channel,
    cast(count(*) as integer) as open_items,
    any_value(open_cases.company_currency_code) as company_currency_code,
    cast(sum(open_cases.net_value_company_currency) as decimal(18, 2))
        as open_value_company_currency,
    any_value(open_cases.reporting_currency_code) as reporting_currency_code,
    cast(sum(open_cases.net_value_reporting_currency) as decimal(18, 2))
        as open_value_reporting_currency,
    sum({{ days_between('open_cases.created_at', 'run_context.as_of_at') }}) as age_days_sum,
    max({{ days_between('open_cases.created_at', 'run_context.as_of_at') }}) as age_days_max
from open_cases
cross join run_context
group by
    run_context.as_of_local_date,
    open_cases.open_stage,
    open_cases.company_code,
    open_cases.sales_org_id,
    open_cases.fulfilment_model,
    open_cases.payment_timing,
    open_cases.channel
