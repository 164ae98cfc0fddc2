with source as (

    select * from {{ source('raw_sap', 'mara') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        matnr as material_id,
        {{ blank_as_null('mtart') }} as material_type,
        {{ blank_as_null('matkl') }} as material_group,
        {{ blank_as_null('meins') }} as base_unit,
        {{ sap_date('ersda') }} as created_date,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
