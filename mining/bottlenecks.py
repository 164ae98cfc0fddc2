"""Where cases wait longest: transitions (from one process step to the next) and
activities (the wait before a step), per week and per month, with their share of all
waiting (throughput) time in that period, in mining.bottlenecks."""

from __future__ import annotations

import duckdb

BOTTLENECKS_SQL = """
create or replace table mining.bottlenecks as
with ordered as (
    select
        e.case_id,
        e.activity,
        e.event_at,
        lead(e.activity) over w as next_activity,
        lead(e.event_at) over w as next_event_at
    from marts.fct_o2c_events as e
    where e.activity_kind = 'process'
    window w as (partition by e.case_id order by e.event_at, e.activity_sort_order, e.activity)
),
waits as (
    select
        case_id,
        activity as from_activity,
        next_activity as to_activity,
        epoch(next_event_at) - epoch(event_at) as wait_seconds,
        next_event_at as reached_at
    from ordered
    where next_activity is not null
),
periods as (
    select 'week' as period_type, date_trunc('week', reached_at) as period_start, *
    from waits
    union all
    select 'month' as period_type, date_trunc('month', reached_at) as period_start, *
    from waits
),
-- Transitions and activities in one aggregation: grouping sets, not a second copy of the
-- rows (at 1M items that copy made DuckDB spill tens of gigabytes).
aggregated as (
    select
        period_type,
        period_start,
        case when grouping(from_activity) = 1 then 'activity' else 'transition' end
            as bottleneck_type,
        from_activity,
        to_activity,
        count(*) as transitions,
        count(distinct case_id) as cases,
        avg(wait_seconds) / 3600 as mean_wait_hours,
        median(wait_seconds) / 3600 as median_wait_hours,
        quantile_cont(wait_seconds, 0.9) / 3600 as p90_wait_hours,
        sum(wait_seconds) as wait_seconds
    from periods
    group by grouping sets (
        (period_type, period_start, from_activity, to_activity),
        (period_type, period_start, to_activity)
    )
)
select
    period_type,
    cast(period_start as date) as period_start,
    bottleneck_type,
    from_activity,
    to_activity,
    transitions,
    cases,
    mean_wait_hours,
    median_wait_hours,
    p90_wait_hours,
    wait_seconds / 3600 as total_wait_hours,
    -- Every wait of the period is in exactly one row of each bottleneck type.
    wait_seconds / nullif(
        sum(wait_seconds) over (partition by period_type, period_start, bottleneck_type), 0
    ) as share_of_throughput_time,
    rank() over (
        partition by period_type, period_start, bottleneck_type order by wait_seconds desc
    ) as wait_rank
from aggregated
order by period_type, period_start, bottleneck_type, wait_rank, from_activity, to_activity
"""


def find_bottlenecks(con: duckdb.DuckDBPyConnection) -> int:
    con.execute("create schema if not exists mining")
    con.execute(BOTTLENECKS_SQL)
    return con.execute("select count(*) from mining.bottlenecks").fetchone()[0]
