with source as (

    select * from {{ source('raw_sap', 'likp') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        vbeln as delivery_id,
        {{ sap_timestamp('erdat', 'erzet') }} as created_at,
        ernam as created_by,
        {{ blank_as_null('lfart') }} as delivery_type,
        {{ blank_as_null('vstel') }} as shipping_point_id,
        {{ blank_as_null('vkorg') }} as sales_org_id,
        {{ blank_as_null('kunnr') }} as customer_id,
        {{ sap_date('lfdat') }} as delivery_date,
        {{ sap_date('wadat') }} as planned_goods_issue_date,
        {{ sap_date('wadat_ist') }} as actual_goods_issue_date,
        {{ sap_timestamp('podat', 'potim') }} as proof_of_delivery_at,
        {{ blank_as_null('lifsk') }} as delivery_block_code,
        {{ sap_date('aedat') }} as changed_date,
        {{ blank_as_null(optional_column(source('raw_sap', 'likp'), 'kostk')) }} as picking_status,
        {{ blank_as_null(optional_column(source('raw_sap', 'likp'), 'wbstk')) }}
            as goods_movement_status,
        {{ blank_as_null(optional_column(source('raw_sap', 'likp'), 'pdstk')) }}
            as proof_of_delivery_status,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
