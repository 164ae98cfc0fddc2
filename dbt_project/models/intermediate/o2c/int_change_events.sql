-- One row per change event and case: change documents (CDHDR/CDPOS) that stand for an
-- activity through the seed cdpos_activity_map, one event per (change number, case,
-- activity). The table key names what changed: an order (every item), an item, a
-- delivery (every delivered item), a delivery item, or an accounting line item (every
-- item of the billed document).
with change_items as (

    select * from {{ ref('stg_sap__change_document_items') }}

),

change_documents as (

    select * from {{ ref('stg_sap__change_documents') }}

),

activity_map as (

    select * from {{ ref('cdpos_activity_map') }}

),

order_items as (

    select * from {{ ref('int_sales_order_items') }}

),

delivery_items as (

    select * from {{ ref('int_delivery_items') }}
    where case_id is not null

),

billing_items as (

    select * from {{ ref('int_billing_document_items') }}
    where case_id is not null

),

billing_postings as (

    select * from {{ ref('int_billing_postings') }}

),

mapped as (

    select
        change_items.client_id,
        change_items.object_class,
        change_items.object_id,
        change_items.change_number,
        change_items.table_key,
        activity_map.activity,
        activity_map.object_level,
        change_documents.changed_at,
        change_documents.changed_by,
        greatest(change_items.loaded_batch_id, change_documents.loaded_batch_id)
            as loaded_batch_id
    from change_items
    inner join change_documents
        on
            change_items.client_id = change_documents.client_id
            and change_items.object_class = change_documents.object_class
            and change_items.object_id = change_documents.object_id
            and change_items.change_number = change_documents.change_number
    inner join activity_map
        on
            change_items.table_name = activity_map.tabname
            and change_items.field_name = activity_map.fname
            and change_items.change_indicator = activity_map.chngind
            -- sqlfluff does not know the lambda's parameter:
            -- noqa: disable=RF02
            and list_bool_and(list_transform(
                string_split(activity_map.condition, ' and '),
                lambda clause: case
                    when clause = 'always' then true
                    when clause = 'old is blank' then change_items.old_value = ''
                    when clause = 'old is not blank' then change_items.old_value <> ''
                    when clause = 'new is blank' then change_items.new_value = ''
                    when clause = 'new is not blank' then change_items.new_value <> ''
                    when clause like 'old = %' then change_items.old_value = substr(clause, 7)
                    when clause like 'new = %' then change_items.new_value = substr(clause, 7)
                    when clause like 'new <> %' then change_items.new_value <> substr(clause, 8)
                end
            ))
            -- noqa: enable=RF02

),

-- Table keys start with the client; then the document and item numbers (sales and
-- delivery tables) or company code, document, fiscal year and line (BSEG).
keyed as (

    select
        *,
        substr(table_key, length(client_id) + 1, 10) as document_id,
        coalesce(nullif(substr(table_key, length(client_id) + 11, 6), ''), '000000') as item_id,
        substr(table_key, length(client_id) + 1, 4) as company_code,
        substr(table_key, length(client_id) + 5, 10) as accounting_document_id,
        substr(table_key, length(client_id) + 15, 4) as fiscal_year
    from mapped

),

on_orders as (

    select
        order_items.case_id,
        order_items.sales_order_id,
        order_items.sales_order_item_id,
        keyed.*,
        cast(null as varchar) as delivery_id,
        cast(null as varchar) as invoice_id,
        cast(null as varchar) as posting_id
    from keyed
    inner join order_items
        on
            keyed.client_id = order_items.client_id
            and keyed.document_id = order_items.sales_order_id
            and (
                keyed.object_level = 'sales_order'
                or (keyed.object_level = 'sales_order_item' and keyed.item_id = '000000')
            )

),

on_items as (

    select
        order_items.case_id,
        order_items.sales_order_id,
        order_items.sales_order_item_id,
        keyed.*,
        null as delivery_id,
        null as invoice_id,
        null as posting_id
    from keyed
    inner join order_items
        on
            keyed.client_id = order_items.client_id
            and keyed.document_id = order_items.sales_order_id
            and keyed.item_id = order_items.sales_order_item_id
    where keyed.object_level = 'sales_order_item'

),

on_deliveries as (

    select
        delivery_items.case_id,
        delivery_items.sales_order_id,
        delivery_items.sales_order_item_id,
        keyed.*,
        delivery_items.delivery_id,
        null as invoice_id,
        null as posting_id
    from keyed
    inner join delivery_items
        on
            keyed.client_id = delivery_items.client_id
            and keyed.document_id = delivery_items.delivery_id
            and (
                keyed.object_level = 'delivery'
                or (
                    keyed.object_level = 'delivery_item'
                    and keyed.item_id = delivery_items.delivery_item_id
                )
            )

),

on_accounting_lines as (

    select
        billing_items.case_id,
        billing_items.sales_order_id,
        billing_items.sales_order_item_id,
        keyed.*,
        null as delivery_id,
        billing_postings.billing_document_id as invoice_id,
        billing_postings.accounting_document_id as posting_id
    from keyed
    inner join billing_postings
        on
            keyed.client_id = billing_postings.client_id
            and keyed.company_code = billing_postings.company_code
            and keyed.accounting_document_id = billing_postings.accounting_document_id
            and keyed.fiscal_year = billing_postings.fiscal_year
    inner join billing_items
        on
            billing_postings.client_id = billing_items.client_id
            and billing_postings.billing_document_id = billing_items.billing_document_id
    where keyed.object_level = 'accounting_line_item'

),

resolved as (

    select * from on_orders
    union all
    select * from on_items
    union all
    select * from on_deliveries
    union all
    select * from on_accounting_lines

),

-- One business change can write several CDPOS rows: one event per change number, case
-- and activity.
events as (

    select
        case_id,
        sales_order_id,
        sales_order_item_id,
        activity,
        changed_at as event_at,
        changed_by as resource,
        '{{ var("source_system") }}' as source_system,
        'CDHDR' as source_table,
        {{ source_key(['client_id', 'object_class', 'object_id', 'change_number']) }}
            as source_key,
        min(delivery_id) as delivery_id,
        min(invoice_id) as invoice_id,
        min(posting_id) as accounting_document_id,
        max(loaded_batch_id) as loaded_batch_id
    from resolved
    group by
        case_id,
        sales_order_id,
        sales_order_item_id,
        activity,
        changed_at,
        changed_by,
        client_id,
        object_class,
        object_id,
        change_number

)

{{ select_events('events') }}
