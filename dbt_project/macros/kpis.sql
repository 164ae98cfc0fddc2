{#- Building blocks of the long-form KPI marts (marts.o2c_kpis): one row per KPI, period,
    slicing dimension and value, with numerator and denominator beside every rate. -#}

{#- The slicing dimensions of DESIGN.md section 6 besides the period: (name, column) pairs.
    Invoices have no material (an invoice bills several). -#}
{% macro kpi_dimensions(grain='case') -%}
    {%- set dimensions = [
        ('company_code', 'company_code'),
        ('sales_org', 'sales_org_id'),
        ('customer', 'customer_id'),
        ('material', 'material_id'),
        ('order_type', 'order_type'),
        ('fulfilment_model', 'fulfilment_model'),
        ('payment_timing', 'payment_timing'),
        ('channel', 'channel'),
    ] -%}
    {%- set kept = [] -%}
    {%- for name, column in dimensions -%}
        {%- if not (grain == 'invoice' and name == 'material') -%}
            {%- do kept.append((name, column)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(kept) }}
{%- endmacro %}

{#- Every row of `relation` once per period and once per slicing dimension: columns
    period_grain, period_start, dimension, dimension_value added. `periods`: (grain,
    expression) pairs, by default its month (`period_column`) and 'all' (period_start
    NULL); a row whose period expression is NULL is left out of that period. Dimension
    'all' (value 'all') is the total (with_total); a NULL attribute is the value
    '(none)'. -#}
{% macro kpi_slices(
    relation, period_column=none, dimensions=none, periods=none, with_total=true
) -%}
    {%- set periods = periods or [('month', period_column), ('all', 'null')] -%}
    {%- set dimensions = dimensions if dimensions is not none else kpi_dimensions() -%}
    {%- set entries = [] -%}
    {%- if with_total -%}
        {%- do entries.append("{'dimension': 'all', 'dimension_value': 'all'}") -%}
    {%- endif -%}
    {%- for name, column in dimensions -%}
        {%- do entries.append(
            "{'dimension': '" ~ name ~ "', 'dimension_value': coalesce(cast("
            ~ column ~ " as varchar), '(none)')}"
        ) -%}
    {%- endfor %}
select
    with_periods.*,
    unnest([
        {{ entries | join(',\n        ') }}
    ], recursive := true)
from (
    select * from (
        select
            *,
            unnest([
                {%- for grain, expression in periods %}
                {'period_grain': '{{ grain }}', 'period_start': cast({{ expression }} as date)}
                {%- if not loop.last %},{% endif %}
                {%- endfor %}
            ], recursive := true)
        from {{ relation }}
    ) as all_periods
    where period_grain = 'all' or period_start is not null
) as with_periods
{%- endmacro %}

{#- The KPIs `specs` of a sliced relation (kpi_slices), one row each per period and
    dimension value. A spec is a dict: kpi (name, a row of seed o2c_kpi_definitions),
    numerator (aggregate), optional denominator (aggregate), optional value (aggregate,
    e.g. a median), optional scale (value = numerator / denominator * scale). Without
    value: numerator / denominator * scale, or the numerator when there is no
    denominator. A rate whose denominator is 0 has the value NULL. A self-contained
    query: it can end a model or fill a CTE. -#}
{% macro long_form_kpis(sliced_relation, specs) -%}
    {%- set group = 'period_grain, period_start, dimension, dimension_value' -%}
select * from (
with aggregated as (

    select
        {{ group }},
        {%- for spec in specs %}
        {{ spec.numerator or 'null' }} as numerator_{{ loop.index }},
        {{ spec.denominator or 'null' }} as denominator_{{ loop.index }},
        {{ spec.value or 'null' }} as value_{{ loop.index }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ sliced_relation }}
    group by {{ group }}

)

{% for spec in specs %}
    select
        '{{ spec.kpi }}' as kpi,
        {{ group }},
        cast(numerator_{{ loop.index }} as double) as numerator,
        cast(denominator_{{ loop.index }} as double) as denominator,
        cast(
            {%- if spec.value %}
                value_{{ loop.index }}
            {%- elif spec.denominator %}
                numerator_{{ loop.index }} / nullif(denominator_{{ loop.index }}, 0)
                * {{ spec.scale or 1 }}
            {%- else %}
                numerator_{{ loop.index }}
            {%- endif %}
            as double
        ) as value
    from aggregated
    {% if not loop.last %}union all{% endif %}
{% endfor %}
) as long_form
{%- endmacro %}

{#- Specs of a duration in days: mean (numerator sum, denominator count), median and p90
    (continuous percentiles; numerator NULL, denominator the count). -#}
{% macro duration_specs(kpi_prefix, column) -%}
    {{ return([
        {'kpi': kpi_prefix ~ '_mean', 'numerator': 'sum(' ~ column ~ ')',
         'denominator': 'count(' ~ column ~ ')'},
        {'kpi': kpi_prefix ~ '_median', 'denominator': 'count(' ~ column ~ ')',
         'value': 'quantile_cont(' ~ column ~ ', 0.5)'},
        {'kpi': kpi_prefix ~ '_p90', 'denominator': 'count(' ~ column ~ ')',
         'value': 'quantile_cont(' ~ column ~ ', 0.9)'},
    ]) }}
{%- endmacro %}

{#- Spec of a rate: cases (rows) where `condition` holds among those where `among` holds. -#}
{% macro rate_spec(kpi, condition, among='true') -%}
    {{ return({
        'kpi': kpi,
        'numerator': 'count(*) filter (where (' ~ among ~ ') and (' ~ condition ~ '))',
        'denominator': 'count(*) filter (where ' ~ among ~ ')',
    }) }}
{%- endmacro %}
