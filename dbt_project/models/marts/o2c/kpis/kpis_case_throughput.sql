-- KPI rows of throughput, by the month the case closed: order to cash, order to goods
-- issue, goods issue to invoice and invoice to payment over cases closed by payment, in
-- calendar and working days (mean, median, p90; definitions: seed o2c_kpi_definitions).
{%- set measures = [
    'order_to_cash', 'order_to_goods_issue', 'goods_issue_to_invoice', 'invoice_to_payment'
] %}
{%- set specs = [] %}
{%- for measure in measures %}
    {%- for unit in ['days', 'working_days'] %}
        {%- for spec in duration_specs(measure ~ '_' ~ unit, measure ~ '_' ~ unit) %}
            {%- do specs.append(spec) %}
        {%- endfor %}
    {%- endfor %}
{%- endfor %}

with closed_cases as (

    select * from {{ ref('dim_o2c_cases') }}
    where paid_at is not null

),

sliced as (

    {{ kpi_slices('closed_cases', 'closed_month') }}

)

{{ long_form_kpis('sliced', specs) }}
