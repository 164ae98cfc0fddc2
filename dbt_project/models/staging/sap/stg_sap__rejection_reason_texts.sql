with source as (

    select * from {{ source('raw_sap', 'tvagt') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        spras as language_code,
        abgru as rejection_reason_code,
        {{ blank_as_null('bezei') }} as rejection_reason_text,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
