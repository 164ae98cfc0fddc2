-- The extractors and dbt read SAP's local times in the same time zone: var source_timezone
-- equals the zone of the newest successful extraction (when there is a run log).
with last_run as (

    select
        batch_id,
        source_timezone
    from {{ ref('stg_meta__extraction_runs') }}
    where status = 'success'
    order by batch_id desc
    limit 1

)

select *
from last_run
where source_timezone <> '{{ var("source_timezone") }}'
