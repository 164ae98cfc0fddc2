-- One row per dunning event and case: Send Dunning Notice, at 00:00 local of the dunning
-- run's date (SAP keeps no time), per item of the dunned billing document. The dunning
-- program is a background job: automated, with no user recorded in MHNK/MHND.
with dunned_items as (

    select * from {{ ref('stg_sap__dunned_items') }}
    where billing_document_id is not null

),

billed_cases as (

    select distinct
        client_id,
        billing_document_id,
        case_id,
        sales_order_id,
        sales_order_item_id,
        loaded_batch_id
    from {{ ref('int_billing_document_items') }}
    where case_id is not null

),

events as (

    select
        billed_cases.case_id,
        billed_cases.sales_order_id,
        billed_cases.sales_order_item_id,
        'Send Dunning Notice' as activity,
        {{ local_midnight_to_utc('dunned_items.dunning_run_date') }} as event_at,
        cast(null as varchar) as resource,
        '{{ var("source_system") }}' as source_system,
        'MHND' as source_table,
        {{ source_key([
            'dunned_items.client_id', 'dunned_items.dunning_run_date',
            'dunned_items.dunning_run_id', 'dunned_items.company_code',
            'dunned_items.customer_id', 'dunned_items.accounting_document_id',
            'dunned_items.fiscal_year', 'dunned_items.line_item_id'
        ]) }} as source_key,
        cast(null as varchar) as delivery_id,
        dunned_items.billing_document_id as invoice_id,
        dunned_items.accounting_document_id,
        greatest(billed_cases.loaded_batch_id, dunned_items.loaded_batch_id) as loaded_batch_id
    from dunned_items
    inner join billed_cases
        on
            dunned_items.client_id = billed_cases.client_id
            and dunned_items.billing_document_id = billed_cases.billing_document_id

)

{{ select_events('events', automated_without_user=true) }}
