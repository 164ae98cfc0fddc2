-- The user who released the credit block is the one who created the order.
select
    release.case_id,
    'credit_release_by_creator' as rule,
    release.event_id,
    creation.event_id as related_event_id,
    'credit block released by ' || release.resource || ', who created the order' as detail,
    release.event_at as detected_at
from marts.fct_o2c_events as release
inner join marts.fct_o2c_events as creation
    on
        release.case_id = creation.case_id
        and creation.activity = 'Create Sales Order'
where
    release.activity = 'Release Credit Block'
    and release.resource = creation.resource
