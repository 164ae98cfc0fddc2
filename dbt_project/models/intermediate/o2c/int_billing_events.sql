-- One row per billing event and case: the creation of each billing document (invoice,
-- cancellation, credit memo, down-payment request; activity from the seed
-- sap_billing_types) and the release of invoices to accounting, per billed order item.
with billing_items as (

    select * from {{ ref('int_billing_document_items') }}
    where case_id is not null and creation_activity is not null

),

postings as (

    select * from {{ ref('int_billing_postings') }}
    where billing_kind = 'invoice'

),

billed_cases as (

    select distinct
        client_id,
        billing_document_id,
        case_id,
        sales_order_id,
        sales_order_item_id,
        creation_activity,
        created_at,
        created_by,
        loaded_batch_id
    from billing_items

),

events as (

    select
        case_id,
        sales_order_id,
        sales_order_item_id,
        creation_activity as activity,
        created_at as event_at,
        created_by as resource,
        '{{ var("source_system") }}' as source_system,
        'VBRK' as source_table,
        {{ source_key(['client_id', 'billing_document_id']) }} as source_key,
        cast(null as varchar) as delivery_id,
        billing_document_id as invoice_id,
        cast(null as varchar) as accounting_document_id,
        loaded_batch_id
    from billed_cases

    union all

    select
        billed_cases.case_id,
        billed_cases.sales_order_id,
        billed_cases.sales_order_item_id,
        'Release Invoice to Accounting' as activity,
        postings.posted_at as event_at,
        postings.posted_by as resource,
        '{{ var("source_system") }}' as source_system,
        'BKPF' as source_table,
        {{ source_key([
            'postings.client_id', 'postings.company_code',
            'postings.accounting_document_id', 'postings.fiscal_year'
        ]) }} as source_key,
        null as delivery_id,
        postings.billing_document_id as invoice_id,
        postings.accounting_document_id,
        greatest(billed_cases.loaded_batch_id, postings.loaded_batch_id) as loaded_batch_id
    from postings
    inner join billed_cases
        on
            postings.client_id = billed_cases.client_id
            and postings.billing_document_id = billed_cases.billing_document_id

)

{{ select_events('events') }}
