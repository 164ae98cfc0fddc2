with source as (

    select * from {{ source('raw_crm', 'opportunities') }}
    where not _is_deleted

),

renamed as (

    select
        opportunity_id,
        {{ blank_as_null('account_id') }} as account_id,
        {{ blank_as_null('name') }} as opportunity_name,
        {{ blank_as_null('owner') }} as owner_user,
        {{ blank_as_null('stage') }} as stage_name,
        amount,
        {{ blank_as_null('currency') }} as currency_code,
        {{ iso_timestamp('created_at') }} as created_at,
        {{ iso_timestamp('closed_at') }} as closed_at,
        case lower(trim(is_won)) when 'true' then true when 'false' then false end as is_won,
        {{ blank_as_null('sap_order') }} as sap_sales_order_id,
        {{ iso_timestamp('modified_at') }} as modified_at,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
