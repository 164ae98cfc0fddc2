-- One row per scope (all cases, or one fulfilment model) and activity: how often it
-- happens, in how many cases, how automated it is, by how many users, and the waiting
-- time before it (hours since the case's previous event).
with steps as (

    select * from {{ ref('o2c_event_steps') }}

),

scoped as (

    select
        'all' as scope,
        *
    from steps
    union all
    select
        fulfilment_model as scope,
        *
    from steps

),

scope_cases as (

    select
        scope,
        count(distinct case_id) as cases
    from scoped
    group by scope

)

select  -- noqa: ST06
    scoped.scope as fulfilment_model,
    scoped.activity,
    any_value(scoped.activity_kind) as activity_kind,
    any_value(scoped.activity_sort_order) as activity_sort_order,
    cast(count(*) as integer) as event_count,
    cast(count(distinct scoped.case_id) as integer) as case_count,
    count(distinct scoped.case_id) / any_value(scope_cases.cases) as case_share,
    cast(count(*) filter (where scoped.is_automated) as integer) as automated_event_count,
    cast(
        count(*) filter (where scoped.resource is not null and not scoped.is_automated) as integer
    ) as manual_event_count,
    count(*) filter (where scoped.is_automated) / count(*) as automation_rate,
    cast(count(distinct scoped.resource) as integer) as user_count,
    min(scoped.event_at) as first_event_at,
    max(scoped.event_at) as last_event_at,
    -- Averaged over whole seconds (integers): a sum of doubles depends on the order the
    -- threads add them in, so reruns could differ in the last digit.
    avg(datediff('second', scoped.previous_event_at, scoped.event_at)) / 3600.0
        as mean_waiting_hours,
    quantile_cont((epoch(scoped.event_at) - epoch(scoped.previous_event_at)) / 3600.0, 0.5)
        as median_waiting_hours
from scoped
inner join scope_cases
    on scoped.scope = scope_cases.scope
group by scoped.scope, scoped.activity
