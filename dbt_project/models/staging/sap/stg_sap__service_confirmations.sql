with source as (

    select * from {{ source('raw_sap', 'zsd_srvconf') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        confnr as service_confirmation_id,
        vbeln as sales_document_id,
        posnr as sales_document_item_id,
        menge as confirmed_quantity,
        {{ blank_as_null('meins') }} as unit,
        {{ sap_timestamp('erdat', 'erzet') }} as created_at,
        ernam as created_by,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
