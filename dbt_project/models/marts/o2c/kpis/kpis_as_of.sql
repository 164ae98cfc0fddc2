-- KPI rows as of the run (period_grain 'as_of', period_start the as-of date): the order
-- backlog (open items per stage, open order value) and the receivables (open, overdue,
-- per aging bucket).
{%- set as_of = [('as_of', 'as_of_local_date')] %}
{%- set case_specs = [
    {'kpi': 'open_items', 'numerator': 'count(*)'},
    {'kpi': 'open_order_value', 'numerator': 'sum(net_value_reporting_currency)'},
] %}
{%- set invoice_specs = [
    {'kpi': 'open_receivables', 'numerator': 'sum(amount_reporting_currency)'},
    {'kpi': 'overdue_receivables',
     'numerator': 'coalesce(sum(amount_reporting_currency) filter (where is_overdue), 0)'},
    rate_spec('overdue_invoice_rate', 'is_overdue'),
] %}

with run_context as (

    select * from {{ ref('int_run_context') }}

),

open_cases as (

    select
        cases.*,
        run_context.as_of_local_date
    from {{ ref('dim_o2c_cases') }} as cases
    cross join run_context
    where not cases.is_closed

),

open_invoices as (

    select
        invoices.*,
        run_context.as_of_local_date
    from {{ ref('fct_o2c_invoices') }} as invoices
    cross join run_context
    where invoices.is_open

),

case_sliced as (

    {{ kpi_slices(
        'open_cases', periods=as_of,
        dimensions=kpi_dimensions() + [('open_stage', 'open_stage')]
    ) }}

),

invoice_sliced as (

    {{ kpi_slices(
        'open_invoices', periods=as_of,
        dimensions=kpi_dimensions('invoice') + [('aging_bucket', 'aging_bucket')]
    ) }}

),

case_kpis as (

    {{ long_form_kpis('case_sliced', case_specs) }}

),

invoice_kpis as (

    {{ long_form_kpis('invoice_sliced', invoice_specs) }}

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
from case_kpis
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
from invoice_kpis
