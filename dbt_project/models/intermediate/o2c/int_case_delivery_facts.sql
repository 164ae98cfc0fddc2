-- One row per sales order item (case): its requested and confirmed goods-issue dates
-- (schedule lines), the goods issues that delivered it and the delivery KPIs of DESIGN.md
-- section 6. On time: the goods issue that completed the ordered quantity happened on or
-- before the date (local dates); in full: the quantity goods-issued by that date reaches
-- the ordered quantity; OTIF: both, for the item. The flags are null for services,
-- subscriptions and rejected items, and while an item is neither complete nor past the
-- date (as of the run).
with order_items as (

    select * from {{ ref('int_sales_order_items') }}

),

run_context as (

    select * from {{ ref('int_run_context') }}

),

-- Requested: the first schedule line (its goods-issue date SAP derives from the requested
-- delivery date); confirmed: the first schedule line with a confirmed quantity.
schedule_dates as (

    select
        client_id,
        sales_document_id,
        sales_document_item_id,
        arg_min(goods_issue_date, schedule_line_id) as requested_goods_issue_date,
        arg_min(delivery_date, schedule_line_id) as requested_delivery_date,
        arg_min(goods_issue_date, schedule_line_id) filter (where confirmed_quantity > 0)
            as confirmed_goods_issue_date,
        max(loaded_batch_id) as loaded_batch_id
    from {{ ref('stg_sap__schedule_lines') }}
    group by client_id, sales_document_id, sales_document_item_id

),

goods_issues as (

    select
        case_id,
        delivery_id,
        goods_issue_at,
        cast({{ utc_to_local('goods_issue_at') }} as date) as goods_issue_date,
        goods_issued_quantity,
        proof_of_delivery_at,
        sum(goods_issued_quantity) over (
            partition by case_id
            order by goods_issue_at, delivery_id, delivery_item_id
            rows between unbounded preceding and current row
        ) as cumulative_quantity,
        loaded_batch_id
    from {{ ref('int_delivery_items') }}
    where case_id is not null and goods_issue_at is not null

),

per_case as (

    select
        goods_issues.case_id,
        sum(goods_issues.goods_issued_quantity) as goods_issued_quantity,
        min(goods_issues.goods_issue_at) as first_goods_issue_at,
        max(goods_issues.goods_issue_at) as last_goods_issue_at,
        min(goods_issues.goods_issue_at) filter (
            where goods_issues.cumulative_quantity >= order_items.ordered_quantity
        ) as delivery_completed_at,
        sum(goods_issues.goods_issued_quantity) filter (
            where goods_issues.goods_issue_date <= schedule_dates.requested_goods_issue_date
        ) as quantity_by_requested_date,
        sum(goods_issues.goods_issued_quantity) filter (
            where goods_issues.goods_issue_date <= schedule_dates.confirmed_goods_issue_date
        ) as quantity_by_confirmed_date,
        -- Proof of delivery: when every delivery of the item has one, the last of them.
        case
            when bool_and(goods_issues.proof_of_delivery_at is not null)
                then max(goods_issues.proof_of_delivery_at)
        end as proof_of_delivery_at,
        max(goods_issues.loaded_batch_id) as loaded_batch_id
    from goods_issues
    inner join order_items
        on goods_issues.case_id = order_items.case_id
    left join schedule_dates
        on
            order_items.client_id = schedule_dates.client_id
            and order_items.sales_order_id = schedule_dates.sales_document_id
            and order_items.sales_order_item_id = schedule_dates.sales_document_item_id
    group by goods_issues.case_id

),

facts as (

    select
        order_items.case_id,
        order_items.fulfilment_model in ('make_to_stock', 'make_to_order')
        and not order_items.is_rejected as is_delivery_measured,
        order_items.ordered_quantity,
        schedule_dates.requested_goods_issue_date,
        schedule_dates.requested_delivery_date,
        schedule_dates.confirmed_goods_issue_date,
        coalesce(per_case.goods_issued_quantity, 0) as goods_issued_quantity,
        per_case.first_goods_issue_at,
        per_case.last_goods_issue_at,
        per_case.delivery_completed_at,
        cast({{ utc_to_local('per_case.delivery_completed_at') }} as date)
            as delivery_completed_date,
        coalesce(per_case.quantity_by_requested_date, 0) as quantity_by_requested_date,
        coalesce(per_case.quantity_by_confirmed_date, 0) as quantity_by_confirmed_date,
        per_case.proof_of_delivery_at,
        run_context.as_of_local_date,
        greatest(
            order_items.loaded_batch_id, schedule_dates.loaded_batch_id, per_case.loaded_batch_id
        ) as loaded_batch_id
    from order_items
    cross join run_context
    left join schedule_dates
        on
            order_items.client_id = schedule_dates.client_id
            and order_items.sales_order_id = schedule_dates.sales_document_id
            and order_items.sales_order_item_id = schedule_dates.sales_document_item_id
    left join per_case
        on order_items.case_id = per_case.case_id

),

-- Known: the item is complete, or the as-of date is past the date.
judged as (

    select
        *,
        is_delivery_measured
        and (delivery_completed_date is not null or as_of_local_date > requested_goods_issue_date)
            as is_requested_known,
        is_delivery_measured
        and (delivery_completed_date is not null or as_of_local_date > confirmed_goods_issue_date)
            as is_confirmed_known
    from facts

)

select
    case_id,
    is_delivery_measured,
    requested_goods_issue_date,
    requested_delivery_date,
    confirmed_goods_issue_date,
    goods_issued_quantity,
    first_goods_issue_at,
    last_goods_issue_at,
    delivery_completed_at,
    delivery_completed_date,
    case
        when is_requested_known
            then coalesce(delivery_completed_date <= requested_goods_issue_date, false)
    end as is_on_time_requested,
    case
        when is_requested_known then quantity_by_requested_date >= ordered_quantity
    end as is_in_full_requested,
    case
        when is_requested_known
            then
                coalesce(delivery_completed_date <= requested_goods_issue_date, false)
                and quantity_by_requested_date >= ordered_quantity
    end as is_otif_requested,
    case
        when is_confirmed_known
            then coalesce(delivery_completed_date <= confirmed_goods_issue_date, false)
    end as is_on_time_confirmed,
    case
        when is_confirmed_known then quantity_by_confirmed_date >= ordered_quantity
    end as is_in_full_confirmed,
    case
        when is_confirmed_known
            then
                coalesce(delivery_completed_date <= confirmed_goods_issue_date, false)
                and quantity_by_confirmed_date >= ordered_quantity
    end as is_otif_confirmed,
    proof_of_delivery_at,
    case
        when proof_of_delivery_at is not null
            then cast({{ utc_to_local('proof_of_delivery_at') }} as date) <= requested_delivery_date
    end as is_proof_of_delivery_on_time,
    loaded_batch_id
from judged
