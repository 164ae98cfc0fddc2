with source as (

    select * from {{ source('raw_sap', 'mhnk') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        {{ sap_date('laufd') }} as dunning_run_date,
        laufi as dunning_run_id,
        koart as account_type,
        bukrs as company_code,
        kunnr as customer_id,
        try_cast(mahns as integer) as dunning_level,
        {{ sap_date('ausdt') }} as issue_date,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
