with source as (

    select * from {{ source('raw_crm', 'opportunity_stage_history') }}
    where not _is_deleted

),

renamed as (

    -- Raw CRM column names are upper case: a column kept as it is is named by an alias,
    -- so that it comes out in lower case (and its documentation reaches the catalog).
    select
        history_id as stage_change_id,
        opportunity_id as opportunity_id,  -- noqa: AL09
        {{ blank_as_null('stage') }} as stage_name,
        {{ blank_as_null('changed_by') }} as changed_by,
        {{ iso_timestamp('changed_at') }} as changed_at,
        _last_changed_batch as loaded_batch_id
    from source

)

select * from renamed
