-- One row per billing document, with its kind (invoice, cancellation, credit memo,
-- down-payment request) and whether it has been cancelled.

{#- Several models read it: computed once. -#}
{{ config(materialized='table') }}

with billing_documents as (

    select * from {{ ref('stg_sap__billing_documents') }}

),

billing_types as (

    select * from {{ ref('sap_billing_types') }}

),

cancellations as (

    select
        client_id,
        cancelled_billing_document_id,
        min(billing_document_id) as cancelled_by_billing_document_id,
        min(created_at) as cancelled_at,
        max(loaded_batch_id) as loaded_batch_id
    from billing_documents
    where cancelled_billing_document_id is not null
    group by client_id, cancelled_billing_document_id

)

select  -- noqa: ST06
    billing_documents.client_id,
    billing_documents.billing_document_id,
    billing_documents.billing_type,
    billing_types.billing_kind,
    billing_types.activity as creation_activity,
    billing_documents.billing_date,
    billing_documents.created_at,
    billing_documents.created_by,
    billing_documents.payer_id,
    billing_documents.company_code,
    billing_documents.net_value_amount,
    billing_documents.currency_code,
    billing_documents.exchange_rate,
    billing_documents.payment_terms_code,
    billing_documents.cancelled_billing_document_id,
    billing_documents.is_cancelled or cancellations.cancelled_billing_document_id is not null
        as is_cancelled,
    cancellations.cancelled_by_billing_document_id,
    cancellations.cancelled_at,
    billing_documents.accounting_status,
    greatest(billing_documents.loaded_batch_id, cancellations.loaded_batch_id) as loaded_batch_id
from billing_documents
left join billing_types
    on billing_documents.billing_type = billing_types.billing_type
left join cancellations
    on
        billing_documents.client_id = cancellations.client_id
        and billing_documents.billing_document_id = cancellations.cancelled_billing_document_id
