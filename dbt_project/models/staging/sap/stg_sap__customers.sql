with source as (

    select * from {{ source('raw_sap', 'kna1') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        kunnr as customer_id,
        {{ blank_as_null('name1') }} as customer_name,
        {{ blank_as_null('land1') }} as country_code,
        {{ blank_as_null('ort01') }} as city,
        {{ blank_as_null('telf1') }} as phone,
        {{ blank_as_null('smtp_addr') }} as email,
        {{ blank_as_null('zterm') }} as payment_terms_code,
        {{ blank_as_null('ktokd') }} as account_group,
        {{ sap_date('erdat') }} as created_date,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
