with source as (

    select * from {{ source('raw_sap', 'vbrk') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        vbeln as billing_document_id,
        fkart as billing_type,
        vbtyp as billing_category,
        {{ sap_date('fkdat') }} as billing_date,
        {{ sap_timestamp('erdat', 'erzet') }} as created_at,
        ernam as created_by,
        {{ blank_as_null('kunrg') }} as payer_id,
        {{ blank_as_null('bukrs') }} as company_code,
        {{ blank_as_null('vkorg') }} as sales_org_id,
        netwr as net_value_amount,
        {{ blank_as_null('waerk') }} as currency_code,
        kurrf as exchange_rate,
        {{ blank_as_null('zterm') }} as payment_terms_code,
        {{ blank_as_null('sfakn') }} as cancelled_billing_document_id,
        coalesce(trim(fksto) = 'X', false) as is_cancelled,
        {{ blank_as_null('rfbsk') }} as accounting_status,
        {{ sap_date('aedat') }} as changed_date,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
