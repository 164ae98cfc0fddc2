-- KPI rows at invoice grain, by the month billed: payment (days to pay, paid on time, days
-- past due, cash discount) and invoice exceptions (cancellations, dunning, invoices never
-- released); definitions: seed o2c_kpi_definitions. Invoices have no material slice.
{%- set specs = duration_specs('days_to_pay', 'days_to_pay') + [
    rate_spec('paid_on_time_rate', 'is_paid_on_time', 'is_cleared'),
    {'kpi': 'days_past_due_mean', 'numerator': 'sum(days_past_due)',
     'denominator': 'count(days_past_due)'},
    rate_spec('discount_taken_rate', 'is_discount_taken', 'is_cleared and cash_discount_date is not null'),
    rate_spec('discount_lost_rate', 'is_discount_lost', 'is_cleared and cash_discount_date is not null'),
    rate_spec('invoice_cancellation_rate', 'is_cancelled'),
    rate_spec('dunning_rate', 'dunning_level > 0', 'is_released'),
    {'kpi': 'dunning_level_mean', 'numerator': 'sum(dunning_level) filter (where dunning_level > 0)',
     'denominator': 'count(*) filter (where dunning_level > 0)'},
    rate_spec('unreleased_invoice_rate', 'not is_released', 'not is_cancelled'),
] %}

with invoices as (

    select * from {{ ref('fct_o2c_invoices') }}

),

sliced as (

    {{ kpi_slices('invoices', 'billing_month', dimensions=kpi_dimensions('invoice')) }}

)

{{ long_form_kpis('sliced', specs) }}
