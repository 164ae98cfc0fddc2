with source as (

    select * from {{ source('raw_sap', 'fpla') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        fplnr as billing_plan_id,
        {{ blank_as_null('fpart') }} as billing_plan_type,
        vbeln as sales_document_id,
        {{ sap_date('bedat') }} as start_date,
        {{ sap_date('endat') }} as end_date,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
