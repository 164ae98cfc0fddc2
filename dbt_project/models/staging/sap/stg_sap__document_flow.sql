with source as (

    select * from {{ source('raw_sap', 'vbfa') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        vbelv as preceding_document_id,
        posnv as preceding_item_id,
        vbeln as subsequent_document_id,
        posnn as subsequent_item_id,
        vbtyp_n as subsequent_category,
        vbtyp_v as preceding_category,
        rfmng as quantity,
        {{ sap_timestamp('erdat', 'erzet') }} as created_at,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
