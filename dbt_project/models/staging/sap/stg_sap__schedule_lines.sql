with source as (

    select * from {{ source('raw_sap', 'vbep') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        vbeln as sales_document_id,
        posnr as sales_document_item_id,
        etenr as schedule_line_id,
        {{ blank_as_null('ettyp') }} as schedule_line_category,
        {{ sap_date('edatu') }} as delivery_date,
        {{ sap_date('wadat') }} as goods_issue_date,
        wmeng as ordered_quantity,
        bmeng as confirmed_quantity,
        {{ blank_as_null('vrkme') }} as sales_unit,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
