with source as (

    select * from {{ source('raw_sap', 'tvzbt') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        spras as language_code,
        zterm as payment_terms_code,
        {{ blank_as_null('vtext') }} as payment_terms_text,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
