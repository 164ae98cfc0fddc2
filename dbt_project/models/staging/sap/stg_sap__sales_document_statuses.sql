{#- ECC keeps statuses in this table; S/4HANA has none: then the model is empty. -#}
{% if sap_flavour() == 'ecc' %}

    with source as (

        select * from {{ source('raw_sap', 'vbuk') }}
        where not _is_deleted

    ),

    renamed as (

        select
            mandt as client_id,
            vbeln as document_id,
            {{ blank_as_null('gbstk') }} as overall_status,
            {{ blank_as_null('cmgst') }} as credit_status,
            {{ blank_as_null('lfstk') }} as delivery_status,
            {{ blank_as_null('fkstk') }} as billing_status,
            {{ blank_as_null('kostk') }} as picking_status,
            {{ blank_as_null('wbstk') }} as goods_movement_status,
            _last_changed_batch as loaded_batch_id
        from source

    )

    select * from renamed

{% else %}

    select
        cast(null as varchar) as client_id,
        cast(null as varchar) as document_id,
        cast(null as varchar) as overall_status,
        cast(null as varchar) as credit_status,
        cast(null as varchar) as delivery_status,
        cast(null as varchar) as billing_status,
        cast(null as varchar) as picking_status,
        cast(null as varchar) as goods_movement_status,
        cast(null as bigint) as loaded_batch_id
    where false

{% endif %}
