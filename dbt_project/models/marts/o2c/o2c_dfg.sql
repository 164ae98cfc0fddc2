-- One row per scope (all cases, or one fulfilment model) and directly-follows edge: how
-- often one activity directly follows another in a case (all activities, in each case's
-- order), in how many cases, and the time between them. '(start)' and '(end)' mark the
-- first and last activity of a case (no duration).
with steps as (

    select * from {{ ref('o2c_event_steps') }}

),

edges as (

    select
        fulfilment_model,
        case_id,
        activity as source_activity,
        coalesce(next_activity, '(end)') as target_activity,
        (epoch(next_event_at) - epoch(event_at)) / 3600.0 as duration_hours
    from steps
    union all
    select
        fulfilment_model,
        case_id,
        '(start)' as source_activity,
        activity as target_activity,
        null as duration_hours
    from steps
    where step = 1

),

scoped as (

    select
        'all' as scope,
        *
    from edges
    union all
    select
        fulfilment_model as scope,
        *
    from edges

),

scope_cases as (

    select
        scope,
        count(distinct case_id) as cases
    from scoped
    group by scope

)

select
    scoped.scope as fulfilment_model,
    scoped.source_activity,
    scoped.target_activity,
    cast(count(*) as integer) as edge_count,
    cast(count(distinct scoped.case_id) as integer) as case_count,
    count(distinct scoped.case_id) / any_value(scope_cases.cases) as case_share,
    -- Averaged over whole seconds (integers), so a rerun gives the same digits.
    avg(cast(round(scoped.duration_hours * 3600) as bigint)) / 3600.0 as mean_duration_hours,
    quantile_cont(scoped.duration_hours, 0.5) as median_duration_hours,
    quantile_cont(scoped.duration_hours, 0.9) as p90_duration_hours,
    min(scoped.duration_hours) as min_duration_hours,
    max(scoped.duration_hours) as max_duration_hours
from scoped
inner join scope_cases
    on scoped.scope = scope_cases.scope
group by scoped.scope, scoped.source_activity, scoped.target_activity
