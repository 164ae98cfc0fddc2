with source as (

    select * from {{ source('raw_sap', 'vbkd') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        vbeln as sales_document_id,
        posnr as sales_document_item_id,
        {{ blank_as_null('zterm') }} as payment_terms_code,
        {{ sap_date('prsdt') }} as pricing_date,
        {{ blank_as_null('bstkd') }} as customer_po_id,
        {{ blank_as_null('inco1') }} as incoterms,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
