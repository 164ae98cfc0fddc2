with source as (

    select * from {{ source('raw_sap', 'vbrp') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        vbeln as billing_document_id,
        posnr as billing_item_id,
        fkimg as billed_quantity,
        {{ blank_as_null('vrkme') }} as sales_unit,
        netwr as net_value_amount,
        {{ blank_as_null('matnr') }} as material_id,
        aubel as sales_document_id,
        aupos as sales_document_item_id,
        {{ blank_as_null('vgbel') }} as reference_document_id,
        {{ blank_as_null('vgpos') }} as reference_item_id,
        {{ sap_timestamp('erdat', 'erzet') }} as created_at,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
