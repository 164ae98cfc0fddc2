-- One row per payment event and case: Receive Payment (a payment clears the invoice's
-- receivable), Receive Down Payment (the down payment clears the request), and Payment
-- Due Date Passed (00:00 local the day after the net due date of an invoice that was not
-- cleared by then, once the run's as-of time has passed it), per billed order item.
with postings as (

    select * from {{ ref('int_billing_postings') }}

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

run_context as (

    select * from {{ ref('int_run_context') }}

),

payments as (

    select
        postings.*,
        case postings.billing_kind
            when 'invoice' then 'Receive Payment'
            when 'down_payment_request' then 'Receive Down Payment'
        end as activity
    from postings
    where
        postings.is_cleared_by_payment
        and postings.billing_kind in ('invoice', 'down_payment_request')

),

due_dates_passed as (

    select
        postings.*,
        {{ local_midnight_to_utc('postings.net_due_date + 1') }} as due_date_passed_at,
        run_context.last_batch_id
    from postings
    cross join run_context
    where
        postings.billing_kind = 'invoice'
        and not postings.is_cancelled
        and postings.net_due_date is not null
        and (postings.clearing_date is null or postings.clearing_date > postings.net_due_date)
        and {{ local_midnight_to_utc('postings.net_due_date + 1') }} <= run_context.as_of_at

),

events as (

    select
        billed_cases.case_id,
        billed_cases.sales_order_id,
        billed_cases.sales_order_item_id,
        payments.activity,
        payments.cleared_at as event_at,
        payments.cleared_by as resource,
        '{{ var("source_system") }}' as source_system,
        'BSEG' as source_table,
        {{ source_key([
            'payments.client_id', 'payments.company_code', 'payments.accounting_document_id',
            'payments.fiscal_year', 'payments.line_item_id'
        ]) }} as source_key,
        cast(null as varchar) as delivery_id,
        payments.billing_document_id as invoice_id,
        payments.clearing_document_id as accounting_document_id,
        greatest(billed_cases.loaded_batch_id, payments.loaded_batch_id) as loaded_batch_id
    from payments
    inner join billed_cases
        on
            payments.client_id = billed_cases.client_id
            and payments.billing_document_id = billed_cases.billing_document_id

    union all

    -- A date milestone, not a user's action: no resource. It appears when the as-of time
    -- passes it, so it carries the latest batch.
    select
        billed_cases.case_id,
        billed_cases.sales_order_id,
        billed_cases.sales_order_item_id,
        'Payment Due Date Passed' as activity,
        due_dates_passed.due_date_passed_at as event_at,
        cast(null as varchar) as resource,
        '{{ var("source_system") }}' as source_system,
        'BSEG' as source_table,
        {{ source_key([
            'due_dates_passed.client_id', 'due_dates_passed.company_code',
            'due_dates_passed.accounting_document_id', 'due_dates_passed.fiscal_year',
            'due_dates_passed.line_item_id'
        ]) }} as source_key,
        null as delivery_id,
        due_dates_passed.billing_document_id as invoice_id,
        due_dates_passed.accounting_document_id,
        greatest(
            billed_cases.loaded_batch_id,
            due_dates_passed.loaded_batch_id,
            due_dates_passed.last_batch_id
        ) as loaded_batch_id
    from due_dates_passed
    inner join billed_cases
        on
            due_dates_passed.client_id = billed_cases.client_id
            and due_dates_passed.billing_document_id = billed_cases.billing_document_id

)

{{ select_events('events') }}
