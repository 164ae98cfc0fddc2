-- One row per event and case, in the case's order (event_at, activity_sort_order,
-- activity, event_id), with the previous and next activity and time: the steps of the
-- directly-follows graph and the waiting times of the activity statistics.
with events as (

    select
        events.event_id,
        events.case_id,
        events.activity,
        events.activity_kind,
        events.event_at,
        events.resource,
        events.is_automated,
        events.activity_sort_order,
        cases.fulfilment_model
    from {{ ref('fct_o2c_events') }} as events
    inner join {{ ref('dim_o2c_cases') }} as cases
        on events.case_id = cases.case_id

)

select
    *,
    row_number() over steps as step,
    lag(activity) over steps as previous_activity,
    lag(event_at) over steps as previous_event_at,
    lead(activity) over steps as next_activity,
    lead(event_at) over steps as next_event_at
from events
window steps as (
    partition by case_id order by event_at, activity_sort_order, activity, event_id
)
