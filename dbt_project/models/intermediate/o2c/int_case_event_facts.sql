-- One row per sales order item (case) with events: facts read from its events for the
-- case KPIs: rejection, event counts, manual and automated events (touchless), rework
-- changes by type, repeated process activities, the variant, and block episodes.
with activities as (

    select * from {{ ref('o2c_activities') }}

),

-- Manual: a user's own action (a user who is not automated); events without a user
-- (proof of delivery, due date passed) are nobody's action. Touchless cases have no
-- manual event after creation (CRM pre-sales events and the order's creation aside).
events as (

    select
        events.*,
        activities.family as activity_family,
        activities.block_action,
        nullif(activities.change_type, '') as change_type,
        nullif(activities.block_type, '') as block_type,
        events.resource is not null and not events.is_automated as is_manual,
        events.resource is not null
        and not events.is_automated
        and activities.family <> 'crm'
        and events.activity not in ('Create Sales Order', 'Create Sales Order Item')
            as is_manual_after_creation
    from {{ ref('int_o2c_events') }} as events
    left join activities
        on events.activity = activities.activity

),

rejections as (

    select
        case_id,
        max(event_at) as rejected_at,
        arg_max(activity = 'Cancel Sales Order', event_at) as is_order_cancelled
    from events
    where activity in ('Reject Sales Order Item', 'Cancel Sales Order')
    group by case_id

),

event_facts as (

    select
        case_id,
        count(*) as event_count,
        count(*) filter (where is_automated) as automated_event_count,
        count(*) filter (where is_manual) as manual_event_count,
        count(*) filter (where is_manual_after_creation) as manual_events_after_creation,
        count(*) filter (where change_type is not null) as change_count,
        bool_or(change_type = 'price') as has_price_change,
        bool_or(change_type = 'quantity') as has_quantity_change,
        bool_or(change_type = 'date') as has_date_change,
        bool_or(change_type = 'payment_terms') as has_payment_terms_change,
        min(event_at) filter (where activity = 'Create Delivery') as first_delivery_at,
        min(event_at) filter (where activity = 'Confirm Service') as service_confirmed_at,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at
    from events
    group by case_id

),

process_events as (

    select * from events
    where activity_kind = 'process'

),

-- The variant: the case's process activities in order (as conformance reads them).
variants as (

    select
        case_id,
        string_agg(activity, ' -> ' order by event_at, activity_sort_order, activity) as variant,
        count(*) as process_event_count
    from process_events
    group by case_id

),

repeats as (

    select
        case_id,
        max(times) > 1 as has_repeated_process_activity
    from (
        select
            case_id,
            activity,
            count(*) as times
        from process_events
        group by case_id, activity
    ) as per_activity
    group by case_id

),

-- Block episodes: a Set ... Block and the release that follows it (unreleased: no
-- release follows yet).
block_steps as (

    select
        case_id,
        block_type,
        block_action,
        event_at,
        lead(block_action) over episode as next_action,
        lead(event_at) over episode as next_at
    from events
    where block_type is not null
    window episode as (
        partition by case_id, block_type order by event_at, activity_sort_order
    )

),

block_episodes as (

    select
        case_id,
        block_type,
        coalesce(next_action = 'release', false) as is_released,
        case
            when next_action = 'release' then {{ days_between('event_at', 'next_at') }}
        end as block_days
    from block_steps
    where block_action = 'set'

),

block_facts as (

    select
        case_id,
        {% for block in ['credit', 'delivery', 'billing'] %}
            bool_or(block_type = '{{ block }}') as has_{{ block }}_block,
            sum(block_days) filter (where block_type = '{{ block }}') as {{ block }}_block_days,
            bool_or(block_type = '{{ block }}' and not is_released)
                as has_unreleased_{{ block }}_block{% if not loop.last %},{% endif %}
        {% endfor %}
    from block_episodes
    group by case_id

)

select
    event_facts.case_id,
    rejections.rejected_at,
    coalesce(rejections.is_order_cancelled, false) as is_order_cancelled_rejection,
    event_facts.event_count,
    event_facts.automated_event_count,
    event_facts.manual_event_count,
    event_facts.manual_events_after_creation = 0 as is_touchless,
    event_facts.change_count,
    coalesce(event_facts.has_price_change, false) as has_price_change,
    coalesce(event_facts.has_quantity_change, false) as has_quantity_change,
    coalesce(event_facts.has_date_change, false) as has_date_change,
    coalesce(event_facts.has_payment_terms_change, false) as has_payment_terms_change,
    event_facts.first_delivery_at,
    event_facts.service_confirmed_at,
    event_facts.first_event_at,
    event_facts.last_event_at,
    coalesce(repeats.has_repeated_process_activity, false) as has_repeated_process_activity,
    variants.variant,
    coalesce(variants.process_event_count, 0) as process_event_count,
    {% for block in ['credit', 'delivery', 'billing'] %}
        coalesce(block_facts.has_{{ block }}_block, false) as has_{{ block }}_block,
        block_facts.{{ block }}_block_days,
        coalesce(block_facts.has_unreleased_{{ block }}_block, false)
            as has_unreleased_{{ block }}_block{% if not loop.last %},{% endif %}
    {% endfor %}
from event_facts
left join rejections
    on event_facts.case_id = rejections.case_id
left join variants
    on event_facts.case_id = variants.case_id
left join repeats
    on event_facts.case_id = repeats.case_id
left join block_facts
    on event_facts.case_id = block_facts.case_id
