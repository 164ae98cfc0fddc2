-- One row per accounting document that posts a billing document (BKPF AWTYP VBRK, AWKEY =
-- billing document): the release to accounting, the receivable's net due date and its
-- clearing. A clearing's time is the clearing date (AUGDT) with the time the clearing
-- document was entered (CPUTM). Cash discount: the first discount period (ZBD1T days at
-- ZBD1P percent) when the terms grant one; SKNTO is the discount the payment took.

{#- Several models read it: computed once. -#}
{{ config(materialized='table') }}

with documents as (

    select * from {{ ref('stg_sap__accounting_documents') }}

),

line_items as (

    select * from {{ ref('stg_sap__accounting_document_items') }}

),

billing_documents as (

    select * from {{ ref('int_billing_documents') }}

),

postings as (

    select * from documents
    where reference_procedure = 'VBRK'

),

-- The receivable: the posting's first customer line.
customer_lines as (

    select
        *,
        row_number() over (
            partition by client_id, company_code, accounting_document_id, fiscal_year
            order by line_item_id
        ) as line_rank
    from line_items
    where account_type = 'D'

),

receivables as (

    select  -- noqa: ST06
        postings.client_id,
        postings.company_code,
        postings.accounting_document_id,
        postings.fiscal_year,
        postings.reference_key as billing_document_id,
        postings.entered_at as posted_at,
        postings.entered_by as posted_by,
        customer_lines.line_item_id,
        customer_lines.customer_id,
        customer_lines.special_gl_indicator,
        customer_lines.baseline_date,
        -- Net due date: baseline + ZBD3T, else ZBD2T, else ZBD1T days.
        customer_lines.baseline_date + cast(
            case
                when customer_lines.net_payment_days > 0 then customer_lines.net_payment_days
                when customer_lines.cash_discount_days_2 > 0
                    then customer_lines.cash_discount_days_2
                else coalesce(customer_lines.cash_discount_days_1, 0)
            end as integer
        ) as net_due_date,
        case
            when customer_lines.cash_discount_percent > 0
                then
                    customer_lines.baseline_date
                    + cast(coalesce(customer_lines.cash_discount_days_1, 0) as integer)
        end as cash_discount_date,
        customer_lines.cash_discount_percent,
        customer_lines.cash_discount_amount,
        customer_lines.amount_company_currency,
        customer_lines.amount_document_currency,
        customer_lines.payment_terms_code,
        customer_lines.clearing_date,
        customer_lines.clearing_entry_date,
        customer_lines.clearing_document_id,
        greatest(postings.loaded_batch_id, customer_lines.loaded_batch_id) as loaded_batch_id
    from postings
    left join customer_lines
        on
            postings.client_id = customer_lines.client_id
            and postings.company_code = customer_lines.company_code
            and postings.accounting_document_id = customer_lines.accounting_document_id
            and postings.fiscal_year = customer_lines.fiscal_year
            and customer_lines.line_rank = 1

)

select
    receivables.client_id,
    receivables.company_code,
    receivables.accounting_document_id,
    receivables.fiscal_year,
    receivables.billing_document_id,
    billing_documents.billing_type,
    billing_documents.billing_kind,
    billing_documents.is_cancelled,
    receivables.posted_at,
    receivables.posted_by,
    receivables.line_item_id,
    receivables.customer_id,
    receivables.special_gl_indicator,
    receivables.baseline_date,
    receivables.net_due_date,
    receivables.cash_discount_date,
    receivables.cash_discount_percent,
    receivables.cash_discount_amount,
    receivables.amount_company_currency,
    receivables.amount_document_currency,
    receivables.payment_terms_code,
    receivables.clearing_date,
    receivables.clearing_document_id,
    clearing_documents.document_type as clearing_document_type,
    coalesce(
        clearing_documents.document_type in {{ sql_text_list(var('payment_document_types')) }},
        false
    ) as is_cleared_by_payment,
    {{ local_to_utc(
        'receivables.clearing_date + cast('
        ~ utc_to_local('clearing_documents.entered_at') ~ ' as time)'
    ) }} as cleared_at,
    clearing_documents.entered_by as cleared_by,
    greatest(
        receivables.loaded_batch_id,
        billing_documents.loaded_batch_id,
        clearing_documents.loaded_batch_id
    ) as loaded_batch_id
from receivables
left join billing_documents
    on
        receivables.client_id = billing_documents.client_id
        and receivables.billing_document_id = billing_documents.billing_document_id
left join documents as clearing_documents
    on
        receivables.client_id = clearing_documents.client_id
        and receivables.company_code = clearing_documents.company_code
        and receivables.clearing_document_id = clearing_documents.accounting_document_id
        and clearing_documents.fiscal_year = cast(
            year(coalesce(receivables.clearing_entry_date, receivables.clearing_date)) as varchar
        )
