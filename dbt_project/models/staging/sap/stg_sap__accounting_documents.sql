with source as (

    select * from {{ source('raw_sap', 'bkpf') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        bukrs as company_code,
        belnr as accounting_document_id,
        gjahr as fiscal_year,
        {{ blank_as_null('blart') }} as document_type,
        {{ sap_date('bldat') }} as document_date,
        {{ sap_date('budat') }} as posting_date,
        {{ sap_timestamp('cpudt', 'cputm') }} as entered_at,
        usnam as entered_by,
        {{ blank_as_null('tcode') }} as transaction_code,
        {{ blank_as_null('awtyp') }} as reference_procedure,
        {{ blank_as_null('awkey') }} as reference_key,
        {{ blank_as_null('waers') }} as currency_code,
        {{ blank_as_null('xblnr') }} as reference_document_number,
        {{ blank_as_null('stblg') }} as reversal_document_id,
        {{ sap_date('aedat') }} as changed_date,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
