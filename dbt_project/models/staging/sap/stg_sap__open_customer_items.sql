with source as (

    select * from {{ source('raw_sap', 'bsid') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        bukrs as company_code,
        kunnr as customer_id,
        {{ blank_as_null('umskz') }} as special_gl_indicator,
        {{ sap_date('augdt') }} as clearing_date,
        {{ blank_as_null('augbl') }} as clearing_document_id,
        {{ blank_as_null('zuonr') }} as assignment_reference,
        gjahr as fiscal_year,
        belnr as accounting_document_id,
        buzei as line_item_id,
        {{ sap_date('budat') }} as posting_date,
        {{ sap_date('bldat') }} as document_date,
        {{ sap_date('cpudt') }} as entered_date,
        {{ blank_as_null('waers') }} as currency_code,
        {{ blank_as_null('xblnr') }} as reference_document_number,
        {{ blank_as_null('blart') }} as document_type,
        {{ blank_as_null('shkzg') }} as debit_credit_indicator,
        dmbtr as amount_company_currency,
        wrbtr as amount_document_currency,
        {{ sap_date('zfbdt') }} as baseline_date,
        {{ blank_as_null('zterm') }} as payment_terms_code,
        zbd1t as cash_discount_days_1,
        zbd2t as cash_discount_days_2,
        zbd3t as net_payment_days,
        zbd1p as cash_discount_percent,
        {{ blank_as_null('vbeln') }} as billing_document_id,
        {{ blank_as_null('rebzg') }} as invoice_reference_id,
        try_cast(manst as integer) as dunning_level,
        {{ sap_date('madat') }} as last_dunned_date,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
