with source as (

    select * from {{ source('raw_sap', 'tvakt') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        spras as language_code,
        auart as order_type,
        {{ blank_as_null('bezei') }} as order_type_text,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
