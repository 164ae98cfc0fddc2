with source as (

    select * from {{ source('raw_sap', 'lips') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        vbeln as delivery_id,
        posnr as delivery_item_id,
        {{ blank_as_null('matnr') }} as material_id,
        {{ blank_as_null('werks') }} as plant_id,
        lfimg as delivery_quantity,
        {{ blank_as_null('vrkme') }} as sales_unit,
        vgbel as sales_document_id,
        vgpos as sales_document_item_id,
        {{ blank_as_null('pstyv') }} as item_category,
        {{ sap_timestamp('erdat', 'erzet') }} as created_at,
        {{ sap_date('aedat') }} as changed_date,
        {{ blank_as_null(optional_column(source('raw_sap', 'lips'), 'kosta')) }} as picking_status,
        {{ blank_as_null(optional_column(source('raw_sap', 'lips'), 'wbsta')) }}
            as goods_movement_status,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
