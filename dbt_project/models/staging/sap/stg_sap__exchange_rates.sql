with source as (

    select * from {{ source('raw_sap', 'tcurr') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        kurst as rate_type,
        fcurr as from_currency_code,
        tcurr as to_currency_code,
        {{ sap_inverted_date('gdatu') }} as valid_from_date,
        ukurs as exchange_rate,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
