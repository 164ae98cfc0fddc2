with source as (

    select * from {{ source('raw_sap', 'vbap') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        vbeln as sales_document_id,
        posnr as sales_document_item_id,
        matnr as material_id,
        {{ blank_as_null('arktx') }} as item_description,
        pstyv as item_category,
        werks as plant_id,
        kwmeng as ordered_quantity,
        {{ blank_as_null('vrkme') }} as sales_unit,
        netpr as net_price_amount,
        netwr as net_value_amount,
        {{ blank_as_null('waerk') }} as currency_code,
        {{ blank_as_null('abgru') }} as rejection_reason_code,
        {{ blank_as_null('vgbel') }} as reference_document_id,
        {{ blank_as_null('vgpos') }} as reference_item_id,
        {{ sap_timestamp('erdat', 'erzet') }} as created_at,
        ernam as created_by,
        {{ sap_date('aedat') }} as changed_date,
        {{ blank_as_null(optional_column(source('raw_sap', 'vbap'), 'gbsta')) }} as overall_status,
        {{ blank_as_null(optional_column(source('raw_sap', 'vbap'), 'lfsta')) }} as delivery_status,
        {{ blank_as_null(optional_column(source('raw_sap', 'vbap'), 'fksta')) }} as billing_status,
        {{ blank_as_null(optional_column(source('raw_sap', 'vbap'), 'absta')) }}
            as rejection_status,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
