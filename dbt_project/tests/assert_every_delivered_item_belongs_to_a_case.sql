-- Every delivery item delivers a known order item. A row that does not fit stays in
-- int_delivery_items with its reason.
{{ config(severity='warn') }}

select
    client_id,
    delivery_id,
    delivery_item_id,
    data_issue
from {{ ref('int_delivery_items') }}
where data_issue is not null
