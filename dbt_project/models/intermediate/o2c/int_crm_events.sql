-- One row per CRM pre-sales event and case: Create Opportunity, Change Opportunity Stage,
-- Create Quote, Accept Quote, Win / Lose Opportunity, copied to every item of the order
-- the opportunity led to. The first stage an opportunity reaches is its creation; the
-- closing stages (vars crm_won_stages, crm_lost_stages) are won or lost.
with order_items as (

    select * from {{ ref('int_sales_order_items') }}
    where opportunity_id is not null

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

stage_changes as (

    select
        *,
        row_number() over (
            partition by opportunity_id order by changed_at, stage_change_id
        ) as stage_number
    from {{ ref('stg_crm__opportunity_stage_changes') }}

),

quotes as (

    select * from {{ ref('stg_crm__quotes') }}

),

opportunity_events as (

    select
        opportunities.opportunity_id,
        'Create Opportunity' as activity,
        opportunities.created_at as event_at,
        coalesce(first_stage.changed_by, opportunities.owner_user) as resource,
        'OPPORTUNITIES' as source_table,
        opportunities.opportunity_id as source_key,
        greatest(opportunities.loaded_batch_id, first_stage.loaded_batch_id) as loaded_batch_id
    from opportunities
    left join stage_changes as first_stage
        on
            opportunities.opportunity_id = first_stage.opportunity_id
            and first_stage.stage_number = 1

    union all

    select
        opportunity_id,
        case
            when stage_name in {{ sql_text_list(var('crm_won_stages', ['Closed Won'])) }}
                then 'Win Opportunity'
            when stage_name in {{ sql_text_list(var('crm_lost_stages', ['Closed Lost'])) }}
                then 'Lose Opportunity'
            else 'Change Opportunity Stage'
        end as activity,
        changed_at as event_at,
        changed_by as resource,
        'OPPORTUNITY_STAGE_HISTORY' as source_table,
        stage_change_id as source_key,
        loaded_batch_id
    from stage_changes
    where stage_number > 1

    union all

    select
        opportunity_id,
        'Create Quote' as activity,
        created_at as event_at,
        created_by as resource,
        'QUOTES' as source_table,
        quote_id as source_key,
        loaded_batch_id
    from quotes

    union all

    -- CRM quotes record no acceptor: the quote's creator stands for it.
    select
        opportunity_id,
        'Accept Quote' as activity,
        accepted_at as event_at,
        created_by as resource,
        'QUOTES' as source_table,
        quote_id as source_key,
        loaded_batch_id
    from quotes
    where accepted_at is not null

),

events as (

    select
        order_items.case_id,
        order_items.sales_order_id,
        order_items.sales_order_item_id,
        opportunity_events.activity,
        opportunity_events.event_at,
        opportunity_events.resource,
        '{{ var("crm_source_system") }}' as source_system,
        opportunity_events.source_table,
        opportunity_events.source_key,
        cast(null as varchar) as delivery_id,
        cast(null as varchar) as invoice_id,
        cast(null as varchar) as accounting_document_id,
        greatest(order_items.loaded_batch_id, opportunity_events.loaded_batch_id)
            as loaded_batch_id
    from opportunity_events
    inner join order_items
        on opportunity_events.opportunity_id = order_items.opportunity_id
    where opportunity_events.event_at is not null

)

{{ select_events('events') }}
