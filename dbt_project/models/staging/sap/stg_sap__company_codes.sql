with source as (

    select * from {{ source('raw_sap', 't001') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        bukrs as company_code,
        {{ blank_as_null('butxt') }} as company_name,
        {{ blank_as_null('land1') }} as country_code,
        {{ blank_as_null('waers') }} as currency_code,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
