with source as (

    select * from {{ source('raw_sap', 'cdhdr') }}
    where not _is_deleted

),

renamed as (

    select
        mandant as client_id,
        objectclas as object_class,
        objectid as object_id,
        changenr as change_number,
        username as changed_by,
        {{ sap_timestamp('udate', 'utime') }} as changed_at,
        {{ blank_as_null('tcode') }} as transaction_code,
        {{ blank_as_null('change_ind') }} as change_indicator,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
