-- One row per currency pair and validity period: TCURR rates of rate type var
-- reporting_rate_type, each valid from its date until the day before the pair's next rate.
-- A pair SAP stores only the other way round is added inverted. TCURR's negative rates
-- are quotations the other way round (1 / |rate|).

{#- Several models read it: computed once. -#}
{{ config(materialized='table') }}

with rates as (

    select
        from_currency_code,
        to_currency_code,
        valid_from_date,
        case
            when exchange_rate < 0 then -1 / exchange_rate else exchange_rate
        end as exchange_rate,
        loaded_batch_id
    from {{ ref('stg_sap__exchange_rates') }}
    where
        rate_type = '{{ var("reporting_rate_type") }}'
        and exchange_rate <> 0
        and valid_from_date is not null

),

inverted as (

    select
        rates.to_currency_code as from_currency_code,
        rates.from_currency_code as to_currency_code,
        rates.valid_from_date,
        1 / rates.exchange_rate as exchange_rate,
        rates.loaded_batch_id
    from rates
    where not exists (
        select 1 from rates as direct
        where
            direct.from_currency_code = rates.to_currency_code
            and direct.to_currency_code = rates.from_currency_code
    )

),

both_ways as (

    select * from rates
    union all
    select * from inverted

)

select  -- noqa: ST06
    from_currency_code,
    to_currency_code,
    valid_from_date,
    coalesce(
        lead(valid_from_date) over (
            partition by from_currency_code, to_currency_code order by valid_from_date
        ) - 1,
        date '9999-12-31'
    ) as valid_to_date,
    exchange_rate,
    loaded_batch_id
from both_ways
