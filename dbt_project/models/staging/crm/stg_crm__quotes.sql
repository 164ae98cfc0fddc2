with source as (

    select * from {{ source('raw_crm', 'quotes') }}
    where not _is_deleted

),

renamed as (

    -- Raw CRM column names are upper case: a column kept as it is is named by an alias,
    -- so that it comes out in lower case (and its documentation reaches the catalog).
    select
        quote_id as quote_id,  -- noqa: AL09
        {{ blank_as_null('opportunity_id') }} as opportunity_id,
        {{ blank_as_null('status') }} as status,
        amount as amount,  -- noqa: AL09
        {{ blank_as_null('currency') }} as currency_code,
        {{ blank_as_null('created_by') }} as created_by,
        {{ iso_timestamp('created_at') }} as created_at,
        {{ iso_timestamp('accepted_at') }} as accepted_at,
        {{ blank_as_null('sap_order') }} as sap_sales_order_id,
        {{ iso_timestamp('modified_at') }} as modified_at,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
