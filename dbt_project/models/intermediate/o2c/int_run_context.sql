-- One row: the run's as-of time. Everything that depends on "now" (due dates passed,
-- open items) is computed against it, never against the wall clock.
with given as (

    select {{ as_of_var_sql() }} as as_of_at

),

runs as (

    select * from {{ ref('stg_meta__extraction_runs') }}
    where status = 'success'

),

last_run as (

    select
        as_of_at,
        batch_id
    from runs
    order by batch_id desc
    limit 1

),

-- Without a run log: the newest creation or change time found in the source, and the
-- newest load batch.
newest_change as (

    select
        max(changed_at) as as_of_at,
        max(loaded_batch_id) as batch_id
    from (
        select
            created_at as changed_at,
            loaded_batch_id
        from {{ ref('stg_sap__sales_documents') }}
        union all
        select
            changed_at,
            loaded_batch_id
        from {{ ref('stg_sap__change_documents') }}
        union all
        select
            created_at as changed_at,
            loaded_batch_id
        from {{ ref('stg_sap__billing_documents') }}
        union all
        select
            entered_at as changed_at,
            loaded_batch_id
        from {{ ref('stg_sap__accounting_documents') }}
        union all
        select
            created_at as changed_at,
            loaded_batch_id
        from {{ ref('stg_sap__document_flow') }}
    ) as stamps

),

context as (

    select  -- noqa: ST06
        coalesce(given.as_of_at, last_run.as_of_at, newest_change.as_of_at) as as_of_at,
        case
            when given.as_of_at is not null then 'var'
            when last_run.as_of_at is not null then 'extraction_run'
            else 'newest_change'
        end as as_of_source,
        coalesce(last_run.batch_id, newest_change.batch_id) as last_batch_id
    from given
    left join last_run on true
    left join newest_change on true

)

select
    as_of_at,
    cast({{ utc_to_local('as_of_at') }} as date) as as_of_local_date,
    as_of_source,
    '{{ var("source_timezone") }}' as source_timezone,
    last_batch_id
from context
