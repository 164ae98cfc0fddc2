-- KPI rows of variants, by the month the case was created: distinct variants and the
-- share of cases in the 5 and 10 most frequent variants of each slice.
with cases as (

    select * from {{ ref('dim_o2c_cases') }}

),

sliced as (

    {{ kpi_slices('cases', 'created_month') }}

),

variant_cases as (

    select
        period_grain,
        period_start,
        dimension,
        dimension_value,
        variant_id,
        count(*) as cases
    from sliced
    group by period_grain, period_start, dimension, dimension_value, variant_id

),

-- Ties at the cut do not change the share: tied variants have the same number of cases.
ranked as (

    select
        *,
        row_number() over (
            partition by period_grain, period_start, dimension, dimension_value
            order by cases desc, variant_id asc
        ) as variant_rank
    from variant_cases

),

per_slice as (

    select
        period_grain,
        period_start,
        dimension,
        dimension_value,
        count(*) as variants,
        sum(cases) as cases,
        sum(cases) filter (where variant_rank <= 5) as top5_cases,
        sum(cases) filter (where variant_rank <= 10) as top10_cases
    from ranked
    group by period_grain, period_start, dimension, dimension_value

)

select
    'variant_count' as kpi,
    period_grain,
    period_start,
    dimension,
    dimension_value,
    cast(variants as double) as numerator,
    cast(null as double) as denominator,
    cast(variants as double) as value
from per_slice
union all
select
    'top5_variant_share' as kpi,
    period_grain,
    period_start,
    dimension,
    dimension_value,
    cast(top5_cases as double) as numerator,
    cast(cases as double) as denominator,
    cast(top5_cases / cases as double) as value
from per_slice
union all
select
    'top10_variant_share' as kpi,
    period_grain,
    period_start,
    dimension,
    dimension_value,
    cast(top10_cases as double) as numerator,
    cast(cases as double) as denominator,
    cast(top10_cases / cases as double) as value
from per_slice
