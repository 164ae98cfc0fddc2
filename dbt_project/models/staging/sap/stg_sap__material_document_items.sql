with source as (

    select * from {{ source('raw_sap', 'mseg') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        mblnr as material_document_id,
        mjahr as material_document_year,
        zeile as material_document_item_id,
        {{ blank_as_null('bwart') }} as movement_type,
        {{ blank_as_null('matnr') }} as material_id,
        {{ blank_as_null('werks') }} as plant_id,
        menge as quantity,
        {{ blank_as_null('sobkz') }} as special_stock_indicator,
        {{ blank_as_null('kdauf') }} as sales_document_id,
        {{ blank_as_null('kdpos') }} as sales_document_item_id,
        {{ sap_date('budat_mkpf') }} as posting_date,
        {{ sap_timestamp('cpudt_mkpf', 'cputm_mkpf') }} as entered_at,
        usnam_mkpf as entered_by,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
