with source as (

    select * from {{ source('raw_sap', 'usr02') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        bname as user_name,
        ustyp as user_type,
        {{ blank_as_null('class') }} as user_group,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
