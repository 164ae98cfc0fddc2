-- Every billing document item bills a known order item (directly or through its return
-- order). A row that does not fit stays in int_billing_document_items with its reason.
{{ config(severity='warn') }}

select
    client_id,
    billing_document_id,
    billing_item_id,
    data_issue
from {{ ref('int_billing_document_items') }}
where data_issue is not null
