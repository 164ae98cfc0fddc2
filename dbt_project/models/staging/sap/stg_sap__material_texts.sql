with source as (

    select * from {{ source('raw_sap', 'makt') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        matnr as material_id,
        spras as language_code,
        {{ blank_as_null('maktx') }} as material_description,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
