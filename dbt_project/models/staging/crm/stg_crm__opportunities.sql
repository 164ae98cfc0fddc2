with source as (

    select * from {{ source('raw_crm', 'opportunities') }}
    where not _is_deleted

),

renamed as (

    -- Raw CRM column names are upper case: a column kept as it is is named by an alias,
    -- so that it comes out in lower case (and its documentation reaches the catalog).
    select
        opportunity_id as opportunity_id,  -- noqa: AL09
        {{ blank_as_null('account_id') }} as account_id,
        {{ blank_as_null('name') }} as opportunity_name,
        {{ blank_as_null('owner') }} as owner_user,
        {{ blank_as_null('stage') }} as stage_name,
        amount as amount,  -- noqa: AL09
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
