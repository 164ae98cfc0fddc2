-- The price of the item changed after the item was invoiced.
with first_invoice as (
    select case_id, min(event_at) as invoiced_at, arg_min(event_id, event_at) as event_id
    from marts.fct_o2c_events
    where activity = 'Create Invoice'
    group by case_id
)
select
    price.case_id,
    'price_change_after_invoice' as rule,
    price.event_id,
    first_invoice.event_id as related_event_id,
    'price changed at ' || price.event_at::varchar || ', first invoiced at '
    || first_invoice.invoiced_at::varchar as detail,
    price.event_at as detected_at
from marts.fct_o2c_events as price
inner join first_invoice
    on price.case_id = first_invoice.case_id
where
    price.activity = 'Change Price'
    and price.event_at > first_invoice.invoiced_at
