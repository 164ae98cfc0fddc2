with source as (

    select * from {{ source('raw_sap', 'bseg') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        bukrs as company_code,
        belnr as accounting_document_id,
        gjahr as fiscal_year,
        buzei as line_item_id,
        {{ blank_as_null('koart') }} as account_type,
        {{ blank_as_null('kunnr') }} as customer_id,
        {{ blank_as_null('umskz') }} as special_gl_indicator,
        {{ blank_as_null('shkzg') }} as debit_credit_indicator,
        dmbtr as amount_company_currency,
        wrbtr as amount_document_currency,
        {{ sap_date('zfbdt') }} as baseline_date,
        {{ blank_as_null('zterm') }} as payment_terms_code,
        zbd1t as cash_discount_days_1,
        zbd2t as cash_discount_days_2,
        zbd3t as net_payment_days,
        zbd1p as cash_discount_percent,
        sknto as cash_discount_amount,
        {{ sap_date('augdt') }} as clearing_date,
        {{ sap_date('augcp') }} as clearing_entry_date,
        {{ blank_as_null('augbl') }} as clearing_document_id,
        {{ blank_as_null('vbeln') }} as billing_document_id,
        {{ blank_as_null('rebzg') }} as invoice_reference_id,
        {{ blank_as_null('zuonr') }} as assignment_reference,
        try_cast(manst as integer) as dunning_level,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
