with source as (

    select * from {{ source('raw_sap', 'cdpos') }}
    where not _is_deleted

),

renamed as (

    select
        mandant as client_id,
        objectclas as object_class,
        objectid as object_id,
        changenr as change_number,
        tabname as table_name,
        tabkey as table_key,
        fname as field_name,
        chngind as change_indicator,
        coalesce(trim(value_new), '') as new_value,
        coalesce(trim(value_old), '') as old_value,
        {{ sap_date('udate') }} as changed_date,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
