-- One row per sales order item (case): attributes for slicing, open/closed status,
-- milestone and throughput times, delivery (OTIF), change, block, rework and automation
-- flags, exceptions and the variant: the per-case facts behind every KPI of DESIGN.md
-- section 6, so that each KPI drills through to its cases here. The facts come from
-- int_case_delivery_facts, int_case_billing_facts and int_case_event_facts.
{%- set throughput_times = [
    ('order_to_cash', 'created_at', 'paid_at'),
    ('order_to_goods_issue', 'created_at', 'delivery_completed_at'),
    ('goods_issue_to_invoice', 'delivery_completed_at', 'invoiced_at'),
    ('invoice_to_payment', 'invoiced_at', 'paid_at'),
] %}
with order_items as (

    select * from {{ ref('int_sales_order_items') }}

),

delivery_facts as (

    select * from {{ ref('int_case_delivery_facts') }}

),

billing_facts as (

    select * from {{ ref('int_case_billing_facts') }}

),

event_facts as (

    select * from {{ ref('int_case_event_facts') }}

),

run_context as (

    select * from {{ ref('int_run_context') }}

),

company_codes as (

    select * from {{ ref('stg_sap__company_codes') }}

),

customers as (

    select * from {{ ref('stg_sap__customers') }}

),

material_texts as (

    select * from {{ ref('stg_sap__material_texts') }}
    where language_code = '{{ var("text_language") }}'

),

order_type_texts as (

    select * from {{ ref('stg_sap__order_type_texts') }}
    where language_code = '{{ var("text_language") }}'

),

rejection_reason_texts as (

    select * from {{ ref('stg_sap__rejection_reason_texts') }}
    where language_code = '{{ var("text_language") }}'

),

payment_terms_texts as (

    select * from {{ ref('stg_sap__payment_terms_texts') }}
    where language_code = '{{ var("text_language") }}'

),

joined as (

    select  -- noqa: ST06
        order_items.*,
        company_codes.currency_code as company_currency_code,
        company_codes.country_code as calendar_id,
        customers.customer_name,
        customers.payment_terms_code as customer_payment_terms_code,
        material_texts.material_description,
        order_type_texts.order_type_text,
        rejection_reason_texts.rejection_reason_text,
        payment_terms_texts.payment_terms_text,
        cast(date_trunc('month', {{ utc_to_local('order_items.created_at') }}) as date)
            as created_month,
        case when order_items.is_rejected then event_facts.rejected_at end as rejected_at,
        order_items.is_rejected and coalesce(event_facts.is_order_cancelled_rejection, false)
            as is_order_cancelled,
        -- EXCLUDE takes bare column names:
        delivery_facts.* exclude (case_id, loaded_batch_id),  -- noqa: RF02
        billing_facts.* exclude (case_id, loaded_batch_id),  -- noqa: RF02
        event_facts.* exclude (case_id, rejected_at, is_order_cancelled_rejection),  -- noqa: RF02
        run_context.as_of_at
    from order_items
    cross join run_context
    left join delivery_facts
        on order_items.case_id = delivery_facts.case_id
    left join billing_facts
        on order_items.case_id = billing_facts.case_id
    left join event_facts
        on order_items.case_id = event_facts.case_id
    left join company_codes
        on
            order_items.client_id = company_codes.client_id
            and order_items.company_code = company_codes.company_code
    left join customers
        on
            order_items.client_id = customers.client_id
            and order_items.customer_id = customers.customer_id
    left join material_texts
        on
            order_items.client_id = material_texts.client_id
            and order_items.material_id = material_texts.material_id
    left join order_type_texts
        on
            order_items.client_id = order_type_texts.client_id
            and order_items.order_type = order_type_texts.order_type
    left join rejection_reason_texts
        on
            order_items.client_id = rejection_reason_texts.client_id
            and order_items.rejection_reason_code = rejection_reason_texts.rejection_reason_code
    left join payment_terms_texts
        on
            order_items.client_id = payment_terms_texts.client_id
            and order_items.payment_terms_code = payment_terms_texts.payment_terms_code

),

-- Closed: rejected (at the rejection), or fully invoiced with every invoice paid (at the
-- last payment). Milestones: the goods issue that completed the item, its last invoice
-- once fully invoiced, its last payment once closed by payment.
milestones as (

    select
        *,
        is_rejected or (is_fully_invoiced and are_all_invoices_paid) as is_closed,
        case
            when is_rejected then rejected_at
            when is_fully_invoiced and are_all_invoices_paid then last_payment_at
        end as closed_at,
        case when is_fully_invoiced then last_invoice_at end as invoiced_at,
        case
            when not is_rejected and is_fully_invoiced and are_all_invoices_paid
                then last_payment_at
        end as paid_at
    from joined

),

-- What an open case waits for (null once closed).
staged as (

    select
        *,
        case
            when is_closed then null
            when has_unreleased_credit_block then 'credit_block'
            when has_unreleased_delivery_block and delivery_completed_at is null
                then 'delivery_block'
            when
                fulfilment_model in ('make_to_stock', 'make_to_order')
                and first_delivery_at is null
                then 'awaiting_delivery'
            when
                fulfilment_model in ('make_to_stock', 'make_to_order')
                and delivery_completed_at is null
                then 'awaiting_goods_issue'
            when fulfilment_model = 'service' and service_confirmed_at is null
                then 'awaiting_service_confirmation'
            when not is_fully_invoiced then 'awaiting_invoice'
            else 'awaiting_payment'
        end as open_stage
    from milestones

),

-- Amounts in company and reporting currency, throughput in working days (calendar of the
-- company code's country: var working_weekdays, seed calendar_holidays).
measured as (

    select
        staged.*,
        {{ convert_currency(
            'staged.net_value_amount', 'staged.currency_code', 'staged.company_currency_code',
            'cast(' ~ utc_to_local('staged.created_at') ~ ' as date)'
        ) }} as net_value_company_currency,
        {{ convert_currency(
            'staged.net_value_amount', 'staged.currency_code',
            "'" ~ var('reporting_currency') ~ "'",
            'cast(' ~ utc_to_local('staged.created_at') ~ ' as date)'
        ) }} as net_value_reporting_currency,
        {% for name, start_at, end_at in throughput_times %}
            {{ working_days_between(
                'staged.calendar_id', 'staged.' ~ start_at, 'staged.' ~ end_at
            ) }} as {{ name }}_working_days{% if not loop.last %},{% endif %}
        {% endfor %}
    from staged

)

select  -- noqa: ST06
    case_id,
    sales_order_id,
    sales_order_item_id,
    fulfilment_model,
    payment_timing,
    channel,
    customer_id,
    customer_name,
    material_id,
    material_description,
    plant_id,
    sales_org_id,
    company_code,
    order_type,
    order_type_text,
    item_category,
    opportunity_id,
    payment_terms_code,
    payment_terms_text,
    customer_payment_terms_code,
    coalesce(payment_terms_code <> customer_payment_terms_code, false)
        as has_payment_terms_differing_from_customer,
    created_at,
    created_month,
    ordered_quantity,
    net_value_amount,
    currency_code,
    cast(net_value_company_currency as decimal(18, 2)) as net_value_company_currency,
    company_currency_code,
    cast(net_value_reporting_currency as decimal(18, 2)) as net_value_reporting_currency,
    '{{ var("reporting_currency") }}' as reporting_currency_code,
    is_rejected,
    case when is_rejected then rejection_reason_code end as rejection_reason_code,
    case when is_rejected then rejection_reason_text end as rejection_reason_text,
    is_order_cancelled,
    rejected_at,
    is_closed,
    closed_at,
    cast(date_trunc('month', {{ utc_to_local('closed_at') }}) as date) as closed_month,
    open_stage,
    -- Milestones.
    first_delivery_at,
    first_goods_issue_at,
    delivery_completed_at,
    service_confirmed_at,
    proof_of_delivery_at,
    first_invoice_at,
    invoiced_at,
    paid_at,
    -- Throughput, calendar days (fractional) and working days.
    {% for name, start_at, end_at in throughput_times %}
        {{ days_between(start_at, end_at) }} as {{ name }}_days,
        cast({{ name }}_working_days as integer) as {{ name }}_working_days,
    {% endfor %}
    -- Delivery.
    is_delivery_measured,
    requested_goods_issue_date,
    confirmed_goods_issue_date,
    requested_delivery_date,
    cast(goods_issued_quantity as decimal(18, 3)) as goods_issued_quantity,
    delivery_completed_date,
    is_on_time_requested,
    is_in_full_requested,
    is_otif_requested,
    is_on_time_confirmed,
    is_in_full_confirmed,
    is_otif_confirmed,
    is_proof_of_delivery_on_time,
    -- Billing and exceptions.
    cast(invoice_count as integer) as invoice_count,
    cast(billed_quantity as decimal(18, 3)) as billed_quantity,
    is_fully_invoiced,
    cast(cancelled_invoice_count as integer) as cancelled_invoice_count,
    cast(credit_memo_count as integer) as credit_memo_count,
    cast(return_order_count as integer) as return_order_count,
    down_payment_request_count > 0 as has_down_payment_request,
    unreleased_invoice_count > 0 as has_unreleased_invoice,
    cast(dunning_level as integer) as dunning_level,
    has_credit_block,
    credit_block_days,
    has_unreleased_credit_block,
    has_delivery_block,
    delivery_block_days,
    has_unreleased_delivery_block,
    has_billing_block,
    billing_block_days,
    has_unreleased_billing_block,
    -- Perfect order: OTIF (requested date) and no return, credit memo or cancelled invoice.
    case
        when is_otif_requested is not null
            then
                is_otif_requested
                and return_order_count = 0
                and credit_memo_count = 0
                and cancelled_invoice_count = 0
    end as is_perfect_order,
    -- Changes, rework and automation.
    cast(coalesce(change_count, 0) as integer) as change_count,
    has_price_change,
    has_quantity_change,
    has_date_change,
    has_payment_terms_change,
    has_repeated_process_activity,
    not coalesce(has_repeated_process_activity, false) and coalesce(change_count, 0) = 0
        as is_first_time_right,
    cast(coalesce(event_count, 0) as integer) as event_count,
    cast(coalesce(automated_event_count, 0) as integer) as automated_event_count,
    cast(coalesce(manual_event_count, 0) as integer) as manual_event_count,
    coalesce(is_touchless, true) as is_touchless,
    variant,
    md5(coalesce(variant, '')) as variant_id,
    cast(coalesce(process_event_count, 0) as integer) as process_event_count,
    first_event_at,
    last_event_at
from measured
