with source as (

    select * from {{ source('raw_sap', 'afpo') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        aufnr as production_order_id,
        posnr as production_order_item_id,
        {{ blank_as_null('matnr') }} as material_id,
        {{ blank_as_null('pwerk') }} as plant_id,
        psmng as quantity,
        {{ blank_as_null('kdauf') }} as sales_document_id,
        {{ blank_as_null('kdpos') }} as sales_document_item_id,
        {{ sap_timestamp('erdat', 'erzet') }} as created_at,
        ernam as created_by,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
