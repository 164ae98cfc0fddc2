-- A credit, delivery or billing block still set on a case that is otherwise closed, or
-- set longer than the configured number of days at the run's as-of time.
select
    blocks.case_id,
    'unresolved_block' as rule,
    blocks.event_id,
    null as related_event_id,
    blocks.block || ' block set at ' || blocks.set_at::varchar || ' is still set' as detail,
    blocks.set_at as detected_at
from case_blocks as blocks
inner join marts.dim_o2c_cases as cases
    on blocks.case_id = cases.case_id
where
    blocks.removed_at is null
    and (
        cases.is_closed
        or blocks.set_at + to_days(cast($unresolved_block_days as integer)) <= $as_of
    )
