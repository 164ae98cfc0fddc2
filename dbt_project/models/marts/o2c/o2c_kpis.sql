-- One row per KPI, period, slicing dimension and value: every KPI of DESIGN.md section 6
-- in long form, with numerator and denominator beside every rate so that a BI tool charts
-- and re-aggregates them without SQL of its own. Each KPI's definition, family and unit
-- are in the seed o2c_kpi_definitions; its cases (or invoices) in dim_o2c_cases
-- (fct_o2c_invoices).
with kpis as (

    {% for model in [
        'kpis_case_cohort', 'kpis_case_throughput', 'kpis_invoices', 'kpis_events',
        'kpis_variants', 'kpis_dso', 'kpis_as_of'
    ] %}
        select * from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

definitions as (

    select * from {{ ref('o2c_kpi_definitions') }}

)

select
    kpis.kpi,
    definitions.family as kpi_family,
    definitions.unit,
    kpis.period_grain,
    kpis.period_start,
    kpis.dimension,
    kpis.dimension_value,
    kpis.numerator,
    kpis.denominator,
    kpis.value
from kpis
left join definitions
    on kpis.kpi = definitions.kpi
