with source as (

    select * from {{ source('raw_sap', 'vbak') }}
    where not _is_deleted

),

renamed as (

    select
        mandt as client_id,
        vbeln as sales_document_id,
        {{ sap_timestamp('erdat', 'erzet') }} as created_at,
        ernam as created_by,
        {{ sap_date('audat') }} as document_date,
        vbtyp as sales_document_category,
        auart as order_type,
        vkorg as sales_org_id,
        {{ blank_as_null('vtweg') }} as distribution_channel_id,
        {{ blank_as_null('spart') }} as division_id,
        {{ blank_as_null('vkbur') }} as sales_office_id,
        kunnr as customer_id,
        bukrs_vf as company_code,
        netwr as net_value_amount,
        waerk as currency_code,
        {{ sap_date('vdatu') }} as requested_delivery_date,
        {{ blank_as_null('bstnk') }} as customer_reference,
        {{ blank_as_null('lifsk') }} as delivery_block_code,
        {{ blank_as_null('faksk') }} as billing_block_code,
        {{ blank_as_null('vgbel') }} as reference_document_id,
        {{ sap_date('aedat') }} as changed_date,
        {{ blank_as_null(optional_column(source('raw_sap', 'vbak'), 'gbstk')) }} as overall_status,
        {{ blank_as_null(optional_column(source('raw_sap', 'vbak'), 'cmgst')) }} as credit_status,
        {{ blank_as_null(optional_column(source('raw_sap', 'vbak'), 'lfstk')) }} as delivery_status,
        {{ blank_as_null(optional_column(source('raw_sap', 'vbak'), 'fkstk')) }} as billing_status,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
