with source as (

    select * from {{ source('raw_sap', 'mhnd') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        {{ sap_date('laufd') }} as dunning_run_date,
        laufi as dunning_run_id,
        koart as account_type,
        bukrs as company_code,
        kunnr as customer_id,
        belnr as accounting_document_id,
        gjahr as fiscal_year,
        buzei as line_item_id,
        try_cast(mahns as integer) as dunning_level,
        wrshb as dunned_amount,
        {{ blank_as_null('waers') }} as currency_code,
        {{ blank_as_null('vbeln') }} as billing_document_id,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
