-- One row per calendar and local date: whether it is a working day (a weekday of var
-- working_weekdays that is no holiday of the seed calendar_holidays) and the running count
-- of working days, so that the working days between two dates are a difference of two
-- numbers. A company code works by the calendar of its country (T001 LAND1); a country
-- without holidays in the seed works every weekday.

{#- Several models read it: computed once. -#}
{{ config(materialized='table') }}

with holidays as (

    select * from {{ ref('calendar_holidays') }}

),

calendars as (

    select distinct country_code as calendar_id
    from {{ ref('stg_sap__company_codes') }}
    where country_code is not null
    union
    select distinct calendar_id from holidays

),

-- From a year before the first order to two years after the as-of date (due dates).
bounds as (

    select
        (select cast(min(created_at) as date) from {{ ref('stg_sap__sales_documents') }})
        - 366 as first_date,
        (select max(as_of_local_date) from {{ ref('int_run_context') }}) + 732 as last_date

),

days as (

    select
        calendars.calendar_id,
        cast(unnest(generate_series(bounds.first_date, bounds.last_date, interval 1 day)) as date)
            as calendar_date
    from calendars
    cross join bounds
    where bounds.first_date is not null and bounds.last_date is not null

),

flagged as (

    select
        days.calendar_id,
        days.calendar_date,
        holidays.holiday_name,
        isodow(days.calendar_date) in {{ sql_number_list(var('working_weekdays')) }}
        and holidays.holiday_date is null as is_working_day
    from days
    left join holidays
        on
            days.calendar_id = holidays.calendar_id
            and days.calendar_date = holidays.holiday_date

)

select
    calendar_id,
    calendar_date,
    is_working_day,
    holiday_name,
    sum(case when is_working_day then 1 else 0 end) over (
        partition by calendar_id order by calendar_date
    ) as working_day_number
from flagged
