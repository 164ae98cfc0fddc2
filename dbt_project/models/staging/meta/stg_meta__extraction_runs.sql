{#- Empty when the raw tables were loaded by something other than the extractors. -#}
{% if relation_exists(source('meta', 'runs')) %}

    with source as (

        select * from {{ source('meta', 'runs') }}

    ),

    renamed as (

        select
            batch_id,
            run_id,
            status,
            as_of_given as is_as_of_given,
            flavour as sap_flavour,
            source_timezone,
            timezone('UTC', as_of) as as_of_at,
            timezone('UTC', started_at) as started_at,
            timezone('UTC', finished_at) as finished_at
        from source

    )

    select * from renamed

{% else %}

    select
        cast(null as bigint) as batch_id,
        cast(null as varchar) as run_id,
        cast(null as varchar) as status,
        cast(null as boolean) as is_as_of_given,
        cast(null as varchar) as sap_flavour,
        cast(null as varchar) as source_timezone,
        cast(null as timestamp) as as_of_at,
        cast(null as timestamp) as started_at,
        cast(null as timestamp) as finished_at
    where false

{% endif %}
