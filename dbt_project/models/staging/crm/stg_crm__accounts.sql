with source as (

    select * from {{ source('raw_crm', 'accounts') }}
    where not _is_deleted

),

renamed as (

    -- Raw CRM column names are upper case: a column kept as it is is named by an alias,
    -- so that it comes out in lower case (and its documentation reaches the catalog).
    select
        account_id as account_id,  -- noqa: AL09
        {{ blank_as_null('name') }} as account_name,
        {{ blank_as_null('sap_customer') }} as sap_customer_id,
        {{ blank_as_null('country') }} as country_code,
        {{ blank_as_null('email') }} as email,
        {{ blank_as_null('owner') }} as owner_user,
        {{ iso_timestamp('created_at') }} as created_at,
        {{ iso_timestamp('modified_at') }} as modified_at,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
