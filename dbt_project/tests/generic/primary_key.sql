{#- The columns identify a row: every key column is filled (except those in `nullable`,
    where NULL is one value) and no two rows share a key. -#}
{% test primary_key(model, columns, nullable=[]) %}

with keys as (

    select
        {{ columns | join(', ') }},
        count(*) over (partition by {{ columns | join(', ') }}) as rows_with_key
    from {{ model }}

)

select *
from keys
where
    rows_with_key > 1
    {% for column in columns if column not in nullable %}
        or {{ column }} is null
    {% endfor %}

{% endtest %}
