-- One row per user name: whether the user is automated (USR02 user type B or C).
with users as (

    select * from {{ ref('stg_sap__users') }}

),

user_types as (

    select * from {{ ref('sap_user_types') }}

)

select
    users.user_name,
    bool_or(coalesce(user_types.is_automated, false)) as is_automated,
    max(users.loaded_batch_id) as loaded_batch_id
from users
left join user_types
    on users.user_type = user_types.user_type
group by users.user_name
