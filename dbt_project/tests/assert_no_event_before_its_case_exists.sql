-- No event of a case happens before its order item was entered. Left out: the CRM
-- pre-sales events (they lead to the order), clearings (a clearing date may be back-dated)
-- and date-only milestones, which are at 00:00 of their day.
with events as (

    select * from {{ ref('fct_o2c_events') }}

),

cases as (

    select * from {{ ref('dim_o2c_cases') }}

),

activities as (

    select * from {{ ref('o2c_activities') }}

)

select
    events.event_id,
    events.case_id,
    events.activity,
    events.event_at,
    cases.created_at as case_created_at
from events
inner join cases
    on events.case_id = cases.case_id
inner join activities
    on events.activity = activities.activity
where
    events.event_at < cases.created_at
    and activities.family <> 'crm'
    and events.activity not in (
        'Receive Payment', 'Receive Down Payment'
    )
