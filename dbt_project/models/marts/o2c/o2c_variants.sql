-- One row per variant: a distinct sequence of process activities (dim_o2c_cases.variant),
-- with its cases, share, rank and throughput (order to cash of its cases closed by
-- payment, calendar days).
with cases as (

    select * from {{ ref('dim_o2c_cases') }}

),

variants as (

    select
        variant_id,
        any_value(variant) as variant,
        any_value(process_event_count) as activity_count,
        case
            when count(distinct fulfilment_model) = 1 then any_value(fulfilment_model)
            else 'mixed'
        end as fulfilment_model,
        count(*) as cases,
        count(order_to_cash_days) as closed_cases,
        -- Averaged over whole seconds (integers), so a rerun gives the same digits.
        avg(cast(round(order_to_cash_days * 86400) as bigint)) / 86400.0
            as mean_order_to_cash_days,
        quantile_cont(order_to_cash_days, 0.5) as median_order_to_cash_days
    from cases
    group by variant_id

)

select  -- noqa: ST06
    variant_id,
    variant,
    cast(activity_count as integer) as activity_count,
    fulfilment_model,
    cast(row_number() over (order by cases desc, variant asc) as integer) as variant_rank,
    cast(cases as integer) as cases,
    cases / sum(cases) over () as case_share,
    sum(cases) over (order by cases desc, variant asc rows unbounded preceding)
    / sum(cases) over () as cumulative_case_share,
    cast(closed_cases as integer) as closed_cases,
    mean_order_to_cash_days,
    median_order_to_cash_days
from variants
