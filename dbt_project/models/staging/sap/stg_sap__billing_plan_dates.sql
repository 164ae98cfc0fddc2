with source as (

    select * from {{ source('raw_sap', 'fplt') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        fplnr as billing_plan_id,
        fpltr as billing_plan_item_id,
        {{ sap_date('afdat') }} as settlement_date,
        {{ sap_date('fkdat') }} as billing_date,
        fakwr as billing_value_amount,
        {{ blank_as_null('fksaf') }} as billing_status,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
