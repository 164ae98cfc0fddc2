-- KPI rows of days sales outstanding per month (and over all months), in the reporting
-- currency, in total and per company code and customer (marts.o2c_dso): numerator the
-- average receivables x days, denominator the credit sales, so that sums re-aggregate.
{%- set specs = [
    {'kpi': 'dso_days',
     'numerator': 'sum(average_receivables_reporting_currency * days_in_period)',
     'denominator': 'sum(credit_sales_reporting_currency)'},
] %}

with dso as (

    select * from {{ ref('o2c_dso') }}

),

sliced as (

    {{ kpi_slices(
        'dso', 'month_start',
        dimensions=[('company_code', 'company_code'), ('customer', 'customer_id')]
    ) }}

)

{{ long_form_kpis('sliced', specs) }}
