{#- The columns identify a row: every key column is filled and no two rows share a key. -#}
{% test primary_key(model, columns) %}

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
    {% for column in columns %}
        or {{ column }} is null
    {% endfor %}

{% endtest %}
