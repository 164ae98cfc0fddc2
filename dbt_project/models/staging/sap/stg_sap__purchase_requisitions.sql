with source as (

    select * from {{ source('raw_sap', 'eban') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        banfn as purchase_requisition_id,
        bnfpo as purchase_requisition_item_id,
        {{ blank_as_null('bsart') }} as document_type,
        {{ blank_as_null('matnr') }} as material_id,
        {{ blank_as_null('werks') }} as plant_id,
        menge as quantity,
        {{ sap_date('badat') }} as requisition_date,
        ernam as created_by,
        {{ blank_as_null('vbeln') }} as sales_document_id,
        {{ blank_as_null('vbelp') }} as sales_document_item_id,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
