{#- SAP's text formats, typed once in staging.
    Dates are 'YYYYMMDD' ('00000000' or blank when empty), times 'HHMMSS', both in the
    source system's local time (var source_timezone); timestamps leave staging in UTC. -#}

{% macro sap_date(column) -%}
    case
        when {{ column }} not in ('', '00000000')
            then cast(try_strptime({{ column }}, '%Y%m%d') as date)
    end
{%- endmacro %}

{% macro sap_local_timestamp(date_column, time_column) -%}
    case
        when {{ column_is_sap_date(date_column) }}
            then try_strptime(
                {{ date_column }} || coalesce(nullif(trim({{ time_column }}), ''), '000000'),
                '%Y%m%d%H%M%S'
            )
    end
{%- endmacro %}

{% macro column_is_sap_date(column) -%}
    ({{ column }} is not null and {{ column }} not in ('', '00000000'))
{%- endmacro %}

{#- SAP date + time (local) -> UTC timestamp. -#}
{% macro sap_timestamp(date_column, time_column) -%}
    {{ local_to_utc(sap_local_timestamp(date_column, time_column)) }}
{%- endmacro %}

{#- A local date at midnight -> UTC timestamp (date-only milestones). -#}
{% macro local_midnight_to_utc(date_expression) -%}
    {{ local_to_utc('cast(' ~ date_expression ~ ' as timestamp)') }}
{%- endmacro %}

{#- A local wall-clock timestamp (no zone) of the source system -> UTC timestamp (no zone).
    Wall times that happen twice (the hour repeated when summer time ends) are taken at
    their first, summer-time occurrence; wall times that never happen (the hour skipped
    when summer time starts) move forward to the end of the gap. This is the convention of
    pandas' tz_localize(ambiguous=True, nonexistent='shift_forward'); DuckDB's own
    AT TIME ZONE takes the second occurrence and the old offset instead. -#}
{% macro local_to_utc(local_timestamp, tz=none) -%}
    {%- set zone = tz or var('source_timezone') -%}
    {%- set instant = "timezone('" ~ zone ~ "', " ~ local_timestamp ~ ")" -%}
    timezone(
        'UTC',
        case
            when timezone('{{ zone }}', {{ instant }} - interval 1 hour) = {{ local_timestamp }}
                then {{ instant }} - interval 1 hour
            when timezone('{{ zone }}', {{ instant }}) <> {{ local_timestamp }}
                then timezone(
                    '{{ zone }}', date_trunc('hour', {{ local_timestamp }}) + interval 1 hour
                )
            else {{ instant }}
        end
    )
{%- endmacro %}

{#- ISO-8601 text with an offset (CRM) -> UTC timestamp (no zone). -#}
{% macro iso_timestamp(column) -%}
    timezone('UTC', try_cast(nullif(trim({{ column }}), '') as timestamptz))
{%- endmacro %}

{#- Text with blanks as NULL (SAP writes initial values as blanks). -#}
{% macro blank_as_null(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{#- SAP's inverted date (99999999 - YYYYMMDD, as in TCURR.GDATU) -> date. -#}
{% macro sap_inverted_date(column) -%}
    cast(try_strptime(cast(99999999 - try_cast({{ column }} as integer) as varchar), '%Y%m%d') as date)
{%- endmacro %}
