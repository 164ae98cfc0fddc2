-- KPI rows about cases, by the month the case was created (cohort): delivery, touchless,
-- rework and change, exceptions and perfect order (definitions: seed o2c_kpi_definitions).
{%- set specs = [
    rate_spec('on_time_requested_rate', 'is_on_time_requested', 'is_on_time_requested is not null'),
    rate_spec('in_full_requested_rate', 'is_in_full_requested', 'is_in_full_requested is not null'),
    rate_spec('otif_requested_rate', 'is_otif_requested', 'is_otif_requested is not null'),
    rate_spec('on_time_confirmed_rate', 'is_on_time_confirmed', 'is_on_time_confirmed is not null'),
    rate_spec('in_full_confirmed_rate', 'is_in_full_confirmed', 'is_in_full_confirmed is not null'),
    rate_spec('otif_confirmed_rate', 'is_otif_confirmed', 'is_otif_confirmed is not null'),
    rate_spec(
        'proof_of_delivery_on_time_rate', 'is_proof_of_delivery_on_time',
        'is_proof_of_delivery_on_time is not null'
    ),
    rate_spec('touchless_rate', 'is_touchless'),
    rate_spec('first_time_right_rate', 'is_first_time_right'),
    rate_spec('rework_rate', 'has_repeated_process_activity'),
    rate_spec('price_change_rate', 'has_price_change'),
    rate_spec('quantity_change_rate', 'has_quantity_change'),
    rate_spec('date_change_rate', 'has_date_change'),
    rate_spec('payment_terms_change_rate', 'has_payment_terms_change'),
    {'kpi': 'changes_per_100_items', 'numerator': 'sum(change_count)',
     'denominator': 'count(*)', 'scale': 100},
    rate_spec('payment_terms_differing_rate', 'has_payment_terms_differing_from_customer'),
    rate_spec('credit_block_rate', 'has_credit_block'),
    rate_spec('delivery_block_rate', 'has_delivery_block'),
    rate_spec('billing_block_rate', 'has_billing_block'),
    {'kpi': 'credit_block_days_mean', 'numerator': 'sum(credit_block_days)',
     'denominator': 'count(credit_block_days)'},
    {'kpi': 'delivery_block_days_mean', 'numerator': 'sum(delivery_block_days)',
     'denominator': 'count(delivery_block_days)'},
    {'kpi': 'billing_block_days_mean', 'numerator': 'sum(billing_block_days)',
     'denominator': 'count(billing_block_days)'},
    rate_spec('rejection_rate', 'is_rejected'),
    rate_spec('order_cancellation_rate', 'is_order_cancelled'),
    rate_spec('credit_memo_rate', 'credit_memo_count > 0'),
    rate_spec('return_rate', 'return_order_count > 0'),
    rate_spec('perfect_order_rate', 'is_perfect_order', 'is_perfect_order is not null'),
] %}

with cases as (

    select * from {{ ref('dim_o2c_cases') }}

),

sliced as (

    {{ kpi_slices('cases', 'created_month') }}

),

kpis as (

    {{ long_form_kpis('sliced', specs) }}

),

-- Rejections per reason ('<code> <text>'): rejected cases with the reason among all cases
-- of the period.
reason_sliced as (

    {{ kpi_slices('cases', 'created_month', dimensions=[], with_total=true) }}

),

period_cases as (

    select
        period_grain,
        period_start,
        count(*) as cases
    from reason_sliced
    group by period_grain, period_start

),

reasons as (

    select  -- noqa: ST06
        'rejection_rate' as kpi,
        reason_sliced.period_grain,
        reason_sliced.period_start,
        'rejection_reason' as dimension,
        concat_ws(' ', reason_sliced.rejection_reason_code, reason_sliced.rejection_reason_text)
            as dimension_value,
        cast(count(*) as double) as numerator,
        cast(any_value(period_cases.cases) as double) as denominator,
        cast(count(*) / any_value(period_cases.cases) as double) as value
    from reason_sliced
    inner join period_cases
        on
            reason_sliced.period_grain = period_cases.period_grain
            and reason_sliced.period_start is not distinct from period_cases.period_start
    where reason_sliced.is_rejected
    group by
        reason_sliced.period_grain,
        reason_sliced.period_start,
        reason_sliced.rejection_reason_code,
        reason_sliced.rejection_reason_text

)

select
    kpi,
    period_grain,
    period_start,
    dimension,
    dimension_value,
    numerator,
    denominator,
    value
from kpis
union all
select
    kpi,
    period_grain,
    period_start,
    dimension,
    dimension_value,
    numerator,
    denominator,
    value
from reasons
