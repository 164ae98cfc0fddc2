-- KPI rows at event grain, by the month of the event: the automation rate (automated
-- events among all events). Events are counted per case and month first, then sliced.
{%- set specs = [
    {'kpi': 'automation_rate', 'numerator': 'sum(automated_events)', 'denominator': 'sum(events)'},
] %}

with case_months as (

    select
        case_id,
        cast(date_trunc('month', {{ utc_to_local('event_at') }}) as date) as event_month,
        count(*) as events,
        count(*) filter (where is_automated) as automated_events
    from {{ ref('fct_o2c_events') }}
    group by all

),

events as (

    select
        case_months.*,
        cases.company_code,
        cases.sales_org_id,
        cases.customer_id,
        cases.material_id,
        cases.order_type,
        cases.fulfilment_model,
        cases.payment_timing,
        cases.channel
    from case_months
    inner join {{ ref('dim_o2c_cases') }} as cases
        on case_months.case_id = cases.case_id

),

sliced as (

    {{ kpi_slices('events', 'event_month') }}

)

{{ long_form_kpis('sliced', specs) }}
