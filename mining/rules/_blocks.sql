-- Every block set on a case, with the moment it was removed (null while still set).
create or replace temp view case_blocks as
with changes as (
    select
        case_id,
        event_id,
        event_at,
        case
            when activity like '%Credit Block' then 'credit'
            when activity like '%Delivery Block' then 'delivery'
            else 'billing'
        end as block,
        activity like 'Set %' as is_set
    from marts.fct_o2c_events
    where activity in (
        'Set Credit Block', 'Release Credit Block', 'Set Delivery Block',
        'Remove Delivery Block', 'Set Billing Block', 'Remove Billing Block'
    )
)
select
    block_set.case_id,
    block_set.block,
    block_set.event_id,
    block_set.event_at as set_at,
    (
        select min(removal.event_at)
        from changes as removal
        where
            removal.case_id = block_set.case_id
            and removal.block = block_set.block
            and not removal.is_set
            and removal.event_at >= block_set.event_at
    ) as removed_at
from changes as block_set
where block_set.is_set
